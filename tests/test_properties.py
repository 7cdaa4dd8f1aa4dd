"""Properties over arbitrary input (Hypothesis): what must hold whatever text a CMS or an agency sends.

Example counts are modest so the suite stays fast; run a deeper search with
`HYPOTHESIS_PROFILE=thorough pytest tests/test_properties.py`.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import pickle
import re
import sys
from datetime import UTC, datetime
from typing import Any
from unittest import mock

import lxml.html
import nh3
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import CONFIG_TEXT, write_file
from pressfeed.config import Config, load_config
from pressfeed.errors import RecordError
from pressfeed.ingest.parse import to_utf8
from pressfeed.model import (
    Article,
    Attachment,
    Attribution,
    Image,
    Status,
    article_from_dict,
    article_to_dict,
    content_json,
    encode,
    utc_text,
)
from pressfeed.normalize import NormalizeContext
from pressfeed.publish.build import feed_specs
from pressfeed.publish.feeds import render_feeds
from pressfeed.publish.jsonfeed import render_json
from pressfeed.sanitize import (
    HTML_ELEMENTS,
    MAX_ATTRIBUTES,
    SANITIZED_ATTRIBUTES,
    body_text,
    bound_attributes,
    bound_nesting,
    plain_text,
    sanitize_html,
)
from pressfeed.text import clean_text, without_space


def article_from_record(record: Any, ctx: NormalizeContext) -> Article:
    """A CMS record through the one normalization path (imports.raw_article, then normalize)."""
    from pressfeed.imports import raw_article
    from pressfeed.normalize import normalize

    return normalize(raw_article(record), ctx).article


settings.register_profile(
    "pressfeed", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=False
)
settings.register_profile("thorough", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "pressfeed"))

BASE = "https://www.korea.kr/briefing/pressReleaseView.do?newsId=156712345"
#: what XML 1.0 cannot carry, and what plain text must not carry besides (bidi controls)
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Config:
    site = tmp_path_factory.mktemp("site")
    write_file(site, "feeds/pressfeed.yaml", CONFIG_TEXT)
    return load_config(site)


@pytest.fixture(scope="module")
def ctx(config: Config) -> NormalizeContext:
    return config.normalize_context()


# -- strategies ---------------------------------------------------------------------------

#: text as it arrives: Korean, ASCII, and every troublesome character class
hostile_characters = st.one_of(
    st.characters(codec="utf-8"),  # anything encodable (no lone surrogates: they never decode from bytes)
    st.sampled_from(
        list("가나다한국어<>&\"';:/=#%?\t\n\r \u00a0\u3000\ufeff\u202e\u2066\u200f\x00\x01\x1f\x7f\x85\ufffe")
    ),
)
hostile_text = st.text(hostile_characters, max_size=80)

TAGS = ["p", "b", "i", "a", "img", "br", "div", "span", "table", "td", "li", "ul", "blockquote", "h2", "pre", "q"]
TAGS += ["section", "article", "h1", "details", "summary", "menu", "legend"]  # written as <div>
BAD_TAGS = ["script", "style", "iframe", "object", "embed", "svg", "math", "form", "input", "textarea", "base", "meta"]
ATTRIBUTES = [
    "href", "src", "cite", "title", "alt", "onclick", "onerror", "onload", "style", "formaction", "srcset", "data-src",
    "data-original", "width", "height",
]  # fmt: skip
URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "&#106;avascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html,<script>alert(1)</script>",
    "/briefing/a.do?x=1&y=2",
    "../img/사진.jpg",
    "https://www.korea.kr/a b",
    "//cdn.example.kr/x.png",
    "mailto:press@msit.go.kr",
    "/img/blank.gif",
    "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
    "1",
]


@st.composite
def html_fragments(draw: st.DrawFn) -> str:
    kind = draw(st.integers(0, 6))
    if kind == 6:  # markup escaped once or twice too often, as government boards publish it
        inner = draw(st.lists(html_fragments(), max_size=4).map("".join))
        return html.escape(html.escape(inner) if draw(st.booleans()) else inner)
    if kind == 0:
        return draw(hostile_text)
    if kind == 1:
        return f"</{draw(st.sampled_from(TAGS + BAD_TAGS))}>"
    if kind == 2:
        return draw(
            st.sampled_from(["&amp;", "&lt;", "&#0;", "&#xD800;", "&#x202E;", "&nbsp;", "&bogus;", "&", "<!--"])
        )
    tag = draw(st.sampled_from(TAGS + BAD_TAGS))
    attributes = draw(
        st.lists(st.tuples(st.sampled_from(ATTRIBUTES), st.one_of(st.sampled_from(URLS), hostile_text)), max_size=3)
    )
    quoted = "".join(f' {name}="{value.replace(chr(34), "&quot;")}"' for name, value in attributes)
    return f"<{tag}{quoted}>"


html_text = st.lists(html_fragments(), max_size=25).map("".join)


def safe_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text a normalized record can hold: no characters XML cannot carry."""
    return st.text(st.characters(codec="utf-8", exclude_categories=["Cc", "Cs"]), max_size=max_size).map(
        lambda t: NOT_XML.sub("", t)
    )


aware_times = st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)).map(
    lambda d: d.replace(microsecond=0)
)


