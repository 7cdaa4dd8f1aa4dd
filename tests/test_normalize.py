"""Normalization rules, one by one (pressfeed.normalize)."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pressfeed.credits import split_credit
from pressfeed.dates import local_form_date, parse_datetime
from pressfeed.errors import RecordError
from pressfeed.imports import raw_article
from pressfeed.model import Article, Attribution, Image, Status
from pressfeed.normalize import NormalizeContext, Normalized, RecordProblems, make_id, normalize
from pressfeed.sanitize import body_text, plain_text, sanitize_html
from pressfeed.terms import credit_agencies
from pressfeed.text import clean_text, shorten
from pressfeed.urls import absolute_url
from pressfeed.yamlfile import load_one


def article_from_record(record, ctx: NormalizeContext) -> Article:
    """A CMS record through the one normalization path."""
    return normalize(raw_article(record), ctx).article


def summarize(body_html: str, length: int) -> str:
    """How a summary is derived from a body when the record gives none."""
    return shorten(body_text(body_html), length)


KST = ZoneInfo("Asia/Seoul")
BASE = "https://www.example-portal.kr/news/articleView.html?idxno=123456"
AUTHORITY = "example-portal.kr,2025"


# -- clean_text ---------------------------------------------------------------


def test_clean_text_composes_decomposed_hangul_to_nfc():
    assert clean_text("\u1100\u1161") == "가"
    assert clean_text("\u1112\u1161\u11ab\u1100\u1173\u11af") == "한글"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f"])
def test_clean_text_strips_c0_controls(char):
    assert clean_text(f"과{char}학") == "과학"


def test_clean_text_keeps_tab_cr_lf():
    assert clean_text("가\t나\r\n다") == "가\t나\r\n다"


def test_clean_text_strips_xml_noncharacters():
    assert clean_text("a\ufffeb\uffffc") == "abc"


def test_clean_text_keeps_full_width_punctuation_and_curly_quotes():
    text = "‘인공지능 집적단지’ “국가 경쟁력” （사진）！？·…"
    assert clean_text(text) == text


# -- plain_text ---------------------------------------------------------------


def test_plain_text_title_with_entity_and_tag():
    assert plain_text("반도체 &amp; 배터리 <b>수출</b> 역대 최대") == "반도체 & 배터리 수출 역대 최대"


def test_plain_text_nbsp_becomes_single_space():
    assert plain_text("과기정통부&nbsp;&nbsp; 발표") == "과기정통부 발표"


def test_plain_text_drops_script_content():
    assert plain_text("속보<script>alert('x')</script> 기사") == "속보 기사"


def test_plain_text_collapses_and_trims_whitespace():
    assert plain_text("  광주 \n\n 인공지능\t집적단지  ") == "광주 인공지능 집적단지"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # an Atom <summary type="html"> of paragraphs, a title broken in two, a pasted page's landmarks
        ("<p>과기정통부는 8일 발표했다.</p><p>정부는 내년부터</p>", "과기정통부는 8일 발표했다. 정부는 내년부터"),
        ("AI 기본법 시행령<br>입법예고", "AI 기본법 시행령 입법예고"),
        ("<SECTION>발표했다</SECTION><section>정부는</section>", "발표했다 정부는"),
        ("<ul><li>첫째</li><li>둘째</li></ul>", "첫째 둘째"),
        # inline tags join as before; a ">" in an attribute value ends no tag early
        ("<b>수출</b>액", "수출액"),
        ('<p title="a>b">본문</p>끝', "본문 끝"),
    ],
)
def test_plain_text_keeps_words_of_blocks_and_line_breaks_apart(value, expected):
    assert plain_text(value) == expected


def test_plain_text_decodes_escaped_angle_brackets_as_text():
    assert plain_text("a &lt; b") == "a < b"


def test_plain_text_drops_markup_escaped_once_too_often():
    # a board that escapes its titles before its feed escapes them again
    assert plain_text("&lt;b&gt;수출&lt;/b&gt; 역대 최대") == "수출 역대 최대"
    assert plain_text("첫 줄&lt;br /&gt;둘째 줄") == "첫 줄 둘째 줄"
    assert plain_text("R&amp;amp;D 예산&amp;nbsp;확대") == "R&D 예산 확대"
    assert plain_text("&amp;amp;amp;lt;b&amp;amp;amp;gt;세 번&amp;amp;amp;lt;/b&amp;amp;amp;gt;") == "세 번"


@pytest.mark.parametrize(
    "title", ["<U-20 월드컵> 개막", "<Q&A> 자료와 <S&P 500> 지수", "Q&amp;A; 자료 &amp;copy 2025", "<b-side> 음반"]
)
def test_plain_text_reads_brackets_and_ampersands_as_the_html_parser_does(title):
    # a tag's name runs to a space, "/" or ">": "<U-20" opens no <u>; "&A;" is no character reference
    expected = {"Q&amp;A; 자료 &amp;copy 2025": "Q&A; 자료 &copy 2025"}.get(title, title)
    assert plain_text(title) == expected


def test_clean_text_drops_the_replacement_character():
    # what a decoder leaves for bytes it could not read: nothing to show, and a validator warning
    assert clean_text("보도\ufffd자료") == "보도자료"
    assert plain_text("\ufffd\ufffd 제목") == "제목"


@pytest.mark.parametrize("nonchar", ["\ufdd0", "\ufdef", "\U0001fffe", "\U0010ffff", "\ufffe"])
def test_clean_text_drops_noncharacters(nonchar):
    """Unicode's noncharacters are for a program's own use, never for interchange: an HTML parser reports each
    (the W3C validator: "Invalid HTML: Invalid codepoint in stream"), wherever it stands in a body or a title."""
    assert clean_text(f"보도{nonchar}자료") == "보도자료"
    assert plain_text(f"{nonchar} 제목") == "제목"
    assert sanitize_html(f"<p>보도{nonchar}자료 &#x{ord(nonchar):X};</p>", BASE) == "<p>보도자료 </p>"


@pytest.mark.parametrize("kept", ["\U0001f4e2", "\U00020000", "\U0001fffd", "\U00100000"])
def test_clean_text_keeps_the_other_characters_past_the_bmp(kept):
    """Past U+FFFF only each plane's last two are noncharacters: an emoji or a rare Hanja stays."""
    assert clean_text(f"보도{kept}자료\U0001fffe") == f"보도{kept}자료"
    assert plain_text(f"{kept} 제목") == f"{kept} 제목"


@pytest.mark.parametrize(
    "title",
    ["R&D 예산과 <AI 기본법> 시행령", "영화 <기생충> 흥행", "<img> 태그 대체텍스트", "<U-20 월드컵> <Q&A> 자료"],
)
def test_plain_text_keeps_escaped_brackets_that_close_nothing(title):
    escaped = title.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert plain_text(escaped) == title


# -- sanitize_html ------------------------------------------------------------


def test_sanitize_html_removes_script_and_style_with_content():
    html = "<p>앞</p><script>alert('x')</script><style>p{color:red}</style><p>뒤</p>"
    assert sanitize_html(html, BASE) == "<p>앞</p><p>뒤</p>"


def test_sanitize_html_removes_empty_iframe():
    html = '<p>앞</p><iframe src="https://www.youtube.com/embed/x"></iframe><p>뒤</p>'
    assert sanitize_html(html, BASE) == "<p>앞</p><p>뒤</p>"


def test_sanitize_html_removes_iframe_with_its_content():
    html = '<p>앞</p><iframe src="https://evil.example/"><script>alert(1)</script>대체</iframe><p>뒤</p>'
    assert sanitize_html(html, BASE) == "<p>앞</p><p>뒤</p>"


def test_sanitize_html_removes_event_handler_attributes():
    html = '<p onclick="steal()" onmouseover="x()">본문</p><img src="/a.jpg" onerror="alert(1)">'
    assert sanitize_html(html, BASE) == '<p>본문</p><img src="https://www.example-portal.kr/a.jpg">'


@pytest.mark.parametrize("href", ["javascript:alert(1)", " JaVaScRiPt:alert(1)"])
def test_sanitize_html_removes_javascript_href(href):
    assert sanitize_html(f'<a href="{href}">링크</a>', BASE) == '<a rel="noopener noreferrer">링크</a>'


def test_sanitize_html_drops_a_user_name_and_password_from_urls():
    html = '<a href="http://user:s3cret@www.msit.go.kr/a.hwp">첨부</a><img src="https://user@cdn.example.kr/1.jpg">'
    assert sanitize_html(html, BASE) == (
        '<a href="http://www.msit.go.kr/a.hwp" rel="noopener noreferrer">첨부</a><img src="https://cdn.example.kr/1.jpg">'
    )


def test_sanitize_html_makes_relative_urls_absolute():
    html = '<a href="/news/articleView.html?idxno=123400">관련기사</a><img src="photo/1.jpg" alt="사진">'
    assert sanitize_html(html, BASE) == (
        '<a href="https://www.example-portal.kr/news/articleView.html?idxno=123400"'
        ' rel="noopener noreferrer">관련기사</a>'
        '<img src="https://www.example-portal.kr/news/photo/1.jpg" alt="사진">'
    )


def test_sanitize_html_cdata_terminator_survives_as_text():
    assert sanitize_html("<p>a ]]> b</p><p>다음</p>", BASE) == "<p>a ]]&gt; b</p><p>다음</p>"


def test_sanitize_html_keeps_nbsp():
    assert sanitize_html("<p>가&nbsp;나</p>", BASE) == "<p>가&nbsp;나</p>"


def test_sanitize_html_strips_comments_and_disallowed_tags_keeping_text():
    html = '<p><!-- 메모 --><font color="red">빨강</font></p>'
    assert sanitize_html(html, BASE) == "<p>빨강</p>"


# -- HTML escaped once too often ------------------------------------------------
#
# Boards built on the government's e-government framework store their HTML
# escaped and put that in CDATA: feedparser hands over "&lt;p&gt;본문&lt;/p&gt;",
# which readers would show as tags.

BOARD_BODY = (
    '<div class="view_cont">&lt;p&gt;과기정통부는 26일 &lt;b&gt;디지털 접근성&lt;/b&gt; 점검 결과를 발표했다.&lt;/p&gt;'
    '&lt;p&gt;자세한 내용은 &lt;a href="/bbs/view.do?nttSeqNo=3186500"&gt;원문&lt;/a&gt;을 참고.&lt;br /&gt;'
    "R&amp;amp;D &amp;lt;AI 기본법&amp;gt; 시행령&lt;/p&gt;</div>"
)


def test_sanitize_html_reads_markup_escaped_once_too_often_as_markup():
    assert sanitize_html(BOARD_BODY, BASE) == (
        "<div><p>과기정통부는 26일 <b>디지털 접근성</b> 점검 결과를 발표했다.</p>"
        '<p>자세한 내용은 <a href="https://www.example-portal.kr/bbs/view.do?nttSeqNo=3186500"'
        ' rel="noopener noreferrer">원문</a>을 참고.<br>'
        "R&amp;D &lt;AI 기본법&gt; 시행령</p></div>"
    )


def test_sanitize_html_unescapes_each_level_of_escaping():
    twice = "&amp;lt;p&amp;gt;본문&amp;lt;/p&amp;gt;&amp;lt;p&amp;gt;둘째&amp;lt;/p&amp;gt;"
    assert sanitize_html(twice, BASE) == "<p>본문</p><p>둘째</p>"
    assert sanitize_html("첫 줄&lt;br&gt;둘째 줄&lt;br&gt;셋째 줄", BASE) == "첫 줄<br>둘째 줄<br>셋째 줄"


def test_sanitize_html_judges_escaped_markup_on_the_text_it_stores():
    """A "&#0;" before the escaped tags becomes U+FFFD, which the stored body drops: the tags open it, and a
    second pass must not find escaped markup the first one let stand (found by the property tests)."""
    once = sanitize_html("&#0;&lt;p&gt;본문&lt;/p&gt;", BASE)
    assert once == "<p>본문</p>"
    assert sanitize_html(once, BASE) == once


@pytest.mark.parametrize(
    "markup", ["<li><table><li>", "<table><p>표 밖으로<td>칸</td></table>", "<ul><li><table><li>하나"]
)
def test_sanitize_html_settles_what_a_table_moves_out(markup):
    """The parser moves a table's misplaced content before it, into a tree its serializer writes unlike the
    parser reads it; a stored body must sanitize to itself (found by the property tests)."""
    once = sanitize_html(markup, BASE)
    assert sanitize_html(once, BASE) == once


def test_sanitize_html_unescaped_markup_is_sanitized_like_any_other():
    hostile = (
        '&lt;p onclick="x()"&gt;본문&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;'
        '&lt;a href="javascript:x"&gt;링크&lt;/a&gt;'
    )
    assert sanitize_html(hostile, BASE) == '<p>본문</p><a rel="noopener noreferrer">링크</a>'


