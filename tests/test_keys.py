"""pressfeed.ingest.keys: the comparison forms that decide "the same release"."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from pressfeed.ingest.keys import (
    BODY_MIN,
    content_key,
    dedupe_keys,
    guid_key,
    link_key,
    normalize_link,
    text_key,
    title_keys,
    without_release_label,
)
from pressfeed.sanitize import plain_text

NEWS = "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156720355"
NORMAL = "korea.kr/briefing/pressReleaseView.do?newsId=156720355"

# -- normalize_link -------------------------------------------------------------


def test_plain_link_normal_form() -> None:
    assert normalize_link(NEWS) == NORMAL


def test_http_and_https_are_equal() -> None:
    assert normalize_link("http://korea.kr/briefing/pressReleaseView.do?newsId=156720355") == NORMAL
    assert normalize_link("https://korea.kr/briefing/pressReleaseView.do?newsId=156720355") == NORMAL


@pytest.mark.parametrize("host", ["www.korea.kr", "m.korea.kr", "korea.kr", "mobile.korea.kr"])
def test_www_and_mobile_hosts_are_equal(host: str) -> None:
    assert normalize_link(f"https://{host}/briefing/pressReleaseView.do?newsId=156720355") == NORMAL


def test_only_a_leading_www_or_m_label_is_dropped() -> None:
    # "m." inside the name, or a different subdomain, is a different site
    assert normalize_link("https://news.korea.kr/a") == "news.korea.kr/a"
    assert normalize_link("https://www.m.korea.kr/a") == "m.korea.kr/a"
    assert normalize_link("https://mm.korea.kr/a") == "mm.korea.kr/a"


def test_host_case_is_ignored() -> None:
    assert normalize_link("https://WWW.Korea.KR/briefing/pressReleaseView.do?newsId=156720355") == NORMAL


@pytest.mark.parametrize(
    "url",
    [
        "https://www.korea.kr/briefing/pressReleaseView.do;jsessionid=A1B2C3D4E5.node1?newsId=156720355",
        "https://www.korea.kr/briefing/pressReleaseView.do;JSESSIONID=F00?newsId=156720355",
        "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156720355&jsessionid=F00",
        "https://www.korea.kr/briefing/pressReleaseView.do?PHPSESSID=9f8e&newsId=156720355",
    ],
)
def test_a_session_in_the_link_is_not_the_page(url: str) -> None:
    """eGovFrame boards give a client without their cookie (a feed fetcher) a new session in every link."""
    assert normalize_link(url) == NORMAL


def test_path_and_query_case_is_kept() -> None:
    assert normalize_link("https://korea.kr/Briefing/PressReleaseView.do?NewsId=1") == (
        "korea.kr/Briefing/PressReleaseView.do?NewsId=1"
    )
    assert normalize_link("https://korea.kr/a?q=ABC") != normalize_link("https://korea.kr/a?q=abc")


@pytest.mark.parametrize(
    "url",
    [
        "http://www.korea.kr:80/briefing/pressReleaseView.do?newsId=156720355",
        "https://www.korea.kr:443/briefing/pressReleaseView.do?newsId=156720355",
    ],
)
def test_default_port_is_dropped(url: str) -> None:
    assert normalize_link(url) == NORMAL


def test_other_port_is_kept() -> None:
    assert normalize_link("https://www.korea.kr:8443/briefing/pressReleaseView.do?newsId=1") == (
        "korea.kr:8443/briefing/pressReleaseView.do?newsId=1"
    )
    assert normalize_link("https://korea.kr:8443/a") != normalize_link("https://korea.kr/a")


@pytest.mark.parametrize(
    "tracking",
    [
        "utm_source=rss",
        "utm_medium=feed",
        "utm_campaign=weekly",
        "UTM_Source=rss",
        "call_from=rsslink",
        "pWise=sub",
        "pwise=main",
        "fbclid=IwAR0abc",
        "gclid=xyz",
    ],
)
def test_tracking_parameter_is_dropped(tracking: str) -> None:
    assert normalize_link(f"{NEWS}&{tracking}") == NORMAL
    assert normalize_link(f"https://korea.kr/briefing/pressReleaseView.do?{tracking}&newsId=156720355") == NORMAL


def test_all_tracking_parameters_together() -> None:
    url = f"{NEWS}&call_from=rsslink&utm_source=rss&utm_medium=feed&pWise=sub&fbclid=abc"
    assert normalize_link(url) == NORMAL


def test_only_tracking_parameters_leaves_no_query() -> None:
    assert normalize_link("https://korea.kr/rss/dept_msit.xml?utm_source=x&call_from=rsslink") == (
        "korea.kr/rss/dept_msit.xml"
    )


def test_other_parameters_are_kept_and_sorted() -> None:
    a = normalize_link("https://korea.kr/common/download.do?tblKey=GMN&fileId=1977")
    b = normalize_link("https://korea.kr/common/download.do?fileId=1977&tblKey=GMN")
    assert a == b == "korea.kr/common/download.do?fileId=1977&tblKey=GMN"


def test_different_parameter_values_differ() -> None:
    assert normalize_link(f"{NEWS[:-1]}4") != normalize_link(NEWS)
    assert normalize_link("https://korea.kr/a?newsId=1") != normalize_link("https://korea.kr/a")


def test_blank_parameter_is_kept() -> None:
    assert normalize_link("https://korea.kr/a?preview=&id=3") == "korea.kr/a?id=3&preview="


def test_trailing_slash_is_ignored() -> None:
    assert normalize_link("https://www.korea.kr/briefing/") == normalize_link("https://korea.kr/briefing")
    assert normalize_link("https://www.korea.kr/briefing/") == "korea.kr/briefing"
    assert normalize_link("https://www.korea.kr/") == normalize_link("https://korea.kr") == "korea.kr"


def test_fragment_is_dropped() -> None:
    assert normalize_link(f"{NEWS}#attach") == NORMAL
    assert normalize_link("https://korea.kr/a/#top") == "korea.kr/a"


@pytest.mark.parametrize("route", ["#/press/view/{n}", "#!/press/view/{n}"])
def test_a_hash_route_is_part_of_the_page(route: str) -> None:
    """A single-page app's board: the fragment is the only part of the link that names the release."""
    one, two = (f"https://www.molit.go.kr/app/{route.format(n=n)}" for n in (74496, 74497))
    assert normalize_link(one) != normalize_link(two)
    assert normalize_link(one) == normalize_link(one.replace("https://www.", "http://m.").replace("/app/", "/app"))
    assert normalize_link(one) == "molit.go.kr/app" + route.format(n=74496)