@st.composite
def articles(draw: st.DrawFn) -> Article:
    published = draw(aware_times)
    url = st.sampled_from(["https://www.example-portal.kr/news/1", "https://www.korea.kr/a.hwp", ""])
    return Article(
        id=draw(st.sampled_from(["tag:example-portal.kr,2025:article/1", "https://www.korea.kr/b"])),
        title=draw(safe_text().filter(str.strip)),  # normalization requires one
        section=draw(st.sampled_from(["politics", "it-science"])),
        published=published,
        updated=draw(aware_times),
        link="https://www.example-portal.kr/news/1",
        subtitle=draw(safe_text()),
        summary=draw(safe_text()),
        body_html=draw(safe_text(200)),
        byline=draw(safe_text()),
        tags=tuple(draw(st.lists(safe_text(10), max_size=3))),
        images=tuple(draw(st.lists(st.builds(Image, url, st.just("image/png"), st.integers(0, 10**9), safe_text())))),
        attachments=tuple(
            draw(st.lists(st.builds(Attachment, url, st.just("application/pdf"), st.integers(0), safe_text())))
        ),
        status=draw(st.sampled_from(list(Status))),
        source=draw(
            st.none() | st.builds(Attribution, safe_text(), url, url, url, st.none() | aware_times, safe_text())
        ),
    )


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | hostile_text | html_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(hostile_text, children, max_size=3),
    max_leaves=8,
)
#: what YAML hands over besides JSON's types
field_values = json_values | st.dates() | st.datetimes() | st.sampled_from(["2025-13-45", "2025.11.08", "9999-12-31"])
RECORD_FIELDS = [
    "id", "title", "subtitle", "summary", "body_html", "section", "published", "updated", "byline", "link", "tags",
    "images", "attachments", "status", "source",
]  # fmt: skip


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    """Mostly plausible records (so normalization gets far) with arbitrary values in any field."""
    record: dict[str, Any] = {
        "id": draw(st.sampled_from(["20251108-0001", 1001, "tag:example-portal.kr,2025:article/x"])),
        "title": draw(html_text),
        "section": draw(st.sampled_from(["정치", "IT·과학", "science", "economy"])),
        "published": draw(st.sampled_from(["2025-11-08 09:00:00", "2025-11-08T00:00:00Z", "Sat, 08 Nov 2025"])),
        "link": draw(st.sampled_from(["/news/articleView.html?idxno=1", "https://www.example-portal.kr/n/2"])),
        "body_html": draw(html_text),
        "summary": draw(html_text),
        "byline": draw(hostile_text),
        "tags": draw(st.lists(hostile_text, max_size=3)),
        "source": draw(st.none() | st.fixed_dictionaries({"name": hostile_text, "credit": hostile_text})),
    }
    for name in draw(st.lists(st.sampled_from([*RECORD_FIELDS, "unknown"]), max_size=3)):
        record[name] = draw(field_values)
    return record


# -- sanitizing ----------------------------------------------------------------------------


def _dangerous(markup: str) -> list[str]:
    found = []
    for element in lxml.html.fragments_fromstring(f"<div>{markup}</div>")[0].iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in BAD_TAGS:
            found.append(f"<{element.tag}>")
        for name, value in element.attrib.items():
            if name.startswith("on") or name in ("style", "formaction", "srcset"):
                found.append(f"{element.tag}@{name}")
            if name in ("href", "src", "cite") and not re.match(r"(https?|mailto):", value):
                found.append(f"{element.tag}@{name}={value}")
    return found


@given(html_text)
@example("<li><form><li>")  # the dropped <form> left an <li> in an <li>, which parses as two
@example("<p>a<fieldset><p>b")
@example('&lt;p&gt;본문<img alt="사진">&lt;/p&gt;')  # the image without a source is gone: then escaped markup?
def test_sanitizing_is_idempotent(markup: str) -> None:
    once = sanitize_html(markup, BASE)
    assert sanitize_html(once, BASE) == once


@given(html_text)
def test_no_script_handler_or_script_url_survives_sanitizing(markup: str) -> None:
    cleaned = sanitize_html(markup, BASE)
    assert _dangerous(cleaned) == []
    assert NOT_XML.search(cleaned) is None


@given(st.integers(1, 3000), st.sampled_from(["div", "blockquote", "li", "span", "x"]), html_text)
def test_sanitized_nesting_is_bounded(levels: int, tag: str, inner: str) -> None:
    from pressfeed.sanitize import MAX_NESTING

    cleaned = sanitize_html(f"<{tag}>" * levels + inner + f"</{tag}>" * levels, BASE)
    root = lxml.html.fragment_fromstring(cleaned or "<p></p>", create_parent="div")
    assert max(len(list(e.iterancestors())) for e in root.iter()) <= MAX_NESTING + 30  # + what `inner` opens


#: what may come before a wide tag and fool a scan that reads the tokenizer wrong into missing it
TRAPS = [
    '<!-- <b x=" -->', '<!-- <b x=" --!>', "<!-->", "<!--->", '<![CDATA[ <b x=">', '<p title="<b x=\'">',
    '<script><b x="</script>', '<script><!--<script></script><b x="</script>', '<style><b x="</style>',
    '<textarea><b x="</textarea>', "<svg><style>", '<svg><![CDATA[ > <b x="]]>', '<math><mi><style><b x="</style>',
    '<select><xmp><b x="</xmp>',
]  # fmt: skip
#: attributes as the tokenizer reads them ("{0}" numbers them): quoted ">", no separator after a quoted value,
#: a name from "=", and what the sanitizer keeps
TRICKY_ATTRIBUTES = [
    'y{0}=">"', "z{0}='\">'", 'w{0}="a\'b"', "=q{0}", 'v{0}=a"b', 'u{0}="1"t{0}="2"', "HREF=/h{0}", "title='t>'",
    "s{0} = '-->'", 'k{0}="</script>"', "data-src=/{0}.jpg",
]  # fmt: skip
#: an opening paragraph: markup shorter than 2,048 characters is never scanned
LEAD = "<p>과학기술정보통신부는 7일 정부서울청사에서 인공지능 기본계획을 발표했다고 밝혔다. </p>\n" * 40