@pytest.mark.parametrize(
    "body",
    [
        # prose that quotes markup, and code samples
        "<p>해커는 &lt;script&gt;alert(1)&lt;/script&gt; 코드를 삽입했다.</p>",
        "<pre><code>&lt;div&gt;안녕&lt;/div&gt;</code></pre>",
        "<p>예제: <code>&lt;p&gt;문단&lt;/p&gt;</code> 처럼 쓴다</p>",
        # an article about HTML quotes its tags between its own paragraphs
        "<p>굵게는 &lt;b&gt;와 &lt;/b&gt;로 감싼다.</p><p>줄바꿈은 &lt;br&gt; 하나다.</p>",
        # quoted tags, none that ends or breaks anything
        "<p>&lt;b&gt; 태그와 &lt;i&gt; 태그의 차이</p>",
        # one alone
        "<p>닫는 태그 &lt;/p&gt;를 빠뜨리지 말 것</p>",
        # brackets of Korean titles are no tags
        "<p>&lt;AI 기본법&gt; 시행령과 &lt;2026년 업무계획&gt;</p>",
    ],
)
def test_sanitize_html_leaves_text_that_only_quotes_tags(body):
    assert sanitize_html(body, BASE) == body


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p><AI 기본법> 시행령 입법예고</p>", "<p>&lt;AI 기본법&gt; 시행령 입법예고</p>"),
        ("<p><U-20 월드컵> 개막</p>", "<p>&lt;U-20 월드컵&gt; 개막</p>"),
        ("<p><Q&A> 달라지는 제도</p>", "<p>&lt;Q&amp;A&gt; 달라지는 제도</p>"),
    ],
)
def test_a_bracketed_name_written_raw_in_a_body_stays_text(body, expected):
    """A title keeps "<AI 기본법>"; a body written the same way lost it, read as an unknown element."""
    assert sanitize_html(body, BASE) == expected


def test_an_escaped_body_gives_markup_and_a_summary_without_tags(ctx):
    article = article_from_record(minimal(body_html=BOARD_BODY), ctx)
    assert "<b>디지털 접근성</b>" in article.body_html
    assert 'href="https://www.example-portal.kr/bbs/view.do?nttSeqNo=3186500"' in article.body_html
    assert article.summary == (
        "과기정통부는 26일 디지털 접근성 점검 결과를 발표했다. 자세한 내용은 원문을 참고. R&D <AI 기본법> 시행령"
    )


# -- absolute_url -------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/news/photo/1.jpg", "https://www.example-portal.kr/news/photo/1.jpg"),
        ("photo/1.jpg", "https://www.example-portal.kr/news/photo/1.jpg"),
        ("  photo/1.jpg  ", "https://www.example-portal.kr/news/photo/1.jpg"),
        ("//cdn.example.kr/x.jpg", "https://cdn.example.kr/x.jpg"),
        ("https://www.msit.go.kr/", "https://www.msit.go.kr/"),
        ("mailto:press@example.kr", "mailto:press@example.kr"),
        ("javascript:alert(1)", ""),
        ("ftp://files.example.kr/a.hwp", ""),
        ("data:text/html,x", ""),
        # a user name and password are never published: a reader's feed would hand them to everyone
        ("http://user:s3cret@www.msit.go.kr/a.hwp", "http://www.msit.go.kr/a.hwp"),
        ("https://user@www.msit.go.kr:8443/a?b=c@d", "https://www.msit.go.kr:8443/a?b=c@d"),
        ("//user:s3cret@cdn.example.kr/x.jpg", "https://cdn.example.kr/x.jpg"),
        ("https://www.msit.go.kr/people/@minister", "https://www.msit.go.kr/people/@minister"),  # a path's @
        # URIs, as the W3C validator holds them ("Invalid character in a URI", "url must be a full URL"): brackets
        # only around an IPv6 host, "%" only to begin an escape, a host always, a Korean domain as punycode
        (
            "/files/[붙임] 계획.hwp",
            "https://www.example-portal.kr/files/%5B%EB%B6%99%EC%9E%84%5D%20%EA%B3%84%ED%9A%8D.hwp",
        ),
        ("https://www.msit.go.kr/[사진]1.jpg", "https://www.msit.go.kr/%5B%EC%82%AC%EC%A7%84%5D1.jpg"),
        ("https://www.msit.go.kr/a[1].jpg?b[]=2#c]", "https://www.msit.go.kr/a%5B1%5D.jpg?b%5B%5D=2#c%5D"),
        ("/100%.jpg", "https://www.example-portal.kr/100%25.jpg"),
        ("https://www.msit.go.kr/a%zz?b=%", "https://www.msit.go.kr/a%25zz?b=%25"),
        ("https://www.msit.go.kr/a%20b%2F", "https://www.msit.go.kr/a%20b%2F"),
        ("http://", ""),
        ("https://ex ample.kr/a.jpg", ""),
        ("https://www.msit.go.kr:99999/a.jpg", ""),
        ("https://www.msit.go.kr:0/a.jpg", ""),  # no server listens there
        ("https://a..kr/x.jpg", ""),
        ("https://.kr/x.jpg", ""),
        ("https://ex_ample.kr/x.jpg", ""),  # no DNS name, nor one the validator takes
        ("https://www.msit.go.kr./a.jpg", "https://www.msit.go.kr/a.jpg"),  # the root's dot: the same host
        # and in the form the validator calls canonical (an atom:source id): a path at least "/", one "#"
        ("https://www.msit.go.kr", "https://www.msit.go.kr/"),
        ("HTTPS://WWW.MSIT.GO.KR/A.JPG", "https://www.msit.go.kr/A.JPG"),  # a host's case is no part of it
        ("https://www.msit.go.kr?a=1#b", "https://www.msit.go.kr/?a=1#b"),
        ("https://www.msit.go.kr/a#b#c", "https://www.msit.go.kr/a#b%23c"),
        ("https://한국.kr/사진.jpg", "https://xn--3e0b707e.kr/%EC%82%AC%EC%A7%84.jpg"),
        # no news site is served from an IP literal, and the validator refuses its brackets in atom:id and RSS urls
        ("https://[::1]/a.jpg", ""),
    ],
)
def test_absolute_url(url, expected):
    assert absolute_url(url, BASE) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("\\news\\photo\\1.jpg", "https://www.example-portal.kr/news/photo/1.jpg"),
        ("photo\\1.jpg", "https://www.example-portal.kr/news/photo/1.jpg"),
        ("https:\\\\cdn.example.kr\\x.jpg", "https://cdn.example.kr/x.jpg"),
    ],
)
def test_absolute_url_reads_backslashes_as_browsers_do(url, expected):
    """Editors on Windows CMSs paste paths with backslashes ("\\upload\\1.jpg"): a browser reads "\\" as
    "/" in an http(s) URL (WHATWG URL), so the portal's page shows the photo, while the feeds published
    ".../news/%5Cnews%5Cphoto%5C1.jpg", a picture no reader can load."""
    assert absolute_url(url, BASE) == expected


def test_a_relative_url_does_not_take_the_bases_user_name():
    base = "https://user:s3cret@www.korea.kr/briefing/view.do?id=1"
    assert absolute_url("/photo/1.jpg", base) == "https://www.korea.kr/photo/1.jpg"
    assert absolute_url("photo/1.jpg", base) == "https://www.korea.kr/briefing/photo/1.jpg"


