"""A table of bad input: feed entries and CMS records that once broke a run (issue 11).

Bad text is cleaned per field; a truly broken entry is skipped with a warning
and the rest of its feed still goes in; a bad record is reported with the field
and a message a user can act on. Feeds are local files here (the network has
its own tests in test_hostile_http.py); the clock is conftest's fixed NOW.
"""

from __future__ import annotations

import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock
from zoneinfo import ZoneInfo

import lxml.html
import nh3
import pytest

from conftest import CONFIG_TEXT, write_file
from pressfeed.clock import Clock
from pressfeed.config import load_config
from pressfeed.core import Pressfeed
from pressfeed.credits import split_credit
from pressfeed.dates import parse_datetime
from pressfeed.embargo import split_embargo_notice
from pressfeed.errors import FeedRefusedError
from pressfeed.ingest.bounds import MAX_MARKUP, cpu_budget
from pressfeed.ingest.parse import parse_feed, to_utf8
from pressfeed.model import Article
from pressfeed.normalize import NormalizeContext, RecordProblems
from pressfeed.results import SourceReport
from pressfeed.sanitize import (
    ALLOWED_TAGS,
    HTML_ELEMENTS,
    MAX_ATTRIBUTES,
    MAX_HTML_LENGTH,
    MAX_NESTING,
    SANITIZED_ATTRIBUTES,
    bound_attributes,
    bound_nesting,
    plain_text,
    sanitize_html,
)


def article_from_record(record: Any, ctx: NormalizeContext) -> Article:
    """A CMS record through the one normalization path (imports.raw_article, then normalize)."""
    from pressfeed.imports import raw_article
    from pressfeed.normalize import normalize

    return normalize(raw_article(record), ctx).article


PRESS = "https://www.korea.kr/briefing/pressReleaseView.do?newsId="


def item(n: int, title: str = "", pub: str = "2025-11-07 09:00:00", body: str = "") -> str:
    return (
        f"<item><title>{title or f'과기정통부, 인공지능 기본계획 발표 {n}'}</title>"
        f'<link>{PRESS}{n}&amp;call_from=rsslink</link><guid isPermaLink="false">msit-{n}</guid>'
        f"<pubDate>{pub}</pubDate><description>{body or f'정부는 {n}번째 계획을 발표했다.'}</description></item>"
    )


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>과학기술정보통신부</title>'
        "<link>https://www.korea.kr/</link><description>보도자료</description>" + "".join(items) + "</channel></rss>"
    ).encode()


@pytest.fixture
def ingest(site: Path, clock: Clock) -> Iterator[object]:
    """ingest(feed bytes) → (report, Pressfeed): one local-file source, fetched through the pipeline."""
    opened: list[Pressfeed] = []

    def run(feed: bytes) -> tuple[SourceReport, Pressfeed]:
        write_file(site, "feeds/agencies/msit.xml", "")
        (site / "feeds" / "agencies" / "msit.xml").write_bytes(feed)
        write_file(
            site,
            "feeds/pressfeed.yaml",
            CONFIG_TEXT
            + "sources:\n  - {id: msit, name: 과학기술정보통신부, url: feeds/agencies/msit.xml,"
            + " section: it-science, max_age_days: 0}\n",
        )
        pf = Pressfeed(load_config(site), clock=clock)
        opened.append(pf)
        (report,) = pf.ingest().reports
        return report, pf

    yield run
    for pf in opened:
        pf.close()


def titles(pf: Pressfeed) -> set[str]:
    return {stored.article.title for stored in pf.articles()}


# -- one bad character must not drop a feed (item 5) ------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        "&#xD800;",  # a lone surrogate: feedparser's fallback parser raised on the whole feed
        "&#xDFFF;",
        "&#55296;",  # the same in decimal
        "&#0;",
        "&#x1;",
        "&#xFFFE;",
        "&#x110000;",  # past Unicode
        "&#99999999999999999999;",
        "&#x0000000000000000D800;",
    ],
)
def test_a_bad_character_reference_costs_only_itself(ingest, bad: str) -> None:
    report, pf = ingest(rss(item(1), item(2, f"나쁜 {bad} 제목", body=f"본문 {bad} 끝"), item(3)))

    assert report.error is None and report.outcome == "ok"
    assert len(report.new) == 3
    assert "나쁜 제목" in titles(pf)


def test_an_items_user_name_and_password_are_dropped_with_a_warning(ingest) -> None:
    """A board's link with credentials (http://user:pass@host/) would go to every subscriber."""
    hostile = item(2).replace(PRESS, PRESS.replace("https://", "https://board:s3cret@"))
    hostile = hostile.replace(
        "</description>", '&lt;a href="http://a:s3cret@www.korea.kr/f.hwp"&gt;붙임&lt;/a&gt;</description>'
    )
    report, pf = ingest(rss(item(1), hostile))

    assert report.error is None and len(report.new) == 2
    assert "'과기정통부, 인공지능 기본계획 발표 2': its link's user name and password dropped" in report.warnings
    (stored,) = [s.article for s in pf.articles() if s.article.title.endswith("2")]
    assert stored.link == f"{PRESS}2&call_from=rsslink"
    assert 'href="http://www.korea.kr/f.hwp"' in stored.body_html
    assert "s3cret" not in repr(stored)


@pytest.mark.parametrize("where", ["guid", "link"])
def test_a_guid_or_link_of_thousands_of_characters_is_stored_on_any_store(
    site: Path, clock: Clock, store_url: str, where: str
) -> None:
    """Its dedupe key once held it whole: more than PostgreSQL's index takes, which failed every run."""
    tail = "".join(f"{n * 7919 % 10007:04x}" for n in range(1_250))  # 5,000 characters that do not compress
    entry = item(1).replace("msit-1</guid>", f"{tail}</guid>" if where == "guid" else "msit-1</guid>")
    entry = entry.replace("&amp;call_from", f"&amp;x={tail}&amp;call_from" if where == "link" else "&amp;call_from")
    write_file(site, "feeds/agencies/msit.xml", rss(entry).decode())
    config = CONFIG_TEXT.replace("  path: .pressfeed/pressfeed.db\n", f"  url: {store_url}\n")
    sources = "sources:\n  - {id: msit, name: 과학기술정보통신부, url: feeds/agencies/msit.xml, section: it-science}\n"
    write_file(site, "feeds/pressfeed.yaml", config + sources)
    with Pressfeed(load_config(site), clock=clock) as pf:
        (report,) = pf.ingest().reports
        assert report.error is None and len(report.new) == 1
        (again,) = pf.ingest().reports
        assert again.new == () and again.error is None


def test_raw_control_characters_cost_only_themselves(ingest) -> None:
    feed = rss(item(1), item(2, "제목\x01에 \x08제어문자"), item(3))
    report, pf = ingest(feed)
    assert len(report.new) == 3 and "제목에 제어문자" in titles(pf)


@pytest.mark.parametrize("label", ["ISO-8859-1", "IBM866", "cp437", "KOI8-R"])
def test_a_korean_feed_under_any_single_byte_label_is_read_as_cp949(label: str) -> None:
    """Single-byte charsets decode any bytes, so each goes after CP949: IBM866 and cp437 were tried before it,
    and a ministry's EUC-KR feed came out as box-drawing characters."""
    raw = f'<?xml version="1.0" encoding="{label}"?><t>'.encode() + "기획재정부 보도자료</t>".encode("cp949")
    assert to_utf8(raw).decode() == '<?xml version="1.0" encoding="utf-8"?><t>기획재정부 보도자료</t>'