@st.composite
def wide_tags(draw: st.DrawFn) -> str:
    """A start or end tag of 100 to 250 distinct attributes, a tricky one every few, left open now and then."""
    count, every = draw(st.integers(100, 250)), draw(st.integers(2, 60))
    tricky = draw(st.lists(st.sampled_from(TRICKY_ATTRIBUTES), min_size=1, max_size=4))
    value, separator = draw(st.sampled_from(["", "=x", '="v"', "='v'"])), draw(st.sampled_from([" ", "\n", "/", " / "]))
    attributes = [tricky[i % len(tricky)].format(i) if i % every == 0 else f"a{i}{value}" for i in range(count)]
    opening = draw(st.sampled_from(["<p ", "<a ", "<img ", "<td ", "</p "]))
    return opening + separator.join(attributes) + draw(st.sampled_from([">", ">", "/>", ""]))


def widest_tag(markup: str) -> int:
    """The most attributes html5ever reads on one element of `markup` (nh3 keeping every element and attribute)."""
    kept = nh3.clean(markup, tags=HTML_ELEMENTS | {"mi"}, clean_content_tags=set(), generic_attribute_prefixes={""})
    root = lxml.html.fragment_fromstring(kept or "<p></p>", create_parent="div")
    return max(len(element.attrib) for element in root.iter())


@given(
    st.lists(html_fragments(), max_size=3).map("".join),
    st.sampled_from(["", *TRAPS]),
    wide_tags(),
    st.lists(html_fragments() | wide_tags(), max_size=4).map("".join),
)
def test_no_element_reaches_the_sanitizer_with_more_attributes_than_it_reads(
    before: str, trap: str, wide: str, after: str
) -> None:
    """Past MAX_ATTRIBUTES the parser reads one attribute of each name the sanitizer keeps, and no other; what
    the sanitizer gives is what it gave reading them all (but where foreign content is, see bound_attributes)."""
    body = LEAD + before + trap + wide + after
    assert widest_tag(bound_attributes(body)) <= MAX_ATTRIBUTES + len(SANITIZED_ATTRIBUTES) + 1  # + rel on <a>
    # foreign content, as written or escaped (plain_text decodes text escaped once too often and reads it again)
    if not re.search("(?:<|&(?:amp;)*lt;)(svg|math|select)", body, re.IGNORECASE):
        sanitized, plain = sanitize_html(body, BASE), plain_text(body)
        with mock.patch("pressfeed.sanitize.bound_attributes", lambda text: text):
            assert (sanitized, plain) == (sanitize_html(body, BASE), plain_text(body))


# -- plain text ----------------------------------------------------------------------------


# The fast paths below must give exactly what the plain formulas they stand for give.

_MARKUP = re.compile(r"<[A-Za-z!/?]|&(?:#\d|#[xX][0-9A-Fa-f]|[A-Za-z][A-Za-z0-9]*;|amp|lt|gt|quot|nbsp)")


def reference_plain_text(value: str) -> str:
    """plain_text() as a formula: clean, strip markup when there may be some, drop bidi controls, collapse."""
    from pressfeed.sanitize import _literal_brackets

    blocks = "p div li ul ol dl dt dd table thead tbody tfoot tr td th caption blockquote figure figcaption pre br hr"
    landmarks = "address article aside center details dialog dir fieldset footer form header hgroup legend main"
    names = "|".join([*blocks.split(), *landmarks.split(), "menu", "nav", "search", "section", "summary", "h[1-6]"])

    def strip(text: str) -> str:
        # a space where a block's tag or a line break begins: its words stay apart once the tags go
        spaced = re.sub(rf"(?=</?(?:{names})(?![\w:-]))", " ", _literal_brackets(text), flags=re.IGNORECASE)
        return clean_text(html.unescape(nh3.clean(bound_nesting(spaced), tags=set())))

    text = clean_text(value)
    if _MARKUP.search(text):
        text = strip(text)
        # an end tag, line break or character reference left was escaped once too often: every level at
        # once, then what that revealed
        for _ in range(2):
            end_tag = re.search(r"</(?:" + "|".join(HTML_ELEMENTS) + r")\s*>|<br\s*/?>", text, re.IGNORECASE)
            refs = re.findall(r"&(#\d+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)", text)
            if not end_tag and not any(html.unescape("&" + r) != "&" + r for r in refs):
                break
            text = strip(re.sub(r"&(?:amp;)+", "&", text))
    return re.sub(r"\s+", " ", BIDI.sub("", text)).strip()