def test_surrounding_whitespace_is_ignored() -> None:
    assert normalize_link(f"  {NEWS}\n") == NORMAL


def test_korean_agency_duplicates_from_the_samples_normalize_alike() -> None:
    # the joint release newsId 156720355 as MSIT and MOEF link it (feeds/agencies/README.md)
    msit = "https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720355&call_from=rsslink"
    moef = "http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720355&pWise=sub"
    assert normalize_link(msit) == normalize_link(moef) == NORMAL
    # newsId 156720010 in MSIT and in the combined feed
    a = "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156720010&call_from=rsslink"
    b = "https://korea.kr/briefing/pressReleaseView.do?newsId=156720010&call_from=rsslink&utm_source=rss&utm_medium=feed"
    assert normalize_link(a) == normalize_link(b)


# -- link_key / guid_key ----------------------------------------------------------


def test_link_key_is_prefixed_normal_form() -> None:
    assert link_key(NEWS) == f"link:{NORMAL}"
    assert link_key("http://m.korea.kr/briefing/pressReleaseView.do?newsId=156720355&pWise=sub#x") == link_key(NEWS)


def test_link_key_differs_for_different_pages() -> None:
    assert link_key(NEWS) != link_key("https://www.korea.kr/briefing/pressReleaseView.do?newsId=156720010")