def test_a_korean_feed_with_one_character_cut_short_under_a_latin1_label_is_korean() -> None:
    """An attack's: CP949 refused the feed for its one byte-cut character, and the Latin-1 label, which decodes
    anything, was taken before the run-by-run reading: every title and body came out as mojibake."""
    raw = "<t>해양수산부 보도자료</t><d>선박 점검</d>".encode("cp949")
    raw = raw.replace("점검".encode("cp949"), "점".encode("cp949") + "검".encode("cp949")[:1])
    text = to_utf8(raw, "application/rss+xml; charset=ISO-8859-1").decode()
    assert text.startswith("<t>해양수산부 보도자료</t><d>선박 점\ufffd")


def test_to_utf8_keeps_valid_references() -> None:
    data = to_utf8(b"<t>&#xAC00;&#44032;&#9;&#x1F600;&#xD800;&#0;</t>")
    assert data == b"<t>&#xAC00;&#44032;&#9;&#x1F600;</t>"


# -- documents in an encoding other than UTF-8, or in none ------------------------------------------------

GOOD = [
    item(1, "수도권 신규 택지 발표"),
    item(2, "철도 안전 점검 · 결과 공개", body="<p>국토교통부는 결과를 공개했다.</p>"),
]
GOOD_TITLES = {"수도권 신규 택지 발표", "철도 안전 점검 · 결과 공개"}


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_a_utf16_or_utf32_feed_is_read(ingest, codec: str) -> None:
    """XML allows them (a byte order mark, or "<?" in two or four bytes says which); they were read as
    UTF-8 with its errors replaced: every title garbage, the source "ok"."""
    feed = rss(*GOOD).decode().replace('encoding="utf-8"', 'encoding="UTF-16"').encode(codec)
    report, pf = ingest(feed)
    assert report.outcome == "ok" and titles(pf) == GOOD_TITLES


def test_an_item_pasted_in_as_euc_kr_into_a_utf8_feed_is_read(ingest) -> None:
    head, tail = rss(GOOD[0]).split(b"</channel>")
    feed = head + GOOD[1].encode("cp949") + b"</channel>" + tail
    with pytest.raises(UnicodeDecodeError):
        feed.decode("utf-8")
    report, pf = ingest(feed)
    assert report.outcome == "ok" and titles(pf) == GOOD_TITLES


def test_a_utf8_character_cut_short_costs_only_itself(ingest) -> None:
    """A description cut by bytes ends in half a character: the feed is no longer valid UTF-8, and the
    run with the cut was read as CP949, its good syllables with it ("구" became "援")."""
    cut = "국가 인공지능 컴퓨팅센터 구축".encode()[:-1].decode("latin-1")
    feed = rss(item(1, "컴퓨팅센터 공모", body="@@"), item(2)).decode().replace("@@", "{}")
    report, pf = ingest(feed.encode().replace(b"{}", cut.encode("latin-1")))
    assert report.outcome == "ok" and len(report.new) == 2
    (stored,) = [s.article for s in pf.articles() if s.article.title == "컴퓨팅센터 공모"]
    assert stored.summary == "국가 인공지능 컴퓨팅센터 구"


def test_euc_kr_read_as_latin1_on_its_way_to_utf8_is_read_back(ingest) -> None:
    """A server that took its EUC-KR text for Latin-1 serves "¼öµµ±Ç" for "수도권" in valid UTF-8; once a
    good version was stored, every item was "updated" into garbage."""
    good = rss(*GOOD)
    report, pf = ingest(good)
    assert titles(pf) == GOOD_TITLES
    mangled = good.decode().encode("cp949").decode("latin-1").encode("utf-8")
    assert "¼öµµ±Ç" in mangled.decode()
    report, pf = ingest(mangled)
    assert (report.new, report.updated, report.unchanged) == ((), (), 2)
    assert titles(pf) == GOOD_TITLES


@pytest.mark.parametrize(
    "text",
    [
        "<t>Café Müller « » ©2025 ÀÉÎ ¼½¾ ±²³ 과학·기술</t>",
        # four middle dots (U+00B7) read as EUC-KR bytes are two syllables: a Korean text with its own
        # Hangul is no Latin-1 reading of one (a review found "기대된다····" turned into "기대된다렁렁")
        "<t>기대된다···· 그리고 Café ©® «Ü»</t>",
    ],
)
def test_latin1_letters_in_a_utf8_feed_stay_as_they_are(text: str) -> None:
    assert to_utf8(text.encode()).decode() == text


def test_a_broken_entry_is_skipped_with_a_warning_and_the_rest_go_in(ingest) -> None:
    huge = "<p>" + "가" * 2_100_000 + "</p>"  # over the HTML size bound: a RecordError for that entry
    report, pf = ingest(rss(item(1), item(2, "너무 긴 보도자료", body=huge), item(3)))

    assert report.outcome == "ok" and report.error is None
    assert len(report.new) == 2 and report.skipped == 1
    assert any(w.startswith("'너무 긴 보도자료': skipped (body_html: ") for w in report.warnings), report.warnings
    assert "너무 긴 보도자료" not in titles(pf)


@pytest.mark.parametrize("digits", [4_301, 30])
def test_an_enclosure_length_no_file_has_costs_only_itself(ingest, digits: int) -> None:
    """Past 4,300 digits int() refuses a number: one enclosure's length made the whole feed unreadable.
    A length of more digits than any file's size is no length (0: unknown), as a non-number is."""
    hwp = '<enclosure url="https://www.msit.go.kr/upload/보도자료.hwp" length="{}" type="application/x-hwp"/></item>'
    report, pf = ingest(rss(item(1), item(2).replace("</item>", hwp.format("9" * digits)), item(3)))

    assert report.error is None and len(report.new) == 3
    [stored] = [s for s in pf.articles() if s.article.title.endswith(" 2")]
    assert [(a.url.rsplit("/", 1)[-1], a.length) for a in stored.article.attachments] == [
        ("%EB%B3%B4%EB%8F%84%EC%9E%90%EB%A3%8C.hwp", 0)
    ]


def test_an_enclosure_that_is_no_http_url_is_no_file(ingest) -> None:
    """A mailto: enclosure was kept as an attachment: the RSS enclosure drew 'url must be a full URL'."""
    mail = '<enclosure url="mailto:press@msit.go.kr" length="0" type="application/pdf"/></item>'
    report, pf = ingest(rss(item(1).replace("</item>", mail)))

    (stored,) = pf.articles()
    assert report.error is None and stored.article.attachments == () and stored.article.images == ()


