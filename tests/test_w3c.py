"""Every feed we publish, as the W3C feed validator sees it: no errors and no warnings.

The validator is the online one's own code (tests/w3c.py). The sites are the
golden site's committed output, the bundled sample site (`feeds/`) after a
run, and the tests' portal site after a run.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner

from conftest import copy_sample_site, run_site
from pressfeed.cli import cli
from w3c import problems, site_problems, validated

BASE = "https://www.example-portal.kr/feeds/"  # site.feed_url of all three sites
ROOT = Path(__file__).resolve().parents[1]


def test_the_validator_reports_what_it_finds() -> None:
    """The harness itself can fail: a feed the online validator faults is faulted here, line by line."""
    bad = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><link>http://x.kr/</link><item><pubDate>yesterday</pubDate></item></channel></rss>\n'

    said = problems(bad, BASE + "rss.xml")

    assert any("pubDate must be an RFC-822 date-time" in line for line in said)
    assert any("Missing channel element: title" in line for line in said)
    assert any('Missing atom:link with rel="self"' in line for line in said)  # a warning, not an error


def test_a_self_link_elsewhere_is_a_warning_it_shows() -> None:
    """Warnings count too: a feed served at a URL its self link does not name."""
    feed = (ROOT / "tests/golden/expected/public/rss.xml").read_bytes()

    assert problems(feed, BASE + "rss.xml") == []
    assert any("Self reference doesn't match document location" in line for line in problems(feed, BASE + "x.xml"))


def test_the_golden_output_is_clean() -> None:
    public = ROOT / "tests/golden/expected/public"

    assert len(validated(public)) >= 7
    assert site_problems(public, BASE) == {}


def test_the_bundled_sample_is_clean(tmp_path: Path) -> None:
    site = tmp_path / "site"
    shutil.copytree(ROOT / "feeds", site / "feeds", ignore=shutil.ignore_patterns("__pycache__"))
    result = CliRunner().invoke(
        cli, ["--site", str(site), "--now", "2026-11-27T09:00:00+09:00", "run"], env={"DATA_GO_KR_SERVICE_KEY": ""}
    )
    assert result.exit_code == 0, result.output

    assert len(validated(site / "public")) >= 11
    assert site_problems(site / "public", BASE) == {}


def test_the_portal_fixture_site_is_clean(tmp_path: Path) -> None:
    site = copy_sample_site(tmp_path)
    run_site(site).close()

    assert len(validated(site / "public")) >= 5
    assert site_problems(site / "public", BASE) == {}


#: CMS records and a board feed item of the kinds a generated fuzz of hostile input found the validator faulting
#: (2026-11-28), one each: what each drew is said beside it
HOSTILE_RECORDS = [
    {  # "[붙임]" and "100%" in file URLs: 'Invalid character in a URI', 'url must be a full URL'
        "title": "괄호와 퍼센트가 든 파일 이름",
        "images": [{"url": "/files/[사진] 현장.jpg", "caption": "현장"}],
        "attachments": [{"url": "/files/100%.hwp", "title": "붙임 1.hwp"}],
    },
    {  # a noncharacter: 'Invalid HTML: Invalid codepoint in stream'
        "title": "비문자\ufdd0 제목",
        "body_html": "<p>본문\U0010ffff 끝 &#xFDEF;</p>",
    },
    {  # two authors with addresses: 'name should not include email address'
        "title": "기자 두 명",
        "byline": "홍길동 <hong@example-portal.kr>, 김철수 <kim@example-portal.kr>",
    },
    {"title": "한글 도메인 주소", "byline": "홍길동 기자 <hong@예제.kr>"},  # 'email must be an email address'
    {"title": "꺾쇠 태그", "tags": ["<AI 기본법>", "R&D"]},  # RSS category: 'Encode "&" and "<" in plain text …'
    {  # a derived summary quoting an end tag: 'summary should not contain HTML unless declared in the type …'
        "title": "태그를 인용한 기사",
        "body_html": "<p>HTML 문서에 &lt;br&gt; 대신 &lt;/p&gt;를 쓴다</p>",
    },
    {  # an agency home without a path as atom:source id: 'not in canonical form'; a fragment with no path
        "title": "경로 없는 기관 주소",
        "source": {
            "name": "과학기술정보통신부",
            "home": "https://www.msit.go.kr",
            "url": "https://www.msit.go.kr?a=1#b",
        },
    },
    {"title": "대문자 주소", "id": None, "link": "HTTPS://WWW.EXAMPLE-PORTAL.KR/NEWS/9"},  # atom:id: 'canonical form'
    {  # a link as id with a default port and needless escapes: atom:id 'not in canonical form'
        "title": "기본 포트 주소",
        "id": None,
        "link": "https://www.example-portal.kr:443/%ea%b8%b0%ec%82%ac/view.html?idxno=%7e10",
    },
    {  # hosts no validator (nor DNS) takes, in links: 'url must be a full URL'
        "title": "이상한 호스트",
        "body_html": '<p><a href="https://ex_ample.kr/a">밑줄</a> <a href="https://a..kr/b">빈 이름</a></p>',
        "images": [{"url": "https://www.msit.go.kr./a.jpg"}],
    },
]


def test_hostile_records_and_a_board_item_dated_1970_give_clean_feeds(tmp_path: Path) -> None:
    import json

    import yaml

    from conftest import CONFIG_TEXT, MSIT_BOARD, write_file

    site = tmp_path / "site"
    extra = {"imports": ["feeds/articles/*.jsonl"], "sources": [MSIT_BOARD]}
    write_file(site, "feeds/pressfeed.yaml", CONFIG_TEXT + "\n" + yaml.safe_dump(extra, allow_unicode=True))
    records = []
    for number, fields in enumerate(HOSTILE_RECORDS, 1):
        record = {"id": f"w3c-{number}", "section": "사회", "published": "2025-11-08 09:00:00"}
        record |= {"link": f"/news/articleView.html?idxno={number}", "body_html": f"<p>본문 {number}</p>"}
        records.append({key: value for key, value in (record | fields).items() if value is not None})
    write_file(site, "feeds/articles/hostile.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    board = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>과기정통부</title>
<link>https://www.msit.go.kr/</link><description>보도자료</description>
<item><title>날짜를 잃은 보도자료</title><link>https://www.msit.go.kr/bbs/view.do?nttSeqNo=1</link>
<pubDate>Thu, 01 Jan 1970 00:00:00 +0000</pubDate><description>본문</description></item></channel></rss>"""
    write_file(site, "feeds/agencies/msit.xml", board)  # 1970: 'Implausible date'
    run_site(site).close()

    assert len(validated(site / "public")) == 11  # RSS and Atom of the site and its four sections, the OPML
    assert site_problems(site / "public", BASE) == {}