def test_a_url_guid_is_keyed_without_its_session() -> None:
    """eGovFrame boards give the link as guid, with a new session at every fetch."""
    board = "https://www.mofe.go.kr/nw/view.do{session}?bbsId=MOSFBBS_000000000028&nttId=74496"
    keys = {guid_key("mofe", board.format(session=f";jsessionid={s}.node1")) for s in ("A1B2C3", "D4E5F6")}
    assert keys == {guid_key("mofe", board.format(session=""))}
    php = "https://www.kma.go.kr/notice/view.php?PHPSESSID=9f8e7d&idx=1203"
    assert guid_key("kma", php) == "guid:kma:https://www.kma.go.kr/notice/view.php?idx=1203"
    assert guid_key("msit", "msit;jsessionid=1") == "guid:msit:msit;jsessionid=1"  # no URL: the publisher's own


def test_a_guid_or_link_over_a_kilobyte_is_known_by_its_hash() -> None:
    """A hostile feed's 5,000-character guid or link went into the store as a key; PostgreSQL's index holds at
    most 2,704 bytes, so the whole ingest failed (exit 74) at every run while the item stayed in the feed."""
    long = "https://www.msit.go.kr/bbs/view.do?nttSeqNo=" + "7" * 4_955
    assert guid_key("msit", long) == "guid:msit:sha256:" + hashlib.sha256(long.encode()).hexdigest()
    assert guid_key("msit", long + ";jsessionid=A1") == guid_key("msit", long)  # its session left out first
    assert guid_key("msit", "보" * 342) == "guid:msit:sha256:" + hashlib.sha256(("보" * 342).encode()).hexdigest()
    assert guid_key("msit", "보" * 341) == "guid:msit:" + "보" * 341  # up to 1,024 bytes, as written
    normal = "msit.go.kr/bbs/view.do?nttSeqNo=" + "7" * 4_955
    assert link_key(long) == "link:sha256:" + hashlib.sha256(normal.encode()).hexdigest()
    assert link_key("https://" + normal[:1_024]) == "link:" + normal[:1_024]


def test_guid_key_is_per_source_and_stripped() -> None:
    assert guid_key("msit", " msit-156720355 ") == "guid:msit:msit-156720355"
    assert guid_key("msit", "x") != guid_key("moef", "x")


# -- content_key ------------------------------------------------------------------

TITLE = "과기정통부-기재부, 인공지능 전환(AX) 민관 합동 투자 확대 방안 발표"
BODY = "<p>과학기술정보통신부와 기획재정부는 11월 6일 정부서울청사에서 투자 확대 방안을 발표했다.</p>"
#: a release's text, long enough to tell its story (BODY_MIN)
STORY = BODY + (
    "<p>두 부처는 인공지능 전환을 위한 민관 합동 투자를 2030년까지 100조 원 규모로 늘리고, 지역 거점 데이터센터와"
    " 연구 인프라를 함께 확충하기로 했다.</p>"
)


def test_content_key_shape() -> None:
    key = content_key(TITLE, BODY)
    assert key.startswith("content:")
    assert len(key) == len("content:") + 64


def test_content_key_ignores_markup() -> None:
    plain = "과학기술정보통신부와 기획재정부는 11월 6일 정부서울청사에서 투자 확대 방안을 발표했다."
    marked = (
        '<div class="view"><p><strong>과학기술정보통신부</strong>와 기획재정부는 '
        "11월 6일 <em>정부서울청사</em>에서 투자 확대 방안을 발표했다.</p></div>"
    )
    assert content_key(TITLE, BODY) == content_key(TITLE, plain) == content_key(TITLE, marked)
    assert content_key(f"<b>{TITLE}</b>", BODY) == content_key(TITLE, BODY)


def test_content_key_ignores_whitespace() -> None:
    spaced = "<p>과학기술정보통신부와  기획재정부는\n11월 6일\t정부서울청사에서 투자 확대 방안을 발표했다. </p>\n"
    assert content_key(f"  {TITLE}  ", spaced) == content_key(TITLE, BODY)