def reference_body_text(sanitized: str) -> str:
    """The body's text by a second sanitizer pass that keeps no tags (what body_text() stands for)."""
    blocks = "p div li ul ol dl dt dd h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption blockquote figure"
    names = "|".join([*blocks.split(), "figcaption", "pre", "br", "hr"])
    text = nh3.clean(re.sub(rf"</?(?:{names})(?:\s[^>]*)?>", " ", sanitized), tags=set())
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


def test_whitespace_is_unprintable_and_casefolding_keeps_it_apart() -> None:
    """What without_space() and the content keys rely on, over every code point of this Python."""
    chars = [chr(c) for c in range(sys.maxunicode + 1)]
    assert all(not c.isprintable() for c in chars if c.isspace() and c != " ")
    assert all(c.casefold() == c for c in chars if c.isspace())
    assert not any(f.isspace() for c in chars if not c.isspace() for f in c.casefold())


credit_pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div>",
        "</div>",
        "<strong>",
        "</strong>",
        "<br>",
        "&nbsp;",
        "[",
        "]",
        "［",
        "뉴스출처",
        "뉴스 출처",
        " : ",
        "：",
        "기관",
        "\n",
        " ",
        "<",
        "[뉴스출처 : 과기정통부]",
        "<p>[뉴스출처 : 외교부]</p>",
        "<p>&nbsp;</p>",
        "이 자료는 외교부의 보도자료를 전재하여 제공함",
        "&lt;저작권자 © 포탈뉴스통신 무단전재 및 재배포금지&gt;",
        '<img src="/photo/1.jpg" alt="[뉴스출처 : 외교부]">',
        "<table><tr><td>",
        "</td></tr></table>",
        "<ul><li>",
        "본문",
    ]
)


@given(st.lists(credit_pieces | html_fragments(), max_size=16).map("".join))
@example("<p>[뉴스출처 : 외교부]</p><table><tr><td></td></tr></table><p>[뉴스출처 : 과기정통부]</p>")
def test_a_body_without_its_credit_has_none_and_sanitizes_to_itself(markup: str) -> None:
    """What a second normalization of a stored body does: nothing."""
    from pressfeed.credits import split_credit
    from pressfeed.terms import credit_agency

    body, credit = split_credit(sanitize_html(markup, BASE))
    assert sanitize_html(body, BASE) == body
    assert split_credit(body) == (body, "")
    assert not credit or credit_agency(credit)


@given(st.lists(credit_pieces | html_fragments(), max_size=16).map("".join))
@example("<p>[뉴스출처 : 외교부]</p><p>[뉴스출처 : 과기정통부]</p>")  # a joint release: both stay credits
@example("<div><p>본문</p><p>[뉴스출처 : 외교부]</p></div>")
def test_the_last_paragraph_shortcut_finds_what_the_search_finds(markup: str) -> None:
    """_last_paragraph_credit() answers for the common body at a fraction of the search's cost; it may pass
    (None), but never answer otherwise."""
    from pressfeed.credits import _last_paragraph_credit, _searched_credit

    body = sanitize_html(markup, BASE)
    shortcut = _last_paragraph_credit(body)
    assert shortcut is None or shortcut == _searched_credit(body)


@given(html_text, html_text, st.sampled_from(["", "<p>", "<br><br>", "<div><p><strong>"]))
@example("<p>본문", "", "<br><br>")  # "<p>본문<br><br>" was left, unclosed
@example("&lt;/p&gt;&lt;/p&gt;", "<pre>", "")  # without its <pre>, the escaped text would read as markup
@example("&lt;/p&gt;&lt;/p&gt;<pre>", "", "")
# escaped tags in an attribute after the credit counted as the text's: the body's were escaped markup alone
@example('&lt;p href="x"&gt;&lt;/p&gt;', '<p title="<script>alert(1)</script>">', "")
def test_a_body_without_its_credit_is_sanitized_html(before: str, after: str, opening: str) -> None:
    from pressfeed.credits import split_credit

    body, _ = split_credit(sanitize_html(f"{before}{opening}[뉴스출처 : 과학기술정보통신부]{after}", BASE))
    assert sanitize_html(body, BASE) == body


def pieces_among_noise(pieces: list[str], max_size: int) -> st.SearchStrategy[str]:
    """Texts made of some of `pieces` and hostile text between them."""
    return st.lists(hostile_text | st.sampled_from(pieces), max_size=max_size).map("".join)


#: the end of a body's text: copyright lines and their pieces, and text that is none
copyright_ends = pieces_among_noise(
    [
        *("<저작권자 © 포탈뉴스통신 무단전재 및 재배포금지>", "ⓒ 연합뉴스 무단 전재-재배포 금지"),
        *("(C) 2025 All Rights Reserved", "저작권자", "copyright", "COPYRIGHT", "©", "ⓒ", "(c)", "(C)"),
        *("무단전재", "재배포", "all rights reserved"),
        *("<", ">", "〈", "》", "[", "]", " ", "\n", "가" * 120, "x" * 200),
    ],
    max_size=12,
)


@given(copyright_ends)
@example("본문.  <저작권자 © 포탈뉴스통신 무단전재 및 재배포금지>")
@example("본문. COPYRIGHT 포탈뉴스통신 무단전재 금지")
@example("본문. (C) 포탈뉴스통신 all rights reserved")
def test_a_text_without_a_copyright_mark_is_let_go_as_the_pattern_would(words: str) -> None:
    """without_copyright() lets a text's end go when it has no copyright mark, before the pattern tries each
    of its characters: what it leaves is what the pattern alone leaves."""
    from pressfeed.credits import _CLOSING_COPYRIGHT, without_copyright

    match = _CLOSING_COPYRIGHT.search(words, max(0, len(words) - 300))
    assert without_copyright(words) == (words[: match.start()] if match else words)