# -- dates (item 10) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "2025-13-45",  # feedparser rolled it over to 2026-01-01
        "2025-02-30 09:00:00",
        "2025-02-31T10:00:00Z",
        "20251345",
        "2025-11-07T25:61:00Z",
        "Tue, 45 Dec 2025 09:00:00 +0900",
        "2025년 13월 45일 01:31:15",
        "1 Jan 99999999999999999999 09:00 +0900",  # OverflowError in datetime(): the entry was skipped
    ],
)
def test_impossible_dates_leave_the_entry_undated(ingest, raw: str) -> None:
    report, pf = ingest(rss(item(1, "날짜가 틀린 보도자료", pub=raw)))

    (stored,) = pf.articles()
    assert stored.article.published == pf.clock.now()  # dated at fetch time, not a rolled-over date
    assert report.warnings == (f"'날짜가 틀린 보도자료': unusable date {raw!r}, dated at fetch time",)


@pytest.mark.parametrize(
    ("raw", "when"),
    [
        ("2025-11-07 09:00:00", "2025-11-07T00:00:00+00:00"),  # naive: KST
        ("Fri, 07 Nov 2025 09:00:00 +0900", "2025-11-07T00:00:00+00:00"),
        ("2025-11-07T09:00:00+09:00", "2025-11-07T00:00:00+00:00"),
        ("Fri, 7 Nov 2025 09:00:00 KST", "2025-11-07T00:00:00+00:00"),
        ("2025-11-07", "2025-11-06T15:00:00+00:00"),
    ],
)
def test_real_dates_still_parse(ingest, raw: str, when: str) -> None:
    report, pf = ingest(rss(item(1, pub=raw)))
    (stored,) = pf.articles()
    assert stored.article.published.isoformat() == when and report.warnings == ()


def test_feedparser_only_dates_are_checked_against_what_is_written() -> None:
    feed = parse_feed(rss(item(1, pub="2025-13-45"), item(2, pub="2025-11-07T09:00:00Z"), item(3, pub="2025.11.07")))
    assert [e.published_parsed is None for e in feed.entries] == [True, False, True]  # the last: read as 11-01


@pytest.mark.parametrize(
    "raw", ["Thu, 01 Jan 1970 00:00:00 +0000", "1989-12-31 23:59:59", "1970-01-01T09:00:00+09:00", "0001-01-01"]
)
def test_dates_before_1990_leave_the_entry_undated(ingest, raw: str) -> None:
    """1970 is what a failed date becomes on many servers. Refused as written, it was still taken from
    feedparser's own reading: the feeds then carried it, and the W3C validator reports an implausible date."""
    report, pf = ingest(rss(item(1, "오래된 날짜의 보도자료", pub=raw)))

    (stored,) = pf.articles()
    assert stored.article.published == pf.clock.now()
    assert report.warnings == (f"'오래된 날짜의 보도자료': unusable date {raw!r}, dated at fetch time",)


@pytest.mark.parametrize("year", ["9999", "2999", "2027"])
def test_far_future_dates_are_undated_with_a_warning(ingest, year: str) -> None:
    report, pf = ingest(rss(item(1, "먼 미래의 보도자료", pub=f"{year}-01-01T00:00:00Z")))

    (stored,) = pf.articles()
    assert stored.article.published == pf.clock.now()
    assert report.warnings == (
        f"'먼 미래의 보도자료': implausible date {year}-01-01T00:00:00+00:00, dated at fetch time",
    )


# -- bidirectional controls (item 10) -------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("보고서\u202efdp.exe", "보고서fdp.exe"),
        ("\u202a왼쪽\u202c \u202b오른쪽\u202c", "왼쪽 오른쪽"),
        ("\u2066격리\u2069 \u2067격리\u2069 \u2068격리\u2069", "격리 격리 격리"),
        ("표시\u200e \u200f\u061c문자", "표시 문자"),
        ("엔티티&#x202E;로 &#8238;숨긴", "엔티티로 숨긴"),
        ("<b>태그\u202d</b> 안", "태그 안"),
    ],
)
def test_plain_text_drops_bidi_controls(raw: str, clean: str) -> None:
    assert plain_text(raw) == clean


def test_bodies_keep_bidi_controls_inside_their_own_markup() -> None:
    assert sanitize_html("<p>인용 \u2067مرحبا\u2069</p>", "https://www.korea.kr/") == "<p>인용 \u2067مرحبا\u2069</p>"


# -- nesting and size (item 8) ----------------------------------------------------------------


def depth(html_text: str) -> int:
    """The element depth a browser sees, under lxml's <body>."""
    root = lxml.html.fragment_fromstring(html_text or "<p></p>", create_parent="div")
    return max(len(list(e.iterancestors())) for e in root.iter())


@pytest.mark.parametrize("tag", ["div", "blockquote", "li", "span", "b"])
def test_deep_nesting_is_flattened_and_keeps_the_text(tag: str) -> None:
    levels = 50_000
    body = f"<{tag}>" * levels + "<p>정부는 오늘 발표했다.</p>" + f"</{tag}>" * levels

    cleaned = sanitize_html(body, "https://www.korea.kr/")

    assert depth(cleaned) <= MAX_NESTING + 2
    assert "정부는 오늘 발표했다." in cleaned


def test_flattening_never_turns_dropped_content_into_text() -> None:
    body = (
        "<div>" * 1000 + "<script>alert(1)</script><style>p{}</style><svg><text>벡터</text></svg>본문" + "</div>" * 1000
    )
    cleaned = sanitize_html(body, "https://www.korea.kr/")
    assert "alert" not in cleaned and "p{}" not in cleaned and "벡터" not in cleaned and "본문" in cleaned
    assert plain_text("<div>" * 1000 + "<script>alert(1)</script>제목" + "</div>" * 1000) == "제목"
    # what a raw-text element holds is text to the parser: neither counted nor touched
    flattened = bound_nesting("<div>" * 1000 + "<script>if (a <b && c> d) {}</script><style><p></style>")
    assert flattened.endswith("<script>if (a <b && c> d) {}</script><style><p></style>")


@pytest.mark.parametrize(
    "body",
    [
        "".join(f"<p>문단 {i}<span>강조" for i in range(2000)),  # unclosed paragraphs, as old CMSes write
        "<table>" + "".join(f"<tr><td>{i}<td>값" for i in range(2000)) + "</table>",
        "<ul>" + "".join(f"<li>항목 {i}" for i in range(2000)) + "</ul>",
        "<dl>" + "".join("<dt>용어<dd>설명" for _ in range(2000)) + "</dl>",
        "<div>" * MAX_NESTING + "끝" + "</div>" * MAX_NESTING,
    ],
)
def test_ordinary_markup_is_left_alone(body: str) -> None:
    """Bodies within the bound reach the sanitizer untouched, so stored articles do not change."""
    assert bound_nesting(body) is body


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        "<p>" + "<a " * 690_000,  # start tags that never end
        "&lt;br&gt;&lt;/p&gt;" + "&lt;a " * 340_000,  # the same, escaped (read as markup)
        "<script>" + "</script" * 260_000,  # raw text whose end tag never ends
    ],
    ids=["unclosed", "escaped-unclosed", "raw-text"],
)
def test_a_body_of_tags_that_never_close_costs_one_pass(body: str) -> None:
    """The depth scan looked for each tag's ">" to the end of the text: for 2 MiB of "<a <a <a …", that was
    hours of one worker (a review found it). Such a body now sanitizes in about a second; a stall here
    fails the run by its timeout."""
    assert len(body) <= MAX_HTML_LENGTH
    cleaned = sanitize_html(body, "https://www.korea.kr/")
    assert "<a" not in cleaned and "script" not in cleaned