# -- parse_datetime -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-11-08 09:00:00", datetime(2025, 11, 8, 0, 0, tzinfo=UTC)),
        ("2025.11.08", datetime(2025, 11, 7, 15, 0, tzinfo=UTC)),
        ("2025.11.08.", datetime(2025, 11, 7, 15, 0, tzinfo=UTC)),
        ("2025.11.06 14:00", datetime(2025, 11, 6, 5, 0, tzinfo=UTC)),
        ("2025/11/8 9:05", datetime(2025, 11, 8, 0, 5, tzinfo=UTC)),
        ("2025-11-08T09:00:00+09:00", datetime(2025, 11, 8, 0, 0, tzinfo=UTC)),
        ("2025-11-08T00:00:00Z", datetime(2025, 11, 8, 0, 0, tzinfo=UTC)),
        ("Sat, 08 Nov 2025 09:00:00 +0900", datetime(2025, 11, 8, 0, 0, tzinfo=UTC)),
        ("Sat, 08 Nov 2025 09:00:00 GMT", datetime(2025, 11, 8, 9, 0, tzinfo=UTC)),
        (" 2025-11-08 09:00:00.123456 ", datetime(2025, 11, 8, 0, 0, tzinfo=UTC)),
        # Korean systems' own forms: a 12-hour clock (.NET/Java ko-KR, JavaScript's toLocaleString)
        ("2025-11-08 오후 3:00:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025-11-08 오전 11:30:00", datetime(2025, 11, 8, 2, 30, tzinfo=UTC)),
        ("2025-11-08 오전 12:10:00", datetime(2025, 11, 7, 15, 10, tzinfo=UTC)),  # 10 past midnight
        ("2025-11-08 오후 12:10:00", datetime(2025, 11, 8, 3, 10, tzinfo=UTC)),  # 10 past noon
        ("2025. 11. 8. 오후 3:05:00", datetime(2025, 11, 8, 6, 5, tzinfo=UTC)),
        ("2025-11-08 3:00 PM", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025년 11월 8일 15:20", datetime(2025, 11, 8, 6, 20, tzinfo=UTC)),
        ("2025년 11월 8일 (토) 15시 20분", datetime(2025, 11, 8, 6, 20, tzinfo=UTC)),
        ("2025. 11. 08. 15:20", datetime(2025, 11, 8, 6, 20, tzinfo=UTC)),
        # runs of digits, fractions before a zone name, zone names and bare hours
        ("20251108150000", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("202511081500", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025-11-08 15:00:00.0 KST", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025-11-08T15:00:00 UTC", datetime(2025, 11, 8, 15, 0, tzinfo=UTC)),
        ("2025-11-08 15:00:00 GMT+09:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("Sat, 08 Nov 2025 15:00:00 +09", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),  # not nine minutes
        ("Sat, 08 Nov 2025 15:00:00 -0000", datetime(2025, 11, 8, 15, 0, tzinfo=UTC)),  # RFC 5322: UTC
        # month/day/year: the data.go.kr press-release API, .NET in en-US (never day first in Korea)
        ("11/08/2025 15:00:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("11/08/2025 3:00:00 PM", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("11/08/2025 오후 3:00:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("1/8/2025 9:05 AM", datetime(2025, 1, 8, 0, 5, tzinfo=UTC)),
        ("11/08/2025 15:00:00.0", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("11/08/2025", datetime(2025, 11, 7, 15, 0, tzinfo=UTC)),
        # an hour and no minutes, as boards write the hour of a briefing
        ("2025년 11월 8일 15시", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025.11.08 15시", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025-11-08 오후 3시", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025-11-08 오전 12시", datetime(2025, 11, 7, 15, 0, tzinfo=UTC)),  # midnight
        # a weekday between the date and the time, with or without brackets
        ("2025-11-08 (토) 15:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025.11.08(토) 15:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025년 11월 8일 토요일 오후 3시 20분", datetime(2025, 11, 8, 6, 20, tzinfo=UTC)),
        ("2025-11-08 토 15:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025-11-08 토요일 15:00:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025. 11. 8.(토) 오후 3:00", datetime(2025, 11, 8, 6, 0, tzinfo=UTC)),
        ("2025.11.08 (토)", datetime(2025, 11, 7, 15, 0, tzinfo=UTC)),
    ],
)
def test_parse_datetime_strings(value, expected):
    result = parse_datetime(value, KST)
    assert result == expected
    assert result.tzinfo is UTC


def test_parse_datetime_naive_datetime_from_yaml_is_site_local():
    assert parse_datetime(datetime(2025, 11, 8, 9, 0), KST) == datetime(2025, 11, 8, 0, 0, tzinfo=UTC)


def test_parse_datetime_aware_datetime_kept():
    value = datetime(2025, 11, 8, 9, 0, tzinfo=UTC)
    assert parse_datetime(value, KST) == value


def test_parse_datetime_date_from_yaml_is_local_midnight():
    assert parse_datetime(date(2025, 11, 8), KST) == datetime(2025, 11, 7, 15, 0, tzinfo=UTC)


def test_parse_datetime_uses_given_zone_for_naive_values():
    assert parse_datetime("2025-11-08 09:00:00", UTC) == datetime(2025, 11, 8, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "value", ["1970-01-01 00:00:00", "1989-12-31T23:59:59Z", datetime(1970, 1, 1), "2205-11-08 09:00:00", "9999-12-31"]
)
def test_parse_datetime_rejects_implausible_dates(value):
    with pytest.raises(ValueError, match=r"implausible date .*\((before 1990|after 2099)\)"):
        parse_datetime(value, KST)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("2025-11-08 오후 13:00:00", "hour 13 with 오후"),
        ("2025-11-08 오전 9:00 PM", "hour 9 with 오전"),
        ("2025-11-08 15:00:00 +25:00", "invalid time zone"),
        ("20251308150000", "month must be in 1..12"),
        ("2025-11-08 24:00", "hour must be in 0..23"),
        ("2025-11-08 00:00 PM", "hour 0 with PM"),
        # the day and the hour run together: "2025-11-1 23:00" without its space is no 12th at 03:00
        ("2025-11-123:00", "invalid date"),
        ("2025-11-08 오후 13시", "hour 13 with 오후"),
        ("2025년 11월 8일 24시", "hour must be in 0..23"),
        # Korean systems write no day first: 13/08 is refused, not read as the 13th of August
        ("13/08/2025 15:00", "invalid date '13/08/2025 15:00': 13 is no month (slashed dates are month/day/year)"),
        ("11/31/2025 15:00:00", "invalid date '11/31/2025 15:00:00': day is out of range for month"),
        ("02/29/2025", "day is out of range for month"),
        ("11/08/2025 오후 15:00:00", "hour 15 with 오후"),
    ],
)
def test_parse_datetime_rejects_impossible_local_forms(value, problem):
    with pytest.raises(ValueError, match=re.escape(problem)):
        parse_datetime(value, KST)


@pytest.mark.parametrize(
    ("value", "ok"), [("1990-01-01 05:00", True), ("2099-12-31 23:00", True), ("2100-01-01", False)]
)
def test_parse_datetime_bounds_are_the_years_as_written(value, ok):
    """In Seoul, 1990-01-01 05:00 is 1989 in UTC and 2100-01-01 still 2099: the editor typed the year."""
    if ok:
        assert parse_datetime(value, KST).astimezone(KST).strftime("%Y-%m-%d %H:%M") == value
    else:
        with pytest.raises(ValueError, match="after 2099"):
            parse_datetime(value, KST)


def test_parse_datetime_rejects_garbage_with_example_format():
    with pytest.raises(ValueError) as info:
        parse_datetime("어제 오후", KST)
    assert str(info.value) == "unrecognized date '어제 오후' (use ISO 8601, e.g. 2025-11-08 09:00:00)"


@pytest.mark.parametrize(
    "value",
    [
        "2025-11-08 금 토 15:00",  # two weekdays
        "2025-11-08 15 00",  # an hour and minutes without a mark between them
        "11-08-2025 15:00",  # month first only with slashes
        "11/08/25 15:00",  # and only with a four-digit year
        "2025/11/08/ 15시",
    ],
)
def test_parse_datetime_refuses_near_forms(value):
    with pytest.raises(ValueError, match=r"^(unrecognized|invalid) date"):
        parse_datetime(value, KST)


@pytest.mark.parametrize(
    "value",
    [
        "11/08/2025" + " 1" * 32_768,
        "2025.11.08 " + "15 " * 21_845 + "시",
        "2025년 11월 8일 토요일" + " 0" * 32_768 + "시",
        "1 " * 32_768,
    ],
    ids=["month-first", "hour-only", "weekday", "digits"],
)
def test_a_64k_date_of_digits_and_spaces_is_refused(value):
    """Whitespace is collapsed and a long text is no local form at all, before any pattern runs: the forms'
    optional spaces sit side by side, and backtracking over such a text would hold a worker."""
    assert len(value) >= 64 * 1024
    assert local_form_date(value) is None
    with pytest.raises(ValueError, match=r"^unrecognized date"):
        parse_datetime(value, KST)


@pytest.mark.parametrize(
    "value",
    [
        "Nov 8, 2025 3:20:00 PM",  # Java's DateFormat (MEDIUM) in en-US
        "Sat, 08 Nov 2025 03:20:00 PM +0900",  # a board's pubDate on a 12-hour clock
        "Sat, 08 Nov 2025 03:20:00 오후 +0900",
        "8 Nov 2025 3:20 PM",
    ],
)
def test_parse_datetime_never_reads_an_afternoon_as_the_morning(value):
    """Whatever is no local form falls through to RFC 822 (email.utils), which skips a "PM" or "오후" it does
    not know: 15:20 was stored as 03:20, twelve hours early and without a word. Read it right or refuse it."""
    try:
        result = parse_datetime(value, KST)
    except ValueError:
        return
    assert result == datetime(2025, 11, 8, 6, 20, tzinfo=UTC)


def test_parse_datetime_does_not_drop_the_minutes_of_a_dotted_time():
    """Python's fromisoformat reads "15.20" as 15 hours and 0.20 of a second: "2025-11-08 15.20" was stored
    as 15:00, its minutes gone without a word (a wrong time, where an unreadable one is an error)."""
    try:
        result = parse_datetime("2025-11-08 15.20", KST)
    except ValueError:
        return
    assert result != datetime(2025, 11, 8, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize("value", ["2025-11-08T15:20.5", "2025-11-08 15:20,5", "2025-11-08 15:20.25"])
def test_parse_datetime_does_not_read_a_fraction_of_a_minute_as_other_minutes(value):
    """ISO 8601's fraction of a minute ("15:20.5", 15:20:30) was read by fromisoformat as 15:20 and a fraction of
    a second; now it skips fromisoformat and falls to _LOCAL_FORM, whose optional ':' splits the minutes "20"
    into minute 2 and second 0: stored as 15:02, eighteen minutes early, without a word."""
    try:
        result = parse_datetime(value, KST)
    except ValueError:
        return
    assert (result.hour, result.minute) == (6, 20)


@pytest.mark.parametrize("value", ["2025-11-08 15:20.5 +0900", "2025-11-08 15:20.5 KST", "2025/11/08 15:20.5"])
def test_parse_datetime_does_not_read_a_fraction_of_a_minute_as_other_minutes_before_a_zone(value):
    """The narrowed _FRACTION_NOT_OF_SECONDS lets fromisoformat read "15:20.5" only where it reads the whole
    text: with a zone after a space ("+0900", "KST") or slashes in the date, fromisoformat fails, and
    _LOCAL_FORM's optional ':' still splits the minutes "20" into minute 2 and second 0: 15:02, the bug the
    fix named, without a word."""
    try:
        result = parse_datetime(value, KST)
    except ValueError:
        return
    assert (result.hour, result.minute) == (6, 20), result


@pytest.mark.parametrize("value", ["", "   ", None, 20251108, True])
def test_parse_datetime_rejects_non_dates(value):
    with pytest.raises(ValueError, match="not a date"):
        parse_datetime(value, KST)


# -- lazy-loaded images ---------------------------------------------------------

PHOTO = "https://www.example-portal.kr/photo/2025/02/06/minister.jpg"
LAZY = 'data-src="/photo/2025/02/06/minister.jpg"'


@pytest.mark.parametrize(
    ("markup", "expected"),
    [
        (
            '<img src="/img/blank.gif" data-src="/photo/2025/02/06/minister.jpg" alt="장관">',
            f'<img src="{PHOTO}" alt="장관">',
        ),
        ('<img data-src="/photo/2025/02/06/minister.jpg">', f'<img src="{PHOTO}">'),
        ('<img src="/common/spacer.png" data-original="../../photo/2025/02/06/minister.jpg">', f'<img src="{PHOTO}">'),
        ('<img src="/images/loading.gif" data-lazy-src="/photo/2025/02/06/minister.jpg">', f'<img src="{PHOTO}">'),
        (
            f'<img alt="장관" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" {LAZY}>',
            f'<img src="{PHOTO}" alt="장관">',  # the cleaner drops a data: src; the photo's comes first
        ),
        (
            '<img src="/img/transparent.gif" width="1" height="1" data-src="/photo/2025/02/06/minister.jpg">',
            f'<img src="{PHOTO}">',
        ),
        (f'<img src="/img/x.gif" width="1" height="1" {LAZY}>', f'<img src="{PHOTO}">'),
        # a real picture stays; its lazy copy (a larger size, say) is not needed
        (
            '<img src="/photo/2025/02/06/minister_s.jpg" data-src="/photo/2025/02/06/minister.jpg" width="300">',
            '<img src="https://www.example-portal.kr/photo/2025/02/06/minister_s.jpg" width="300">',
        ),
        # nothing to show: gone
        ('<p>장관<img alt="사진"></p>', "<p>장관</p>"),
        ('<p>장관<img src="javascript:alert(1)" data-src="javascript:alert(2)"></p>', "<p>장관</p>"),
    ],
    ids=[
        "blank-gif",
        "no-src",
        "data-original",
        "data-lazy-src",
        "data-uri",
        "one-pixel-transparent",
        "one-pixel",
        "real-src-kept",
        "no-source-at-all",
        "script-urls",
    ],
)
def test_sanitize_lazy_loaded_images_show_their_picture(markup, expected):
    assert sanitize_html(markup, BASE) == expected
    assert sanitize_html(expected, BASE) == expected


def test_sanitize_keeps_a_placeholder_with_nothing_better():
    """An image whose only source looks like a placeholder is still an image the page showed."""
    expected = '<img src="https://www.example-portal.kr/img/blank.gif" alt="장관">'
    assert sanitize_html('<img src="/img/blank.gif" alt="장관">', BASE) == expected


def test_an_ingested_items_lead_image_is_the_lazy_photo_not_the_placeholder(ctx):
    from pressfeed.config import SourceConfig
    from pressfeed.model import InputKind, RawArticle

    source = SourceConfig(id="msit", name="과학기술정보통신부", url="https://www.msit.go.kr/rss", section="it-science")
    body = (
        '<p><img src="/img/blank.gif" data-src="/photo/2025/02/06/minister.jpg" alt="유상임 장관"></p>'
        "<p>과학기술정보통신부 유상임 장관은 광주 인공지능 집적단지를 방문했다.</p>"
    )
    raw = RawArticle(
        kind=InputKind.SOURCE,
        title="과기정통부 장관, 광주 인공지능집적단지 현장방문",
        link="https://www.example-portal.kr/news/articleView.html?idxno=123456",
        guid="msit-1",
        body_html=body,
        published="2025-11-08 09:00:00",
    )
    article = normalize(raw, ctx, source, datetime(2025, 11, 8, 12, tzinfo=UTC)).article
    assert [image.url for image in article.images] == [PHOTO]
    placeholder = dataclasses.replace(raw, body_html=body.replace(' data-src="/photo/2025/02/06/minister.jpg"', ""))
    assert normalize(placeholder, ctx, source, datetime(2025, 11, 8, 12, tzinfo=UTC)).article.images == ()


# -- summarize ----------------------------------------------------------------


def test_summarize_cuts_at_word_boundary_with_ellipsis():
    assert summarize("<p>하나 둘 셋 넷 다섯 여섯</p>", 10) == "하나 둘 셋 넷…"


def test_summarize_drops_trailing_punctuation_before_ellipsis():
    assert summarize("<p>alpha beta, gamma delta</p>", 12) == "alpha beta…"


def test_summarize_short_text_unchanged():
    assert summarize("<p>짧은 본문.</p>", 200) == "짧은 본문."


def test_summarize_separates_paragraphs_with_a_space():
    assert summarize("<p>첫 문단.</p><p>둘째 문단.</p>", 200) == "첫 문단. 둘째 문단."


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<div>과기정통부는 6일 발표했다.</div><div>이번 사업은</div>", "과기정통부는 6일 발표했다. 이번 사업은"),
        ("<table><tr><th>구분</th><th>예산</th></tr><tr><td>인공지능</td><td>1조 원</td></tr></table>",
         "구분 예산 인공지능 1조 원"),
        ("<table><caption>표 1. 사업 개요</caption><tr><td>기간</td></tr></table>", "표 1. 사업 개요 기간"),
        ('<figure><img src="/p.jpg"><figcaption>유상임 장관</figcaption></figure>장관은 간담회를 가졌다.',
         "유상임 장관 장관은 간담회를 가졌다."),
        ("<blockquote>“지역과 함께하겠다”</blockquote>고 말했다.", "“지역과 함께하겠다” 고 말했다."),
        ("<dl><dt>일시</dt><dd>2월 6일</dd></dl>", "일시 2월 6일"),
        ("<ul><li>첫째</li></ul>둘째<hr>셋째<pre>넷째</pre>다섯째", "첫째 둘째 셋째 넷째 다섯째"),
        ("광주 인공지능<p>집적단지</p>", "광주 인공지능 집적단지"),
    ],
    ids=["div", "table", "caption", "figcaption", "blockquote", "dl", "list-hr-pre", "block-start"],
)  # fmt: skip
def test_summarize_separates_every_block_with_a_space(body, expected):
    assert summarize(sanitize_html(body, BASE), 200) == expected


#: the block elements the sanitizer does not allow, each around text between two others
UNALLOWED_BLOCKS = [
    *("section", "article", "aside", "header", "footer", "nav", "main", "address", "hgroup", "search"),
    *("center", "details", "summary", "dialog", "fieldset", "legend", "form", "h1", "menu", "dir"),
]


@pytest.mark.parametrize("name", UNALLOWED_BLOCKS)
def test_a_block_the_sanitizer_does_not_allow_stays_a_block(name):
    """Unwrapped, "…발표했다</section><section>정부는…" ran together in the body readers show and in its
    summary ("발표했다정부는"); it is written as a <div>, which the allow-list has."""
    body = sanitize_html(f"<p>앞 문단</p>과기정통부는 발표했다<{name} id=x>정부는 지원한다</{name}>이어서 말했다", BASE)
    assert body == "<p>앞 문단</p>과기정통부는 발표했다<div>정부는 지원한다</div>이어서 말했다"
    assert sanitize_html(body, BASE) == body
    assert summarize(body, 200) == "앞 문단 과기정통부는 발표했다 정부는 지원한다 이어서 말했다"


def test_a_page_of_html5_sections_reads_as_its_blocks():
    markup = (
        "<article><header><h1>AI 기본법 시행령 발표</h1></header>"
        "<section><p>과학기술정보통신부는 6일 시행령을 발표했다</p></section>"
        "<section>정부는 내년까지 지원한다<aside>관련 기사</aside></section>"
        "<details><summary>붙임</summary>시행령 전문</details>"
        "<footer>[뉴스출처 : 과학기술정보통신부]</footer></article>"
    )
    body, credit = split_credit(sanitize_html(markup, BASE))
    assert credit == "[뉴스출처 : 과학기술정보통신부]"
    assert summarize(body, 200) == (
        "AI 기본법 시행령 발표 과학기술정보통신부는 6일 시행령을 발표했다 정부는 내년까지 지원한다 관련 기사 붙임 "
        "시행령 전문"
    )


def test_blocks_as_divs_leave_the_story_and_content_keys_as_stored():
    """A release stored when its <section>s were unwrapped has the keys it has now: they ignore whitespace."""
    import nh3

    from pressfeed.ingest.keys import text_key
    from pressfeed.sanitize import ALLOWED_TAGS, body_words
    from pressfeed.stories import body_key
    from pressfeed.text import collapse_space

    markup = (
        "<article><section>(포탈뉴스통신) 과학기술정보통신부 유상임 장관은 2월 6일, 광주광역시에 위치한 "
        "인공지능산업융합 집적단지를 방문했다</section><section>이번 현장방문은 지역 인공지능 기업들의 "
        "현장의견을 수렴하기 위해 마련됐다</section><footer>유 장관은 \u201c인공지능 집적단지가 지역 산업의 "
        "중심이 되도록 지원하겠다\u201d고 밝혔다</footer></article>"
    )
    unwrapped = nh3.clean(markup, tags=set(ALLOWED_TAGS))  # as the sanitizer wrote it until 2026-11
    now = body_words(sanitize_html(markup, BASE))
    assert "방문했다 이번" in collapse_space(now) and "방문했다이번" in body_words(unwrapped)
    assert body_key(now) == body_key(body_words(unwrapped)) is not None
    assert text_key("제목", now) == text_key("제목", body_words(unwrapped))


@pytest.mark.parametrize(
    "markup",
    [
        "<li><form><li>항목</li></form></li>",  # the parser nests <li> in a <form> in an <li>, not in a <div>
        "<p>a<fieldset><p>b</p></fieldset>c",
        "<section><table><tr><td>표</td></tr><section>밖</section></table></section>",
        "<h1>제목<h2>부제</h2></h1>본문",
        "<menu><li>첫째</li><li>둘째</li></menu>",
    ],
)
def test_blocks_written_as_divs_sanitize_to_themselves(markup):
    once = sanitize_html(markup, BASE)
    assert sanitize_html(once, BASE) == once


def test_block_spaces_leave_the_story_and_content_keys_as_stored():
    """Keys are stored (dedupe keys of releases, citations of articles) and hash the text without its
    whitespace: the spaces between blocks change no key, so stored articles match as before."""
    from pressfeed.ingest.keys import text_key
    from pressfeed.sanitize import body_words
    from pressfeed.stories import body_key

    body = sanitize_html(
        "<div>(포탈뉴스통신) 과학기술정보통신부 유상임 장관은 2월 6일, 광주광역시에 위치한 인공지능산업융합 "
        "집적단지를 방문했다.</div><div>이번 현장방문은 지역 인공지능 기업들의 현장의견을 수렴하기 위해 마련됐다."
        "</div><table><tr><td>구분</td><td>2025년 예산</td></tr><tr><td>데이터센터</td><td>1,200억 원</td></tr>"
        "</table>",
        BASE,
    )
    before = re.sub(r"<[^>]*>", "", re.sub(r"<(?:/p|br\s*/?|/li|/h\d)>", " ", body))  # body_words until 2025-11
    now = body_words(body)
    assert now != before
    assert body_key(now) == body_key(before) is not None
    assert text_key("제목", now) == text_key("제목", before)


def test_summarize_hard_cut_without_spaces():
    assert summarize("<p>abcdefghijklmnopqrstuvwxyz</p>", 10) == "abcdefghij…"


# -- layout_form: a body re-formatted or a body changed -------------------------------------------


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ('<p class="lead">정부는</p>\n<p>  내년까지\n  지원한다. </p>', "<p>정부는</p><p>내년까지 지원한다.</p>"),
        ('<img src="/photo/1.jpg" alt="브리핑" width="600">', "<img width=600 alt='브리핑' src='/photo/1.jpg' />"),
        ("<table>\n  <tr>\n    <td>구분</td>\n  </tr>\n</table>", "<table><tr><td>구분</td></tr></table>"),
        ("<p>첫 줄<br>\n   둘째 줄</p>", "<p>첫 줄 <br>둘째 줄</p>"),
        ("<ul>\n  <li>하나</li>\n  <li>둘</li>\n</ul>\n", "<ul><li>하나</li><li>둘</li></ul>"),
        ("<p>R&amp;D <b>투자</b>\t확대</p>", "<p>R&D <b>투자</b> 확대</p>"),
    ],
)
def test_layout_form_evens_out_what_layout_ignores(one, other):
    from pressfeed.sanitize import layout_form

    assert sanitize_html(one, BASE) != sanitize_html(other, BASE)
    assert layout_form(sanitize_html(one, BASE)) == layout_form(sanitize_html(other, BASE))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("<p><b>반도체</b> <b>수출</b></p>", "<p><b>반도체</b><b>수출</b></p>"),  # a space between words shows
        ("<p>반도체 수출</p>", "<p>반도체수출</p>"),
        ("<p>반도체&nbsp;수출</p>", "<p>반도체 수출</p>"),  # a no-break space is no place to wrap
        ("<pre>구분    예산\n인건비  10</pre>", "<pre>구분 예산 인건비 10</pre>"),  # in <pre> whitespace shows
        ('<a href="/view.do?id=1">원문</a>', '<a href="/view.do?id=2">원문</a>'),
        ('<img src="/photo/1.jpg" alt="브리핑">', '<img src="/photo/1.jpg" alt="브리핑 모습">'),
        ("<p>정부는</p><p>지원한다.</p>", "<p>정부는<br>지원한다.</p>"),
        ("<p>정부는</p>", "<h2>정부는</h2>"),
    ],
)
def test_layout_form_keeps_what_readers_see(one, other):
    from pressfeed.sanitize import layout_form

    assert layout_form(sanitize_html(one, BASE)) != layout_form(sanitize_html(other, BASE))