#: the ends of releases and newsroom copies: contact lines, reporters' addresses, and notices' words around them
contact_texts = pieces_among_noise(
    [
        *("02-2110-1234", "044)202-4321", "(044) 202-4321", "010-1234-5678", "hong@example-portal.kr"),
        *(" 홍길동 기자 ", "특파원", "@", "-", ")", "．"),
        *("보도", "게재", "엠바고", "조간", "석간", "EMBARGO", "Embargo"),
        *("0", "12", "345", "6789", " ", "\n", "가" * 50),
    ],
    max_size=14,
)


@given(contact_texts)
@example("문의: 044-202-4321")
@example("담당: hong@moef.go.kr")
@example("본문. 홍길동 기자 hong@example-portal.kr")
def test_the_contact_and_signature_shortcuts_turn_away_nothing_their_patterns_find(text: str) -> None:
    """stories lets a text go before _CONTACT and _SIGNATURE try each of its characters when it lacks a
    character each needs ("-" or "@", an "@"): its keys are the patterns' alone."""
    from pressfeed import stories
    from pressfeed.text import without_space

    def folded(text: str) -> str:  # _folded, the signature's pattern tried at every end
        lead = stories._BYLINE.match(text)
        rest = text[lead.end() :] if lead is not None else text
        tail = stories._SIGNATURE.search(rest, max(0, len(rest) - stories._SIGNATURE_SPAN))
        return without_space(rest[: tail.start()] if tail is not None else rest).casefold()

    def passage_keys(folded: str) -> list[str]:  # _passage_keys, the contact pattern tried on every text
        if len(folded) < stories.NEAR_MIN:
            return []
        sentences = [s for s in stories._PASSAGE_END.split(folded) if len(s) >= stories._PASSAGE_MIN]
        if stories._CONTACT.search(folded):
            sentences = [s for s in sentences if not stories._CONTACT.search(s)]
        longest = sorted(sentences, key=len, reverse=True)[: stories.PASSAGES]
        return sorted({stories.PASSAGE + hashlib.sha256(s.encode()).hexdigest()[:32] for s in longest})

    long = text * (1 + stories.NEAR_MIN // max(1, len(text)))  # long enough to have passage keys
    assert stories._folded(text) == folded(text) and stories._folded(long) == folded(long)
    assert stories._passage_keys(folded(long)) == passage_keys(folded(long))


#: embargo notices as releases write them, and the words of such lines: times, media, verbs, labels
NOTICES = [
    "※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기 바랍니다.",
    "이 보도자료는 2025. 11. 8.(토) 조간부터 보도할 수 있습니다.",
    "※ 11. 27.(목) 12:00 이전에는 보도를 삼가 주시기 바랍니다.",
    "[엠바고] 11.27.(금) 06:00 이후 보도",
    "※ 보도 엠바고 : 11. 27.(목) 12:00",
    "보도일시: 2025. 11. 27.(목) 12:00",
    "11. 27.(목) 조간용",
    "방송·인터넷: 11. 27.(목) 12:00 이후 / 신문: 11. 28.(금) 조간",
    "보도시 11월 27일 12:00 이후로 부탁드립니다",
    "11월 27일(목) 12:00 보도자료",
    "※ 11월 27일(목) 12:00 엠바고 해제",
    "EMBARGO: Nov. 27, 12:00 p.m.",
    "배포 : 11. 26.(수) / 보도시점 : 12. 1.(월) 06:00",
]
notice_words = st.sampled_from(
    [
        *"0123456789０.:：()[]※·/~- ",
        *("월", "일", "시", "(목)", "12:00", "이후", "부터", "까지", "전에는", "즉시", "에", "용", "해제"),
        *("보도", "게재", "자료", "이 자료는", "엠바고", "배포", "조간", "석간", "방송", "인터넷", "신문", "TV"),
        *("은", "는", "단,", "하여 주시기 바랍니다", "가능", "삼가", "할 수 있습니다", "입니다", "오전", "정오"),
    ]
)


@st.composite
def notice_lines(draw: st.DrawFn) -> str:
    """A notice with some of it cut out or written over: what is left is often still one."""
    line = draw(st.sampled_from(NOTICES))
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(line)))
        end = draw(st.integers(start, min(len(line), start + 8)))
        line = line[:start] + draw(st.just("") | notice_words) + line[end:]
    return line


@given(notice_lines())
@example("11. 27.(목) 조간용")  # each a notice with one of the shortcut's words alone: an edition,
@example("인터넷: 11. 27.(목) 12:00 이후")  # a medium's colon,
@example("이 자료는 내일 조간부터 방송할 수 있습니다.")  # (and no digit)
@example("본 자료는 11월 27일 6시 이후 사용하여 주시기 바랍니다.")  # 자료,
@example("EMBARGO 11월 27일 12시")  # embargo
def test_a_line_the_notice_patterns_read_passes_their_shortcut(line: str) -> None:
    """may_be_notice() lets most lines go before the notice patterns try them (~30 µs a line each); it may
    pass a line they then read as none, but never turn away one they read as a notice."""
    from pressfeed.embargo import _EMBARGO_NOTICE, _NOTICE_SENTENCE, may_be_notice

    if _EMBARGO_NOTICE.fullmatch(line) or _NOTICE_SENTENCE.match(line):
        assert may_be_notice(line)


