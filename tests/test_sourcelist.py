"""`sources import`: the ids, names and home pages it gives ministries' board feeds."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from pressfeed.config import SLUG, load_config
from pressfeed.errors import UsageError
from pressfeed.sourcelist import _id_for, export_sources, import_sources
from w3c import problems

# A reader's export of ministries' own boards, as a Korean desktop reader writes it: EUC-KR,
# OPML 1.0, the text attribute holding the ministry and the title the board's name.
MINISTRY_BOARDS_OPML = """\
<?xml version="1.0" encoding="EUC-KR"?>
<opml version="1.0">
  <head><title>부처 보도자료 게시판</title><dateCreated>Mon, 10 Nov 2025 09:00:00 +0900</dateCreated></head>
  <body>
    <outline text="정부부처" title="정부부처">
      <outline text="외교부" title="외교부 보도자료" type="rss"
               xmlUrl="https://www.mofa.go.kr/www/brd/rss.do?brdId=235"
               htmlUrl="https://www.mofa.go.kr/www/brd/m_4080/list.do"/>
      <outline text="국토교통부" title="국토교통부 보도자료" type="rss"
               xmlUrl="https://www.molit.go.kr/USR/BORD0201/m_69/rss.jsp?lcmspage=1&amp;id=95"
               htmlUrl="/USR/NEWS/m_71/lst.jsp"/>
      <outline text="과학기술정보통신부" title="과기정통부 보도자료" type="rss"
               xmlUrl="https://www.msit.go.kr/bbs/rss.do?sCode=user&amp;mId=307"
               htmlUrl="https://www.msit.go.kr/bbs/list.do?sCode=user&amp;mId=307&amp;mPid=208"/>
      <outline text="과학기술정보통신부" title="과기정통부 공지사항" type="rss"
               xmlUrl="https://www.msit.go.kr/user/rss/rss.do?bbsSeqNo=94"/>
      <outline text="교육부" title="교육부 보도자료" type="rss"
               xmlUrl="https://www.moe.go.kr/boardCnts/rssBoard.do?bbsId=BBSMSTR_000000000031"
               htmlUrl="javascript:goMenu('020402')"/>
      <outline text="국토교통부" title="국토교통부 뉴스" type="rss"
               xmlUrl="http://www.molit.go.kr/dev/board/board_rss.jsp?rss_id=NEWS"
               htmlUrl="http://www.molit.go.kr/dev/board/board_rss.jsp?rss_id=NEWS"/>
      <outline text="한국은행" title="한국은행 보도자료" type="rss"
               xmlUrl="https://www.bok.or.kr/portal/bbs/B0000552/news.rss?menuNo=200690"
               htmlUrl="https://www.bok.or.kr/portal/bbs/B0000552/list.do?menuNo=200690&amp;검색=보도"/>
    </outline>
  </body>