def test_an_ingested_release_and_its_summary_lose_the_embargo_notice(ctx):
    from pressfeed.config import SourceConfig
    from pressfeed.model import InputKind, RawArticle

    source = SourceConfig(id="briefing", name="외교부", url="https://apis.data.go.kr/x", section="politics")
    raw = RawArticle(
        kind=InputKind.SOURCE,
        title="한-호주 외교·국방(2+2) 장관회의 개최",
        link="https://www.korea.kr/briefing/pressReleaseView.do?newsId=156750487",
        guid="156750487",
        body_html="<p><strong>※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기 바랍니다.</strong></p>"
        "<p>외교부 장관과 국방부 장관은 11월 26일 서울에서 호주 외교장관, 국방장관과 장관회의를 개최했다.</p>",
        published="2025-11-27 06:00:00",
    )
    article = normalize(raw, ctx, source, datetime(2025, 11, 27, 12, tzinfo=UTC)).article
    assert "보도하여" not in article.body_html
    assert article.summary.startswith("외교부 장관과 국방부 장관은")
    # a newsroom's own text is its own: a CMS record keeps such a line (the editors chose to keep it)
    record = {
        "id": "20251127-0001",
        "title": "한-호주 2+2",
        "section": "정치",
        "published": "2025-11-27 06:00:00",
        "link": "/news/articleView.html?idxno=131500",
        "body_html": raw.body_html,
    }
    assert "보도하여" in article_from_record(record, ctx).body_html


def _board_release(body: str, published: str) -> Any:
    from pressfeed.model import InputKind, RawArticle

    return RawArticle(
        kind=InputKind.SOURCE,
        title="지방세 체납액 일제 정리 기간 운영",
        link="https://www.mois.go.kr/frt/bbs/type010/commonSelectBoardArticle.do?nttId=120001",
        body_html=f"{body}<p>행정안전부는 12월 한 달간 지방세 체납액 일제 정리 기간을 운영한다고 밝혔다.</p>",
        published=published,
    )


def test_a_board_release_is_held_until_the_time_its_notice_names(ctx):
    """A board gives no embargo field: the notice is the embargo. The item was published at once (its future
    date clamped to now) and the notice dropped: the release went out 25 hours early with no trace of it."""
    from pressfeed.config import SourceConfig

    source = SourceConfig(id="mois", name="행정안전부", url="https://www.mois.go.kr/rss.xml", section="society")
    now = datetime(2025, 11, 29, 2, tzinfo=UTC)  # 11:00 in Seoul
    notice = "<p>※ 이 자료는 11월 30일(일) 12:00 이후 보도하여 주시기 바랍니다.</p>"
    for dated in ("2025-11-29 10:30:00", "2025-11-30 12:00:00"):  # posted early; or dated at the embargo
        normalized = normalize(_board_release(notice, dated), ctx, source, now)
        assert normalized.article.published == datetime(2025, 11, 30, 12, tzinfo=KST)
        assert normalized.article.status is Status.PUBLISHED  # scheduled: published, dated ahead
        assert "보도하여" not in normalized.article.body_html and normalized.warnings == ()
    # posted after its time: dated as posted
    later = normalize(_board_release(notice, "2025-11-30 13:00:00"), ctx, source, now + timedelta(days=2))
    assert later.article.published == datetime(2025, 11, 30, 13, tzinfo=KST)


def test_a_board_release_is_held_until_the_internet_time_its_second_notice_line_names(ctx):
    """ "※ 단, 인터넷은 … 18:00 이후 게재 바랍니다." under the notice was neither read nor dropped: the release
    went out at the press's time, six hours before the internet's, with the line as its first paragraph."""
    from pressfeed.config import SourceConfig

    source = SourceConfig(id="mois", name="행정안전부", url="https://www.mois.go.kr/rss.xml", section="society")
    notice = (
        "<p>※ 이 자료는 11월 30일(일) 12:00 이후 보도하여 주시기 바랍니다.</p>"
        "<p>※ 단, 인터넷은 11월 30일(일) 18:00 이후 게재 바랍니다.</p>"
    )
    now = datetime(2025, 11, 29, 2, tzinfo=UTC)
    normalized = normalize(_board_release(notice, "2025-11-29 10:30:00"), ctx, source, now)
    assert normalized.article.published == datetime(2025, 11, 30, 18, tzinfo=KST)
    assert normalized.article.body_html.startswith("<p>행정안전부는") and normalized.warnings == ()


def test_a_release_posted_after_the_hour_its_notice_names_alone_waits_for_the_next_day(ctx):
    """ "06:00 이후 보도" on a release posted at 17:00 is the next morning's: it was read as that morning's,
    passed, and the release went out 13 hours early. Posted within the hour, the time is still its day's."""
    from pressfeed.config import SourceConfig

    source = SourceConfig(id="mois", name="행정안전부", url="https://www.mois.go.kr/rss.xml", section="society")
    notice = "<p>※ 이 자료는 06:00 이후 보도하여 주시기 바랍니다.</p>"
    now = datetime(2025, 11, 29, 8, 30, tzinfo=UTC)  # 17:30 in Seoul
    evening = normalize(_board_release(notice, "2025-11-29 17:00:00"), ctx, source, now)
    assert evening.article.published == datetime(2025, 11, 30, 6, tzinfo=KST)
    on_time = normalize(_board_release(notice, "2025-11-29 06:30:00"), ctx, source, now)
    assert on_time.article.published == datetime(2025, 11, 29, 6, 30, tzinfo=KST)


def test_a_board_release_whose_notice_names_no_readable_time_is_held_as_a_draft(ctx):
    from pressfeed.config import SourceConfig

    source = SourceConfig(id="mois", name="행정안전부", url="https://www.mois.go.kr/rss.xml", section="society")
    notice = "<p>※ 이 자료는 배포 후 2시간 이후 보도하여 주시기 바랍니다.</p>"
    normalized = normalize(
        _board_release(notice, "2025-11-29 10:30:00"), ctx, source, datetime(2025, 11, 29, 2, tzinfo=UTC)
    )
    assert normalized.article.status is Status.DRAFT  # fail closed, as for an API embargo nobody can read
    assert normalized.warnings == (
        "지방세 체납액 일제 정리 기간 운영: embargo notice '※ 이 자료는 배포 후 2시간 이후 보도하여 주시기 바랍니다.'"
        " names no time that can be read: held as a draft",
    )


def test_an_old_release_whose_notice_names_no_readable_time_is_not_held(ctx):
    """A backfilled release weeks old: whatever its notice meant has passed."""
    from pressfeed.config import SourceConfig

    source = SourceConfig(id="mois", name="행정안전부", url="https://www.mois.go.kr/rss.xml", section="society")
    notice = "<p>※ 이 자료는 배포 후 2시간 이후 보도하여 주시기 바랍니다.</p>"
    release = _board_release(notice, "2025-09-29 10:30:00")
    normalized = normalize(release, ctx, source, datetime(2025, 11, 29, 2, tzinfo=UTC))
    assert normalized.article.status is Status.PUBLISHED and normalized.warnings == ()
    assert "보도하여" not in normalized.article.body_html