@given(notice_lines(), st.sampled_from(["<p>", "<p>&nbsp;</p><p>", "<div>", "<p>(포탈뉴스통신) "]))
@example("이 자료는 11월 8일(토) 10:00 이후 사용하여 주시기 바랍니다.", "<p>")
@example("배포 : 11. 7.(금) / 사용 : 11. 8.(토) 10:00 이후", "<p>")
def test_a_notice_ingest_drops_is_looked_for_in_a_newsroom_copy(line: str, opening: str) -> None:
    """stories looks for a pasted notice only where may_be_notice() passes the text's start: a notice that
    split_embargo_notice() finds in a release is never let go unlooked for in a copy of it."""
    from types import SimpleNamespace

    from pressfeed import stories
    from pressfeed.embargo import split_embargo_notice
    from pressfeed.sanitize import sanitize_html

    body = sanitize_html(f"{opening}{html.escape(line)}</p><p>{'본문이다. ' * 40}</p>", "https://www.example.kr/")
    without, notice = split_embargo_notice(body)
    text = stories.body_words(body)
    expected = stories.body_words(without) if notice else text
    assert stories._without_notice(SimpleNamespace(body_html=body), text) == expected  # type: ignore[arg-type]


@given(st.lists(st.one_of(notice_words, hostile_text, st.sampled_from(["EMBARGO", "eMbArGo", "１", "٣"])), max_size=12))
@example(["EMBARGO", "１"])
@example(["９", "："])  # full-width: a digit and a medium's colon
@example(["석간", "게재"])
@example(["٣ 보도"])  # another script's digit: the patterns' \d reads it (a styled copy's 𝟏𝟐:𝟎𝟎)
def test_the_notice_shortcut_is_its_two_patterns_by_strs_own_search(pieces: list[str]) -> None:
    """may_be_notice() looks for a time and a notice's word by str's own search; it answers as the two
    case-blind patterns it stands for would."""
    from pressfeed.embargo import may_be_notice

    text = "".join(pieces)
    time = re.search(r"\d|조간|석간", text)
    word = re.search(r"보도|게재|자료|엠바고|embargo|배포|조간|석간|[:：]", text, re.IGNORECASE)
    assert may_be_notice(text) == (time is not None and word is not None)


#: bodies' words as body_words() leaves them: whitespace runs, bylines in parentheses, bidi controls
words_text = st.lists(
    st.one_of(
        hostile_text,
        st.sampled_from(
            ["(포탈뉴스통신)", "( 연합  뉴스 )", "(", ")", "  ", " \n", "\u3000", "\u202e", "가나다 라마", "x" * 30]
        ),
    ),
    max_size=30,
).map("".join)


@given(words_text)
def test_body_key_ignores_how_whitespace_stands(words: str) -> None:
    from pressfeed.stories import body_key
    from pressfeed.text import collapse_space

    assert body_key(words) == body_key(collapse_space(words))


@given(words_text, st.integers(1, 120))
def test_summary_of_words_is_shortened_collapsed_text(words: str, length: int) -> None:
    from pressfeed.text import collapse_space, shorten, summary_of

    assert summary_of(words, length) == shorten(collapse_space(words), length)


url_pieces = st.sampled_from(
    ["https://", "http://", "HTTP://", "www.", "m.", "Korea.KR", "x-y.go.kr", ":80", ":8080", ":x", "/", "//", "a.do",
     "?", "&", "=", "newsId", "utm_source", "call_from", "pWise", "%7E", "+", "~", "#top", " ", "@", "가", ";", "."]
)  # fmt: skip


@given(st.lists(url_pieces, max_size=14).map("".join))
def test_normalize_link_is_its_parsing_formula(url: str) -> None:
    from pressfeed.urls import _normalized_split, normalize_link

    assert normalize_link(url) == _normalized_split(url)


#: what no reader sees and str.split() keeps: zero-width space, joiners, word joiner, BOM, soft hyphen, and the
#: Mongolian vowel separator (written out here, not taken from the code under test)
ZERO_WIDTH = "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"


@given(st.one_of(hostile_text, html_text, st.lists(st.sampled_from([*ZERO_WIDTH, "가", " ", "\n", "a"])).map("".join)))
def test_without_space_is_its_formula(value: str) -> None:
    assert without_space(value) == "".join(c for c in "".join(value.split()) if c not in ZERO_WIDTH)


@given(st.one_of(hostile_text, html_text))
def test_plain_text_is_its_formula(value: str) -> None:
    assert plain_text(value) == reference_plain_text(value)


@given(html_text)
def test_body_text_of_sanitized_html_is_a_tagless_sanitizer_pass(markup: str) -> None:
    sanitized = sanitize_html(markup, BASE)
    assert body_text(sanitized) == reference_body_text(sanitized)


@given(articles())
def test_content_json_is_json_dumps_of_the_article_dict(article: Article) -> None:
    data = article_to_dict(article)
    del data["updated"], data["status"]
    assert content_json(article) == json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@given(articles())