</opml>
"""


def _import(site: Path, opml: str, encoding: str = "euc-kr", section: str | None = "politics") -> list[dict]:
    result = import_sources(load_config(site), opml.encode(encoding), "boards.opml", section)
    return list(result.added)


def _written(site: Path) -> list[dict]:
    return yaml.safe_load((site / "feeds" / "sources.yaml").read_text(encoding="utf-8"))


def test_ministry_boards_get_ids_naming_the_agency_and_the_board(site: Path) -> None:
    added = _import(site, MINISTRY_BOARDS_OPML)
    assert [(e["id"], e["name"]) for e in added] == [
        ("mofa-235", "외교부"),  # brdId
        ("molit-m-69", "국토교통부"),  # no board key: the path's m_69, not rss.jsp
        ("msit-307", "과학기술정보통신부"),  # mId; sCode=user names no board
        ("msit-94", "과학기술정보통신부"),  # bbsSeqNo
        ("moe-31", "교육부"),  # eGovFrame's BBSMSTR_000000000031
        ("molit-news", "국토교통부"),  # rss_id
        ("bok-news", "한국은행"),  # menuNo is a menu, not a board: the path's news.rss
    ]
    assert [s.id for s in load_config(site).sources] == [e["id"] for e in added]


def test_an_outlines_html_url_is_the_sources_home_when_it_is_a_page(site: Path) -> None:
    _import(site, MINISTRY_BOARDS_OPML)
    homes = {e["id"]: e.get("home") for e in _written(site)}
    assert homes == {
        "mofa-235": "https://www.mofa.go.kr/www/brd/m_4080/list.do",
        "molit-m-69": None,  # relative: no page of its own
        "msit-307": "https://www.msit.go.kr/bbs/list.do?sCode=user&mId=307&mPid=208",
        "msit-94": None,  # no htmlUrl
        "moe-31": None,  # javascript:
        "molit-news": None,  # the feed URL again
        "bok-news": "https://www.bok.or.kr/portal/bbs/B0000552/list.do?menuNo=200690&검색=보도",
    }
    config_homes = {s.id: s.home for s in load_config(site).sources}
    assert config_homes["mofa-235"] == "https://www.mofa.go.kr/www/brd/m_4080/list.do"
    assert config_homes["bok-news"] == (
        "https://www.bok.or.kr/portal/bbs/B0000552/list.do?menuNo=200690&%EA%B2%80%EC%83%89=%EB%B3%B4%EB%8F%84"
    )
    assert config_homes["moe-31"] == ""


def test_utf8_and_euc_kr_lists_give_the_same_sources(site: Path, tmp_path: Path) -> None:
    """listparser reads with an HTML parser that ignores the XML declaration: EUC-KR names were mojibake."""
    other = tmp_path / "other"
    (other / "feeds").mkdir(parents=True)
    (other / "feeds" / "pressfeed.yaml").write_bytes((site / "feeds" / "pressfeed.yaml").read_bytes())
    from_euc_kr = _import(site, MINISTRY_BOARDS_OPML)
    from_utf8 = _import(other, MINISTRY_BOARDS_OPML.replace('"EUC-KR"', '"UTF-8"'), encoding="utf-8")
    assert from_euc_kr == from_utf8
    assert {e["name"] for e in from_euc_kr} == {"외교부", "국토교통부", "과학기술정보통신부", "교육부", "한국은행"}


BOARDS_AGAIN_OPML = """\
<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>부처</title></head>
  <body>
    <outline type="rss" text="과학기술정보통신부" xmlUrl="https://www.msit.go.kr/bbs/rss.do?sCode=user&amp;mId=311"/>
    <outline type="rss" text="외교부" xmlUrl="https://www.mofa.go.kr/www/brd/rss.do"/>
    <outline type="rss" text="외교부 영문" xmlUrl="https://www.mofa.go.kr/eng/rss.xml"/>
    <outline type="rss" text="외교부 (구)" xmlUrl="https://www.mofa.go.kr/rss/index.xml"/>
  </body>
</opml>
"""


def test_ids_stay_unique_and_configured_ids_are_never_changed(site: Path) -> None:
    hand_written = [{"id": "msit-311", "name": "과기정통부 (옛 주소)", "url": "https://www.msit.go.kr/old/rss.xml"}]
    hand_written[0]["section"] = "it-science"
    sources_file = site / "feeds" / "sources.yaml"
    sources_file.write_text(yaml.safe_dump(hand_written, allow_unicode=True), encoding="utf-8")

    added = _import(site, BOARDS_AGAIN_OPML, encoding="utf-8")
    # /www/brd/rss.do and /rss/index.xml name no board; /eng/ does
    assert [e["id"] for e in added] == ["msit-311-2", "mofa", "mofa-eng", "mofa-2"]
    assert _written(site)[0] == hand_written[0]
    assert [s.id for s in load_config(site).sources] == ["msit-311", "msit-311-2", "mofa", "mofa-eng", "mofa-2"]


def test_the_closed_policy_briefing_feeds_keep_their_ids(site: Path) -> None:
    """Sites configured from korea.kr's dept_*.xml feeds have articles under these ids."""
    opml = MINISTRY_BOARDS_OPML.replace(
        "https://www.mofa.go.kr/www/brd/rss.do?brdId=235", "https://www.korea.kr/rss/dept_mofa.xml"
    ).replace(
        "https://www.moe.go.kr/boardCnts/rssBoard.do?bbsId=BBSMSTR_000000000031", "http://korea.kr/rss/dept_moe.xml"
    )
    ids = [e["id"] for e in _import(site, opml)]
    assert ids[0] == "mofa"
    assert ids[4] == "moe"


def test_the_press_release_api_that_sources_export_lists_is_not_taken_for_a_feed(site: Path) -> None:
    opml = BOARDS_AGAIN_OPML.replace(
        "https://www.mofa.go.kr/eng/rss.xml", "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList"
    )
    result = import_sources(load_config(site), opml.encode("utf-8"), "boards.opml", "politics")
    assert "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList" not in [
        e["url"] for e in result.added
    ]
    assert result.skipped == (
        "https://apis.data.go.kr/1371000/pressReleaseService/pressReleaseList: a data.go.kr API, not a feed "
        "(add it by hand as kind: briefing-api)",
    )