# -- split_credit -------------------------------------------------------------


def test_split_credit_removes_trailing_credit_paragraph():
    body = "<p>본문입니다.</p>\n<p>[뉴스출처 : 과학기술정보통신부]</p>\n"
    assert split_credit(body) == ("<p>본문입니다.</p>", "[뉴스출처 : 과학기술정보통신부]")


def test_split_credit_bare_trailing_credit():
    assert split_credit("<p>본문</p>[뉴스출처 : 기획재정부]") == ("<p>본문</p>", "[뉴스출처 : 기획재정부]")


def test_split_credit_in_the_middle_is_not_removed():
    body = "<p>본문</p><p>[뉴스출처 : 과학기술정보통신부]</p><p>추가 문단</p>"
    assert split_credit(body) == (body, "")


def test_split_credit_without_credit():
    assert split_credit("<p>본문</p>") == ("<p>본문</p>", "")


MSIT_CREDIT = "[뉴스출처 : 과학기술정보통신부]"
MSIT_NOTICE = "이 자료는 과학기술정보통신부의 보도자료를 전재하여 제공함"
LAST_PARAGRAPH = "<p>유상임 장관은 “지역 인공지능 연구개발 기반을 지원하겠다”고 말했다.</p>"


@pytest.mark.parametrize(
    ("tail", "credit"),
    [
        ("<p>[뉴스출처 : 과학기술정보통신부]</p><p>&nbsp;</p>", MSIT_CREDIT),
        ("<p>[뉴스출처 : 과학기술정보통신부]</p>\n<p><br></p>\n", MSIT_CREDIT),
        ("<p>[뉴스출처 : 과학기술정보통신부]</p><br>", MSIT_CREDIT),
        ("<p><strong>[뉴스출처 : 과학기술정보통신부]</strong></p>", MSIT_CREDIT),
        ("<p><b>[뉴스출처 : 과학기술정보통신부]</b>&nbsp;</p>", MSIT_CREDIT),
        (f"<p>[뉴스출처 : 과학기술정보통신부] {MSIT_NOTICE}</p>", f"{MSIT_CREDIT} {MSIT_NOTICE}"),
        (f"<p>[뉴스출처 : 과학기술정보통신부]<br>{MSIT_NOTICE}.</p>", f"{MSIT_CREDIT} {MSIT_NOTICE}."),
        (f"<p>[뉴스출처 : 과학기술정보통신부]</p><p>{MSIT_NOTICE}</p><p>&nbsp;</p>", f"{MSIT_CREDIT} {MSIT_NOTICE}"),
        (f"<p>{MSIT_CREDIT}</p><p>&lt;저작권자 © 포탈뉴스통신 무단전재 및 재배포금지&gt;</p>", MSIT_CREDIT),
        ("<p>[뉴스출처 : 과학기술정보통신부]</p><p>저작권자 ⓒ 포탈뉴스통신 무단 전재 및 재배포 금지</p>", MSIT_CREDIT),
        ("<p>［뉴스출처：과학기술정보통신부］</p>", "［뉴스출처：과학기술정보통신부］"),
        ("<p>[뉴스 출처 : 과학기술정보통신부]</p>", "[뉴스 출처 : 과학기술정보통신부]"),
        ("<p>[뉴스출처&nbsp;:&nbsp;과학기술정보통신부]</p>", MSIT_CREDIT),
        ("<p>&nbsp;[ 뉴스출처 : 과학기술정보통신부 ]&nbsp;</p>", "[ 뉴스출처 : 과학기술정보통신부 ]"),
        # an attack's: these stayed in the body, and the feeds carried the credit twice
        ("<p>[뉴스출처 : <b>과학기술정보통신부</b>]</p>", MSIT_CREDIT),
        ('<p>[뉴스출처 : <span class="x">과학기술</span>정보통신부]</p>', MSIT_CREDIT),
        ("<p>【뉴스출처 : 과학기술정보통신부】</p>", "【뉴스출처 : 과학기술정보통신부】"),
        ("<p>(뉴스출처 : 과학기술정보통신부)</p>", "(뉴스출처 : 과학기술정보통신부)"),
        ("<p>[뉴스출처 : 행정안전부(국가기록원)]</p>", "[뉴스출처 : 행정안전부(국가기록원)]"),
    ],
    ids=[
        "empty-paragraph-after",
        "break-paragraph-after",
        "break-after",
        "strong",
        "bold-nbsp",
        "notice",
        "notice-next-line",
        "notice-next-paragraph",
        "copyright-after",
        "copyright-without-brackets",
        "full-width",
        "news-space-source",
        "nbsp-around-colon",
        "spaces-inside-brackets",
        "name-bold-inside",
        "name-partly-in-span",
        "lenticular-brackets",
        "parentheses",
        "parentheses-in-name",
    ],
)
def test_split_credit_finds_the_credit_as_portals_write_it(tail, credit):
    assert split_credit(LAST_PARAGRAPH + tail) == (LAST_PARAGRAPH, credit)


@pytest.mark.parametrize("opening", ["[", "(", "【", "［"])
def test_a_credit_line_that_never_closes_costs_its_length_not_its_square(opening):
    """A review's: "[뉴스출처 : 금융위원회" and thousands of spaces, never closed, made the credit patterns try
    every split of the spaces between the name and a bracket (10 s per item at 20,000; minutes at 100,000)."""
    import time

    line = f"{opening}뉴스출처 : 금융위원회" + " " * 100_000
    start = time.process_time()
    assert split_credit(f"{LAST_PARAGRAPH}<p>{line}</p>")[1] == ""
    assert credit_agencies(line) == []
    assert time.process_time() - start < 5  # linear: milliseconds; quadratic: minutes


def test_credit_agencies_reads_each_bracket_and_a_names_own_parentheses():
    text = "(뉴스출처 : 행정안전부(국가기록원)) 【뉴스출처：해양수산부】 ［뉴스 출처 : 외교부 ］"
    assert credit_agencies(text) == ["행정안전부(국가기록원)", "해양수산부", "외교부"]
    assert split_credit(f"{LAST_PARAGRAPH}<p>[뉴스출처 : 국방부<br>]</p>") == (LAST_PARAGRAPH, "[뉴스출처 : 국방부]")


def test_a_credit_in_parentheses_inside_the_text_stays_there():
    body = "<p>정부는 (뉴스출처 : 국방부) 발표를 인용했다.</p>"
    assert split_credit(body) == (body, "")


def test_split_credit_of_a_joint_release_keeps_both_agencies():
    body = LAST_PARAGRAPH + "<p>[뉴스출처 : 과학기술정보통신부]</p><p>[뉴스출처 : 행정안전부]</p>"
    assert split_credit(body) == (LAST_PARAGRAPH, "[뉴스출처 : 과학기술정보통신부] [뉴스출처 : 행정안전부]")


@pytest.mark.parametrize("source", [None, {"name": "과학기술정보통신부"}], ids=["from-the-body", "record-source"])
def test_a_credit_line_pasted_twice_is_published_once(ctx, source):
    """The CMS template appends the credit and the pasted release already ended in it: the same line twice.
    Both go into source.credit as if a joint release named two agencies, and every format then shows
    "[뉴스출처 : 과학기술정보통신부] [뉴스출처 : 과학기술정보통신부]"."""
    from pressfeed.publish.common import body_with_credit

    body = LAST_PARAGRAPH + f"<p>{MSIT_CREDIT}</p><p>{MSIT_CREDIT}</p>"
    article = article_from_record(minimal(body_html=body, source=source), ctx)
    assert article.body_html == LAST_PARAGRAPH
    assert body_with_credit(article).count("뉴스출처") == 1


@pytest.mark.parametrize(
    "tail",
    [
        "<p>【뉴스출처 : 과학기술정보통신부】</p><p>[뉴스출처 : 과학기술정보통신부]</p>",
        "<p>[뉴스출처：과학기술정보통신부]</p><p>[뉴스출처 : 과학기술정보통신부]</p>",
        "<p>[뉴스출처 : 과학기술정보통신부]</p><p>이 자료는 과학기술정보통신부의 보도자료를 전재하여 제공함.</p>"
        "<p>[뉴스출처 : 과학기술정보통신부]</p><p>이 자료는 과학기술정보통신부의 보도자료를 전재하여 제공함</p>",
    ],
    ids=["other-brackets", "full-width-colon", "notice-with-and-without-its-period"],
)
def test_a_credit_line_pasted_twice_in_another_form_is_published_once(tail):
    """credits._once takes a line for a repeat only when it matches with its spaces removed: the pasted
    release's credit in other brackets (【】) or with a full-width colon, or its notice with a full stop the
    template's lacks, is kept twice, a joint release of one agency (and one notice) twice."""
    body, credit = split_credit(LAST_PARAGRAPH + tail)
    assert body == LAST_PARAGRAPH
    assert credit.count("출처") == 1 and credit.count("이 자료는") <= 1


def test_a_credit_line_pasted_twice_with_a_space_in_the_agencys_name_is_published_once():
    """credits._sameness compares a credit's agencies by name_key, which collapses spaces but keeps one: the
    template's "과학기술정보통신부" and the pasted release's "과학기술 정보통신부" are two agencies now, a joint
    release of one ministry. _once compared the lines with their spaces removed before, and kept one."""
    tail = "<p>[뉴스출처 : 과학기술 정보통신부]</p><p>[뉴스출처 : 과학기술정보통신부]</p>"
    body, credit = split_credit(LAST_PARAGRAPH + tail)
    assert body == LAST_PARAGRAPH
    assert credit.count("출처") == 1, credit


def test_split_credit_in_a_div_around_the_whole_body():
    body = f"<div>{LAST_PARAGRAPH}<p>[뉴스출처 : 과학기술정보통신부]</p><p>&nbsp;</p></div>"
    assert split_credit(body) == (f"<div>{LAST_PARAGRAPH}</div>", MSIT_CREDIT)
    bare = "<div>유상임 장관은 간담회를 가졌다.<br><br>[뉴스출처 : 과학기술정보통신부]<br><br></div>"
    assert split_credit(bare) == ("<div>유상임 장관은 간담회를 가졌다.</div>", MSIT_CREDIT)


@pytest.mark.parametrize(
    "body",
    [
        "<p>[뉴스출처 : 과학기술정보통신부] 표기는 보도자료를 전재한 기사에 붙는다.</p>",
        "<p>[뉴스출처 : 과학기술정보통신부]</p><p>추가 취재 내용은 다음과 같다.</p>",
        '<p>[뉴스출처 : 과학기술정보통신부]</p><p><img src="https://www.example-portal.kr/photo/1.jpg"></p>',
        '<p>간담회 사진<img alt="[뉴스출처 : 과학기술정보통신부]" src="https://www.example-portal.kr/p.jpg"></p>',
        "<ul><li>[뉴스출처 : 과학기술정보통신부]</li><li>붙임 자료</li></ul>",
    ],
    ids=["text-after-in-the-paragraph", "paragraph-after", "photo-after", "in-an-attribute", "list-item-after"],
)
def test_split_credit_keeps_a_mention_that_is_not_the_closing_credit(body):
    assert split_credit(LAST_PARAGRAPH + body) == (LAST_PARAGRAPH + body, "")


def test_the_portal_article_sample_loses_its_credit_and_keeps_its_text():
    """The republished ministry release in /work/shared/seed/portal-article.txt, as its CMS exports it."""
    paragraphs = [
        "(포탈뉴스통신) 과학기술정보통신부 유상임 장관은 2월 6일, 광주광역시에 위치한 인공지능산업융합 "
        "집적단지를 방문하여 광주인공지능(AI)데이터센터 운영 현황을 점검했다.",
        "이날 유상임 장관은 광주 지역에 소재한 인공지능 기업들과의 현장 간담회도 가졌다.",
    ]
    text = "<p>&nbsp;</p>\n".join(f"<p>{p}</p>\n" for p in paragraphs)
    end = "<p>&nbsp;</p>\n<p>&nbsp;</p>\n<p>[뉴스출처 : 과학기술정보통신부]</p>\n<p>&nbsp;</p>"
    body = sanitize_html(text + end, BASE)
    rest, credit = split_credit(body)
    assert credit == MSIT_CREDIT
    assert rest == sanitize_html(text, BASE).rstrip()
    assert split_credit(rest) == (rest, "")


@pytest.mark.parametrize(
    "tail",
    [
        "<p>[뉴스출처 : 과학기술정보통신부]</p><p>&nbsp;</p>",
        "<p><strong>[뉴스출처 : 과학기술정보통신부]</strong></p>",
        f"<p>[뉴스출처 : 과학기술정보통신부] {MSIT_NOTICE}</p>",
        "<p>[뉴스출처 : 과학기술정보통신부]</p><p>&lt;저작권자 © 포탈뉴스통신 무단전재 및 재배포금지&gt;</p>",
    ],
    ids=["empty-paragraph-after", "strong", "notice", "copyright-after"],
)
def test_a_credit_as_portals_write_it_is_published_once_and_names_the_agency(ctx, tail):
    from pressfeed.publish.common import body_with_credit

    body = "<p>과기정통부는 6일 광주 인공지능 집적단지 현장 간담회를 열었다.</p>" + tail
    given = article_from_record(minimal(body_html=body, source={"name": "과학기술정보통신부"}), ctx)
    assert body_with_credit(given).count("뉴스출처") == 1
    assert given.summary == "과기정통부는 6일 광주 인공지능 집적단지 현장 간담회를 열었다."
    found = article_from_record(minimal(body_html=body), ctx)
    assert found.source is not None and found.source.name == "과학기술정보통신부"
    assert found.source.credit.startswith(MSIT_CREDIT)
    assert body_with_credit(found).count("뉴스출처") == 1
    again = article_from_record(minimal(body_html=found.body_html, source={"name": "과학기술정보통신부"}), ctx)
    assert again.body_html == found.body_html