def test_encoded_article_travels_and_decodes_whole(article: Article) -> None:
    """Workers send EncodedArticles without their Article: the receiver decodes the same one."""
    encoded = pickle.loads(pickle.dumps(encode(article)))
    assert encoded.article == article
    assert (encoded.id, encoded.section, encoded.status) == (article.id, article.section, article.status)
    head = {"updated": utc_text(article.updated), "status": str(article.status)}
    assert json.loads(encoded.data) == {**json.loads(encoded.content), **head}
    assert encoded.data.startswith(json.dumps(head, separators=(",", ":"))[:-1] + ",")
    # the content travels as the UTF-8 its hash covers; the row's JSON as UTF-8 is the same text
    assert encoded.content_utf8 == encoded.content.encode()
    assert hashlib.sha256(encoded.content_utf8).hexdigest() == encoded.content_hash
    assert encoded.data_utf8 == encoded.data.encode()
    assert encoded == encode(article)


def reference_parse_date_string(text: str) -> datetime:
    """The date rules without their ISO 8601 fast path: the dotted forms, then fromisoformat, then the
    local forms (Korean, digits, zone names), then RFC 822."""
    from pressfeed.dates import _DOTTED, local_form_date, rfc822_date

    match = _DOTTED.match(text)
    if match:
        y, mo, d, h, mi, s = map(int, match.groups("0"))
        return datetime(y, mo, d, h, mi, s)
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        loose = local_form_date(text)
        if loose is not None:
            return loose
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):
            raise
    return rfc822_date(text)


#: date texts as exports write them, right and wrong: digits, the separators both rules know, zones
date_texts = st.one_of(
    st.datetimes(min_value=datetime(1000, 1, 1)).map(lambda d: d.isoformat(sep=" ")),
    st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat(timespec="seconds")),
    st.datetimes().map(lambda d: d.strftime("%Y.%m.%d %H:%M")),
    st.text(alphabet="0123456789-./: TZ+", max_size=26),
    st.datetimes().map(lambda d: d.strftime("%Y. %m. %d. ") + ("오전 " if d.hour < 12 else "오후 ") + f"{d:%I:%M:%S}"),
    st.datetimes().map(lambda d: d.strftime("%Y%m%d%H%M%S")),
    st.datetimes().map(lambda d: d.strftime("%m/%d/%Y %H:%M:%S")),
)


@given(
    st.datetimes(min_value=datetime(1000, 1, 1)),
    st.sampled_from(
        [
            "{d:%Y-%m-%d} {half} {h}:{d:%M:%S}",
            "{d:%Y. %m. %d.} {half} {h}:{d:%M:%S}",
            "{d:%Y}년 {d.month}월 {d.day}일 {half} {h}시 {d.minute}분",
            "{d:%Y}년 {d.month}월 {d.day}일 {weekday}요일 {half} {h}시",
            "{d:%Y-%m-%d} ({weekday}) {half} {h}시",
            "{d:%m/%d/%Y} {h}:{d:%M:%S} {ampm}",
            "{d.month}/{d.day}/{d:%Y} {half} {h}:{d:%M:%S}",
        ]
    ),
)
def test_a_korean_twelve_hour_clock_reads_as_the_time_written(when: datetime, form: str) -> None:
    """오전 12시 is midnight, 오후 12시 noon, 오후 3시 15:00 (.NET, Java and JavaScript in ko-KR write them;
    .NET in en-US writes month/day/year and AM/PM)."""
    from pressfeed.dates import _parse_date_string

    text = form.format(
        d=when,
        half="오전" if when.hour < 12 else "오후",
        ampm="AM" if when.hour < 12 else "PM",
        h=(when.hour % 12) or 12,
        weekday="월화수목금토일"[when.weekday()],
    )
    expected = when.replace(microsecond=0)
    if "%S" not in form:  # the form writes minutes at most
        expected = expected.replace(second=0, minute=when.minute if "minute" in form else 0)
    assert _parse_date_string(text) == expected


@given(date_texts)
def test_date_strings_read_as_the_rules_without_the_iso_fast_path(text: str) -> None:
    from pressfeed.dates import _parse_date_string

    try:
        expected: datetime | type[Exception] = reference_parse_date_string(text)
    except (ValueError, TypeError, IndexError, OverflowError):
        expected = ValueError
    try:
        got: datetime | type[Exception] = _parse_date_string(text)
    except ValueError:
        got = ValueError
    assert got == expected
    if isinstance(got, datetime) and isinstance(expected, datetime):
        assert got.utcoffset() == expected.utcoffset()


@given(st.datetimes(timezones=st.timezones()))
def test_utc_text_is_strftime(value: datetime) -> None:
    try:
        expected = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (OverflowError, ValueError):  # out of range in UTC, or a zone without an offset at that time
        return
    assert utc_text(value) == expected


@given(st.one_of(hostile_text, html_text))
def test_plain_text_has_no_control_or_bidi_characters(value: str) -> None:
    text = plain_text(value)
    assert NOT_XML.search(text) is None
    assert BIDI.search(text) is None
    assert text == text.strip() and "  " not in text


# -- feed bytes -----------------------------------------------------------------------------

ENCODINGS = ["utf-8", "UTF-8", "euc-kr", "cp949", "ks_c_5601-1987", "utf-16", "utf-7", "iso-8859-1", "x-bogus", ""]