@pytest.mark.parametrize(
    "date",
    [
        "2025-11-12" + " " * 5_000 + "x",
        "2025" + " " * 2_000 + "-11" + " " * 2_000 + "-12" + " " * 2_000 + "오후" + " " * 2_000 + "x",
        "2025-11-12 3:00" + " \t" * 5_000 + "x",
    ],
    ids=["after-the-date", "between-every-part", "after-the-time"],
)
def test_a_date_of_spaces_costs_one_pass(ingest, date: str) -> None:
    """The local date forms put optional spaces side by side: 400 spaces in a feed's date cost 40 seconds of
    backtracking, 5,000 would hold a worker for days (found after the review). Such a date is now refused at
    once, and its item ingested with a warning; a stall here fails the run by its timeout."""
    with pytest.raises(ValueError, match=r"^(unrecognized|invalid) date"):
        parse_datetime(date, ZoneInfo("Asia/Seoul"))
    report, _ = ingest(rss(item(1, pub=date)))
    assert report.outcome == "ok" and len(report.new) == 1 and report.warnings


def test_deep_nesting_in_a_title_is_flattened_too() -> None:
    assert plain_text("<div>" * 50_000 + "과기정통부 보도자료" + "</div>" * 50_000) == "과기정통부 보도자료"


def test_oversized_body_is_a_clear_record_error(config) -> None:
    record = {
        "id": "20251108-0001",
        "title": "너무 긴 기사",
        "section": "정치",
        "published": "2025-11-08 09:00:00",
        "link": "/news/articleView.html?idxno=1",
        "body_html": "<p>" + "가" * MAX_HTML_LENGTH + "</p>",
    }
    with pytest.raises(RecordProblems) as caught:
        article_from_record(record, config.normalize_context())
    ((field, message),) = [(p.field, p.message) for p in caught.value.problems]
    assert field == "body_html"
    assert message == f"{MAX_HTML_LENGTH + 7:,} characters of HTML, more than the {MAX_HTML_LENGTH:,} allowed"


# -- attributes per element ---------------------------------------------------------------------
#
# html5ever's time grows with the square of a tag's distinct attributes: one <p> of 220,000 filling a 2 MiB
# body held nh3.clean for 10 seconds (a review found it). Past MAX_ATTRIBUTES a tag keeps only what the
# sanitizer keeps, before the sanitizer reads it.

PAGE = "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156712345"
#: a release's opening paragraph; markup under 2,048 characters cannot hold enough attributes to matter and
#: is never scanned, so every body here starts with it
LEAD = "<p>과학기술정보통신부는 7일 정부서울청사에서 인공지능 기본계획을 발표했다고 밝혔다. </p>\n" * 40
#: what the parser may read on one element once bounded: the first MAX_ATTRIBUTES, then one of each kept name
BOUND = MAX_ATTRIBUTES + len(SANITIZED_ATTRIBUTES)


def widest_tag(markup: str) -> int:
    """The most attributes html5ever reads on one element of `markup` (nh3 keeping every element and attribute)."""
    kept = nh3.clean(
        markup,
        tags=HTML_ELEMENTS | {"g", "mi"},  # (and the foreign elements the tests below write)
        clean_content_tags=set(),
        generic_attribute_prefixes={""},
        link_rel=None,
    )
    root = lxml.html.fragment_fromstring(kept or "<p></p>", create_parent="div")
    return max(len(element.attrib) for element in root.iter())


def unbounded(markup: str) -> str:
    """What sanitize_html() gives with every attribute read, as before the bound."""
    with mock.patch("pressfeed.sanitize.bound_attributes", lambda text: text):
        return sanitize_html(markup, PAGE)


def many(count: int, attribute: str = "a{}=x", separator: str = " ") -> str:
    return separator.join(attribute.format(i) for i in range(count))


@pytest.mark.parametrize(
    "tag",
    [
        "<p " + many(3000) + ">",
        "<p " + many(3000, "a{}") + ">",  # names alone cost the same
        "<p " + many(3000, 'a{}="x > y = z"') + ">",  # a quoted value may hold ">" and "="
        "<p " + many(3000, "a{}='그는 \"예\" >라고'") + ">",
        "<p " + many(3000, 'a{}="x"', "") + ">",  # after a quoted value, no separator is needed
        "<p " + many(3000, "a{}", "/") + ">",  # nor after "/"
        "<p " + many(3000, "a{}=b=c") + ">",  # an unquoted value ends at a space or ">"
        "<p " + many(3000, "=a{}") + ">",  # a name may start with "="
        "<P " + many(3000, "A{}=X") + ">",
        "<p " + many(3000, "a{}"),  # a tag left open to the end of the text
    ],
    ids=[
        "unquoted", "names", "quoted", "single-quoted", "no-separator", "slashes", "equals", "equals-name",
        "upper-case", "unclosed",
    ],
)  # fmt: skip
def test_a_tag_of_thousands_of_attributes_reaches_the_sanitizer_bounded(tag: str) -> None:
    body = LEAD + tag + "본문</p><p>둘째 문단</p>"
    assert widest_tag(body) >= 1000  # (a trap the parser falls into)

    assert widest_tag(bound_attributes(body)) <= MAX_ATTRIBUTES
    assert sanitize_html(body, PAGE) == unbounded(body)  # the sanitizer would drop them anyway


def test_an_end_tag_of_thousands_of_attributes_is_bounded_too() -> None:
    """The parser reads an end tag's attributes (then ignores them) at the same cost."""
    body = LEAD + "<p>본문</p " + many(3000, "a{}") + "><p>둘째 문단</p>"
    end_tag = bound_attributes(body).split("</p ")[1].split(">")[0]

    assert end_tag.split() == [f"a{i}" for i in range(MAX_ATTRIBUTES)]
    assert sanitize_html(body, PAGE) == unbounded(body)


def test_what_the_sanitizer_keeps_is_kept_past_the_bound() -> None:
    body = LEAD + (
        f'<p><a {many(200)} HREF="/briefing/1.do" {many(200)} title="보도자료 원문" href="/dup">원문</a>'
        f'<img {many(200)} data-src="/photo/1.jpg" {many(200)} src="/img/blank.gif" alt="브리핑 사진"></p>'
    )
    cleaned = sanitize_html(body, PAGE)

    assert cleaned == unbounded(body)
    assert '<a href="https://www.korea.kr/briefing/1.do" title="보도자료 원문"' in cleaned
    assert '<img src="https://www.korea.kr/photo/1.jpg" alt="브리핑 사진">' in cleaned


#: a wide tag, its attributes in quoted ">" every 50: a scan that lost track of quotes or comments before it
#: would read its ">" as the end and the rest as text
WIDE = "<p " + " ".join(f'a{i}=x y{i}=">"' if i % 50 == 0 else f"a{i}=x" for i in range(3000)) + ">본문</p>"