@pytest.mark.parametrize(
    "tail",
    [
        "<p>[뉴스출처 : 과학기술정보통신부]</p><p>추가 취재 내용은 다음과 같다.</p>",
        '<p>[뉴스출처 : 과학기술정보통신부]</p><p><img src="https://www.example-portal.kr/photo/1.jpg"></p>',
    ],
    ids=["paragraph-after", "photo-after"],
)
def test_a_credit_kept_in_the_body_is_not_published_a_second_time(ctx, tail):
    """A credit followed by more of the article stays where it is (split_credit keeps it); the record's `source`
    then has the publishers append the credit line again, and every format shows "[뉴스출처 : …]" twice,
    where split_credit promises it "appears exactly once whatever the input did"."""
    from pressfeed.publish.common import body_with_credit

    body = "<p>과기정통부는 6일 광주 인공지능 집적단지 현장 간담회를 열었다.</p>" + tail
    article = article_from_record(minimal(body_html=body, source={"name": "과학기술정보통신부"}), ctx)
    assert body_with_credit(article).count("뉴스출처") == 1


def test_split_credit_inside_a_paragraph_leaves_well_formed_html():
    """A CMS editor's credit on the last paragraph's own line, after two line breaks."""
    body = "<p>유상임 장관은 현장 간담회를 가졌다.<br><br>[뉴스출처 : 과학기술정보통신부]</p>"
    assert split_credit(body) == ("<p>유상임 장관은 현장 간담회를 가졌다.</p>", "[뉴스출처 : 과학기술정보통신부]")


def test_split_credit_leaves_no_empty_wrapper_or_trailing_breaks():
    body = "<p>간담회를 가졌다.<br>&nbsp;</p><p><br>[뉴스출처 : 과학기술정보통신부]</p>"
    assert split_credit(body) == ("<p>간담회를 가졌다.</p>", "[뉴스출처 : 과학기술정보통신부]")


def test_normalizing_a_body_with_its_credit_inside_a_paragraph_twice_changes_nothing(ctx):
    record = minimal(body_html="<p>유상임 장관은 현장 간담회를 가졌다.<br><br>[뉴스출처 : 과학기술정보통신부]</p>")
    once = article_from_record(record, ctx)
    assert once.body_html == "<p>유상임 장관은 현장 간담회를 가졌다.</p>"
    assert sanitize_html(once.body_html, BASE) == once.body_html
    twice = article_from_record(minimal(body_html=once.body_html, source={"name": "과학기술정보통신부"}), ctx)
    assert twice.body_html == once.body_html


# -- make_id ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("20251108-0001", "tag:example-portal.kr,2025:article/20251108-0001"),
        (123456, "tag:example-portal.kr,2025:article/123456"),
        ("tag:other.kr,2020:item/1", "tag:other.kr,2020:item/1"),
        ("urn:uuid:0b7e1a2c", "urn:uuid:0b7e1a2c"),
        (
            "https://www.example-portal.kr/news/articleView.html?idxno=1",
            "https://www.example-portal.kr/news/articleView.html?idxno=1",
        ),
    ],
)
def test_make_id(raw, expected):
    assert make_id(raw, "https://www.example-portal.kr/news/1", AUTHORITY) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("tag:example-portal.kr,2025:article/2026 11 25-1", "tag: URI"),
        ("tag:example-portal.kr:article/1", "tag: URI"),  # no date
        ("urn:기사:1", "URN"),
        ("urn:x:1", "URN"),  # a namespace id of one letter
        ("https://www.example-portal.kr/a b", "https URL"),
        ("http://www.example-portal.kr/기사/1", "http URL"),
        # RFC 3986 allows these, and the W3C validator refuses them in an id (an error on the whole feed)
        ("tag:example-portal.kr,2025:article/[1]", "tag: URI"),
        ("tag:Example-Portal.kr,2025:article/1", "tag: URI"),
        ("urn:pressfeed:article/1", "URN"),
        ("urn:pressfeed:a&b", "URN"),
        ("https://www.example-portal.kr/a[1]", "https URL"),
    ],
)
def test_make_id_refuses_an_invalid_uri_given_as_id(raw, expected):
    """Published as written as atom:id and guid: the W3C validator failed the whole Atom feed on each."""
    with pytest.raises(RecordError) as info:
        make_id(raw, "https://www.example-portal.kr/news/1", AUTHORITY)
    assert info.value.field == "id"
    assert info.value.message.startswith(f"{raw!r} is no valid {expected}")


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("https://www.example-portal.kr/a?b=%41", "https://www.example-portal.kr/a?b=A"),
        ("https://www.example-portal.kr/%ed%95%9c/%7e1", "https://www.example-portal.kr/%ED%95%9C/~1"),
        ("https://WWW.Example-Portal.KR/a", "https://www.example-portal.kr/a"),
        ("https://www.example-portal.kr", "https://www.example-portal.kr/"),
        ("https://www.example-portal.kr:443/a", "https://www.example-portal.kr/a"),
        ("http://www.example-portal.kr:80/a#b#c", "http://www.example-portal.kr/a#b%23c"),
        ("urn:pressfeed:%41%2d1", "urn:pressfeed:A-1"),
        ("tag:example-portal.kr,2025:a%2Fb%3a1", "tag:example-portal.kr,2025:a%2Fb%3A1"),
        # dot segments: the validator's canonical form has none (an id with them was accepted, and warned of)
        ("https://www.example-portal.kr/news/./1", "https://www.example-portal.kr/news/1"),
        ("https://www.example-portal.kr/a/../news/1?x=./y", "https://www.example-portal.kr/news/1?x=./y"),
        ("https://www.example-portal.kr/news/..", "https://www.example-portal.kr/"),
        ("https://www.example-portal.kr/%2E%2E/news/%2e/1", "https://www.example-portal.kr/news/1"),  # unescaped first
    ],
)
def test_make_id_refuses_a_uri_not_in_its_normal_form(raw, normal):
    """An atom:id is compared character by character: the validator warns of one that RFC 3986 would write
    otherwise ('is not in canonical form'), and a reader may take the two forms for two items."""
    with pytest.raises(RecordError) as info:
        make_id(raw, "https://www.example-portal.kr/news/1", AUTHORITY)
    assert (info.value.field, info.value.message) == (
        "id",
        f"{raw!r} is not in its normal form (RFC 3986): write {normal!r}, as feed readers compare ids",
    )


@pytest.mark.parametrize(
    "raw",
    [
        "tag:hong@example-portal.kr,2025-11-08:보도/1".replace("보도", "%EB%B3%B4%EB%8F%84"),
        "urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66",
        "https://www.example-portal.kr:8443/news/articleView.html?idxno=1#top",
        # a reserved character escaped is another URI than the character itself (RFC 3986 6.2.2.2): kept
        "https://www.example-portal.kr/news/?q=a%26b",
        "https://www.example-portal.kr/a%2Fb%3A1",
        "tag:example-portal.kr,2025:x%2Fy%40z",
    ],
)
def test_make_id_keeps_a_valid_uri(raw):
    assert make_id(raw, "", AUTHORITY) == raw


@pytest.mark.parametrize("raw", [None, ""])
def test_make_id_missing_uses_link(raw):
    link = "https://www.example-portal.kr/news/articleView.html?idxno=9"
    assert make_id(raw, link, AUTHORITY) == link


def test_make_id_missing_uses_the_link_in_its_normal_form():
    """The validator warns of an atom:id with a default port or a needless escape (an article stored under the
    link as it was keeps that id: see test_import)."""
    link = "https://www.example-portal.kr:443/%ea%b8%b0%ec%82%ac/articleView.html?idxno=%7e9"
    assert (
        make_id(None, link, AUTHORITY) == "https://www.example-portal.kr/%EA%B8%B0%EC%82%AC/articleView.html?idxno=~9"
    )


def test_make_id_missing_with_a_link_too_long_for_a_guid_rejected():
    """Without an id the link is the guid: one of 8,000 characters reached every subscriber (and on PostgreSQL
    failed the whole import: a primary key's index row holds 2,704 bytes)."""
    link = "https://www.example-portal.kr/news/articleView.html?idxno=9&ref="
    assert make_id(None, link + "a" * (200 - len(link)), AUTHORITY) == link + "a" * (200 - len(link))
    with pytest.raises(RecordError) as info:
        make_id(None, link + "a" * 8_000, AUTHORITY)
    assert (info.value.field, info.value.message) == (
        "id",
        "required when the link is longer than 200 characters (the guid)",
    )


def test_make_id_missing_without_link_rejected():
    with pytest.raises(RecordError) as info:
        make_id(None, "", AUTHORITY)
    assert (info.value.field, info.value.message) == ("id", "required when there is no link")


@pytest.mark.parametrize("raw", ["a b", "기사1", "a<b", 'x"y'])
def test_make_id_rejects_bad_characters(raw):
    with pytest.raises(RecordError) as info:
        make_id(raw, "https://www.example-portal.kr/news/1", AUTHORITY)
    assert info.value.field == "id"
    assert info.value.message == f"{raw!r} may use only URL-safe characters"


@pytest.mark.parametrize(
    "raw",
    ["1" * 5_000, "urn:uuid:" + "a" * 4_991, "https://www.example-portal.kr/" + "a" * 4_970],
    ids=["number", "urn", "url"],
)
def test_make_id_refuses_an_id_too_long_for_a_guid(raw):
    """The id is the guid of the article in every feed: 5,000 characters of it reached every subscriber."""
    with pytest.raises(RecordError) as info:
        make_id(raw, "https://www.example-portal.kr/news/1", AUTHORITY)
    assert (info.value.field, info.value.message) == (
        "id",
        "5,000 characters, more than the 200 allowed (it is the article's guid in every feed)",
    )


def test_make_id_takes_an_id_of_200_characters():
    assert make_id("1" * 200, "", AUTHORITY) == f"tag:{AUTHORITY}:article/{'1' * 200}"
    assert make_id("urn:uuid:" + "a" * 191, "", AUTHORITY) == "urn:uuid:" + "a" * 191


@pytest.mark.parametrize("raw", [True, 1.5, ["1"]])
def test_make_id_rejects_non_scalar_types(raw):
    with pytest.raises(RecordError, match="must be a string or a number"):
        make_id(raw, "https://www.example-portal.kr/news/1", AUTHORITY)


# -- article_from_record ------------------------------------------------------

SEED_RECORD = """\
id: "20251108-0001"
title: "과기정통부 장관, 광주 인공지능집적단지 현장방문 &amp; <b>간담회</b>"
subtitle: "광주 인공지능 집적단지 내 데이터센터 운영 현황 점검"
section: "IT/과학"
published: 2025-11-08 09:00:00
byline: 포탈뉴스통신
link: /news/articleView.html?idxno=123456
tags: [인공지능, 광주, 인공지능]
images:
  - url: /news/photo/202511/123456_1.jpg
    type: image/jpeg
    length: 84211
    caption: "유상임 장관이 데이터센터를 방문했다. (사진=과학기술정보통신부)"
  - url: photo/123456_2.png
status: published
source:
  name: 과학기술정보통신부
  home: https://www.msit.go.kr/
  feed: https://www.korea.kr/rss/dept_msit.xml
  url: https://www.korea.kr/briefing/pressReleaseView.do?newsId=156677000
  published: 2025-02-06 10:00:00
body_html: |
  <p>(포탈뉴스통신) 과학기술정보통신부 유상임 장관은 현장 간담회를 가졌다.</p>
  <p>자세한 내용은 <a href="/news/articleView.html?idxno=123400" onclick="x()">관련기사</a>에서.</p>
  <script>alert('x')</script>
  <p>[뉴스출처 : 과학기술정보통신부]</p>
"""


@pytest.fixture
def ctx(config) -> NormalizeContext:
    return config.normalize_context()


def minimal(**fields):
    record = {
        "id": "1001",
        "title": "제목",
        "section": "정치",
        "published": "2025-11-08 09:00:00",
        "link": "/news/articleView.html?idxno=1001",
    }
    record.update(fields)
    return {k: v for k, v in record.items() if v is not None}


def problems_of(record, ctx):
    with pytest.raises(RecordProblems) as info:
        article_from_record(record, ctx)
    return [(p.field, p.message) for p in info.value.problems]


CREDENTIALS = "has a user name or password in it: remove them (the URL is published)"