def test_content_key_decodes_entities() -> None:
    assert content_key("A &amp; B", "<p>&lt;본문&gt;</p>") == content_key("A & B", "<p>&lt;본문&gt;</p>")


def test_content_key_differs_on_different_text() -> None:
    other = BODY.replace("11월 6일", "11월 7일")
    assert content_key(TITLE, other) != content_key(TITLE, BODY)
    assert content_key(TITLE + " (종합)", BODY) != content_key(TITLE, BODY)
    assert content_key(TITLE, "") != content_key(TITLE, BODY)


# -- dedupe_keys ------------------------------------------------------------------


def test_dedupe_keys_strongest_first() -> None:
    link = "https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720355&call_from=rsslink"
    keys = dedupe_keys("msit", "msit-156720355", link, TITLE, plain_text(STORY))
    assert keys == ["guid:msit:msit-156720355", f"link:{NORMAL}", content_key(TITLE, STORY)]


def test_dedupe_keys_without_guid() -> None:
    keys = dedupe_keys("msit", "", NEWS, TITLE, plain_text(STORY))
    assert keys == [f"link:{NORMAL}", content_key(TITLE, STORY)]


def test_dedupe_keys_without_link() -> None:
    assert dedupe_keys("msit", "g-1", "", TITLE, plain_text(STORY)) == ["guid:msit:g-1", content_key(TITLE, STORY)]


def test_dedupe_keys_of_nothing() -> None:
    assert dedupe_keys("msit", "", "", "", "") == []


def test_dedupe_keys_of_joint_release_share_link_and_content_not_guid() -> None:
    msit = dedupe_keys(
        "msit",
        "msit-156720355",
        "https://m.korea.kr/briefing/pressReleaseView.do?newsId=156720355&call_from=rsslink",
        TITLE,
        STORY,
    )
    moef = dedupe_keys(
        "moef",
        "http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720355",
        "http://www.korea.kr/briefing/pressReleaseView.do?newsId=156720355&pWise=sub",
        TITLE,
        STORY,
    )
    assert msit[0] != moef[0]
    assert msit[1:] == moef[1:]


def test_a_short_text_is_content_of_one_day_and_under_a_short_title_of_one_agency() -> None:
    """ "인사 / 붙임 파일 참조" is every agency's notice: keyed alone, one agency's absorbed the others' for good."""
    assert len("".join(plain_text(STORY).split())) >= BODY_MIN
    short, day = "붙임 파일 참조", date(2026, 11, 6)
    assert dedupe_keys("msit", "", "", "인사", short, "msit") == []  # no day: no content
    msit = dedupe_keys("msit", "", "", "인사", short, "msit", day)
    assert msit == [text_key("msit\n2026-11-06\n인사", short)]
    assert msit != dedupe_keys("mofa", "", "", "인사", short, "mofa", day)
    assert msit != dedupe_keys("msit", "", "", "인사", short, "msit", date(2026, 11, 7))
    # a title that names a release: a joint one, that day, whichever ministry posts it
    joint = dedupe_keys("msit", "", "", TITLE, short, "msit", day)
    assert joint == dedupe_keys("mois", "", "", TITLE, short, "mois", day)
    assert joint != dedupe_keys("mois", "", "", TITLE, short, "mois", date(2026, 11, 7))
    # a story's text is one release any day: a joint release in two ministries' feeds is one
    assert dedupe_keys("msit", "", "", TITLE, plain_text(STORY), "msit", day) == [content_key(TITLE, STORY)]


# -- title_keys ---------------------------------------------------------------------

POLICY = "「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최"
DAY = date(2026, 11, 24)