@pytest.mark.parametrize(
    "before",
    [
        '<!-- <b x=" -->',  # a comment's text holds no tags
        '<!-- <b x=" --!>',
        "<!-->",  # comments over at once
        "<!--->",
        "<!---->-->",
        '<script>if (a<b) { s = "</p>"; t = \'<b x="\' }</script>',  # nor does a script's
        '<script><!--<script></script><b x="</script>',  # "<!--<script>": the next </script> does not end it
        '<style>p::after { content: "<b x=\\"" }</style>',
        '<textarea><b x="</textarea>',
        '<title><b x="</title>',
        '<xmp><b x="</xmp>',
        '<![CDATA[ <b x=">',  # in HTML a comment to the first ">"
        '<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN>',
        '<p title="<b x=\'">',  # a quoted value: text
        "<svg><style>",  # in foreign content a <style> holds tags
        '<svg><style><g x="</style><b y=">',
        '<svg><![CDATA[ > <b x="]]>',  # and "<![CDATA[" ends at "]]>"
        '<math><mi><style><b x="</style>',  # but <mi> reads HTML again
        '<select><xmp><b x="</xmp>',  # older parsers ignore <xmp> there
    ],
)
def test_the_bound_finds_the_tag_whatever_comes_before(before: str) -> None:
    body = LEAD + before + WIDE
    assert widest_tag(body) >= 1000

    assert widest_tag(bound_attributes(body)) <= BOUND
    if not re.search("<(svg|math|select)", before):
        assert sanitize_html(body, PAGE) == unbounded(body)


@pytest.mark.parametrize(
    "markup",
    [
        "<!-- <p " + many(100) + "> -->",
        "<!--> <!---> <p " + many(MAX_ATTRIBUTES) + "> <!-- <p " + many(100) + "> --!>",  # comments closed at once
        "<script>var s = '<p " + many(100) + ">'; if (a<b && c>d) { s += \"-->\" }</script>",
        "<script><!--<script> <p " + many(100) + "> </script> <p " + many(100) + "> --></script>",
        "<style>p { content: '<p " + many(100) + ">' }</style>",
        "".join(f"<{name}><p {many(100)}></{name}>" for name in ("textarea", "title", "noscript", "iframe", "xmp")),
        "<![CDATA[<p " + many(100) + ">]]>",
        '<p title="<p ' + many(100) + '>">',
        '<a href="/briefing/view.do?a=1&b=2" title="a > b = c">링크</a><img alt=\'그는 "예" >라고\' src=/img/1.jpg>',
        "<td colspan=2 class=a=b rowspan=\"3\"><p =x><p a/b/c><p a=\"1\"b='2'c=3></p foo><3 < p></>",
        '<p class="열린 따옴표>글</p>',
        '<!DOCTYPE html><?xml version="1.0"?><o:p></o:p><st1:place>서울</st1:place>',
        "<p " + many(MAX_ATTRIBUTES) + ">",
        "<p " + many(100, "a{}", "\u00a0") + "><p " + many(100, "a{}", "\v") + ">",  # no separators: one name each
        "<svg><style>.a { fill: red }</style><path d='M0 0'/></svg><p " + many(MAX_ATTRIBUTES) + ">",
    ],
    ids=[
        "comment", "empty-comments", "script", "escaped-script", "style", "raw-text", "cdata", "quoted", "values",
        "malformed", "unclosed-quote", "doctype", "at-the-bound", "other-spaces", "svg",
    ],
)  # fmt: skip
def test_ordinary_bodies_reach_the_sanitizer_untouched(markup: str) -> None:
    """However long, markup with no tag past the bound is left as it stands: stored articles do not change."""
    body = LEAD + markup + "<p>[뉴스출처 : 과학기술정보통신부]</p>"
    assert bound_attributes(body) is body


def test_the_attributes_kept_past_the_bound_are_all_the_sanitizer_keeps() -> None:
    others = "id class style dir href src alt width height srcset onclick target name type value align border headers"
    names = SANITIZED_ATTRIBUTES | set(others.split()) | {"abbr", "datetime", "start", "reversed", "data-x"}
    inside = {"caption": "table", "thead": "table", "tbody": "table", "tfoot": "table", "tr": "table"}
    inside |= {"td": "table><tr", "th": "table><tr"}
    for tag in ALLOWED_TAGS:
        for name in names:
            element = f'<{tag} {name}="1"' + (' src="/1.jpg">' if tag == "img" else f">글</{tag}>")
            markup = f"<{inside[tag]}>{element}</{inside[tag].split('>')[0]}>" if tag in inside else element
            if f' {name}="' in sanitize_html(markup, PAGE) and name != "src":
                assert name in SANITIZED_ATTRIBUTES, f"<{tag}> keeps {name}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "body",
    [
        "<p " + many(220_000)[: MAX_HTML_LENGTH - 20] + ">본문</p>",
        "<p " + many(300_000, "a{}")[: MAX_HTML_LENGTH - 20] + ">본문</p>",
        "<p " + many(150_000, 'a{}="x>y"')[: MAX_HTML_LENGTH - 20] + ">본문</p>",
        "<p>본문</p " + many(300_000, "a{}")[: MAX_HTML_LENGTH - 20] + ">",
    ],
    ids=["unquoted", "names", "quoted", "end-tag"],
)
def test_a_body_of_one_wide_tag_costs_one_pass(body: str) -> None:
    """2 MiB of one tag's attributes held the sanitizer 10 to 15 seconds (a review found it); such a body now
    sanitizes in a few hundredths of a second. A stall here fails the run by its timeout."""
    assert len(body) <= MAX_HTML_LENGTH
    assert sanitize_html(body, PAGE) == "<p>본문</p>"
    assert plain_text(body) == "본문"


# -- feed documents built to hold feedparser ----------------------------------------------------


def with_item(feed: bytes, inside: str) -> bytes:
    """`feed` with `inside` at the end of its first item (a hostile element among real ones)."""
    return feed.replace(b"</item>", inside.encode() + b"</item>", 1)


def with_doctype(feed: bytes, doctype: str) -> bytes:
    return feed.replace(b"<rss ", doctype.encode() + b"<rss ", 1)


ENTITY_BOMB = '<!DOCTYPE rss [\n<!ENTITY agency "' + "과학기술정보통신부 " * 6_000 + '">\n]>\n'