def test_names_with_ampersands_and_brackets_go_out_as_opml_html_and_come_back(site: Path, tmp_path: Path) -> None:
    """OPML's titles may hold HTML (its spec), and the W3C validator reads them so: a source named
    "국가R&D <사업>" made `sources export` "Invalid HTML". It is written as HTML, and read back as text."""
    _import(site, BOARDS_AGAIN_OPML.replace('text="외교부"', 'text="국가R&amp;D &lt;사업&gt;"', 1), encoding="utf-8")
    config = load_config(site)
    assert "국가R&D <사업>" in {source.name for source in config.sources}

    exported = export_sources(config)

    assert problems(exported, "https://www.example-portal.kr/sources.opml") == []
    assert b'text="\xea\xb5\xad\xea\xb0\x80R&amp;amp;D &amp;lt;\xec\x82\xac\xec\x97\x85&amp;gt;"' in exported
    other = tmp_path / "other"
    shutil.copytree(site, other)
    (other / "feeds" / "sources.yaml").unlink()
    again = import_sources(load_config(other), exported, "sources.opml", "politics").added
    assert {entry["name"] for entry in again} == {source.name for source in config.sources}


@pytest.mark.parametrize(
    ("host", "named"),
    [
        ("169.254.169.254", "169.254.169.254 is a link-local (cloud metadata) address"),
        ("127.0.0.1:6379", "127.0.0.1 is a loopback address"),
        ("127.1", "127.1 (127.0.0.1) is a loopback address"),
        ("2130706433", "2130706433 (127.0.0.1) is a loopback address"),
        ("0x0a000001", "0x0a000001 (10.0.0.1) is a private address"),
        ("[::1]", "::1 is a loopback address"),
        ("[::ffff:192.168.0.10]", "::ffff:192.168.0.10* is a private address"),  # *: as Python writes it
        ("localhost:8080", "localhost (127.0.0.1) is a loopback address"),
        ("intranet.localhost", "intranet.localhost (127.0.0.1) is a loopback address"),
        ("ip6-localhost", "ip6-localhost (127.0.0.1) is a loopback address"),  # Debian's hosts file
        ("127。0。0。1:18080", "127。0。0。1 (127.0.0.1) is a loopback address"),  # IDNA maps the dots
        ("１２７．０．０．１", "１２７．０．０．１ (127.0.0.1) is a loopback address"),  # and the digits
        ("0x7f｡1", "0x7f｡1 (127.0.0.1) is a loopback address"),
        ("ｌｏｃａｌｈｏｓｔ。", "ｌｏｃａｌｈｏｓｔ。 (127.0.0.1) is a loopback address"),
    ],
)
def test_a_list_from_elsewhere_may_not_point_into_this_machine_or_its_network(
    site: Path, host: str, named: str
) -> None:
    """A configured source's host is trusted even when private (an intranet board): an OPML file from a third
    party must not make it one, or every run would fetch whatever it names inside the network."""
    opml = BOARDS_AGAIN_OPML.replace("https://www.mofa.go.kr/eng/rss.xml", f"http://{host}/latest/meta-data/")
    with pytest.raises(UsageError) as caught:
        import_sources(load_config(site), opml.encode("utf-8"), "boards.opml", "politics")
    pattern = re.escape(named + ": a list from elsewhere may not point pressfeed into").replace(r"\*", r"( \(.*\))?")
    assert re.search(pattern, str(caught.value)), str(caught.value)
    assert "boards.opml:" in str(caught.value) and "fetch.allow_private" in str(caught.value)
    assert not (site / "feeds" / "sources.yaml").exists()  # nothing added


def test_a_network_the_operator_allows_and_public_addresses_are_imported(site: Path) -> None:
    config_file = site / "feeds" / "pressfeed.yaml"
    config_file.write_text(
        config_file.read_text(encoding="utf-8") + "\nfetch:\n  allow_private: [10.20.0.0/16]\n", encoding="utf-8"
    )
    opml = BOARDS_AGAIN_OPML.replace("https://www.mofa.go.kr/eng/rss.xml", "http://10.20.1.5/rss.xml").replace(
        "https://www.mofa.go.kr/rss/index.xml", "http://211.110.1.5/rss.xml"
    )
    added = _import(site, opml, encoding="utf-8")
    assert {"http://10.20.1.5/rss.xml", "http://211.110.1.5/rss.xml"} <= {e["url"] for e in added}