def test_a_cms_records_urls_with_a_user_name_or_password_are_refused(ctx):
    """Every subscriber would get them; the message shows where, not what."""
    record = minimal(
        link="https://editor:s3cret@www.example-portal.kr/news/1",
        images=[{"url": "/photo/1.jpg"}, {"url": "//cms:s3cret@cdn.example-portal.kr/photo/2.jpg"}],
        attachments=[{"url": "https://a:b@files.example.kr/a.hwp"}],
        source={"name": "과학기술정보통신부", "url": "https://user@www.msit.go.kr/bbs/view.do?nttSeqNo=1"},
    )
    found = problems_of(record, ctx)
    assert found == [
        ("link", f"'https://***@www.example-portal.kr/news/1' {CREDENTIALS}"),
        ("source.url", f"'https://***@www.msit.go.kr/bbs/view.do?nttSeqNo=1' {CREDENTIALS}"),
        ("images.1", f"'https://***@cdn.example-portal.kr/photo/2.jpg' {CREDENTIALS}"),
        ("attachments.0", f"'https://***@files.example.kr/a.hwp' {CREDENTIALS}"),
    ]
    assert "s3cret" not in repr(found)


def test_a_cms_records_images_and_files_are_http_urls(ctx):
    """A mailto: link is no file to download: as an enclosure it drew the validator's 'url must be a full URL'."""
    record = minimal(images=[{"url": "mailto:photo@example.kr"}], attachments=["mailto:press@example.kr"])
    assert problems_of(record, ctx) == [
        ("images.0", "'mailto:photo@example.kr' is not an http(s) URL"),
        ("attachments.0", "'mailto:press@example.kr' is not an http(s) URL"),
    ]


def test_a_cms_records_empty_image_is_none_and_an_item_with_an_empty_url_is_named(ctx):
    """A CMS writes "" for no photo: read as a URL it resolved to the article's own page, which went out as the
    lead image and as an enclosure. An empty cell of the list (null, "") is skipped, as in tags; an item that
    says more (a caption) without a url is an error, named by its place in the list."""
    article = article_from_record(minimal(images="", attachments="  "), ctx)
    assert (article.images, article.attachments) == ((), ())
    article = article_from_record(minimal(images=[None, "/a.jpg", " "], attachments=[None]), ctx)
    assert [i.url for i in article.images] == ["https://www.example-portal.kr/a.jpg"]
    assert article.attachments == ()
    record = minimal(images=["/a.jpg", {"url": "", "caption": "장관"}], attachments=[{"title": "보도자료.hwp"}])
    assert problems_of(record, ctx) == [("images.1", "needs a url"), ("attachments.0", "needs a url")]


def test_a_cms_records_html_escaped_urls_are_read_as_the_cms_meant_them(ctx):
    """A CMS that stores its URLs HTML-escaped exports "&amp;" between parameters: published as it stood, the
    link named a parameter "amp;page" and the article's source.url matched no release's link."""
    article = article_from_record(
        minimal(
            link="/news/articleView.html?idxno=1001&amp;page=2",
            images=[{"url": "/photo/view.php?no=1&amp;size=L", "type": "image/jpeg"}],
            attachments=[{"url": "https://files.example.kr/get.do?id=1&amp;kind=hwp"}],
            source={
                "name": "과학기술정보통신부",
                "url": "https://www.msit.go.kr/bbs/view.do?sCode=user&amp;nttSeqNo=1",
            },
        ),
        ctx,
    )
    assert article.link == "https://www.example-portal.kr/news/articleView.html?idxno=1001&page=2"
    assert [i.url for i in article.images] == ["https://www.example-portal.kr/photo/view.php?no=1&size=L"]
    assert [a.url for a in article.attachments] == ["https://files.example.kr/get.do?id=1&kind=hwp"]
    assert (
        article.source is not None and article.source.url == "https://www.msit.go.kr/bbs/view.do?sCode=user&nttSeqNo=1"
    )


def msit_release(ctx: NormalizeContext, **fields: object) -> Normalized:
    """A release of the MSIT board as ingest normalizes it (fetched at 21:00 KST), with `fields` of its own."""
    from pressfeed.config import SourceConfig
    from pressfeed.model import InputKind, RawArticle

    source = SourceConfig(id="msit", name="과학기술정보통신부", url="https://www.msit.go.kr/rss", section="it-science")
    raw = RawArticle(
        kind=InputKind.SOURCE,
        title="과기정통부, 인공지능 기본계획 발표",
        link="https://www.msit.go.kr/bbs/view.do?nttSeqNo=3185001",
        body_html="<p>과학기술정보통신부는 인공지능 기본계획을 발표했다.</p>",
        published="2025-11-08 09:00:00",
    )
    return normalize(dataclasses.replace(raw, **fields), ctx, source, datetime(2025, 11, 8, 12, tzinfo=UTC))


def test_an_ingested_items_urls_lose_their_user_name_and_password(ctx):
    from pressfeed.model import RawMedia

    normalized = msit_release(
        ctx,
        title="과기정통부 장관, 광주 인공지능집적단지 현장방문",
        link="https://board:s3cret@www.msit.go.kr/bbs/view.do?nttSeqNo=1",
        guid="msit-1",
        body_html='<p>본문 <a href="https://board:s3cret@www.msit.go.kr/a.hwp">첨부</a> <img src="/1.jpg"></p>',
        media=(RawMedia(url="https://board:s3cret@www.msit.go.kr/2.hwp", type="application/x-hwp"),),
        feed_url="https://reader:s3cret@www.msit.go.kr/rss",
    )
    article = normalized.article
    assert article.link == "https://www.msit.go.kr/bbs/view.do?nttSeqNo=1"
    assert article.source is not None and article.source.feed == "https://www.msit.go.kr/rss"
    assert [a.url for a in article.attachments] == ["https://www.msit.go.kr/2.hwp"]
    assert [i.url for i in article.images] == ["https://www.msit.go.kr/1.jpg"]  # resolved against the link
    assert "s3cret" not in repr(article)
    assert normalized.warnings == (
        "'과기정통부 장관, 광주 인공지능집적단지 현장방문': its link's user name and password dropped",
    )


def test_an_ingested_item_keeps_its_first_fifty_media_files(ctx):
    """A hostile feed item (or API item) of 10,000 enclosures fits under the feed limits: each would have been
    published, in every feed the item is in. A press release has a few files; the first 50 are kept."""
    from pressfeed.model import RawMedia
    from pressfeed.normalize import MAX_MEDIA

    files = tuple(RawMedia(url=f"/files/{n}.hwpx", type="application/haansofthwpx") for n in range(10_000))
    photos = (RawMedia(url="/photo/1.jpg", type="image/jpeg"),)
    normalized = msit_release(ctx, media=photos + files)
    article = normalized.article
    assert [i.url for i in article.images] == ["https://www.msit.go.kr/photo/1.jpg"]
    assert len(article.attachments) == MAX_MEDIA - 1 == 49
    assert article.attachments[-1].url == "https://www.msit.go.kr/files/48.hwpx"  # the first ones, in order
    assert normalized.warnings == ("'과기정통부, 인공지능 기본계획 발표': 10,001 media files, the first 50 kept",)
    few = msit_release(ctx, media=photos + files[: MAX_MEDIA - 1], tags=[f"분류{n}" for n in range(50)])
    assert (len(few.article.attachments), len(few.article.tags), few.warnings) == (MAX_MEDIA - 1, 50, ())


def test_an_ingested_item_keeps_its_first_fifty_categories(ctx):
    normalized = msit_release(ctx, tags=[f"분류{n}" for n in range(5000)])
    assert normalized.article.tags == tuple(f"분류{n}" for n in range(50))
    assert normalized.warnings == ("'과기정통부, 인공지능 기본계획 발표': 5,000 categories, the first 50 kept",)
    cms = article_from_record(minimal(tags=[f"분류{n}" for n in range(60)]), ctx)
    assert len(cms.tags) == 60  # an editor's own


def test_a_cms_records_month_first_date_is_read_and_a_day_first_one_named(ctx):
    """CMS exports on .NET in en-US write month/day/year; the editor is told how a slashed date is read."""
    article = article_from_record(minimal(published="11/08/2025 3:00:00 PM", updated="11/08/2025 오후 4시"), ctx)
    assert (article.published, article.updated) == (
        datetime(2025, 11, 8, 6, 0, tzinfo=UTC),
        datetime(2025, 11, 8, 7, 0, tzinfo=UTC),
    )
    assert problems_of(minimal(published="13/08/2025 15:00:00"), ctx) == [
        ("published", "invalid date '13/08/2025 15:00:00': 13 is no month (slashed dates are month/day/year)")
    ]


@pytest.mark.parametrize("title", ["\u200b", "\u2060 \ufeff", "&#8203;", "\u3164", "ㅤ ㅤ", "\u00ad", "\u2800"])
def test_a_title_of_invisible_characters_is_no_title(ctx, title):
    """Zero-width characters and the Hangul filler ("ㅤ", the usual blank in Korean text) show nothing."""
    assert problems_of(minimal(title=title), ctx) == [("title", "required and must not be empty")]


def test_a_title_is_cut_between_words_with_an_ellipsis_for_ingested_items_and_cms_records_alike(ctx):
    """A hostile feed's 1 MB title would go into the store and every feed: MAX_TITLE_LENGTH characters stay."""
    from pressfeed.config import SourceConfig
    from pressfeed.model import InputKind, RawArticle
    from pressfeed.normalize import MAX_TITLE_LENGTH

    long_title = "과기정통부, 인공지능 기본계획 발표 " + "<b>인공지능</b> 기본사회 " * 100_000  # 1.6 MB
    source = SourceConfig(id="msit", name="과학기술정보통신부", url="https://www.msit.go.kr/rss", section="it-science")
    raw = RawArticle(
        kind=InputKind.SOURCE,
        title=long_title,
        link="https://www.msit.go.kr/bbs/view.do?nttSeqNo=3185001",
        body_html="<p>과학기술정보통신부는 인공지능 기본계획을 발표했다.</p>",
        published="2025-11-08 09:00:00",
    )
    ingested = normalize(raw, ctx, source, datetime(2025, 11, 8, 12, tzinfo=UTC))
    record = article_from_record(minimal(title=long_title), ctx)

    cleaned = "과기정통부, 인공지능 기본계획 발표 " + "인공지능 기본사회 " * 200  # tags gone: cleaned, then cut
    for title in (ingested.article.title, record.title):
        assert MAX_TITLE_LENGTH - 10 <= len(title) <= MAX_TITLE_LENGTH and title.endswith("…")
        assert cleaned.startswith(title.removesuffix("…") + " ")  # whole words before the "…"
    assert any("cut to 300" in warning for warning in ingested.warnings)
    exactly = "가" * MAX_TITLE_LENGTH  # the longest title there may be stays whole
    assert article_from_record(minimal(title=exactly), ctx).title == exactly


def test_an_attachment_without_a_type_is_typed_by_its_name(ctx):
    files = [
        {"url": "/files/보도자료.hwp"},
        {"url": "/common/download.do?fileId=1", "title": "붙임 1. 계획(안).pdf"},
        {"url": "/common/download.do?fileId=2", "title": "붙임 2"},
        {"url": "/files/data.hwpx", "type": "application/x-hwp"},  # a given type stands
    ]
    article = article_from_record(minimal(attachments=files), ctx)
    assert [a.type for a in article.attachments] == [
        "application/x-hwp",
        "application/pdf",
        "application/octet-stream",
        "application/x-hwp",
    ]


def test_article_from_seed_record(ctx):
    article = article_from_record(load_one(SEED_RECORD), ctx)

    assert article.id == "tag:example-portal.kr,2025:article/20251108-0001"
    assert article.title == "과기정통부 장관, 광주 인공지능집적단지 현장방문 & 간담회"
    assert article.subtitle == "광주 인공지능 집적단지 내 데이터센터 운영 현황 점검"
    assert article.section == "it-science"
    assert article.link == "https://www.example-portal.kr/news/articleView.html?idxno=123456"
    assert article.published == datetime(2025, 11, 8, 0, 0, tzinfo=UTC)
    assert article.published.utcoffset().total_seconds() == 0
    assert article.updated == article.published
    assert article.byline == "포탈뉴스통신"
    assert article.tags == ("인공지능", "광주")
    assert article.status is Status.PUBLISHED
    assert article.images == (
        Image(
            url="https://www.example-portal.kr/news/photo/202511/123456_1.jpg",
            type="image/jpeg",
            length=84211,
            caption="유상임 장관이 데이터센터를 방문했다. (사진=과학기술정보통신부)",
        ),
        Image(url="https://www.example-portal.kr/news/photo/123456_2.png", type="image/png", length=0),
    )
    assert article.body_html == (
        "<p>(포탈뉴스통신) 과학기술정보통신부 유상임 장관은 현장 간담회를 가졌다.</p>\n"
        '<p>자세한 내용은 <a href="https://www.example-portal.kr/news/articleView.html?idxno=123400"'
        ' rel="noopener noreferrer">관련기사</a>에서.</p>'
    )
    # the agency's own date stays in the attribution, apart from the portal's date
    assert article.source == Attribution(
        name="과학기술정보통신부",
        home="https://www.msit.go.kr/",
        feed="https://www.korea.kr/rss/dept_msit.xml",
        url="https://www.korea.kr/briefing/pressReleaseView.do?newsId=156677000",
        published=datetime(2025, 2, 6, 1, 0, tzinfo=UTC),
        credit="[뉴스출처 : 과학기술정보통신부]",
    )
    assert article.summary == (
        "(포탈뉴스통신) 과학기술정보통신부 유상임 장관은 현장 간담회를 가졌다. 자세한 내용은 관련기사에서."
    )