@pytest.mark.parametrize(
    ("feed", "message"),
    [
        (
            with_item(rss(item(1)), "<br/>" * MAX_MARKUP),  # 0.8 MB, a minute of parsing
            r"feed refused: 200,0\d\d tags and other markup \('<'\), at most 200,000",
        ),
        (
            with_item(rss(item(1)), '<enclosure url="/f.hwp" ' + many(20_000, 'a{}="1"') + "/>"),
            r"feed refused: a <enclosure> tag on line 2 has more than 64 attributes",  # well-formed: XML
        ),
        (
            with_item(rss(item(1)), "<enclosure " + many(20_000, "a") + ">"),  # names alone: not XML
            r"feed refused: a <enclosure> tag on line 2 has more than 64 attributes",
        ),
        (  # a quoted "<" makes it no XML; the fallback parser still reads the names after it
            with_item(rss(item(1)), '<enclosure url="<" ' + many(20_000, "a") + ">"),
            r"feed refused: a <enclosure> tag on line 2 has more than 64 attributes",
        ),
        (  # no tag over the limit, but the parser searches every prefix for every element
            with_item(rss(item(1)), "".join(f'<x{n}:a xmlns:x{n}="urn:x:{n}"/>' for n in range(65))),
            r"feed refused: 65 namespace prefixes declared, at most 64",
        ),
        (
            with_doctype(rss(item(1, body="&agency;" * 200)), ENTITY_BOMB),  # 170 KB, 36 MB once expanded
            r"feed refused: its entities would expand it by more than 1\.0 MiB .*: an entity bomb",
        ),
    ],
    ids=["markup", "attributes", "attribute-names", "quoted-lt", "prefixes", "entities"],
)
def test_a_feed_built_to_hold_the_parser_is_refused_before_it_parses(
    ingest, feed: bytes, message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """feedparser's work grows with the square of a tag's attributes and with prefixes times elements, and
    its fallback parser expands entities without a limit: each of these held a worker for minutes (or
    filled its memory). The document is refused, naming what, and the source fails; nothing is parsed."""
    monkeypatch.setattr("pressfeed.ingest.parse.feedparser.parse", _never_called)
    with pytest.raises(FeedRefusedError, match=message):
        parse_feed(feed)
    report, pf = ingest(feed)
    assert report.outcome == "failed" and re.match(message, report.error or "")
    assert not titles(pf)


def _never_called(*args: object, **kwargs: object) -> None:
    raise AssertionError("the document reached feedparser")


@pytest.mark.parametrize(
    "feed",
    [
        with_item(rss(item(1)), "<br/>" * (MAX_MARKUP - 40)),
        with_item(rss(item(1)), '<media:content url="/a.jpg" ' + many(63, 'a{}="1"') + "/>").replace(
            b"<rss ", b'<rss xmlns:media="http://search.yahoo.com/mrss/" '
        ),
        with_item(rss(item(1)), "".join(f'<x{n}:a xmlns:x{n}="urn:x:{n}"/>' for n in range(64))),
        with_doctype(  # an entity named often, adding less than the document holds
            rss(*(item(n, body="&agency; 보도자료") for n in range(1, 200))),
            '<!DOCTYPE rss [\n<!ENTITY agency "과학기술정보통신부">\n]>\n',
        ),
        rss(
            item(
                1, body="<![CDATA[" + '<p class="HStyle0"><span style="font-size:11pt">본문</span></p>' * 5_000 + "]]>"
            )
        ),
    ],
    ids=["markup", "attributes", "prefixes", "entities", "html-body"],
)
def test_feeds_up_to_the_limits_are_parsed(feed: bytes) -> None:
    """Each limit is far above what a real feed holds; up to it, the feed parses as it always did."""
    parsed = parse_feed(feed)
    assert parsed.entries and parsed.entries[0].title.startswith("과기정통부")


def test_a_tag_in_cdata_counts_too() -> None:
    """The fallback parser, reading a feed XML refused, may read a CDATA section's text as markup: what is
    counted is counted everywhere (a body of more than 64 attributes in one tag is no real body)."""
    feed = rss(item(1, body="<![CDATA[<p " + many(65, 'a{}="1"') + ">본문</p>]]>"))
    with pytest.raises(FeedRefusedError, match="a <p> tag on line 2 has more than 64 attributes"):
        parse_feed(feed)


def author_bomb(size: int) -> bytes:
    """An RSS author of ASCII letters: feedparser looks for an e-mail address in it, rescanning every run of
    letters from each of its letters (100 KB took 18 s; 1 MB, half an hour)."""
    return with_item(rss(item(1), item(2)), "<author>" + "a" * size + "</author>")


def test_a_parse_that_runs_over_its_cpu_budget_is_refused(ingest, monkeypatch: pytest.MonkeyPatch) -> None:
    """What grows with one element's text (an author's letters, an item's categories, the blank lines that
    open XHTML content) only a parser can delimit: the parse is stopped once it has taken many times what
    a plain feed of its size takes, and the document refused. The budget is cut here to keep the test
    short; the feed would take minutes."""
    monkeypatch.setattr("pressfeed.ingest.bounds.CPU_SECONDS", 0.2)
    monkeypatch.setattr("pressfeed.ingest.bounds.CPU_SECONDS_PER_MIB", 0.0)
    monkeypatch.setattr("pressfeed.ingest.bounds.CPU_SECONDS_PER_MARKUP", 0.0)
    before = signal.getsignal(signal.SIGPROF)

    report, pf = ingest(author_bomb(200_000))

    assert report.outcome == "failed" and not titles(pf)
    assert report.error == (
        "feed refused: still parsing after 0.2 s of CPU time, many times what a plain feed of its size takes:"
        " its markup makes the parser's work grow faster than its size"
    )
    assert signal.getsignal(signal.SIGPROF) is before  # the timer is put back as it was
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert len(parse_feed(rss(item(1), item(2))).entries) == 2  # the next parse runs as ever


def test_the_budget_stops_any_work_in_its_block_and_puts_the_timer_back() -> None:
    before = signal.getsignal(signal.SIGPROF)
    refused = pytest.raises(FeedRefusedError, match=r"^feed refused: still parsing after 0\.1 s of CPU time")
    with refused, cpu_budget(0.1):
        for _ in range(100_000_000):  # seconds of Python, were it not stopped
            pass
    assert signal.getsignal(signal.SIGPROF) is before
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_a_timer_that_fires_as_the_block_ends_is_a_refusal_and_leaves_nothing_running() -> None:
    """Python runs a signal's handler where it next checks, which can be as the context manager's exit
    begins: the budget's private exception left the `with` from there, no refusal, with the timer and
    its handler still running, to raise again wherever the program was (a full test run once died of it
    inside pytest's own report). The exit here is the next Python call after the block's last line, and
    the timer fires as it begins."""
    before = signal.getsignal(signal.SIGPROF)

    def fire(frame: Any, event: str, arg: Any) -> None:
        sys.settrace(None)
        signal.raise_signal(signal.SIGPROF)  # its handler runs here, in a tracer the exit's first line called

    refused = pytest.raises(FeedRefusedError, match=r"^feed refused: still parsing after 5\.0 s of CPU time")
    try:
        with refused, cpu_budget(5.0):
            sys.settrace(fire)
    finally:  # (a failure must not leave the timer to the rest of the run)
        left = signal.setitimer(signal.ITIMER_PROF, 0)
        handler = signal.signal(signal.SIGPROF, before)
    assert left == (0.0, 0.0) and handler is before


class _Finalized:
    """An object whose finalizer burns `seconds` of CPU: a timer that fires meanwhile raises inside __del__,
    where Python reports the exception and drops it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def __del__(self) -> None:
        start = time.process_time()
        while time.process_time() - start < self.seconds:
            pass


def test_the_budget_holds_when_its_timer_first_fires_in_a_finalizer(monkeypatch: pytest.MonkeyPatch) -> None:
    """The budget's timer fired once; when it landed in a finalizer (a transport of an earlier request collected
    during a page's extraction), the exception was dropped and the page extracted unbounded (a test saw a
    page refused at 0.3 s published after 1.3 s). It fires again until its block ends; the dropped one is
    not printed ("Exception ignored in …" on stderr: mail from a successful cron run)."""
    reported: list[BaseException | None] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: reported.append(unraisable.exc_value))
    refused = pytest.raises(FeedRefusedError, match=r"^feed refused: still parsing after 0\.1 s of CPU time")
    with refused, cpu_budget(0.1):
        garbage = _Finalized(0.15)  # the budget runs out inside its __del__
        del garbage
        start = time.process_time()
        while time.process_time() - start < 2.0:  # the work after it, which the budget must still stop
            pass
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
    assert reported == []
    with cpu_budget(5.0):
        _Failing()  # a finalizer's own error is still reported, in the block and after it
    _Failing()
    assert [type(error) for error in reported] == [ZeroDivisionError, ZeroDivisionError]


class _Failing:
    def __del__(self) -> None:
        raise ZeroDivisionError


def test_a_parse_within_its_budget_is_untouched() -> None:
    with_author = with_item(rss(item(1), item(2)), "<author>홍보담당관실 (press@msit.go.kr)</author>")
    assert parse_feed(with_author) == parse_feed(with_author)
    assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)


def test_a_parse_off_the_main_thread_runs_without_the_timer() -> None:
    """Signals reach only the main thread: a library caller parsing in a thread gets no budget, no error."""
    parsed: list[object] = []
    thread = threading.Thread(target=lambda: parsed.append(parse_feed(rss(item(1)))))
    thread.start()
    thread.join()
    assert len(parsed) == 1


# -- YAML alias bombs and sizes (item 7) --------------------------------------------------------


def alias_bomb(levels: int = 9) -> str:
    """Each level lists the previous one 9 times: 9**9 strings from a few hundred bytes."""
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for n in range(1, levels):
        lines.append(f"lol{n}: &lol{n} [" + ", ".join([f"*lol{n - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_config_alias_bomb_is_refused_with_file_and_line(site: Path) -> None:
    from pressfeed.errors import ConfigError

    bomb = alias_bomb()
    assert len(bomb) < 700  # expands to 387,420,489 strings
    # top-level keys the config does not know, but YAML is built before it is validated
    write_file(site, "feeds/pressfeed.yaml", CONFIG_TEXT + bomb)

    with pytest.raises(ConfigError) as caught:
        load_config(site)

    message = str(caught.value)
    # it stops at the first key whose expansion passes the allowance, and points at that key's line
    level = 4  # 9**5 strings > 10,000
    line = CONFIG_TEXT.count("\n") + 1 + level
    assert message.startswith(f"{site / 'feeds' / 'pressfeed.yaml'}:{line}: lol{level}[")
    assert "aliases expand this document by more than 10,000 values" in message


def test_export_alias_bomb_imports_nothing(site: Path, pf: Pressfeed) -> None:
    from pressfeed.errors import InputError

    levels = alias_bomb().replace("\n", "\n  ").rstrip()
    export = write_file(
        site,
        "feeds/articles/bomb.yaml",
        "- id: '1'\n  title: 제목\n  section: 정치\n  published: 2025-11-08 09:00:00\n  link: /a/1\n"
        f"  x-anchors:\n    {levels.replace(chr(10) + '  ', chr(10) + '    ')}\n  tags: *lol8\n",
    )

    with pytest.raises(InputError) as caught:
        pf.import_files([str(export)])

    (problem,) = caught.value.problems
    assert problem.file == str(export) and problem.line is not None
    assert "aliases expand this document by more than 10,000 values" in problem.message
    assert pf.store.count() == 0


def test_merge_keys_and_shared_values_still_load(site: Path, pf: Pressfeed) -> None:
    """What real configs and dumpers write: `<<: *defaults`, and an alias for a value used twice."""
    write_file(
        site,
        "feeds/pressfeed.yaml",
        CONFIG_TEXT
        + "x-agency: &agency {section: it-science, max_age_days: 0, byline: 포탈뉴스통신}\n"
        + "sources:\n"
        + "".join(f"  - {{<<: *agency, id: s{n}, name: 기관{n}, url: feeds/s{n}.xml}}\n" for n in range(50)),
    )
    with pytest.raises(Exception) as unknown:  # x-agency is no config key: the error is about that, not aliases
        load_config(site)
    assert "x-agency" in str(unknown.value) and "alias" not in str(unknown.value)

    export = write_file(
        site,
        "feeds/articles/shared.yaml",
        "- {id: '1', title: 첫째, section: 정치, published: 2025-11-08 09:00:00, link: /a/1, tags: &t [정책, AI]}\n"
        "- {id: '2', title: 둘째, section: 정치, published: 2025-11-08 10:00:00, link: /a/2, tags: *t}\n",
    )
    assert pf.import_files([str(export)]).created == 2


def test_an_explicit_key_overrides_a_merged_one(site: Path, pf: Pressfeed) -> None:
    """YAML's merge key: `<<: *base` then `id: M2` is M2, not "duplicate key" (a CMS export's usual shorthand)."""
    export = write_file(
        site,
        "feeds/articles/m.yaml",
        "- &b\n  id: M1\n  title: t\n  section: 정치\n  published: 2025-11-08 09:00:00\n  link: /m1\n"
        "- <<: *b\n  id: M2\n  link: /m2\n",
    )
    assert pf.import_files([str(export)]).created == 2
    second = pf.store.get("tag:example-portal.kr,2025:article/M2")
    assert second is not None
    assert (second.article.title, second.article.link) == ("t", "https://www.example-portal.kr/m2")


def test_merged_configs_override_and_still_refuse_a_key_written_twice(site: Path) -> None:
    from pressfeed.errors import ConfigError

    sources = (
        "sources:\n"
        "  - &msit {id: msit, name: 과학기술정보통신부, url: feeds/msit.xml, section: it-science, max_age_days: 0}\n"
        "  - {<<: *msit, id: msit-2, url: feeds/msit2.xml, section: economy}\n"
    )
    write_file(site, "feeds/pressfeed.yaml", CONFIG_TEXT + sources)
    config = load_config(site)
    assert [(s.id, s.section, s.max_age_days, Path(s.url).name) for s in config.sources] == [
        ("msit", "it-science", 0, "msit.xml"),
        ("msit-2", "economy", 0, "msit2.xml"),
    ]

    twice = sources + "  - {<<: *msit, id: msit-3, url: feeds/msit3.xml, url: feeds/msit4.xml}\n"
    write_file(site, "feeds/pressfeed.yaml", CONFIG_TEXT + twice)
    with pytest.raises(ConfigError) as caught:
        load_config(site)
    assert (caught.value.line, caught.value.key) == (CONFIG_TEXT.count("\n") + 4, "sources[2].url")
    assert caught.value.message == "duplicate key"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the mapping's own keys win, at every level of merging
        ("a: &a {<<: {q: 1, x: 0}, x: 2}\nb: {<<: *a, y: 1}\n", {"q": 1, "x": 2, "y": 1}),
        ("b: {<<: &a {<<: {q: 1, x: 0}, x: 2}, y: 1}\n", {"q": 1, "x": 2, "y": 1}),
        # of several merged mappings, the first with a key gives it
        ("a: &a {x: 1}\nc: &c {x: 2, z: 0}\nb: {<<: [*a, *c], y: 1}\n", {"x": 1, "z": 0, "y": 1}),
        ("a: &a {x: 1}\nb: {x: 3, <<: *a}\n", {"x": 3}),  # wherever the merge key stands
    ],
)
def test_merge_keys_follow_yaml(text: str, expected: dict[str, int]) -> None:
    from pressfeed.yamlfile import load_one

    assert load_one(text)["b"] == expected


@pytest.mark.parametrize(
    ("text", "line", "key", "message"),
    [
        ("a: &a {x: 1}\nb: {<<: *a, x: 2, x: 3}\n", 2, "b.x", "duplicate key"),
        ("b: {<<: {x: 1, x: 2}, y: 3}\n", 1, "b.x", "duplicate key"),
        ("b: {<<: 3}\n", 1, "b", "a merge key (<<) takes a mapping or a list of mappings (*anchors)"),
        ("a: &a {<<: *a}\n", 1, "a", "a merge key (<<) merges a mapping into itself"),
    ],
)
def test_bad_merge_keys_are_located(text: str, line: int, key: str, message: str) -> None:
    from pressfeed.yamlfile import YAMLSyntaxError, load_one

    with pytest.raises(YAMLSyntaxError) as caught:
        load_one(text)
    assert (caught.value.line, caught.value.key, caught.value.message) == (line, key, message)


def test_a_merge_key_bomb_is_refused_before_it_is_resolved() -> None:
    """Merging one mapping nine times over, eight levels deep, resolves 9**8 pairs into a mapping of one key."""
    from pressfeed.yamlfile import YAMLSyntaxError, load_one

    lines = ["m0: &m0 {x: 1}"]
    lines += [f"m{n}: &m{n} {{<<: [{', '.join([f'*m{n - 1}'] * 9)}]}}" for n in range(1, 9)]
    with pytest.raises(YAMLSyntaxError) as caught:
        load_one("\n".join(lines) + "\n")
    assert caught.value.line == 6 and caught.value.key == "m5"  # 9**5 pairs merged: past 10,000
    assert "aliases expand this document by more than 10,000 values" in caught.value.message


def test_a_config_path_that_never_ends_is_refused_after_a_bounded_read(site: Path) -> None:
    """The 1 MiB limit applied to the text once read, and the whole file was read first: `--config /dev/zero`
    grew in memory until the machine gave out. (Review.)"""
    from pressfeed.errors import ConfigError

    with pytest.raises(ConfigError, match=r"more than 4,194,304 bytes: not a config file$"):
        load_config(site, "/dev/zero")


def test_oversized_yaml_is_refused_before_parsing(site: Path, pf: Pressfeed) -> None:
    from pressfeed.errors import ConfigError, InputError
    from pressfeed.yamlfile import MAX_CONFIG_CHARS, MAX_EXPORT_CHARS

    write_file(site, "feeds/pressfeed.yaml", CONFIG_TEXT + "#" * MAX_CONFIG_CHARS + "\n")
    with pytest.raises(ConfigError, match=r"more than the 1,048,576 read$"):  # JSON Lines is for exports
        load_config(site)

    export = write_file(site, "feeds/articles/huge.yaml", "#" * (MAX_EXPORT_CHARS + 1))
    with pytest.raises(InputError) as caught:
        pf.import_files([str(export)])
    assert "(use JSON Lines)" in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("deep.yaml", "[" * 20_000 + "]" * 20_000),
        ("deep.json", "[" * 200_000 + "]" * 200_000),
        ("deep.jsonl", '{"id": ' + "[" * 200_000 + "]" * 200_000 + "}\n"),
        # no telling name (stdin's is "<stdin>"): the format is sniffed from the first line, nested too
        ("deep.txt", '{"id": ' + "[" * 200_000 + "]" * 200_000 + "}\n"),
    ],
)
def test_deeply_nested_exports_are_input_errors(site: Path, pf: Pressfeed, name: str, text: str) -> None:
    from pressfeed.errors import InputError

    export = write_file(site, f"feeds/articles/{name}", text)
    with pytest.raises(InputError) as caught:
        pf.import_files([str(export)])
    assert caught.value.problems[0].message.endswith("nested too deeply")


def test_a_summary_derived_from_the_body_is_plain_text_without_bidi_controls(config) -> None:
    record = {
        "id": "20251108-0002",
        "title": "제목",
        "section": "정치",
        "published": "2025-11-08 09:00:00",
        "link": "/news/articleView.html?idxno=2",
        "body_html": "<p>첨부 \u202efdp.exe 확인</p>",
    }
    article = article_from_record(record, config.normalize_context())
    assert article.summary == "첨부 fdp.exe 확인"
    assert "\u202e" in article.body_html  # the body keeps what it was given


@pytest.mark.parametrize(
    "tail",
    [
        "[뉴스출처 : 가]" * 200 + "본문 계속",
        "[뉴스출처 : 가] " + "이 자료는 가의 보도자료를 전재하여 제공함 " * 100 + "본문 계속",
    ],
    ids=["credits", "notices"],
)
def test_a_body_ending_in_many_credits_costs_one_pass(tail: str) -> None:
    """A credit's spaces could go to it or to its neighbour: a tail of n credits or notices was tried 2ⁿ ways
    (30 in a hostile feed's body held the run; found by a review). A stall here fails the run by its
    timeout. Followed by text of its own, no credit closes the body."""
    body = f"<p>본문</p><p>{tail}</p>"
    assert split_credit(sanitize_html(body, "https://www.korea.kr/"))[1] == ""


@pytest.mark.parametrize(
    "first_line",
    [
        "엠바고: " + "1" * 40 + "x",
        "보도일시: 2025. 11. 27. " + "0" * 40 + "가",
        "엠바고: 11월 27일 " + "일시 " * 30 + "x",
        "엠바고: 1" + "1(11)" * 30 + "x",
        "방송은 " + "1" * 40 + "x",
        "엠바고: 1 " + "a.m." * 40 + "x",
        "인터넷은 11월 27일 12:00 이후 " + "A.M." * 40 + "x",
    ],
    ids=["digits", "dated-digits", "composite-words", "brackets", "second-line", "a.m.", "second-line-a.m."],
)
def test_a_notice_shaped_first_line_costs_one_pass(first_line: str) -> None:
    """A label's time is a run of time words: "2025" could be split four ways and "일시" two, and a line those
    words fail on was tried every way (24 digits took 6 s, 22 after a date 50 s; found by a review). A stall
    here fails the run by its timeout. Not a time in a time's words: no notice."""
    notice = "<p>※ 이 자료는 11월 27일(목) 12:00 이후 보도하여 주시기 바랍니다.</p>"
    for body in (f"<p>{first_line}</p><p>본문.</p>", f"{notice}<p>{first_line}</p>"):
        body = sanitize_html(body, "https://www.korea.kr/")
        assert first_line[:8] in split_embargo_notice(body)[0]  # stays in the body


def test_a_long_image_name_costs_one_pass() -> None:
    """The placeholder pattern backtracked quadratically within one file name: 96 KB took 11 s, and every
    <img src> of a body is checked (found by a review). A stall here fails the run by its timeout."""
    from pressfeed.sanitize import placeholder_image

    assert not placeholder_image("https://www.korea.kr/" + "-blank" * 16_000)
    assert placeholder_image("https://www.korea.kr/images/" + "x-" * 16_000 + "blank.gif")