@given(st.binary(max_size=300), st.sampled_from(ENCODINGS), st.sampled_from(ENCODINGS))
def test_to_utf8_always_returns_valid_utf8_xml_text(body: bytes, declared: str, header: str) -> None:
    raw = (f'<?xml version="1.0" encoding="{declared}"?>'.encode() if declared else b"") + body
    data = to_utf8(raw, f"application/rss+xml; charset={header}" if header else "")
    text = data.decode("utf-8")  # strict: raises on anything that is not UTF-8
    assert NOT_XML.search(text) is None


feed_pieces = st.sampled_from(
    [b'<?xml version="1.0" encoding="UTF-8"?>', b'<?xml version="1.0" encoding="euc-kr"?>', b"\xef\xbb\xbf",
     b"<?xml \xea\xb0\x80 encoding='x'?>", "<a>한글</a>".encode(), "한글".encode("cp949"), b"\x00", b"\x0b", b"\t",
     b"&#1;", b"&#x41;", b"&#xD800;", b"&#99999999999;", b"&amp;", b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"\xed\xa0\x80",
     b"\xff", b" \n"]
)  # fmt: skip


@given(st.lists(feed_pieces, max_size=8).map(b"".join))
def test_to_utf8_of_utf8_bytes_is_the_decoded_formula(raw: bytes) -> None:
    """Valid UTF-8 is cleaned on its bytes: the same as decoding, cleaning the text and encoding it."""
    from pressfeed.ingest.parse import _XML_DECL, xml_safe

    try:
        text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError:
        return  # other charsets go through the decoding path itself
    declared = _XML_DECL.match(raw.removeprefix(b"\xef\xbb\xbf"))
    if declared:
        text = text[: declared.start(1)] + "utf-8" + text[declared.end(1) :]
    assert to_utf8(raw) == xml_safe(text).encode("utf-8")


#: Latin-1 letters that are EUC-KR Hangul read as Latin-1 ("°¡" is "가"): repaired on purpose (test_bad_input)
EUC_KR_AS_LATIN1 = re.compile("[\xb0-\xc8][\xa1-\xfe][\xb0-\xc8][\xa1-\xfe]")


@given(st.text(st.characters(codec="utf-8"), max_size=200))
def test_to_utf8_keeps_what_is_already_clean_utf8(text: str) -> None:
    clean = NOT_XML.sub("", text)
    assume(not EUC_KR_AS_LATIN1.search(clean))
    assert to_utf8(clean.encode("utf-8")) == clean.encode("utf-8")


# -- articles -------------------------------------------------------------------------------


@given(articles())
def test_article_dict_round_trip(article: Article) -> None:
    data = json.loads(json.dumps(article_to_dict(article), ensure_ascii=False))
    assert article_from_dict(data) == article


@given(records())
def test_normalizing_any_record_raises_only_record_errors(ctx: NormalizeContext, record: dict[str, Any]) -> None:
    try:
        article = article_from_record(record, ctx)
    except RecordError:
        return
    for value in (article.title, article.subtitle, article.summary, article.byline, *article.tags):
        assert NOT_XML.search(value) is None and BIDI.search(value) is None
    assert NOT_XML.search(article.body_html) is None


@given(st.lists(records(), min_size=1, max_size=4))
def test_rendering_normalized_articles_always_gives_well_formed_feeds(
    config: Config, ctx: NormalizeContext, batch: list[dict[str, Any]]
) -> None:
    normalized = []
    for record in batch:
        try:
            normalized.append(article_from_record(record, ctx))
        except RecordError:
            continue
    spec = feed_specs(config)[0]

    rss, atom = render_feeds(spec, normalized)
    feed = json.loads(render_json(spec, normalized))

    assert len(etree.fromstring(rss).findall("channel/item")) == len(normalized)
    assert len(etree.fromstring(atom).findall("{http://www.w3.org/2005/Atom}entry")) == len(normalized)
    assert len(feed["items"]) == len(normalized)


@given(st.lists(articles(), max_size=3))
def test_rendering_any_clean_article_gives_well_formed_feeds(config: Config, batch: list[Article]) -> None:
    spec = feed_specs(config)[0]
    rss, atom = render_feeds(spec, batch)
    etree.fromstring(rss)
    etree.fromstring(atom)
    assert len(json.loads(render_json(spec, batch))["items"]) == len(batch)


# -- JSON Lines read in spans --------------------------------------------------------------

jsonl_pieces = st.sampled_from(
    ['{"id": 1}', '{"t": "가\u2028나"}', "\n", "\r\n", "\r", "  ", "\u3000", "\x1c", "\ufeff", "[1]", "x"]
)


@given(st.lists(jsonl_pieces, max_size=30).map("".join), st.integers(1, 40))
def test_json_lines_in_spans_are_numbered_as_a_text_mode_reading(
    tmp_path_factory: pytest.TempPathFactory, text: str, span: int
) -> None:
    """However the file is cut into spans, its records keep the lines a text-mode reading gives them."""
    from pressfeed.imports.read import line_spans

    path = tmp_path_factory.mktemp("jsonl") / "export.jsonl"
    path.write_bytes(text.encode("utf-8"))
    with path.open(encoding="utf-8-sig") as fh:  # universal newlines, BOM dropped
        expected = [(n, line.rstrip("\n")) for n, line in enumerate(fh, 1) if line.strip()]
    found, before = [], 0
    for piece in line_spans("export.jsonl", path, span):
        records, count = piece.lines()
        found += [(before + n, raw.decode("utf-8")) for n, raw in records]
        before += count
    assert found == expected