#: the import's time in the `updated` tests: 2025-11-08 21:00 KST
IMPORTED = datetime(2025, 11, 8, 12, 0, tzinfo=UTC)


def updated_problems(ctx, **fields):
    with pytest.raises(RecordProblems) as info:
        normalize(raw_article(minimal(**fields)), ctx, now=IMPORTED)
    return [(p.field, p.message) for p in info.value.problems]


def test_an_updated_in_the_future_is_a_typo(ctx):
    """2027 typed for 2025 would date the article, and its feeds (which never date backwards), two years ahead."""
    assert updated_problems(ctx, updated="2027-11-08 10:00:00") == [
        (
            "updated",
            "2027-11-08T10:00:00+09:00 is in the future (later than now and than `published`, by more than 1 day);"
            " is the year right?",
        )
    ]
    # found beside the record's other problems, not instead of them
    assert [f for f, _ in updated_problems(ctx, updated="2027-11-08 10:00:00", title="")] == ["title", "updated"]


@pytest.mark.parametrize(
    ("published", "updated"),
    [
        ("2025-11-08 09:00:00", "2025-11-09 08:00:00"),  # a CMS clock hours ahead of ours
        ("2025-12-01 09:00:00", "2025-12-01 10:00:00"),  # scheduled: updated before it appears
    ],
)
def test_an_updated_ahead_by_less_than_a_day_of_now_or_published_is_kept(ctx, published, updated):
    article = normalize(raw_article(minimal(published=published, updated=updated)), ctx, now=IMPORTED).article
    assert article.updated == parse_datetime(updated, KST)


@pytest.mark.parametrize("name", ["IT/과학", "IT·과학", "science", "it-science", " IT / 과학 "])
def test_article_section_aliases_resolve_to_slug(ctx, name):
    assert article_from_record(minimal(section=name), ctx).section == "it-science"


@pytest.mark.parametrize("name", ["ITㆍ과학", "IT・과학", "IT･과학", "IT·과학\u200b", "ＩＴ·과학"])
def test_a_section_typed_with_another_middle_dot_or_an_invisible_character_resolves(ctx, name):
    """Korean keyboards type ㆍ (U+318D) for the 가운뎃점, Japanese input ・; an unknown section fails the file."""
    assert article_from_record(minimal(section=name), ctx).section == "it-science"


def test_tags_spelled_alike_are_one_tag_in_their_first_spelling(ctx):
    tags = ["AI", "ai", "ＡＩ", "인공지능", "인공지능\u200b", " 인공지능 ", "반도체"]
    assert article_from_record(minimal(tags=tags), ctx).tags == ("AI", "인공지능", "반도체")


def test_an_empty_tag_cell_is_skipped_and_a_boolean_tag_refused(ctx):
    assert article_from_record(minimal(tags=["AI", None, 2025]), ctx).tags == ("AI", "2025")
    assert problems_of(minimal(tags=["AI", True]), ctx) == [
        ("tags.1", "must be text, not true/false (put it in quotes)")
    ]


def test_article_section_title_resolves(ctx):
    assert article_from_record(minimal(section="경제"), ctx).section == "economy"


def test_article_body_credit_becomes_source_when_no_source_given(ctx):
    record = minimal(body_html="<p>본문</p>\n<p>[뉴스출처 : 기획재정부]</p>\n")
    article = article_from_record(record, ctx)
    assert article.body_html == "<p>본문</p>"
    assert article.source == Attribution(name="기획재정부", credit="[뉴스출처 : 기획재정부]")


def test_article_explicit_source_credit_wins_and_body_credit_is_still_removed(ctx):
    record = minimal(
        body_html="<p>본문</p><p>[뉴스출처 : 기획재정부]</p>",
        source={"name": "기획재정부", "credit": "[자료제공 : 기획재정부]"},
    )
    article = article_from_record(record, ctx)
    assert article.body_html == "<p>본문</p>"
    assert article.source is not None
    assert article.source.credit == "[자료제공 : 기획재정부]"


def test_article_source_without_credit_gets_default_credit_line(ctx):
    article = article_from_record(minimal(source={"name": "국토교통부"}), ctx)
    assert article.source == Attribution(name="국토교통부", credit="[뉴스출처 : 국토교통부]")


def test_article_without_source_or_credit_has_no_attribution(ctx):
    assert article_from_record(minimal(body_html="<p>본문</p>"), ctx).source is None


def test_article_missing_required_fields_all_reported_at_once(ctx):
    record = {"id": "1001", "body_html": "<p>본문만 있다</p>"}
    assert problems_of(record, ctx) == [
        ("title", "required and must not be empty"),
        ("section", "required"),
        ("published", "required"),
        ("link", "required (the article's URL on the portal)"),
    ]


def test_article_several_different_problems_in_one_record(ctx):
    record = minimal(title="   ", section="연예", status="deleted", published="어제", author="홍길동")
    fields = [field for field, _ in problems_of(record, ctx)]
    assert sorted(fields) == ["author", "published", "section", "status", "title"]


def test_article_problems_exception_points_at_first_field(ctx):
    with pytest.raises(RecordProblems) as info:
        article_from_record(minimal(title=None, section=None), ctx)
    assert info.value.field == "title"
    assert [p.field for p in info.value.problems] == ["title", "section"]


def test_article_unknown_field_rejected(ctx):
    [(field, message)] = problems_of(minimal(author="홍길동"), ctx)
    assert field == "author"
    assert message.startswith("unknown field (allowed: attachments, body_html, byline, id, images,")


def test_article_unknown_source_field_rejected(ctx):
    [(field, message)] = problems_of(minimal(source={"name": "기획재정부", "logo": "x"}), ctx)
    assert field == "source.logo"
    assert message == "unknown field (allowed: credit, feed, home, license, name, published, url)"


def test_article_unknown_section_rejected(ctx):
    assert problems_of(minimal(section="연예"), ctx) == [
        ("section", "unknown section '연예' (see `pressfeed sections`)"),
    ]


def test_article_bad_status_rejected(ctx):
    assert problems_of(minimal(status="deleted"), ctx) == [
        ("status", "'deleted' is not one of published, draft, hidden"),
    ]


@pytest.mark.parametrize(("raw", "expected"), [("hidden", Status.HIDDEN), (" Draft ", Status.DRAFT)])
def test_article_status_parsed(ctx, raw, expected):
    assert article_from_record(minimal(status=raw), ctx).status is expected


def test_article_updated_before_published_is_clamped(ctx):
    article = article_from_record(minimal(updated="2025-11-07 09:00:00"), ctx)
    assert article.updated == article.published == datetime(2025, 11, 8, 0, 0, tzinfo=UTC)


def test_article_updated_after_published_kept(ctx):
    article = article_from_record(minimal(updated="2025-11-08T11:05:00+09:00"), ctx)
    assert article.updated == datetime(2025, 11, 8, 2, 5, tzinfo=UTC)


def test_article_summary_derived_from_body_when_missing(ctx):
    short = dataclasses.replace(ctx, summary_length=20)
    record = minimal(body_html="<p>정부는 오늘 반도체 수출이 역대 최대를 기록했다고 밝혔다.</p>")
    assert article_from_record(record, short).summary == "정부는 오늘 반도체 수출이 역대…"


@pytest.mark.parametrize(
    "copyright",
    [
        "<p>&lt;저작권자 © 포탈뉴스통신 무단전재 및 재배포금지&gt;</p>",
        "<p>ⓒ 포탈뉴스통신 무단 전재 및 재배포 금지</p>",
        "<p>Copyright © 포탈뉴스통신. All rights reserved.</p>",
    ],
)
def test_a_short_articles_summary_does_not_end_in_its_copyright_line(ctx, copyright):
    """A walkthrough's: a newsroom article with no credit keeps the portal's copyright line at its end, and a
    short one's summary, its whole text, ended in it in every reader's list."""
    text = "정부는 오늘 반도체 수출이 역대 최대를 기록했다고 밝혔다."
    article = article_from_record(minimal(body_html=f"<p>{text}</p>{copyright}"), ctx)
    assert article.summary == text
    assert "무단" in article.body_html or "rights" in article.body_html  # the body keeps it: the newsroom's own


def test_article_explicit_summary_is_plain_text(ctx):
    record = minimal(summary="<b>요약</b> &amp; 정리", body_html="<p>본문</p>")
    assert article_from_record(record, ctx).summary == "요약 & 정리"


def test_article_without_id_uses_link_as_id(ctx):
    article = article_from_record(minimal(id=None), ctx)
    assert article.id == "https://www.example-portal.kr/news/articleView.html?idxno=1001"


def test_article_image_with_bad_length_rejected(ctx):
    record = minimal(images=[{"url": "/a.jpg", "length": "84KB"}])
    assert problems_of(record, ctx) == [
        ("images.0", "length must be a whole number of bytes, not '84KB'"),
    ]


@pytest.mark.parametrize("digits", [17, 5000])
def test_article_image_length_or_width_beyond_any_size_is_refused_in_a_short_message(ctx, digits):
    """5,000 digits made int() fail with a message about sys.set_int_max_str_digits; 17 are no file size."""
    record = minimal(images=[{"url": "/a.jpg", "length": "9" * digits}], attachments=[])
    [(field, message)] = problems_of(record, ctx)
    assert (field, message[:46]) == ("images.0", "length must be a whole number of bytes, not '9")
    assert len(message) < 120
    record = minimal(images=[{"url": "/a.jpg", "width": "9" * digits}])
    assert [field for field, _ in problems_of(record, ctx)] == ["images.0"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("R&D 예산과 <AI 기본법> 시행령", "R&D 예산과 <AI 기본법> 시행령"),
        ("영화 <기생충> 흥행", "영화 <기생충> 흥행"),
        ("<b>굵게</b> 제목", "굵게 제목"),
        ("<script>steal()</script>제목", "제목"),
        ("<!-- 메모 -->제목", "제목"),
        ("1<2 그리고 3>2", "1<2 그리고 3>2"),
    ],
)
def test_plain_text_keeps_korean_angle_bracket_titles(raw: str, expected: str) -> None:
    """Headlines quote works and laws in <...>; only real HTML elements are markup."""
    assert plain_text(raw) == expected


def test_sanitize_html_strips_control_characters_written_as_entities() -> None:
    """The HTML parser decodes "&#1;" to U+0001, which XML cannot carry: strip after parsing."""
    cleaned = sanitize_html("<p>a&#1;b&#xFFFE;c&#x0B;d\x00e</p>", "https://www.example-portal.kr/")
    assert cleaned == "<p>abcde</p>"


def test_year_one_dates_are_implausible_not_a_crash() -> None:
    with pytest.raises(ValueError, match="implausible"):
        parse_datetime("0001-01-01 00:00:00", ZoneInfo("Asia/Seoul"))


def test_media_types_are_validated() -> None:
    from pressfeed.normalize import media_type

    assert media_type("Image/JPEG; charset=binary") == "image/jpeg"
    assert media_type("application/x-hwp\x01") is None
    assert media_type("") is None


def test_a_whole_page_pasted_as_the_body_loses_its_title_text():
    page = "<html><head><title>보도자료 | 과학기술정보통신부</title></head><body><p>본문</p></body></html>"
    assert sanitize_html(page, BASE) == "<p>본문</p>"


@pytest.mark.parametrize("body", ["<pre>\n\n표 1</pre>", "<pre>\n\n\n  가  나</pre>", "<p>설명</p><pre>\n\n코드</pre>"])
def test_a_pre_starting_with_newlines_keeps_them_pass_after_pass(body):
    """The parser drops the newline right after <pre>; html5ever's serializer writes none back, so each
    sanitizing lost one and a re-import counted the body as changed."""
    once = sanitize_html(body, BASE)
    assert once == body
    assert sanitize_html(once, BASE) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("가" * 9 + "👨\u200d👩\u200d👧 가족", "가" * 9 + "…"),  # a family emoji is one character to a reader
        ("가" * 10 + "🇰🇷 국기", "가" * 10 + "…"),  # half a flag is a letter K in a box
        ("가" * 9 + "👍🏽 좋아요", "가" * 9 + "👍🏽…"),
        ("가" * 10 + "e\u0301 악센트", "가" * 10 + "…"),
    ],
)
def test_shorten_never_cuts_a_character_as_readers_see_it(text, expected):
    assert shorten(text, 11) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("<p>가<o:p></o:p></p>", "<p>가</p>"),
        ('<p><st1:place w:st="on">서울</st1:place></p>', "<p>서울</p>"),
        ('<?xml:namespace prefix = o ns = "urn:schemas-microsoft-com:office:office" /><p>본문</p>', "<p>본문</p>"),
        ("<xml><w:WordDocument><w:View>Normal</w:View></w:WordDocument></xml><p>본문</p>", "<p>본문</p>"),
        ("<p><big>크게</big> <nobr>붙임</nobr> <acronym>KOGL</acronym></p>", "<p>크게 붙임 KOGL</p>"),
    ],
)
def test_word_markup_and_obsolete_elements_are_markup_not_text(body, expected):
    """Escaping every name no HTML element has (for "<AI 기본법>") showed Word's and old CMSs' tags to readers."""
    assert sanitize_html(body, BASE) == expected