@pytest.mark.parametrize(
    ("url", "title", "expected"),
    [
        ("https://www.mofa.go.kr/www/brd/rss.do?brdId=235", "외교부", "mofa-235"),
        ("https://www.me.go.kr/home/web/board/rss.do?boardMasterId=1&board_id=1583", "환경부", "me-1583"),
        (
            "https://www.mois.go.kr/gpms/view/jsp/rss/rss.jsp?ctxCd=1012",
            "행정안전부",
            "mois-gpms",
        ),  # jsp, view: folders
        ("https://www.mois.go.kr/rss/rss.do?BBS_ID=BBSMSTR_000000000008", "행정안전부", "mois-8"),
        ("https://www.fsc.go.kr/about/fsc_bbs_rss/?fid=0111", "금융위원회", "fsc-about"),
        ("https://www.korea.kr/rss/dept_msit.xml", "과학기술정보통신부", "msit"),
        ("https://www.me.go.kr/피드/보도자료.xml", "환경부", "me"),
        ("http://127.0.0.1:8080/rss.xml", "MOIS press", "mois-press"),
        ("http://127.0.0.1:8080/rss.xml", "행정안전부", "source"),
        ("http://127.0.0.1:8080/bbs/rss.do?bbsId=12", "행정안전부", "source-12"),
        ("https://xn--3e0b707e.kr/rss", "한국", "source"),
    ],
)
def test_id_for_board_urls(url: str, title: str, expected: str) -> None:
    assert _id_for(url, title) == expected


_label = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-가나", min_size=1, max_size=12)


@settings(max_examples=150, deadline=None)
@given(
    host=st.lists(_label, min_size=1, max_size=4).map(".".join),
    path=st.text(max_size=40),
    query=st.dictionaries(st.sampled_from(["bbsId", "brdId", "mId", "code", "x"]), st.text(max_size=12), max_size=3),
    title=st.text(max_size=20),
)
def test_any_id_is_one_the_config_takes(host: str, path: str, query: dict[str, str], title: str) -> None:
    url = f"https://{host}/{path}?" + "&".join(f"{k}={v}" for k, v in query.items())
    assert SLUG.match(_id_for(url, title))


REGISTRY = """
agencies:
  외교부: {id: mofa, home: "https://www.mofa.go.kr/", republish: link, license: "KOGL-3"}
  과학기술정보통신부: {id: msit, home: "https://www.msit.go.kr/", aliases: [과기정통부]}
  행정안전부: {id: mois, home: "https://www.korea.kr/"}
  기획재정부: {id: moef, home: "https://www.korea.kr/"}
"""


def test_a_listed_feed_is_named_after_the_registrys_agency(site: Path) -> None:
    """A reviewer's: "외교부 보도자료" became the source's name, so its releases were credited to it and the
    registry's terms for 외교부 (link only) were never found: they went out in full."""
    config_file = site / "feeds" / "pressfeed.yaml"
    config_file.write_text(config_file.read_text(encoding="utf-8") + REGISTRY, encoding="utf-8")
    outline = '<outline type="rss" text="{}" xmlUrl="{}"/>'
    listed = [
        ("외교부 보도자료", "https://www.mofa.go.kr/www/brd/rss.do?brdId=235"),  # the name, then what the list is
        ("과기정통부 - 보도자료 RSS", "https://www.msit.go.kr/bbs/rss.do?mId=307"),  # a former name
        ("MOFA Press Releases", "https://www.mofa.go.kr/eng/brd/rss.do?brdId=1"),  # the one agency on its domain
        ("정책브리핑 부처 소식", "https://www.korea.kr/rss/dept_mois.xml"),  # a domain of two: as listed
        ("한국은행 보도자료", "https://www.bok.or.kr/portal/bbs/news.rss"),  # not in the registry: as listed
    ]
    opml = f'<opml version="2.0"><body>{"".join(outline.format(t, u) for t, u in listed)}</body></opml>'
    added = _import(site, opml, encoding="utf-8")
    assert [e["name"] for e in added] == [
        "외교부",
        "과학기술정보통신부",
        "외교부",
        "정책브리핑 부처 소식",
        "한국은행 보도자료",
    ]
    config = load_config(site)
    assert config.agencies.find(config.sources[0].name) is not None


def test_a_list_too_large_for_the_sources_file_says_so(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An attack's: a dry run of a 1.8 MB list failed on the size of a sources file that did not exist, as if
    the operator's file were broken (the limit is cut here: the real one takes 15,000 feeds to reach)."""
    from pressfeed import config, yamlfile

    monkeypatch.setattr(config, "load_one", lambda text: yamlfile.load_one(text, max_chars=2_000))
    outline = '<outline type="rss" text="기관 {0}" xmlUrl="https://www.agency{0}.go.kr/rss.do?brdId={0}"/>'
    opml = f'<opml version="2.0"><body>{"".join(outline.format(n) for n in range(40))}</body></opml>'
    with pytest.raises(UsageError) as info:
        _import(site, opml, encoding="utf-8")
    assert str(info.value).startswith("boards.opml: nothing added: with 40 feeds more, ")
    assert str(info.value).endswith("; import the list in parts")
    assert not (site / "feeds" / "sources.yaml").exists()