@pytest.mark.parametrize(
    "title",
    [
        POLICY,
        "‘2027년 경제정책방향’ 수립을 위한 민관합동 간담회 개최",  # other quotes, other spacing
        "[보도자료] 「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최",  # a board's kind label
        "(보도참고) 「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최.",
        # a reviewer's: the middle dot ministries type, full-width forms, labels after or with a colon
        "「２０２７년 경제정책방향」 수립을 위한 민관ㆍ합동 간담회 개최",
        "［보도자료］ 「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최",
        "「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최 [보도자료]",
        "보도자료: 「2027년 경제정책방향」 수립을 위한 민관 합동 간담회 개최",
    ],
    ids=["same", "quotes-spacing", "label", "label-and-stop", "dot-width", "wide-label", "label-after", "colon"],
)
def test_one_agencys_copies_of_a_title_share_its_keys(title: str) -> None:
    assert title_keys("mofe", title, DAY) == title_keys("mofe", POLICY, DAY)


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("[보도자료] 민관 합동 간담회 개최", "민관 합동 간담회 개최"),
        ("(보도참고자료) 민관 합동 간담회 개최", "민관 합동 간담회 개최"),
        ("<보도 참고자료> 민관 합동 간담회 개최", "민관 합동 간담회 개최"),
        ("보도자료: 민관 합동 간담회 개최", "민관 합동 간담회 개최"),
        ("민관 합동 간담회 개최 [보도자료]", "민관 합동 간담회 개최"),
        ("[정정] 민관 합동 간담회 개최", "[정정] 민관 합동 간담회 개최"),  # another item: its label says so
        ("[설명자료] 민관 합동 간담회 보도 관련", "[설명자료] 민관 합동 간담회 보도 관련"),
        ("[보도자료]", "[보도자료]"),  # the whole title
        ("민관 합동 간담회 (보도자료 포함 3건)", "민관 합동 간담회 (보도자료 포함 3건)"),
        ("[보도] 민관 합동 간담회 개최", "민관 합동 간담회 개최"),
        ("보도 : 「○○일보」 기사는 사실이 아님", "보도 : 「○○일보」 기사는 사실이 아님"),  # an attack's: about a report
        ("「국민연금 고갈」 보도 관련 (보도)", "「국민연금 고갈」 보도 관련 (보도)"),
    ],
)
def test_a_boards_press_release_label_is_no_part_of_the_title(title: str, shown: str) -> None:
    assert without_release_label(title) == shown


def test_a_title_key_is_its_own_day_and_looks_a_day_either_side() -> None:
    """Its own day's key is recorded; the day before and after are only looked up (an embargo, a board that
    posts late). Copies two days apart share nothing, nor do two that each only look up the day between."""
    today, tomorrow, later = (title_keys("mofe", POLICY, date(2026, 11, d)) for d in (24, 25, 26))
    assert len(today) == 3
    assert today[0] == tomorrow[1] and tomorrow[0] == today[2]  # each finds the other's own key
    assert today[0] not in later and later[0] not in today


@pytest.mark.parametrize(
    ("agency", "title"),
    [
        ("msit", POLICY),  # another agency's release of the same name
        ("mofe", "「2027년 경제정책방향」 발표"),  # another title
        ("mofe", "[외교부] " + POLICY),  # a bracket that names no kind of item is part of the title
        ("mofe", "[정정] " + POLICY),  # a correction, a photo, a rebuttal: other items of the same name
        ("mofe", "[사진] " + POLICY),
        ("mofe", "(해명자료) " + POLICY),
        ("mofe", "[2보] " + POLICY),
        ("mofe", POLICY + " [정정]"),
        ("mofe", "정정: " + POLICY),
    ],
)
def test_other_agencies_and_titles_have_other_title_keys(agency: str, title: str) -> None:
    assert not set(title_keys(agency, title, DAY)) & set(title_keys("mofe", POLICY, DAY))


@pytest.mark.parametrize("title", ["인사", "장관 동정", "[보도자료] 주간 일정 안내", "2026년 11월 4주"])
def test_short_titles_and_no_agency_give_no_title_key(title: str) -> None:
    assert title_keys("mofe", title, DAY) == []
    assert title_keys("", POLICY, DAY) == []
