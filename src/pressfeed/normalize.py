"""Pure functions that turn raw input into clean :class:`Article` records.

Every input goes through here: CMS export records (:func:`article_from_record`)
and, via :mod:`pressfeed.ingest.mapping`, agency feed entries. Each rule is a
small function so it can be tested on its own.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cached_property, lru_cache
from html.entities import html5
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import nh3

from .context import INVISIBLE, name_key

# the site's registries and context live in .context (a run that normalizes nothing imports only that);
# they are named here too, where normalization's users have always found them
from .context import Agencies as Agencies
from .context import NormalizeContext as NormalizeContext
from .context import Sections as Sections
from .context import agency_key as agency_key
from .context import section_key as section_key
from .errors import RecordError
from .model import (
    Article,
    Attachment,
    Attribution,
    Image,
    InputKind,
    RawArticle,
    RawMedia,
    Status,
    credit_for,
)
from .terms import CMS_CLOCK_SKEW, URL_SAFE

if TYPE_CHECKING:
    from .config import AgencyConfig, SourceConfig

# -- text ---------------------------------------------------------------------

# C0 controls except tab/LF/CR, DEL and C1 controls, the XML non-characters, and
# lone surrogates: lxml refuses all of them, so they never get into a record. And
# U+FFFD, what a decoder leaves for bytes it could not read: it says nothing to a
# reader, and the W3C validator reports it as a bad character.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd\ufffe\uffff\ud800-\udfff]")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
# direction marks (U+200E, U+200F, U+061C) change how text around them is shown: a title
# "보고서\u202efdp.exe" reads "보고서exe.pdf". Plain-text fields (titles, bylines, summaries,
# tags, captions) never need them; HTML bodies keep them, where a quoted right-to-left passage
# may and the reader shows the body in a box of its own.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: whitespace other than U+0020 (str.isspace(), which is also what \s matches)
_OTHER_SPACE = "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Anything plain_text() would change besides leading and trailing spaces: controls, bidi
# controls, markup and entities (conservatively: any "<" or "&"), whitespace other than single
# spaces (these characters, or two spaces in a row). Most titles, bylines and tags have none, and
# one search is all they cost: a class alone, since an alternative ("|  ") made the engine try
# both at every position; `"  " in value` is a separate, faster scan.
_PLAIN_WORK = re.compile(
    "[<&\x00-\x1f\x7f-\x9f\ufffd-\uffff\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069" + _OTHER_SPACE + "]"
)


def clean_text(value: str) -> str:
    """NFC-normalize and drop characters XML cannot carry."""
    return _CONTROL.sub("", unicodedata.normalize("NFC", value))


# Korean headlines quote works and laws in angle brackets: "<AI 기본법>", "영화 <기생충>".
# A "<" that does not open a real HTML element is text, so it is escaped before the
# sanitizer (which still removes every actual tag) can mistake it for markup.
_ELEMENT_NAMES = """
    a abbr address applet area article aside audio b base bdi bdo blockquote body br button canvas caption
    center cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset
    figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe
    img input ins kbd label legend li link main map mark marquee math menu meta meter nav noframes noscript
    object ol optgroup option output p param picture pre progress q rp rt ruby s samp script search section
    select slot small source span strike strong style sub summary sup svg table tbody td template textarea
    tfoot th thead time title tr track tt u ul var video wbr
"""
HTML_ELEMENTS = frozenset(_ELEMENT_NAMES.split())
#: names that are markup too, though no HTML element: obsolete elements old CMSs still write, and the XML
#: islands of text pasted from Word and HWP ("<xml>", "<o:p>", "<st1:place>": any name with a prefix)
_OBSOLETE_NAMES = """
    acronym basefont bgsound big blink dir image isindex keygen listing menuitem multicol nextid nobr noembed
    plaintext rb rtc spacer xmp xml
"""
_MARKUP_NAMES = HTML_ELEMENTS | frozenset(_OBSOLETE_NAMES.split())
#: what could be a tag, comment or entity; anything else is text as it stands
_MARKUP = re.compile(r"<[A-Za-z!/?]|&(?:#\d|#[xX][0-9A-Fa-f]|[A-Za-z][A-Za-z0-9]*;|amp|lt|gt|quot|nbsp)")
# the name as the HTML parser reads it, up to a space, "/" or ">": "<U-20 월드컵>", "<Q&A>" and
# "<S&P 500>" open no element ("<!--" comments are the sanitizer's)
_TAG_START = re.compile(r"<(?![!?])(/?)([A-Za-z][^\s/>]*)?")


def _is_markup(name: str) -> bool:
    lowered = name.lower()
    return lowered in _MARKUP_NAMES or (":" in lowered and lowered.replace(":", "").replace("-", "").isalnum())


def _literal_brackets(text: str) -> str:
    """Every "<" that opens no markup's name as "&lt;": "<AI 기본법>" is text, not an unknown element, while
    "<o:p>" or "<big>" is markup for the sanitizer to drop."""
    names = {name for _, name in _TAG_START.findall(text)}
    if names <= HTML_ELEMENTS or all(_is_markup(name) for name in names):
        return text  # as nearly every body: only elements (a Python call per tag would cost 3× more)

    def escape(match: re.Match[str]) -> str:
        return match.group(0) if _is_markup(match.group(2) or "") else "&lt;" + match.group(0)[1:]

    return _TAG_START.sub(escape, text)


def plain_text(value: str) -> str:
    """Text without markup: tags dropped, entities decoded, whitespace collapsed.

    Titles, bylines and summaries are plain text; the publishers escape them.
    """
    if "  " not in value and not _PLAIN_WORK.search(value) and unicodedata.is_normalized("NFC", value):
        return value.strip(" ")  # already plain: what the rules below would return
    text = clean_text(value)
    if _MARKUP.search(text):  # plain text needs no parser: most titles, bylines, and "R&D"
        text = _without_tags(text)
        for _ in range(_TEXT_PASSES):  # "&lt;b&gt;수출&lt;/b&gt;", "R&amp;amp;D": escaped once too often
            if not _leftover(text):
                break
            text = _without_tags(_EXTRA_AMP.sub("&", text))  # every level at once, as in bodies
    return collapse_space(_BIDI_CONTROLS.sub("", text))


def _without_tags(text: str) -> str:
    markup = _BEFORE_BLOCK.sub(" ", _literal_brackets(text))
    return clean_text(html.unescape(nh3.clean(bound_nesting(bound_attributes(markup)), tags=set())))


#: passes after the first, at most: one unescapes every level, one more strips what that revealed
_TEXT_PASSES = 2
_END_TAG = re.compile(r"</(?:" + "|".join(sorted(HTML_ELEMENTS)) + r")\s*>|<br\s*/?>", re.IGNORECASE)
_REFERENCE = re.compile(r"&(#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


def _leftover(text: str) -> bool:
    """What no plain text means to say, left after decoding when a source escaped its text twice: an end tag or
    a line break of an HTML element, or a character reference HTML knows ("<AI 기본법>", "<img> 태그", "R&D" and
    "Q&A;" are text)."""
    if "<" in text and _END_TAG.search(text):
        return True
    return "&" in text and any(name[0] == "#" or name in html5 for name in _REFERENCE.findall(text))


def collapse_space(text: str) -> str:
    """Every run of whitespace as one space, none at the ends: ``re.sub(r"\\s+", " ", text).strip()``.

    str.split() splits where \\s matches (str.isspace()) and is several times
    faster on long Korean text, whose every word break would be a match.
    """
    return " ".join(text.split())


def without_space(text: str) -> str:
    """Every whitespace and zero-width character removed: what two copies of one text may differ in.

    A zero-width space (HWP-converted HTML is full of them) is no whitespace to
    str.split(), but no reader sees it. Both are unprintable, so a text that is
    printable once its spaces are gone has none left: one replace and one C scan.
    """
    squeezed = text.replace(" ", "")
    if squeezed.isprintable():
        return squeezed
    if _ZERO_WIDTH.search(squeezed):  # a regex: str.translate() costs a dict lookup per character
        squeezed = _ZERO_WIDTH.sub("", squeezed)
    return "".join(squeezed.split())


#: the invisible characters that are unprintable too (the Hangul fillers print, as blanks)
_ZERO_WIDTH = re.compile("[" + "".join(chr(code) for code in INVISIBLE if not chr(code).isprintable()) + "]")


# -- HTML ---------------------------------------------------------------------

ALLOWED_TAGS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "li",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    }
)
#: block elements the allow-list leaves out (a page's landmarks and <h1>, forms, disclosure widgets, obsolete
#: <center>) whose text is still a block of the body: the cleaner keeps them and they are written as <div>.
#: Unwrapped, "…발표했다</section><section>정부는…" ran together, for readers and in summaries alike.
_AS_DIV_NAMES = """
    address article aside center details dialog dir fieldset footer form h1 header hgroup legend main menu nav
    search section summary
"""
BLOCKS_AS_DIV = frozenset(_AS_DIV_NAMES.split())
#: the block elements sanitized HTML keeps, and line breaks: what separates words when the tags go
_BLOCK_NAMES = (
    "p|div|li|ul|ol|dl|dt|dd|h[1-6]|table|thead|tbody|tfoot|tr|td|th|caption|blockquote|figure|figcaption|pre|br|hr"
)
#: where a block element's tag or a line break begins, in markup as written (the blocks the sanitizer renames
#: too): a space there keeps the words of "<p>첫 문단</p><p>둘째</p>" apart once the tags go (a space, not the
#: tag replaced: a ">" in an attribute value would end a tag matched by a pattern early); in an attribute,
#: comment or script it goes with them
_BEFORE_BLOCK = re.compile(rf"(?=</?(?:{_BLOCK_NAMES}|{'|'.join(sorted(BLOCKS_AS_DIV))})(?![\w:-]))", re.IGNORECASE)
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "abbr": {"title"},
    "blockquote": {"cite"},
    "q": {"cite"},
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
DROPPED_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "iframe",
        "object",
        "embed",
        "noscript",
        "template",
        "textarea",
        "select",
        "button",
        "svg",
        "math",
        "frameset",
        "noframes",
        "applet",
        "title",  # a whole page pasted as the body: its <title> would lead the text
        "xml",  # Word's settings pasted with its text ("<xml><w:View>Normal</w:View>…"): no reader's business
    }
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_PLAIN_ABSOLUTE = re.compile(r"https?://[A-Za-z0-9.-]+(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?\Z")


@lru_cache(maxsize=4096)  # homes, feeds and bases repeat across records
def absolute_url(url: str, base: str) -> str:
    """`url` resolved against `base`; empty when it is not an http(s)/mailto URL."""
    if _PLAIN_ABSOLUTE.match(url):  # already absolute, portless and ASCII: nothing to resolve
        return url
    # "/path" (no dot segments for urljoin to fold): the base's origin + path
    if url.startswith("/") and not url.startswith("//") and "/." not in url:
        joined = _origin(base) + url
        if _PLAIN_ABSOLUTE.match(joined):
            return joined
    try:
        # percent-encode spaces and non-ASCII (Hangul file names): feeds need URIs, not IRIs
        resolved = quote(urljoin(base, clean_text(url).strip()), safe=URL_SAFE)
        parts = urlsplit(resolved)
        parts.port  # noqa: B018 -- raises on a malformed port ("host:abc", "host:99999")
    except ValueError:
        return ""
    return resolved if parts.scheme in URL_SCHEMES else ""


#: the origin of a plain http(s) URL, which urlsplit() would give unchanged
_PLAIN_ORIGIN = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]+)?(?=[/?#]|\Z)")


def _origin(base: str) -> str:
    """scheme://host[:port] of an absolute URL, or "" (then the fast path never matches)."""
    plain = _PLAIN_ORIGIN.match(base)  # bases are articles' links: too many to cache
    return plain.group() if plain else _split_origin(base)


@lru_cache(maxsize=256)
def _split_origin(base: str) -> str:
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


# nh3 takes its attribute filter once, when the Cleaner is built, and building a
# Cleaner per body costs more than the cleaning; so the shared filter reads the
# base URL of the body being cleaned from a context variable, which
# sanitize_html() sets around the call (safe across threads and asyncio tasks).
_BASE_URL: ContextVar[str] = ContextVar("pressfeed_base_url", default="")


#: where lazy-loading pages keep an image's real address while `src` holds a placeholder (or nothing) until a
#: script swaps them; read by the cleaner, then moved into `src` or dropped (:func:`_loaded_images`)
LAZY_SOURCES = ("data-src", "data-original", "data-lazy-src")


def _make_absolute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES or attribute in LAZY_SOURCES:
        return absolute_url(value, _BASE_URL.get()) or None
    return value


# Built once: constructing the allow-lists on every call costs more than the cleaning.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS | BLOCKS_AS_DIV),  # the latter renamed after (:func:`_clean`)
    attributes={k: set(v) | (set(LAZY_SOURCES) if k == "img" else set()) for k, v in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_make_absolute,
    url_schemes=set(URL_SCHEMES),
    strip_comments=True,
    # dropped with everything inside them, not just unwrapped
    clean_content_tags=set(DROPPED_WITH_CONTENT),
)


#: a title longer than this (in characters, after cleaning) is cut, with "…": a press release's runs to
#: 150 at most, and a hostile feed's 1 MB title would go into the store and every feed
MAX_TITLE_LENGTH = 300
#: HTML longer than this (in characters) is refused: no press release needs 2 MiB of markup
MAX_HTML_LENGTH = 2 * 1024 * 1024
#: elements nested deeper than this are flattened (their tags dropped, their text kept)
MAX_NESTING = 256


def sanitize_html(value: str, base_url: str) -> str:
    """Allow-list sanitizing (nh3/ammonia) with every URL made absolute.

    Scripts, styles, iframes, event handlers and javascript: URLs cannot pass;
    relative links and images resolve against the article's link. Bodies over
    MAX_HTML_LENGTH are a RecordError; nesting beyond MAX_NESTING is flattened
    first, because the HTML parser's time grows with depth × size. HTML that
    was escaped once too often (see :func:`escaped_markup`) is unescaped and
    sanitized as the markup it is.
    """
    if len(value) > MAX_HTML_LENGTH:
        raise RecordError("body_html", f"{len(value):,} characters of HTML, more than the {MAX_HTML_LENGTH:,} allowed")
    try:
        return _sanitized(value, base_url)
    except UnicodeEncodeError:
        # a lone surrogate (a CMS that cut an emoji's pair in two; JSON can write one): no character, and the
        # sanitizer takes UTF-8 only. Dropped, as plain-text fields drop it; looked for only when it fails.
        return _sanitized(clean_text(value), base_url)


def _sanitized(value: str, base_url: str) -> str:
    token = _BASE_URL.set(base_url)
    try:
        cleaned = _clean(_literal_brackets(value))  # "<AI 기본법>" is text, as in titles: no element to drop
        for _ in range(_UNESCAPE_PASSES):
            if not escaped_markup(cleaned):
                break
            # every level at once ("&amp;amp;lt;" is "<"); the text's own "<AI 기본법>" stays text
            cleaned = _clean(_literal_brackets(html.unescape(_EXTRA_AMP.sub("&", cleaned))))
    finally:
        _BASE_URL.reset(token)
    # after, not before: the parser turns "&#1;" or "&#xFFFE;" into the very characters XML cannot carry
    return clean_text(cleaned).strip()


#: an <img> of sanitized HTML, and its attributes (the serializer quotes every value with '"', escaped inside)
_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'\s([a-z-]+)="([^"]*)"')
#: words a lazy-loading page's stand-in image is named by ("blank.gif", "img_spacer.png", "loading-1x1.gif")
# fmt: off
_PLACEHOLDER_WORDS = frozenset({
    "blank", "spacer", "transparent", "trans", "loading", "lazy", "lazyload", "pixel", "clear", "1x1", "placeholder",
    "empty",
})
# fmt: on


def _loaded_images(cleaned: str) -> str:
    """Sanitized HTML with each image showing its picture: the lazy-loading address (:data:`LAZY_SOURCES`,
    made absolute by the cleaner) where `src` is missing or a placeholder (:func:`placeholder_image`); the
    lazy attributes dropped; an image left without any `src` dropped (a data: URI is no `src` here)."""

    def loaded(match: re.Match[str]) -> str:
        tag = match.group()
        if "data-" not in tag and ' src="' in tag:
            return tag  # most images: nothing to do
        attributes = _ATTRIBUTE.findall(tag)
        values = dict(attributes)
        src = values.get("src", "")
        lazy = next((values[name] for name in LAZY_SOURCES if values.get(name)), "")
        tiny = values.get("width") in ("0", "1") and values.get("height") in ("0", "1")
        swap = bool(lazy) and (not src or tiny or placeholder_image(html.unescape(src)))
        if swap:
            src = lazy
        if not src:
            return ""
        kept = []
        for name, value in attributes:
            if name in LAZY_SOURCES or (swap and tiny and name in ("width", "height")):
                continue
            kept.append(f' {name}="{src if name == "src" else value}"')
        if "src" not in values:
            kept.insert(0, f' src="{src}"')
        return "<img" + "".join(kept) + ">"

    return _IMG_TAG.sub(loaded, cleaned)


def placeholder_image(url: str) -> bool:
    """Whether an image URL is a lazy-loading page's stand-in (blank.gif, spacer.png, loading.gif …): a GIF or
    PNG whose file name has one of the words, between "_" or "-" (by splitting: a pattern for it backtracked
    quadratically on a long hostile name)."""
    name = url.split("?", 1)[0].split("#", 1)[0].rpartition("/")[2]
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in ("gif", "png"):
        return False
    return any(word in _PLACEHOLDER_WORDS for word in re.split(r"[_-]", stem.lower()))


def _clean(value: str) -> str:
    markup = bound_nesting(bound_attributes(value))
    cleaned = str(_CLEANER.clean(markup))
    drops = _drops_tags(markup)
    if drops:  # a <div> is parsed unlike some of them ("<li><form><li>" nests; "<li><div><li>" does not): settled
        cleaned = _BLOCK_AS_DIV_TAG.sub(r"<\1div", cleaned)
    # a table's misplaced content is moved out of it ("foster parenting") into a tree the serializer
    # writes unlike the parser reads it: "<li><table><li>" is cleaned to "<li><li></li><table></table></li>"
    settled = _settle(cleaned) if drops or "<table" in cleaned else cleaned
    if "<pre" in settled:
        settled = _PRE_NEWLINE.sub("\\1\n", settled)
    # before escaped_markup() looks: an image it would see between escaped tags may go
    return _loaded_images(settled) if "<img" in settled else settled


#: the name of a tag of BLOCKS_AS_DIV, as the cleaner writes it (lower case; its attributes are the generic
#: "title" and "lang" a <div> keeps too; a "<" in text or in an attribute value is written "&lt;")
_BLOCK_AS_DIV_TAG = re.compile(r"<(/?)(?:" + "|".join(sorted(BLOCKS_AS_DIV)) + r")(?=[\s>])")
#: a <pre> whose text starts with a newline: the parser drops the first newline after <pre>, so the HTML
#: serializer writes one more (html5ever's does not), or every pass loses one
_PRE_NEWLINE = re.compile(r"(<pre\b[^>]*>\n)")


#: an escaped tag: "&lt;p&gt;", "&lt;/p&gt;", "&lt;br /&gt;", "&lt;a href=...", or escaped again
#: ("&amp;lt;p&amp;gt;"); its name is checked apart
_ESCAPED_TAG = re.compile(r"&(?:amp;)*lt;(/?)([A-Za-z][A-Za-z0-9]*)(?=[\s/]|&(?:amp;)*gt;)")
_EXTRA_AMP = re.compile(r"&(?:amp;)+")
#: code samples quote markup on purpose
_CODE = re.compile(r"<(?:pre|code)\b")
#: a pass unescapes every level; one more undoes what only the first one's parse revealed
_UNESCAPE_PASSES = 2


def escaped_markup(cleaned: str) -> bool:
    """Whether sanitized HTML is markup escaped once too often: `&lt;p&gt;본문&lt;/p&gt;`.

    Government boards that store their HTML escaped publish it so, in CDATA,
    and readers would show the tags as text. Taken for that when it has at
    least two escaped tags of HTML elements, one an end tag or a line break;
    the first of them before any text (unless all are line breaks); no real
    tag among them (a wrapper around them, or a credit paragraph after, may
    be real); and no `<pre>` or `<code>`. Prose that quotes "&lt;script&gt;",
    an article about HTML with its own paragraphs between its examples, and
    code samples stay as written.
    """
    if "lt;" not in cleaned:  # most bodies: one scan
        return False
    found = [m for m in _ESCAPED_TAG.finditer(cleaned) if m.group(2).lower() in HTML_ELEMENTS]
    if len(found) < 2 or not any(m.group(1) or m.group(2).lower() == "br" for m in found):
        return False
    first, last = found[0].start(), found[-1].end()
    # sanitized, a "<" is in a tag (its own or an attribute's): text's own are "&lt;"
    if cleaned.find("<", first, last) >= 0 or _CODE.search(cleaned):
        return False
    if all(m.group(2).lower() == "br" for m in found):
        return True  # text with escaped line breaks: "첫 줄&lt;br&gt;둘째 줄"
    # it opens the text (nothing quotes it), as the body will be stored: clean_text drops what a
    # character reference such as "&#0;" left there, and then it would open it
    return not clean_text(_SANITIZED_TAG.sub("", cleaned[:first])).strip()


_START_TAG = re.compile(r"<([A-Za-z][A-Za-z0-9-]*)")
#: passes after the first, at most: each one can only undo a nesting the one before wrote
_SETTLE_PASSES = 3


def _drops_tags(markup: str) -> bool:
    """Whether `markup` has a start tag the cleaner drops (keeping or not its content)."""
    return not ALLOWED_TAGS.issuperset(name.lower() for name in set(_START_TAG.findall(markup)))


def _settle(cleaned: str) -> str:
    """Clean again until the text is stable, so a stored body sanitizes to itself.

    The cleaner keeps the content of a tag it drops, and the tree it then writes
    may be one the HTML parser never builds from that text: `<li><form><li>` is
    an <li> in a <form> in an <li>, written without the form as
    `<li><li></li></li>`, which parses as two sibling items. Bodies with only
    allowed tags and no table (most) never get here.
    """
    for _ in range(_SETTLE_PASSES):
        again = str(_CLEANER.clean(cleaned))
        if again == cleaned:
            break
        cleaned = again
    return cleaned


# -- nesting depth -------------------------------------------------------------
#
# html5ever checks scopes by walking its stack of open elements, so a body of
# N elements nested N deep costs N² (200k <div>s: over two minutes). One
# linear scan estimates the depth the parser will see, with the implicit
# closes of HTML that matter (a <p>, <li>, <td>... closes the open one); only
# when it passes MAX_NESTING are tags dropped: start tags beyond the limit and
# the end tags that match them. Text is never dropped, and neither are the
# tags of elements dropped with their content (script, style, svg...), whose
# content would otherwise become text.

# A tag ends at its ">", or where the next "<" or the text ends: `[^>]*>` alone would scan to the end of the
# text for every "<" of a body of unclosed tags ("<a <a <a …": minutes for 2 MiB, as the reviews found)
_SCAN = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9-]*)[^<>]*>?")
_VOID_NAMES = "area base br col embed hr img input keygen link meta param source track wbr"
_RAW_TEXT_NAMES = "script style textarea title xmp iframe noembed noframes noscript"
_CLOSES_P_NAMES = """
    address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form
    h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section summary table ul li dd dt listing xmp
"""
_SCOPE_NAMES = "applet caption html table td th marquee object template button"
_VOID = frozenset(_VOID_NAMES.split())
_RAW_TEXT = frozenset(_RAW_TEXT_NAMES.split())
_KEPT = DROPPED_WITH_CONTENT | _RAW_TEXT | {"plaintext"}
_CLOSES_P = frozenset(_CLOSES_P_NAMES.split())
_SCOPE = frozenset(_SCOPE_NAMES.split())
_RAW_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _RAW_TEXT}  # where the raw text ends


class _OpenElements:
    """The parser's stack of open elements, approximately, with O(1) "is X open, and where"."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.at: dict[str, list[int]] = {}

    def top(self, name: str) -> int:
        found = self.at.get(name)
        return found[-1] if found else -1

    def push(self, name: str) -> None:
        self.at.setdefault(name, []).append(len(self.stack))
        self.stack.append(name)

    def close(self, name: str) -> None:
        """Pop up to and including the innermost open `name` (each element is popped once: linear)."""
        index = self.top(name)
        while len(self.stack) > index:
            self.at[self.stack.pop()].pop()

    def close_in_scope(self, names: tuple[str, ...], boundaries: frozenset[str]) -> None:
        innermost = max(names, key=self.top)
        index = self.top(innermost)
        if index >= 0 and index > max(self.top(b) for b in boundaries):
            self.close(innermost)

    def implied_closes(self, name: str) -> None:
        if name in _CLOSES_P:
            self.close_in_scope(("p",), _SCOPE)
        if name == "li":
            self.close_in_scope(("li",), _SCOPE | {"ol", "ul"})
        elif name in ("dd", "dt"):
            self.close_in_scope(("dd", "dt"), _SCOPE)
        elif name in ("td", "th", "tr"):
            self.close_in_scope(("td", "th") if name != "tr" else ("tr",), frozenset({"table"}))
        elif name == "option" and self.stack and self.stack[-1] == "option":
            self.close("option")


def bound_nesting(markup: str, limit: int = MAX_NESTING) -> str:
    """`markup` with elements nested deeper than `limit` flattened; unchanged (the same object) when none are."""
    if markup.count("<") <= limit:
        return markup  # cannot nest deeper than it has tags
    open_elements = _OpenElements()
    excess: dict[str, int] = {}  # start tags dropped, per name, whose end tags go too
    drops: list[tuple[int, int]] = []
    pos = 0
    while (match := _SCAN.search(markup, pos)) is not None:
        pos = match.end()
        if match.group(0) == "<!--":
            end = markup.find("-->", pos)
            pos = len(markup) if end < 0 else end + 3
            continue
        closing, name = match.group(1), match.group(2).lower()
        if closing:
            if open_elements.top(name) >= 0:
                open_elements.close(name)
            elif excess.get(name):
                excess[name] -= 1
                drops.append(match.span())
            continue
        if name in _VOID:
            continue
        if name == "plaintext":
            break  # everything after it is text
        open_elements.implied_closes(name)
        if len(open_elements.stack) >= limit and name not in _KEPT:
            excess[name] = excess.get(name, 0) + 1
            drops.append(match.span())
        else:
            open_elements.push(name)
        if name in _RAW_TEXT:  # its content is text, tags and all, up to its own end tag
            end_tag = _RAW_END[name].search(markup, pos)
            pos = len(markup) if end_tag is None else end_tag.start()
    if not drops:
        return markup
    pieces, start = [], 0
    for begin, end in drops:
        pieces.append(markup[start:begin])
        start = end
    pieces.append(markup[start:])
    return "".join(pieces)


# -- attributes per element ----------------------------------------------------
#
# html5ever's tokenizer compares each attribute of a tag with all those before it (HTML keeps the first of
# a name), so a tag of N distinct attributes costs N²: "<p a1=x a2=x …>" filling a 2 MiB body (the most
# allowed) held nh3.clean for 10 seconds, bare names ("<p a1 a2 …>", no "=") for 15, and a feed of such
# items would hold a run for minutes. So before the sanitizer reads a tag, its attributes past the
# MAX_ATTRIBUTES-th are dropped, but for the first of each name the sanitizer keeps: the sanitizer would
# drop the others anyway, so what it gives is unchanged, only cheaper. The scan reads tags as the tokenizer
# does (a quoted value may hold ">", a comment's or a script's text holds no tags, a tag left open runs to
# the end of the text), in one pass of possessive patterns that never backtrack.

#: attributes of a tag the sanitizer reads; after them it reads only those it keeps (no article's tag has a dozen)
MAX_ATTRIBUTES = 64
#: a tag of this many attributes costs nh3 a fraction of a millisecond; markup shorter than twice it cannot hold
#: more (an attribute takes a character and a separator), so most bodies are never scanned
_FEW_ATTRIBUTES = 1024
#: what the sanitizer keeps on some element: the allow-list, the lazy-loading sources, and nh3's generic
#: attributes (lang and title on every element)
SANITIZED_ATTRIBUTES = frozenset({"lang", "title", *LAZY_SOURCES}.union(*ALLOWED_ATTRIBUTES.values()))

_HTML_SPACE = r"\t\n\f\r "  # the tokenizer's whitespace: other spaces (\s) are part of a name or value
_ATTRIBUTE_NAME = rf"[^{_HTML_SPACE}/>][^{_HTML_SPACE}/>=]*+"  # may start with "="
_ATTRIBUTE_VALUE = rf"[{_HTML_SPACE}]*+=[{_HTML_SPACE}]*+(?:\"[^\"]*+\"?+|'[^']*+'?+|[^{_HTML_SPACE}>]*+)"
#: an attribute and the separators before it ("/" is one too, and none is needed after a quoted value)
_ONE_ATTRIBUTE = rf"[{_HTML_SPACE}/]*+{_ATTRIBUTE_NAME}(?:{_ATTRIBUTE_VALUE})?+"
#: a tag's name and at most MAX_ATTRIBUTES attributes, to its ">" or the end of the text (where the parser drops it)
_SHORT_TAG = rf"[A-Za-z][^{_HTML_SPACE}/>]*+(?:{_ONE_ATTRIBUTE}){{0,{MAX_ATTRIBUTES}}}+[{_HTML_SPACE}/]*+(?:>|\Z)"
_RAW_TEXT_TAGS = _RAW_TEXT | {"plaintext"}
#: markup to skip as it stands: text, comments, doctypes and the like, and tags of at most MAX_ATTRIBUTES
#: attributes; it stops at a longer tag, a raw-text element's start tag, or "<![CDATA["
_ORDINARY = re.compile(
    r"(?:[^<]++"  # (the likeliest first: this order costs a third less than comments first)
    # an end tag (the parser reads its attributes too, then ignores them), or a start tag but a raw-text one's
    rf"|<(?:/|(?!(?i:{'|'.join(sorted(_RAW_TEXT_TAGS))})(?:[{_HTML_SPACE}/>]|\Z))){_SHORT_TAG}"
    r"|<!--(?:-?>|(?:[^-]++|-(?!-!?>))*+(?:--!?>)?+)"  # a comment: to the first "-->" or "--!>"
    r"|<(?:!(?!\[CDATA\[)|\?|/(?![A-Za-z]))[^>]*+>?+"  # "<!DOCTYPE", "<?xml", "</3": to the first ">"
    r"|<(?![A-Za-z!/?])"
    # greedy, not possessive: nothing follows, so no earlier round is ever given back; and CPython before
    # 3.11.3 kept what a failed round of a possessive group of alternatives had read (a wide tag's "<p" taken
    # as ordinary, the tag never bounded: Debian 12's 3.11.2 does)
    r")*",
    re.ASCII,
)
_TAG_OPENING = re.compile(rf"<(/?)([A-Za-z][^{_HTML_SPACE}/>]*+)", re.ASCII)
_NEXT_ATTRIBUTE = re.compile(rf"[{_HTML_SPACE}/]*+({_ATTRIBUTE_NAME})(?:{_ATTRIBUTE_VALUE})?+", re.ASCII)
#: attributes the sanitizer drops, one after another (a name ASCII-case-insensitively one it keeps ends the run)
_DROPPED_RUN = re.compile(
    rf"(?:[{_HTML_SPACE}/]*+(?!(?i:{'|'.join(sorted(SANITIZED_ATTRIBUTES))})(?:[{_HTML_SPACE}/>=]|\Z))"
    rf"{_ATTRIBUTE_NAME}(?:{_ATTRIBUTE_VALUE})?+)+",  # greedy, not possessive: as _ORDINARY's loop
    re.ASCII,
)
_TAG_CLOSE = re.compile(rf"[{_HTML_SPACE}/]*+>?+")
#: <svg> and <math> hold foreign content, where a <style> or a <title> holds tags and "<![CDATA[" ends at "]]>"
#: (and <select>, where parsers that follow the older standard ignore such a start tag)
_FOREIGN = re.compile(r"<(?:svg|math|select)", re.IGNORECASE | re.ASCII)
_RAW_TEXT_ENDS = {name: re.compile(rf"</{name}(?=[{_HTML_SPACE}/>])", re.I | re.A) for name in _RAW_TEXT}
_SCRIPT_DATA = re.compile(rf"<!--|</script(?=[{_HTML_SPACE}/>])", re.I | re.A)
_SCRIPT_ESCAPED = re.compile(rf"-->|<(/?)script(?=[{_HTML_SPACE}/>])", re.I | re.A)
_SCRIPT_DOUBLE_ESCAPED = re.compile(rf"-->|</script(?=[{_HTML_SPACE}/>])", re.I | re.A)

#: a change to the text: from, to, what replaces it
_Edit = tuple[int, int, str]


def bound_attributes(markup: str) -> str:
    """`markup` with each tag's attributes past the MAX_ATTRIBUTES-th dropped, but for the first of each name
    the sanitizer keeps, so it gives the same; unchanged (the same object) when there is nothing to drop.

    Whether a raw-text element (<style>, <title>…) holds text or tags depends on where it is: inside <svg>
    or <math> (or <select>, for parsers that follow the older standard) it holds tags. So in text that has
    any of these, a "<" in such an element's text is escaped, and the parser reads the tags this scan reads
    wherever the element is (the sanitizer drops a script's or a style's text, and a textarea's or a
    title's reads the same; the obsolete <xmp>, <noembed> and <plaintext> keep their text undecoded, so
    there a "<" shows as "&lt;": the price of such a body being read one way only); a "<![CDATA[" read
    otherwise there is dropped likewise (see :func:`_cdata`).
    """
    if len(markup) < 2 * _FEW_ATTRIBUTES:
        return markup
    pos, size = _skip_ordinary(markup, 0), len(markup)
    if pos == size:
        return markup  # nearly every body: text, and tags of a few attributes
    foreign = _FOREIGN.search(markup) is not None
    edits: list[_Edit] = []
    while pos < size:
        if markup.startswith("<![CDATA[", pos):
            end, ambiguous = _cdata(markup, pos)
            if ambiguous and foreign:
                edits.append((pos, end, ""))
        else:
            end, name = _read_tag(markup, pos, edits)
            if name in _RAW_TEXT_TAGS:
                pos, end = end, _raw_text_end(markup, end, name)
                if foreign and markup.find("<", pos, end) >= 0:
                    edits.append((pos, end, markup[pos:end].replace("<", "&lt;")))
        pos = _skip_ordinary(markup, end)
    return _edited(markup, edits)


def _skip_ordinary(markup: str, pos: int) -> int:
    skipped = _ORDINARY.match(markup, pos)
    return skipped.end() if skipped else pos  # (it always matches, if only the empty text)


def _read_tag(markup: str, pos: int, edits: list[_Edit]) -> tuple[int, str]:
    """Where the tag at `pos` ends, and its name if a start tag; the attributes it drops go to `edits`."""
    opening = _TAG_OPENING.match(markup, pos)
    if opening is None:  # never: the ordinary markup stops at a tag or "<![CDATA["
        return pos + 1, ""
    at, count, names = opening.end(), 0, set()
    while (attribute := _NEXT_ATTRIBUTE.match(markup, at)) is not None:
        name = _ascii_lower(attribute.group(1))
        count += 1
        if count > MAX_ATTRIBUTES and (name in names or name not in SANITIZED_ATTRIBUTES):
            _drop(edits, at, attribute.end())
        names.add(name)
        at = attribute.end()
        if count >= MAX_ATTRIBUTES and (run := _DROPPED_RUN.match(markup, at)) is not None:
            _drop(edits, at, run.end())  # all the sanitizer drops up to the next it keeps, in one match
            at = run.end()
    close = _TAG_CLOSE.match(markup, at)
    return (close.end() if close else at), ("" if opening.group(1) else _ascii_lower(opening.group(2)))


def _ascii_lower(name: str) -> str:
    """A tag's or an attribute's name as the parser compares it: only ASCII letters are lowered."""
    return name.lower() if name.isascii() else name.translate(_ASCII_LOWER)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _drop(edits: list[_Edit], start: int, end: int) -> None:
    """Attributes from `start` to `end` dropped: a space stands for them (it ends the value or name before)."""
    if edits and edits[-1][1] == start and edits[-1][2] == " ":
        start = edits.pop()[0]
    edits.append((start, end, " "))


def _cdata(markup: str, pos: int) -> tuple[int, bool]:
    """Where "<![CDATA[" ends as HTML reads it (a comment to the first ">"), and whether foreign content
    reads it otherwise (a section to the first "]]>"). Where they differ, in text that has foreign content,
    the comment is dropped, so the parser reads what follows as markup wherever it is (as the sanitizer
    drops comments, HTML loses nothing)."""
    close = markup.find(">", pos)
    if close < 0:
        return len(markup), False
    return close + 1, markup[max(pos + 9, close - 2) : close] != "]]"


def _raw_text_end(markup: str, pos: int, name: str) -> int:
    """Where the text of a raw-text element (a script, style, textarea…) whose start tag ends at `pos` ends."""
    if name == "plaintext":
        return len(markup)
    if name == "script":
        return _script_end(markup, pos)
    found = _RAW_TEXT_ENDS[name].search(markup, pos)
    return len(markup) if found is None else found.start()


def _script_end(markup: str, pos: int) -> int:
    """A script ends at its first </script>, but for one after "<!--<script>" and before "-->" or its own
    </script> (the tokenizer's escaped and double-escaped states: old pages hid scripts in comments)."""
    state, at = _SCRIPT_DATA, pos
    while (found := state.search(markup, at)) is not None:
        if found.group() == "-->":
            state, at = _SCRIPT_DATA, found.end()
        elif state is _SCRIPT_DATA:
            if found.group() != "<!--":
                return found.start()
            state, at = _SCRIPT_ESCAPED, found.end() - 2  # its dashes count: "<!-->" is over at once
        elif state is _SCRIPT_ESCAPED:
            if found.group(1):
                return found.start()
            state, at = _SCRIPT_DOUBLE_ESCAPED, found.end() + 1  # past the space, "/" or ">" after "<script"
        else:
            state, at = _SCRIPT_ESCAPED, found.end() + 1
    return len(markup)


def _edited(markup: str, edits: list[_Edit]) -> str:
    if not edits:
        return markup
    pieces: list[str] = []
    start = 0
    for begin, end, text in edits:
        pieces += (markup[start:begin], text)
        start = end
    pieces.append(markup[start:])
    return "".join(pieces)


def shorten(text: str, length: int) -> str:
    """Plain text cut to `length` at a word boundary, with "…" when cut.

    Summaries derived from a body come through here: as plain text they lose
    the bidi controls the body may keep.
    """
    return _cut(_without_bidi(text), length)


def _without_bidi(text: str) -> str:
    return collapse_space(_BIDI_CONTROLS.sub("", text)) if _BIDI_CONTROLS.search(text) else text


def _cut(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    cut = text[: _grapheme_start(text, length)]
    if " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.·…") + "…"


#: what continues the character before it: joiner, variation selectors, skin tones, flag tags
_CONTINUING = re.compile("[\u200d\ufe00-\ufe0f\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")
_REGIONAL = ("\U0001f1e6", "\U0001f1ff")  # two of these make a flag


def _grapheme_start(text: str, at: int) -> int:
    """`at`, moved back to where a character as readers see it begins (an emoji sequence, a flag, an accent)."""
    while 0 < at < len(text) and (
        unicodedata.combining(text[at]) or _CONTINUING.match(text[at]) or text[at - 1] == "\u200d"
    ):
        at -= 1
    flags = at
    while flags > 0 and _REGIONAL[0] <= text[flags - 1] <= _REGIONAL[1]:
        flags -= 1
    if (at - flags) % 2 and at < len(text) and _REGIONAL[0] <= text[at] <= _REGIONAL[1]:
        at -= 1
    return at


def summary_of(words: str, length: int) -> str:
    """``shorten(collapse_space(words), length)``, collapsing no more of a long body than the summary needs.

    Collapsing a prefix gives a prefix of the collapsed whole, so once a
    prefix yields more than `length` characters, the cut is decided.
    """
    size = 2 * length + 16
    while size < len(words):
        head = _without_bidi(collapse_space(words[:size]))
        if len(head) > length:
            return _cut(head, length)
        size *= 4
    return shorten(collapse_space(words), length)


def body_text(body_html: str) -> str:
    """The body as plain text, paragraphs separated by a space."""
    return collapse_space(body_words(body_html))


#: the tags of sanitized HTML that separate text as a line would: a block's start or end, a line break, a rule
#: ("<div>발표했다.</div><div>이번 사업은" is two sentences; a table's cells are words apart)
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK_NAMES})\b[^>]*>")
#: a tag of sanitized HTML: its serializer escapes "<" and ">" everywhere but in tags
_SANITIZED_TAG = re.compile(r"<[^>]*>")


def body_words(body_html: str) -> str:
    """The body's text, tags dropped and entities decoded, whitespace as it stands: body_text() uncollapsed.

    A block element's tags, line breaks and rules become spaces. Its whitespace
    is collapsed only where needed (a derived summary, the text that source
    rules match); the content and body keys ignore whitespace, so those spaces
    change no stored key.
    """
    # Sanitized HTML only: every "<" opens a tag and every ">" closes one (the
    # serializer escapes them in text and attribute values), there are no
    # comments, scripts or styles, and the text is already clean, so dropping
    # the tags and unescaping gives what a second sanitizer pass without tags
    # would, at a tenth of the cost (tests/test_properties.py holds them equal).
    text = _SANITIZED_TAG.sub("", _BLOCK_TAG.sub(" ", body_html))
    return html.unescape(text) if "&" in text else text


#: whitespace as HTML lays it out (a no-break space is none: it shows, and the serializer writes it "&nbsp;")
_LAID_OUT_SPACE = re.compile(r"[\t\n\f\r ]+")
_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def layout_form(body_html: str) -> str:
    """Sanitized HTML with what layout ignores evened out, to tell a re-formatted body from an edited one.

    Text's whitespace runs are one space, and none is left beside a block's tag
    or a line break, or at either end ("<p>가</p>\\n<p>나</p>" is "<p>가</p><p>나</p>");
    inside <pre>, where whitespace shows, it is kept. Attributes are in name
    order. A space between inline elements stays ("<b>가</b> <b>나</b>" is not
    "<b>가</b><b>나</b>"): two bodies with the same form look the same.
    """
    parts = _TAG_SPLIT.split(body_html)  # text, tag, text, …, text: sanitized "<" and ">" are only tags'
    last = len(parts) - 1
    pre = 0
    for index in range(0, len(parts), 2):
        if index:
            tag = parts[index - 1]
            pre += tag.startswith("<pre") - (tag == "</pre>")
            parts[index - 1] = _in_name_order(tag)
        if pre > 0 or not parts[index]:
            continue
        text = _LAID_OUT_SPACE.sub(" ", parts[index])
        if text[0] == " " and (index == 0 or _BLOCK_TAG.fullmatch(parts[index - 1])):
            text = text[1:]
        if text[-1:] == " " and (index == last or _BLOCK_TAG.fullmatch(parts[index + 1])):
            text = text[:-1]
        parts[index] = text
    return "".join(parts)


def _in_name_order(tag: str) -> str:
    if tag.count('="') < 2:
        return tag
    name = tag[1:].split(" ", 1)[0]
    return f"<{name}" + "".join(f' {key}="{value}"' for key, value in sorted(_ATTRIBUTE.findall(tag))) + ">"


# The portal's credit convention: "[뉴스출처 : 기관명]" as the body's last line, as editors write it: half- or
# full-width brackets and colon ("［뉴스출처：기관명］"), "뉴스 출처", spaces anywhere between (no-break ones are
# "&nbsp;" in sanitized HTML)
_CREDIT = re.compile(r"[\[［]\s*뉴스\s*출처\s*[:：]\s*([^\]］\n]+?)\s*[\]］]")
_BLANK = r"(?:\s|&nbsp;)*"
_CREDIT_HTML = re.compile(rf"[\[［]{_BLANK}뉴스{_BLANK}출처{_BLANK}[:：]{_BLANK}[^\]］\n<>]+?[\]］]")
#: a paragraph that is a credit line and nothing more
_PARAGRAPH_CREDIT = re.compile(rf"{_BLANK}({_CREDIT_HTML.pattern}){_BLANK}")
#: what may follow the credit, in the plain text of the body's end: the customary notice ("이 자료는 과학기술
#: 정보통신부의 보도자료를 전재하여 제공함"), the portal's copyright line ("<저작권자 © 포탈뉴스통신 무단전재 및
#: 재배포금지>"), "원문 보기", another credit line; the notice right after the credit is its own (group 1)
_NOTICE = (
    r"(?:이|본)\s?(?:자료|기사)는\s?[^.。<>]{1,60}?보도\s?자료를\s?(?:전재|인용)하여\s?"
    r"(?:제공|작성)(?:함|합니다|했습니다|하였습니다)?\.?"
)
_COPYRIGHT = (
    r"[<〈《(\[]?\s?(?:저작권자|copyright|[©ⓒ]|\(c\))[^<>〈〉《》\[\]]{0,100}?"
    r"(?:무단\s?전재|재\s?배포|all rights reserved)[^<>〈〉《》\[\]]{0,60}[>〉》)\]]?"
)
# each piece atomic: once one has matched, the next is tried after it and never inside it again. A piece's
# spaces could otherwise go to either side of it, and a tail of n credits or notices was tried 2ⁿ ways (30
# credits in a hostile feed's body held the run). Every piece ends where it must (a bracket, a fixed word),
# so the first way each matches is the only one a whole closing can use.
_CLOSING = re.compile(rf"(?>\s?(?:{_COPYRIGHT}|{_NOTICE}|원문\s?보기|{_CREDIT.pattern}))*\s?", re.IGNORECASE)
#: what of it stays with the credit: notices and further credits (a joint release names two agencies)
_WITH_CREDIT = re.compile(rf"{_NOTICE}|{_CREDIT.pattern}")
#: how much of a body's end holds its credit, notice, copyright line and empty paragraphs
_CREDIT_TAIL = 2000
#: passes at most: one more finds an earlier credit the cut brought into the tail (only bodies that end in
#: thousands of characters of credits and empty paragraphs need more)
_CREDIT_PASSES = 4


def split_credit(body_html: str) -> tuple[str, str]:
    """(body without its closing credit line, the credit line or "").

    The credit is kept in the attribution and appended by the publishers, so it
    appears exactly once whatever the input did. It closes the body when what
    follows it is only the customary notice (which stays with the credit), a
    copyright line, "원문 보기", another credit or empty paragraphs, all of which
    go with it; a credit followed by text of the article's own stays where it is.
    `body_html` is sanitized HTML; what is left is too (:func:`cut_html`), and a
    fixed point of the sanitizer.
    """
    credit = ""
    # the body without its credit may end in another one, which was too far from the end to be seen: that
    # one is then the credit, so that a second normalization finds none
    for _ in range(_CREDIT_PASSES):
        found = _closing_credit(body_html)
        if found is None:
            break
        body_html, credit = found
    return body_html, credit


def _closing_credit(body_html: str) -> tuple[str, str] | None:
    last = _last_paragraph_credit(body_html)
    return last if last is not None else _searched_credit(body_html)


def _searched_credit(body_html: str) -> tuple[str, str] | None:
    start = max(0, len(body_html) - _CREDIT_TAIL)
    for match in _credits(body_html, start):
        position = match.start()
        if body_html.rfind("<", 0, position) > body_html.rfind(">", 0, position):
            continue  # in a tag: an image's alt text
        kept = _closing_notice(body_html[match.end() :])
        if kept is not None:
            credit = collapse_space(html.unescape(match.group()))
            return cut_html(body_html, position), f"{credit} {kept}" if kept else credit
    return None


def _last_paragraph_credit(body_html: str) -> tuple[str, str] | None:
    """What the general search finds where the last paragraph is the credit alone, as nearly always, for a
    few string operations: nothing is open around that paragraph (sanitized HTML closes what it opens, so
    what it ends with is the last to open), so the body is what comes before it."""
    end = len(body_html)
    while end and body_html[end - 1].isspace():  # (rstrip() would copy the body)
        end -= 1
    if not body_html.endswith("</p>", 0, end):
        return None
    opening = body_html.rfind("<p>", 0, end)
    match = _PARAGRAPH_CREDIT.fullmatch(body_html, opening + 3, end - 4) if opening >= 0 else None
    if match is None or body_html.find("출처", max(0, len(body_html) - _CREDIT_TAIL), opening) >= 0:
        return None  # (a credit before it, a joint release's: the general search keeps both)
    return _trim_end(body_html[:opening]), collapse_space(html.unescape(match.group(1)))


def _credits(body_html: str, start: int) -> Iterator[re.Match[str]]:
    """The credit lines from `start` on, in order: each "출처" found, the pattern tried at the bracket before
    it (what finditer() gives, at a fraction of its cost: its scan tries every bracket of the text)."""
    at = body_html.find("출처", start)
    while at >= 0:
        bracket = max(body_html.rfind("[", start, at), body_html.rfind("［", start, at))
        match = _CREDIT_HTML.match(body_html, bracket) if bracket >= 0 else None
        if match is not None and match.end() > at:
            yield match
            at = match.end()
        at = body_html.find("출처", at + 1)


def _closing_notice(rest: str) -> str | None:
    """What of `rest`, following a credit, stays with it (its notice, more credits; "" for nothing), or None
    when `rest` is more than what closes a body: text other than notices, copyright lines, "원문 보기" and
    credits, or an image.

    Elements without such text (empty paragraphs, a table of empty cells) are nothing: the cut drops them
    from the body's end too, and a credit before them closes the body as well as the one after.
    """
    if "<img" in rest or _CODE.search(rest):  # code keeps the escaped markup before it as text
        return None
    text = collapse_space(html.unescape(_SANITIZED_TAG.sub(" ", rest)))
    if _CLOSING.fullmatch(text) is None:
        return None
    return " ".join(kept.group() for kept in _WITH_CREDIT.finditer(text))


# A release's embargo notice, as its first line: "※ 이 자료는 11월 27일(금) 06:00 이후 보도하여 주시기
# 바랍니다.", "이 보도자료는 2025. 11. 8.(토) 조간부터 보도할 수 있습니다.", "※ 11. 27.(목) 12:00 이전에는 보도를
# 삼가 주시기 바랍니다.", "[엠바고] 11.27.(금) 06:00 이후 보도". It is an instruction to the press, stale once the
# item is in a feed (pressfeed holds an embargoed item until its time), and no part of the story: a summary
# derived from the body would begin with it, and a newsroom's copy without it would not match the release.
# It names a time (a digit, 조간, 석간) and addresses the press: the release as its subject ("이 자료는 …"),
# else reporting as the verb asked for ("…이후 보도하여 주시기 바랍니다", "…이후 보도 가능"), else 엠바고. Policy
# news of the same shape is none of these: "모바일 신분증은 12월 1일부터 사용할 수 있습니다", "3월부터 보도블록
# 교체 공사를 시작합니다", "5월 1일부터 보도 사진 저작권 표시를 의무화합니다".
#: a character of the notice's one sentence: a full stop only inside a date ("2025. 11. 8.(토)", "11.27.")
_IN_SENTENCE = r"(?:[^.。!]|\.(?=\s?[\d(]))"
#: from or until when
_EMBARGO_WHEN = r"(?:이후|부터|이전에는|전에는|까지는?)\s?(?:에\s?)?"
#: what is asked: please do, may, refrain from
_EMBARGO_ASK = (
    rf"(?:바랍니다|주십시오|주세요|할\s?수\s?있습니다|가능합니다|가능|삼가{_IN_SENTENCE}{{0,20}}|금지합니다|금지)"
)
#: reporting as the verb or the thing allowed: 보도하여/보도해 주시기, 보도할 수, 보도를 삼가, 보도 가능, 보도 바랍니다
#: (or the line's last word: "…06:00 이후 보도")
_REPORT = r"보도(?=\s?(?:하여|해\s?주|해도|할|를|는|가능|바랍))"
#: the time it names: a digit, or the morning or evening papers' edition
_EMBARGO_TIME = rf"(?={_IN_SENTENCE}*?(?:\d|조간|석간))"
_EMBARGO_NOTICE = re.compile(
    r"[※*◆◇■□○●▶▷☞★☆\-–—\s]*[\[(<〈【]?\s*"
    rf"(?:(?:이|본|동|해당)\s?(?:보도\s?)?자료는\s?{_EMBARGO_TIME}{_IN_SENTENCE}{{0,60}}?{_EMBARGO_WHEN}"
    rf"(?:보도|게재|방송|사용|인터넷\s?게재){_IN_SENTENCE}{{0,30}}?{_EMBARGO_ASK}"
    rf"|{_EMBARGO_TIME}{_IN_SENTENCE}{{0,60}}?{_EMBARGO_WHEN}(?:{_REPORT}{_IN_SENTENCE}{{0,30}}?{_EMBARGO_ASK}|보도)"
    rf"|엠바고\s?[\])>〉】]?\s?[:：]?\s?{_EMBARGO_TIME}{_IN_SENTENCE}{{1,60}}?)"
    r"\s?[.。!]?\s*[\])>〉】]?\s*"
)
#: a notice is a line, not a paragraph: longer first lines are the story's own
_EMBARGO_MAX = 160
#: the opening tags and spaces before the body's first text
_LEADING_BLOCKS = re.compile(rf"(?:\s|<(?:{_BLOCK_NAMES})\b[^>]*>)*")


def drop_embargo_notice(body_html: str) -> str:
    """The body without an embargo notice as its first line (:data:`_EMBARGO_NOTICE`); sanitized HTML in,
    sanitized HTML out. A paragraph that is the notice alone goes with it; a notice ending in a line break
    leaves the rest of its paragraph."""
    lead = _LEADING_BLOCKS.match(body_html)
    start = lead.end() if lead is not None else 0
    window = start + _EMBARGO_MAX * 8  # the markup of a line of 160 characters, entities and inline tags too
    end_tag = _BLOCK_TAG.search(body_html, start, window)  # the first line ends at a block's tag or a <br>
    end = end_tag.start() if end_tag is not None else len(body_html)
    if end > window:
        return body_html
    line = body_html[start:end]
    text = collapse_space(html.unescape(_SANITIZED_TAG.sub("", line)))
    if not text or len(text) > _EMBARGO_MAX or _EMBARGO_NOTICE.fullmatch(text) is None or not _balanced(line):
        return body_html
    if end_tag is None or end_tag.group().startswith(("<br", "<hr")):
        after = end_tag.end() if end_tag is not None else end
        return body_html[:start] + body_html[after:].lstrip()
    if not end_tag.group().startswith("</"):
        return body_html[:start] + body_html[end:]  # text before the first block: the block stays
    # the notice is its block's whole text: the block goes, if it is a paragraph of its own (a table's cell
    # would leave a hole in the table)
    opening = body_html.rfind("<", 0, start)
    name = _TAG_NAME.match(body_html, opening) if opening >= 0 else None
    if name is None or name.group(2).lower() not in _NOTICE_BLOCKS or end_tag.group() != f"</{name.group(2)}>":
        return body_html
    rest = body_html[end_tag.end() :].lstrip()
    # a container the notice was alone in goes too: "<blockquote><p>notice</p></blockquote>"
    while (closing := _EMPTY_BLOCK_END.match(rest)) is not None:
        outer = _TAG_NAME.match(body_html, max(body_html.rfind("<", 0, opening), 0))
        if outer is None or outer.group(1) or outer.group(2).lower() != closing.group(1):
            break
        opening, rest = outer.start(), rest[closing.end() :].lstrip()
    return body_html[:opening] + rest


#: the close of the element the notice was alone in, left empty by its removal
_EMPTY_BLOCK_END = re.compile(r"</(div|blockquote)>")
#: the blocks a notice may fill and leave with
_NOTICE_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})


def _balanced(markup: str) -> bool:
    """Does every element opened in `markup` close in it (and nothing close that it did not open)?"""
    depth: list[str] = []
    for closing, tag in _TAG_NAME.findall(markup):
        name = tag.lower()
        if name in _VOID:
            continue
        if not closing:
            depth.append(name)
        elif not depth or depth.pop() != name:
            return False
    return not depth


#: the elements of :data:`_CODE`
_CODE_NAMES = ("pre", "code")
#: a start or end tag's name in sanitized HTML
_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")


def cut_html(markup: str, end: int) -> str:
    """Sanitized HTML up to `end` (a position in text, not in a tag), well-formed: the elements open there
    closed, then its trailing line breaks, spaces and empty elements dropped.

    "<p>본문<br><br>" + "[뉴스출처 : …]</p>" leaves "<p>본문</p>", not an unclosed paragraph whose
    line breaks a second pass would keep: the result sanitizes to itself.
    """
    prefix = markup[:end]
    open_elements: list[str] = []
    for closing, tag in _TAG_NAME.findall(prefix):
        name = tag.lower()
        if not closing:
            if name not in _VOID:
                open_elements.append(name)
        elif open_elements and open_elements[-1] == name:  # sanitized: the innermost, nearly always
            open_elements.pop()
        elif name in open_elements:  # but pop up to it whatever
            del open_elements[len(open_elements) - 1 - open_elements[::-1].index(name) :]
    return _trim_end(prefix + "".join(f"</{name}>" for name in reversed(open_elements)))


def _trim_end(markup: str) -> str:
    """Sanitized HTML without the spaces, line breaks and empty elements at its end (inside its last
    elements too: "<div><p>본문<br></p><p>&nbsp;</p></div>" is "<div><p>본문</p></div>")."""
    end = len(markup)
    closers: list[str] = []  # end tags at the end, last first
    while True:
        end = _blank_before(markup, end)
        if not end or markup[end - 1] != ">":
            break
        start = markup.rfind("<", 0, end)
        tag = _TAG_NAME.match(markup, start)
        if tag is None:
            break
        name = tag.group(2).lower()
        if tag.group(1):
            closers.append(markup[start:end])
        elif (name != "br" and not (closers and closers[-1].lower() == f"</{name}>")) or name in _CODE_NAMES:
            # an image, a rule, an element with content, or code (whose presence tells sanitize_html that
            # an escaped "&lt;p&gt;" is quoted, not markup escaped once too often): the body ends there
            break
        elif name != "br":
            closers.pop()  # an empty element: gone with its end tag
        end = start
    return markup[:end] + "".join(reversed(closers))


def _blank_before(markup: str, end: int) -> int:
    """Where the whitespace and no-break spaces ("&nbsp;") that end `markup[:end]` begin."""
    while end:
        if markup[end - 1].isspace():
            end -= 1
        elif markup.endswith("&nbsp;", 0, end):
            end -= 6
        else:
            break
    return end


def credit_agency(credit: str) -> str:
    """The agency named in a credit line, or ""."""
    match = _CREDIT.search(credit)
    return match.group(1).strip() if match else ""


# -- dates --------------------------------------------------------------------

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
#: as implausible as 1970: a typo ("2205-11-08"), which would hold an article back for centuries, or make a
#: feed's newest date one no reader believes
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
_DOTTED = re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})\.?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime(value: Any, tz: tzinfo) -> datetime:
    """Timezone-aware UTC datetime from what exports and agencies write.

    Accepts datetimes and dates (from YAML), ISO 8601, "2025.11.08 09:00",
    "2025-11-08 09:00:00", RFC 822, and Korean systems' own forms
    (:data:`_LOCAL_FORM`): a 12-hour clock ("2025-11-08 오후 3:00:00",
    "2025. 11. 8. 오전 9:00:00"), Korean units ("2025년 11월 8일 15시 20분"),
    an hour alone ("2025.11.08 15시"), a weekday before the time
    ("2025-11-08 (토) 15:00", "2025년 11월 8일 토요일 오후 3시"), runs of
    digits ("20251108150000"), zone names after the time ("… 15:00:00.0 KST"),
    and month/day/year ("11/08/2025 3:00:00 PM", never day first). Naive
    values are in `tz` (the site's zone, Asia/Seoul for Korean agencies).
    Raises ValueError naming the text for an impossible or unreadable date.
    """
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    elif isinstance(value, str) and value.strip():
        parsed = _parse_date_string(value.strip())
    else:
        raise ValueError(f"not a date: {value!r}")
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        parsed = parsed.replace(tzinfo=tz)
    # the bounds are the years as written ("2100-01-01" in Seoul is still 2099 in UTC)
    if parsed.year < EARLIEST.year:
        raise ValueError(f"implausible date {_as_written(value)!r} (before 1990)")
    if parsed.year >= LATEST.year:
        raise ValueError(f"implausible date {_as_written(value)!r} (after 2099)")
    result = parsed.astimezone(UTC)
    return result.replace(microsecond=0) if result.microsecond else result


def _as_written(value: Any) -> Any:
    """A date as an editor wrote it, for a message: YAML hands over `1989-12-31` as a date object, whose repr
    ("datetime.date(1989, 12, 31)") the editor never wrote."""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return value.isoformat() if isinstance(value, date) else value


def _parse_date_string(text: str) -> datetime:
    try:
        # ISO 8601, what exports mostly write, read in C at a fifteenth of the cost of the rules below.
        # Where _DOTTED matches too (YYYY-MM-DD[ T]HH:MM[:SS]) both read the same naive time, and the
        # rules below also end in fromisoformat (a "Z" read as +00:00, as here): the same answers.
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    match = _DOTTED.match(text)
    if match:
        y, mo, d, h, mi, s = map(int, match.groups("0"))
        try:
            return datetime(y, mo, d, h, mi, s)
        except ValueError as exc:
            raise ValueError(f"invalid date {text!r}: {exc}") from None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        iso_error = exc
    loose = local_form_date(text)
    if loose is not None:
        return loose
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):  # ISO-shaped but impossible, e.g. month 13
        raise ValueError(f"invalid date {text!r}: {iso_error}")
    try:
        return rfc822_date(text)
    except (TypeError, ValueError, IndexError, OverflowError):  # a year of 20 digits overflows datetime()
        raise ValueError(f"unrecognized date {text!r} (use ISO 8601, e.g. 2025-11-08 09:00:00)") from None


def rfc822_date(text: str) -> datetime:
    """RFC 822/5322; its "-0000" is UTC (the sender's own zone unknown), not a naive local time."""
    from email.utils import parsedate_to_datetime  # here: email and socket cost every start ~8 ms

    # "+09" alone is read as nine minutes: an hour offset gets its minutes
    parsed = parsedate_to_datetime(_HOUR_OFFSET.sub(r"\g<0>00", text))
    if parsed.tzinfo is None and text.rstrip().endswith("-0000"):
        return parsed.replace(tzinfo=UTC)
    return parsed


#: what Korean systems write besides ISO 8601 and RFC 822: "2025-11-08 오후 3:00:00" (.NET and Java in ko-KR),
#: "2025. 11. 8. 오전 9:00:00" (JavaScript's ko-KR), "2025년 11월 8일 (토) 15시 20분", an hour alone
#: ("2025.11.08 15시", a briefing's hour), a weekday as boards write it ("(토)", "토", "토요일"), fractions and
#: zone names after the time ("2025-11-08 09:00:00.0 KST", "... GMT+09:00"); and 12 or 14 digits,
#: "20251108150000". The weekday is read past, not checked against the date (as "(토)" always was).
_LOCAL_FORM = re.compile(
    r"(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})\s*[.일]?\s*(?:\(\D{1,3}\)|[월화수목금토일](?:요일)?)?"
    r"(?:(?:(?<=[.일)])\s*|\s+|\s*T\s*)(오전|오후|AM|PM)?\s*(\d{1,2})\s*"
    r"(?:[:시]\s*(\d{1,2})\s*분?(?:\s*:?\s*(\d{1,2})(?:[.,]\d{1,9})?\s*초?)?|시)\s*(오전|오후|AM|PM)?)?"
    r"\s*\(?(Z|UTC|GMT|KST|(?:GMT|UTC)?\s*[+-]\d{1,2}(?::?\d{2})?)?\)?"
    r"|(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?",
    re.IGNORECASE,
)
#: month/day/year, as the data.go.kr press-release API and .NET in en-US write dates ("11/08/2025 3:00:00 PM"):
#: read as year first, its time by _LOCAL_FORM. Korean systems never write the day first, so it is not guessed at.
_MONTH_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})(?!\d)")
_ZONE_OFFSET = re.compile(r"([+-])(\d{1,2})(?::?(\d{2}))?$")
_HOUR_OFFSET = re.compile(r"(?<=\d [+-])\d\d$")


#: longer than this (whitespace collapsed), a text is no date of these forms
LONGEST_LOCAL_FORM = 64


def local_form_date(text: str) -> datetime | None:
    """A date in one of :data:`_LOCAL_FORM`'s forms, or month first (:data:`_MONTH_FIRST`); None when the
    text is none of them, ValueError when it is one but names no real date or time.

    Runs of whitespace are collapsed first and long texts refused: the pattern's optional spaces sit side by
    side, and a feed's date of 400 spaces cost it 40 seconds of backtracking.
    """
    text = " ".join(text.split())
    if len(text) > LONGEST_LOCAL_FORM:
        return None
    match = _LOCAL_FORM.fullmatch(_year_first(text))
    if match is None:
        return None
    g = match.groups()
    if g[9] is not None:  # the run of digits
        y, mo, d, h, mi = (int(v) for v in g[9:14])
        s, before, after, zone = int(g[14] or 0), None, None, None
    else:
        y, mo, d, h, mi, s = (int(v or 0) for v in (g[0], g[1], g[2], g[4], g[5], g[6]))
        before, after, zone = g[3], g[7], g[8]
    half = (before or after or "").upper()
    if (half and not 0 < h <= 12) or (before and after):
        raise ValueError(f"invalid date {text!r}: hour {h} with {half}")
    if half in ("오후", "PM") and h < 12:
        h += 12
    elif half in ("오전", "AM") and h == 12:
        h = 0
    try:
        return datetime(y, mo, d, h, mi, s, tzinfo=_zone(zone))
    except ValueError as exc:
        raise ValueError(f"invalid date {text!r}: {exc}") from None


def _year_first(text: str) -> str:
    """A month-first date written year first ("11/08/2025 15:00" as "2025-11-08 15:00"); other texts as they
    are. A first number that is no month is an error that says how the date is read, not a day swapped in."""
    month_first = _MONTH_FIRST.match(text)
    if month_first is None:
        return text
    month, day, year = month_first.groups()
    if not 1 <= int(month) <= 12:
        raise ValueError(f"invalid date {text!r}: {month} is no month (slashed dates are month/day/year)")
    return f"{year}-{month}-{day}{text[month_first.end() :]}"


def _zone(name: str | None) -> tzinfo | None:
    return None if name is None else named_zone(name)


def named_zone(name: str) -> tzinfo:
    """The zone a date writes after its time: Z, UT(C), GMT, KST, JST, or an offset ("+0900", "GMT+09:00");
    ValueError for an offset of a day or more."""
    upper = name.upper()
    if upper in ("Z", "UT", "UTC", "GMT"):
        return UTC
    if upper in ("KST", "JST"):
        return timezone(timedelta(hours=9))
    offset = _ZONE_OFFSET.search(name.replace(" ", ""))
    assert offset is not None  # the pattern allows no other zone
    sign, hours, minutes = offset.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0))
    if delta >= timedelta(hours=24):
        raise ValueError(f"invalid time zone {name!r}")
    return timezone(-delta if sign == "-" else delta)


# -- ids ----------------------------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9._~:/@!$&'()*+,;=-]+$")
#: the characters of a URI (RFC 3986), %-escapes included: an id is published as written, as atom:id and guid
_URI_CHARS = r"(?:[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=-]|%[0-9A-Fa-f]{2})"
#: ids a CMS may give as URIs, each checked by its own syntax (an invalid one makes the Atom feed invalid)
_URI_ID = {
    # RFC 4151: tag:authority,date:specific, the authority a DNS name or an e-mail address
    "tag": re.compile(rf"^tag:(?:[A-Za-z0-9._~+-]+@)?[A-Za-z0-9.-]+,\d{{4}}(?:-\d{{2}}){{0,2}}:{_URI_CHARS}*$"),
    # RFC 8141: urn:NID:NSS, the namespace id 2-32 letters, digits and hyphens
    "urn": re.compile(rf"^urn:[A-Za-z0-9][A-Za-z0-9-]{{1,31}}:{_URI_CHARS}+$"),
    "http": re.compile(rf"^http://[A-Za-z0-9.-]+(?::\d+)?(?:/{_URI_CHARS}*)?$"),
    "https": re.compile(rf"^https://[A-Za-z0-9.-]+(?::\d+)?(?:/{_URI_CHARS}*)?$"),
}
_URI_ID_FORM = {
    "tag": "tag: URI (tag:example.kr,2025:article/1, RFC 4151)",
    "urn": "URN (urn:namespace:name, RFC 8141)",
    "http": "http URL (percent-encode spaces and non-ASCII characters)",
    "https": "https URL (percent-encode spaces and non-ASCII characters)",
}


def make_id(raw_id: Any, link: str, authority: str) -> str:
    """A stable Atom/RSS id: a URI as given, a CMS number as a tag: URI (RFC 4151).

    Without an id the permalink is the id; it must never change after publication.
    """
    if raw_id is None or raw_id == "":
        if not link:
            raise RecordError("id", "required when there is no link")
        return link
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise RecordError("id", "must be a string or a number")
    text = clean_text(str(raw_id)).strip()
    scheme = re.match(r"^(tag|urn|https?):", text)
    if scheme:
        if not _URI_ID[scheme.group(1)].match(text):
            raise RecordError("id", f"{text!r} is no valid {_URI_ID_FORM[scheme.group(1)]}")
        return text
    if not _TOKEN.match(text):
        raise RecordError("id", f"{text!r} may use only URL-safe characters")
    return f"tag:{authority}:article/{text}"


def hashed_id(authority: str, kind: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"tag:{authority}:{kind}/{digest}"


# -- URLs as dedupe keys ------------------------------------------------------

#: query parameters that only track where a click came from
TRACKING_PARAMS = frozenset(
    {
        "call_from",
        "pwise",
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref_src",
        "cmpid",
        # sessions, not pages: a server hands one to every client without its cookie, a fetcher included
        "jsessionid",
        "phpsessid",
    }
)
_MOBILE_HOST = re.compile(r"^(?:www|m|mobile)\.")
#: a Java servlet's session in the path (eGovFrame boards: "view.do;jsessionid=AB12…?nttId=3"), new on every fetch
_SESSION_PATH = re.compile(r";jsessionid=[^/?#;]*", re.IGNORECASE)


def without_session(url: str) -> str:
    """`url` without a `;jsessionid=` path parameter: the page is the same whatever the session."""
    return _SESSION_PATH.sub("", url) if ";" in url else url


#: a session in a query string ("list.php?PHPSESSID=…&id=3"), with the separator after it
_SESSION_QUERY = re.compile(r"(?<=[?&])(?:jsessionid|phpsessid)=[^&#]*&?", re.IGNORECASE)
#: a "?" or "&" the removal left with nothing after it
_DANGLING = re.compile(r"[?&]+(?=#|\Z)")


def guid_identity(guid: str) -> str:
    """The guid an item is known by: without a session when it is a URL. eGovFrame boards give an item
    its link as guid, with a new `;jsessionid=` at every fetch: a new id and new keys each time."""
    guid = guid.strip()
    if not guid[:8].lower().startswith(("http://", "https://")):
        return guid  # an opaque guid is the publisher's: taken as it is
    plain = without_session(guid)
    if "sessionid=" in plain.lower() or "sessid=" in plain.lower():
        plain = _DANGLING.sub("", _SESSION_QUERY.sub("", plain))
    return plain


def normalize_link(url: str) -> str:
    """A comparison form of a URL; not for display.

    Scheme-insensitive, host lower-cased without www./m., default port,
    fragment (unless a hash route), tracking parameters and trailing slash dropped, the remaining
    query sorted. Ids of ingested items without a guid and the `link:` dedupe
    key both derive from it.
    """
    plain = _PLAIN_LINK.match(without_session(url.strip()))
    if plain is None:
        return _normalized_split(url)
    host, path, query = plain.groups()
    host = _MOBILE_HOST.sub("", host.lower())
    path = path.rstrip("/") if path else ""
    if query:  # unreserved characters only: parse_qsl and urlencode would give each pair back as it is
        pairs = sorted(
            tuple(pair.split("=", 1)) for pair in query.split("&") if not _tracking(pair[: pair.index("=")].lower())
        )
        return f"{host}{path}?{'&'.join(f'{k}={v}' for k, v in pairs)}" if pairs else f"{host}{path}"
    return f"{host}{path}"


#: a link whose normalization needs no URL parser: http(s), a plain host, no port, no
#: fragment, a path and query of characters that need no quoting
_PLAIN_LINK = re.compile(
    r"https?://([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(/[A-Za-z0-9._~!$'()*,;:@/-]*)?"
    r"(?:\?([A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*(?:&[A-Za-z0-9._~-]+=[A-Za-z0-9._~-]*)*))?\Z"
)


def _tracking(key: str) -> bool:
    return key in TRACKING_PARAMS or key.startswith("utm_")


def _normalized_split(url: str) -> str:
    """normalize_link() by the URL parser, for any link."""
    parts = urlsplit(without_session(url.strip()))
    host = (parts.hostname or "").lower()
    host = _MOBILE_HOST.sub("", host)
    try:
        port = parts.port
    except ValueError:  # a malformed port is dropped: such links only come from broken feeds
        port = None
    if port and (parts.scheme.lower(), port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    query = sorted(
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if k.lower() not in TRACKING_PARAMS and not k.lower().startswith("utm_")
    )
    path = parts.path.rstrip("/") or ""
    return urlunsplit(("", host, path, urlencode(query), _route(parts.fragment))).lstrip("/")


def _route(fragment: str) -> str:
    """The fragment when it is a hash route ("#/press/view/3", "#!/press/view/3"): in a single-page app
    it names the page, so two releases' links differ only there. Any other fragment is a place on a page."""
    return fragment if fragment.startswith(("/", "!/")) else ""


# -- records ------------------------------------------------------------------


RECORD_FIELDS = frozenset(
    {
        "id",
        "title",
        "subtitle",
        "summary",
        "body_html",
        "section",
        "published",
        "updated",
        "byline",
        "link",
        "tags",
        "images",
        "attachments",
        "status",
        "source",
    }
)
SOURCE_FIELDS = frozenset({"name", "home", "feed", "url", "published", "credit", "license"})
#: clock skew we accept before calling an ingested item's date "in the future"
FUTURE_SKEW = timedelta(minutes=10)
#: further ahead than this a date is garbage (year 9999), not an early release: the item is undated
FAR_FUTURE = timedelta(days=366)
_AGENCY_PREFIX = re.compile(r"^\s*\[([^\]]{2,30})\]\s*")
_FIRST_IMG = re.compile(r"<img\b[^>]*?\bsrc=\"([^\"]+)\"", re.IGNORECASE)


class RecordProblems(RecordError):
    """Every problem of one record, so the user can fix them in one pass."""

    def __init__(self, problems: list[RecordError]) -> None:
        self.problems = problems
        super().__init__(problems[0].field, problems[0].message)
        self.args = ("; ".join(str(p) for p in problems),)

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Normalized:
    """An input record as an Article, with what the ingest rules need beside it."""

    article: Article
    #: the body's text as body_words() gives it (whitespace not collapsed; the content and body keys
    #: ignore it); `text` is the collapsed form
    words: str
    #: the summary the input gave ("" when it was derived from the body)
    given_summary: str = ""
    #: False when the input gave no usable date and `now` stands in for it
    dated: bool = True
    warnings: tuple[str, ...] = ()
    #: the agency the item names when the registry does not know it (for `sources check`)
    unknown_agency: str = ""
    #: the day an ingested item gave without a time of day (a board's "2025-11-08 00:00:00.0"): on that
    #: day the fetch time stands in for the midnight it says
    day: date | None = None

    @cached_property
    def text(self) -> str:
        """The body as plain text (body_text())."""
        return collapse_space(self.words)

    @cached_property
    def match_text(self) -> str:
        """What a source's section rules and include/exclude filters match: the title and the given
        summary, else the body text."""
        return f"{self.article.title}\n{self.given_summary or self.text}"


class _Collector:
    """Runs each field's rule, collecting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[RecordError] = []

    def __call__(self, name: str, rule: Callable[[], Any], default: Any = None) -> Any:
        try:
            return rule()
        except RecordError as exc:
            self.problems.append(exc)
        except (ValueError, TypeError) as exc:
            self.problems.append(RecordError(name, str(exc)))
        return default


def normalize(
    raw: RawArticle, ctx: NormalizeContext, source: SourceConfig | None = None, now: datetime | None = None
) -> Normalized:
    """The one path from any input record to an Article; raises RecordProblems.

    CMS records must be complete and correct: every problem is collected and
    raised together (given `now`, an `updated` in the future is one). Ingested
    items (a feed entry, an API item, a page's text) take what their `source`
    decides (section rules, byline, credit, status) and are lenient where
    agencies are sloppy: a missing date becomes `now` with a warning and a
    future one is clamped to it.
    """
    field = _Collector()
    for name in raw.unknown_fields:
        field.problems.append(RecordError(name, f"unknown field (allowed: {', '.join(sorted(RECORD_FIELDS))})"))
    title_raw, agency = _agency(raw, source)
    # the registry entry of the item's own agency, else of its source's
    registered = ctx.agencies.find(agency) if agency else ctx.agencies.find(source.name) if source else None
    link = field("link", lambda: _link(raw.link, raw.base or ctx.site_url), "")
    base = link or raw.base or ctx.site_url
    title = field("title", lambda: _required_text(title_raw, "title"), "")
    if len(title) > MAX_TITLE_LENGTH:
        warnings: list[str] = [f"{title[:40]!r}: title of {len(title):,} characters cut to {MAX_TITLE_LENGTH}"]
        title = shorten(title, MAX_TITLE_LENGTH - 1)  # between words when it can; "…" is the last character
    else:
        warnings = []
    body = field("body_html", lambda: sanitize_html(_str(raw.body_html, "body_html"), base), "")
    body, credit = split_credit(body)
    if raw.kind is not InputKind.CMS:  # an agency's notice to the press; a newsroom's text is its own
        body = drop_embargo_notice(body)
    words = body_words(body)
    summary = field("summary", lambda: plain_text(_str(raw.summary, "summary")), "")

    def match_text() -> str:  # only source rules need it
        return f"{title}\n{summary or collapse_space(words)}"

    section = field("section", lambda: _section(raw.section, ctx.sections, source, match_text, agency, registered), "")
    published, updated, dated, embargoed, day = _dates(raw, ctx, now, field, warnings, title)
    status = field("status", lambda: _status(raw.status, source), Status.PUBLISHED)
    if embargoed:
        status = Status.DRAFT
    attribution = field(
        "source", lambda: _attribution(raw, source, agency, registered, credit, base, link, published, ctx.tz)
    )
    # a bad link is one problem, not three (link, "link required", "id needs a link")
    link_given = raw.link not in (None, "")
    article_id = field("id", lambda: _article_id(raw, source, link or ("-" if link_given else ""), ctx), "")
    images, attachments = _media(raw, raw.media_base or base, body, field)
    tags = field("tags", lambda: _tags(raw.tags), ())
    subtitle = field("subtitle", lambda: plain_text(_str(raw.subtitle, "subtitle")), "")
    byline = field("byline", lambda: plain_text(_str(raw.byline, "byline") or (source.byline if source else "")), "")
    if not link_given:
        field.problems.append(RecordError("link", "required (the article's URL on the portal)"))
    if field.problems:
        raise RecordProblems(field.problems)
    if updated is None or updated < published:
        updated = published
    article = Article(
        id=article_id,
        title=title,
        subtitle=subtitle,
        summary=summary or summary_of(words, ctx.summary_length),
        body_html=body,
        section=section,
        published=published,
        updated=updated,
        byline=byline,
        link=link,
        tags=tags,
        images=images,
        attachments=attachments,
        status=status,
        source=attribution,
    )
    unknown = agency if agency and registered is None else ""
    return Normalized(article, words, summary, dated, tuple(warnings), unknown, day)


def _dates(
    raw: RawArticle, ctx: NormalizeContext, now: datetime | None, field: _Collector, warnings: list[str], title: str
) -> tuple[Any, Any, bool, bool, date | None]:
    """(published, updated, whether the input gave a date, whether an unreadable embargo holds the item, the
    day it gave without a time): strict for CMS records, lenient for ingested items."""
    if raw.kind is InputKind.CMS:
        published = field("published", lambda: _date(raw.published, "published", ctx.tz, required=True))
        updated = field("updated", lambda: _cms_updated(raw.updated, ctx.tz, published, now))
        return published, updated, True, False, None
    assert now is not None, "ingested items need the current time"
    published, dated = _entry_date(raw, ctx, now, warnings, title)
    day = _day_only(published, ctx.tz) if dated else None
    embargo = _entry_time(raw.embargo, None, ctx.tz)
    if embargo is not None and embargo > published:  # not clamped: a future embargo is the point
        published, dated, day = embargo, True, None
    # fail closed: an embargo given but nobody can read may not have passed
    unread = embargo is None and str(raw.embargo or "").strip() != ""
    if unread:
        warnings.append(f"{title}: embargo {str(raw.embargo)!r} could not be read: held as a draft")
    if day is not None and day == now.astimezone(ctx.tz).date():
        published = now  # its day's midnight would sort it below what came out earlier that day
    return published, _entry_updated(raw, ctx, published, now), dated, unread, day


def _day_only(when: datetime, tz: tzinfo) -> date | None:
    """The day of a date that is its day's midnight in the site's zone: a day without a time of day.

    Boards that keep a release's date in a DATE column write it so ("2025-11-08 00:00:00.0"), and so do
    feeds that give a day alone; readers would show such an item at 00:00, below the releases of that
    morning. A release embargoed to midnight is rare, and fetched then, it is dated within minutes of it.
    """
    local = when.astimezone(tz)
    if (local.hour, local.minute, local.second, local.microsecond) != (0, 0, 0, 0):
        return None
    return local.date()


def _media(
    raw: RawArticle, base: str, body: str, field: _Collector
) -> tuple[tuple[Image, ...], tuple[Attachment, ...]]:
    """A record's own image and file lists (strict), then media typed by their type (lenient)."""
    images = field("images", lambda: _images(raw.images, base), ())
    attachments = field("attachments", lambda: _attachments(raw.attachments, base), ())
    if raw.media or raw.kind is not InputKind.CMS:
        images, attachments = _classified(raw.media, base, body, images, attachments)
    return images, attachments


def _agency(raw: RawArticle, source: SourceConfig | None) -> tuple[Any, str]:
    """(the title, the agency the item names): "[외교부] 제목" in combined feeds, or the item's own field."""
    if raw.agency or source is None or not source.agency_from_title or not isinstance(raw.title, str):
        return raw.title, plain_text(raw.agency)
    title = plain_text(raw.title)
    match = _AGENCY_PREFIX.match(title)
    if not match or _is_kind_label(match.group(1)):
        return raw.title, ""
    return title[match.end() :], match.group(1).strip()


#: what a bracketed title prefix names when it names no agency: the kind of item ("[설명자료] …", "[사진] …")
# fmt: off
_KIND_LABELS = frozenset({
    "보도", "설명", "해명", "참고", "보도참고", "보도해명", "보도설명", "알림", "공지",
    "안내", "공고", "사진", "포토", "영상", "동영상", "속보", "단독", "인사",
    "부고", "동정", "기고", "칼럼", "사설", "인터뷰", "카드뉴스", "인포그래픽", "브리핑",
    "정책브리핑", "일정", "행사", "채용", "입찰", "정정", "반론보도", "알려드립니다", "팩트체크",
    "보도계획", "주간계획", "모두발언", "연설문", "보도일정",
})
# fmt: on


def _is_kind_label(prefix: str) -> bool:
    """A label of the item's kind, not an agency: one listed, any "…자료", or one with a number ("2025 국정감사")."""
    key = name_key(prefix).replace(" ", "")
    return key in _KIND_LABELS or key.endswith("자료") or any(c.isdigit() for c in key)


def ingested_id(raw: RawArticle, source: SourceConfig, ctx: NormalizeContext) -> str | None:
    """The id an ingested item will have, before it is normalized; None when its link is unusable."""
    try:
        link = _link(raw.link, raw.base or ctx.site_url)
        return _article_id(raw, source, link, ctx) if link else None
    except RecordError:
        return None


def _article_id(raw: RawArticle, source: SourceConfig | None, link: str, ctx: NormalizeContext) -> str:
    """A CMS record's own id (:func:`make_id`); for ingested items a tag: URI from the source and its guid.

    An ingested item without a guid is known by its normalized link, so the
    same release reached over http/https or www./m. gets the same id.
    """
    if raw.kind is InputKind.CMS or source is None:
        return make_id(raw.id, link, ctx.tag_authority)
    if raw.guid.strip():
        return hashed_id(ctx.tag_authority, f"source/{source.id}", guid_identity(raw.guid))
    return hashed_id(ctx.tag_authority, "link", normalize_link(link))


def _str(value: Any, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(name, f"must be text, not {type(value).__name__}")
    return str(value)


def _required_text(value: Any, name: str) -> str:
    text = plain_text(_str(value, name))
    if not text or not text.translate(INVISIBLE).strip():
        raise RecordError(name, "required and must not be empty")
    return text


def _link(value: Any, base: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise RecordError("link", "must be a URL string")
    url = absolute_url(value, base)
    if not url.startswith(("http://", "https://")):
        raise RecordError("link", f"{value!r} is not an http(s) URL")
    return without_session(url)


def _section(
    value: Any,
    sections: Sections,
    source: SourceConfig | None,
    text: Callable[[], str],
    agency: str,
    registered: AgencyConfig | None,
) -> str:
    """A CMS record names its section. An ingested item takes the first of: its source's first matching
    rule, its own agency's section in the registry, its source's section, the source's agency's section.
    """
    if source is None or value not in (None, ""):
        if not isinstance(value, str) or not value.strip():
            raise RecordError("section", "required")
        slug = sections.resolve(clean_text(value))
        if slug is None:
            raise RecordError("section", f"unknown section {value!r} (see `pressfeed sections`)")
        return slug
    for rule in source.rules:
        if rule.match.search(text()):
            return rule.section
    registry_section = registered.section if registered is not None else None
    found = (registry_section if agency else None) or source.section or registry_section
    if found is None:
        raise RecordError("section", "no section rule matched, and neither the source nor the agency has a section")
    return found


def _date(value: Any, name: str, tz: tzinfo, *, required: bool) -> datetime | None:
    if value is None or value == "":
        if required:
            raise RecordError(name, "required")
        return None
    try:
        return parse_datetime(value, tz)
    except ValueError as exc:
        raise RecordError(name, str(exc)) from None


def _cms_updated(value: Any, tz: tzinfo, published: datetime | None, now: datetime | None) -> datetime | None:
    """A CMS record's `updated`; with `now`, one that is ahead of both the clock and `published` is refused.

    An article cannot have been updated after now, and a year typed wrong
    (2027 for 2025) would date it, and its feeds, in the future: a feed's
    `updated` never moves backwards. A scheduled article (`published` ahead)
    may be updated up to the time it appears.
    """
    updated = _date(value, "updated", tz, required=False)
    if updated is None or now is None or published is None:
        return updated
    latest = max(now, published) + CMS_CLOCK_SKEW
    if updated > latest:
        raise RecordError(
            "updated",
            f"{updated.astimezone(tz).isoformat()} is in the future (later than now and than `published`, by "
            f"more than {CMS_CLOCK_SKEW.days} day); is the year right?",
        )
    return updated


def _entry_time(value: Any, parsed: tuple[int, ...] | None, tz: tzinfo) -> datetime | None:
    """An ingested item's date: its own text first (naive = the site's zone), else the parser's reading."""
    if isinstance(value, str) and value:
        try:
            # naive agency dates are KST; feedparser would take them as UTC
            return parse_datetime(value.replace(" KST", " +0900"), tz)
        except ValueError:
            pass
    elif isinstance(value, datetime | date):
        return parse_datetime(value, tz)
    if parsed:
        year, month, day, hour, minute, second = parsed[:6]
        # feedparser gives UTC, and takes a time written without a zone for UTC too: it is the site's
        zone = UTC if not isinstance(value, str) or _WRITTEN_ZONE.search(value) else tz
        return datetime(year, month, day, hour, minute, second, tzinfo=zone).astimezone(UTC)
    return None


#: a zone written with a date: an offset after the time, or a zone's name (GMT, KST, EST, ...)
_WRITTEN_ZONE = re.compile(r"\d:\d\d(?::\d\d)?(?:[.,]\d+)?\s*(?:Z|[+-]\d)|\b(?:UTC?|GMT|[A-Z]{1,4}[SD]T|KST|JST)\b")


def _entry_date(
    raw: RawArticle, ctx: NormalizeContext, now: datetime, warnings: list[str], title: str
) -> tuple[datetime, bool]:
    """The item's date, and whether the input really gave it (else `now` stands in)."""
    when = _entry_time(raw.published, raw.published_parsed, ctx.tz) or _entry_time(
        raw.updated, raw.updated_parsed, ctx.tz
    )
    if when is None:
        given = str(raw.published or raw.updated or "").strip()
        reason = f"unusable date {given[:40]!r}" if given else "no usable date"
        warnings.append(f"{title[:40]!r}: {reason}, dated at fetch time")
        return now, False
    if when > now + FAR_FUTURE:
        warnings.append(f"{title[:40]!r}: implausible date {when.isoformat()}, dated at fetch time")
        return now, False
    if when > now + FUTURE_SKEW:
        warnings.append(f"{title[:40]!r}: date {when.isoformat()} is in the future, clamped to now")
        return now, False
    return when, True


def _entry_updated(raw: RawArticle, ctx: NormalizeContext, published: datetime, now: datetime) -> datetime:
    updated = _entry_time(raw.updated, raw.updated_parsed, ctx.tz) if raw.updated else None
    if updated is None or updated < published:
        return published
    return min(updated, now)


def _status(value: Any, source: SourceConfig | None) -> Status:
    if value is None:
        return source.status if source is not None else Status.PUBLISHED
    try:
        return Status(str(value).strip().lower())
    except ValueError:
        raise RecordError("status", f"{value!r} is not one of published, draft, hidden") from None


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list | tuple):
        raise RecordError("tags", "must be a list of strings")
    tags: dict[str, str] = {}  # the first spelling of each tag, by its name_key ("AI", "ai", "ＡＩ" are one)
    for index, item in enumerate(value):
        if item is None:  # an empty cell of the export
            continue
        tag = plain_text(item if isinstance(item, str) else _str(item, f"tags.{index}"))
        key = name_key(tag)
        if key and key not in tags:
            tags[key] = tag
    return tuple(tags.values())


def _length(value: Any, name: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str) or not whole_number(str(value)):
        raise RecordError(name, f"length must be a whole number of bytes, not {_shown(value)}")
    return int(value)


#: digits of a plausible file size (a petabyte has 16): more is no size, and past 4,300 int() refuses them
MAX_LENGTH_DIGITS = 15


def whole_number(text: str) -> bool:
    """ASCII digits, at most MAX_LENGTH_DIGITS of them: a size or a count a record or a feed may mean."""
    return text.isascii() and text.isdigit() and len(text) <= MAX_LENGTH_DIGITS


def _shown(value: Any) -> str:
    """A record's value in a message, cut short (an error names it; a field of 5,000 digits need not be seen)."""
    return shorten(repr(value), 59)


def _media_items(value: Any, name: str) -> list[Mapping[str, Any]]:
    if value is None:
        return []
    if isinstance(value, str):
        return [{"url": value}]
    if not isinstance(value, list):
        raise RecordError(name, "must be a list")
    out = []
    for item in value:
        item = {"url": item} if isinstance(item, str) else item
        if not isinstance(item, Mapping) or not isinstance(item.get("url"), str):
            raise RecordError(name, "each item needs a url")
        out.append(item)
    return out


def _files(value: Any, base: str, name: str) -> list[tuple[str, str | None, int, str]]:
    """(absolute url, given type, length, caption/title) of an images/attachments list."""
    out = []
    for item in _media_items(value, name):
        url = absolute_url(item["url"], base)
        if not url:
            raise RecordError(name, f"{item['url']!r} is not an http(s) URL")
        title = plain_text(str(item.get("caption" if name == "images" else "title") or ""))
        out.append((url, media_type(item.get("type")), _length(item.get("length"), name), title))
    return out


_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")


def media_type(value: Any) -> str | None:
    """A MIME type as "type/subtype" (parameters dropped), or None when it is not one."""
    text = str(value or "").split(";")[0].strip().lower()
    return text if _MEDIA_TYPE.fullmatch(text) else None


def _images(value: Any, base: str) -> tuple[Image, ...]:
    files = _files(value, base, "images")
    sizes = [(_pixels(item, "width"), _pixels(item, "height")) for item in _media_items(value, "images")]
    return tuple(
        Image(u, t or guess_image_type(u), n, c, w, h) for (u, t, n, c), (w, h) in zip(files, sizes, strict=True)
    )


def _pixels(item: Mapping[str, Any], key: str) -> int:
    """An image's optional width or height: a positive whole number of pixels, 0 when not given."""
    value = item.get(key)
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str) or not whole_number(str(value)) or int(value) == 0:
        raise RecordError("images", f"{key} must be a positive whole number of pixels, not {_shown(value)}")
    return int(value)


def _attachments(value: Any, base: str) -> tuple[Attachment, ...]:
    files = _files(value, base, "attachments")
    # without a type, the file's name says it (as for ingested files): readers then know an HWP from a PDF
    return tuple(
        Attachment(u, t or media_type_for_name(c) or media_type_for_name(u) or "application/octet-stream", n, c)
        for u, t, n, c in files
    )


def _classified(
    media: tuple[RawMedia, ...],
    base: str,
    body: str,
    images: tuple[Image, ...],
    attachments: tuple[Attachment, ...],
) -> tuple[tuple[Image, ...], tuple[Attachment, ...]]:
    """Add media whose kind comes from their type (feed enclosures, Media RSS); the body's first image as a lead.

    Lenient: a feed's unusable media URL is dropped, not an error.
    """
    found_images, found_files = list(images), list(attachments)
    seen = {i.url for i in found_images} | {a.url for a in found_files}

    def add(item: RawMedia) -> None:
        url = absolute_url(str(item.url), base) if item.url else ""
        if not url or url in seen:
            return
        seen.add(url)
        given = str(item.type or "")
        kind = media_type(given) or image_type_from_url(url) or ""
        length = item.length if isinstance(item.length, int) and not isinstance(item.length, bool) else 0
        title = plain_text(str(item.title or ""))
        if kind.startswith("image/") or given.strip().lower() == "image":  # Media RSS medium="image"
            found_images.append(Image(url, kind or guess_image_type(url), length, title))
        else:
            found_files.append(Attachment(url, kind or "application/octet-stream", length, title))

    for item in media:
        add(item)
    if not found_images:  # the body's first picture, not a lazy-loading page's placeholder
        for match in _FIRST_IMG.finditer(body):
            url = match.group(1).replace("&amp;", "&")
            if not placeholder_image(url):
                add(RawMedia(url=url, type=guess_image_type(url)))
                break
    return tuple(found_images), tuple(found_files)


def _attribution(
    raw: RawArticle,
    source: SourceConfig | None,
    agency: str,
    registered: AgencyConfig | None,
    body_credit: str,
    base: str,
    link: str,
    published: datetime | None,
    tz: tzinfo,
) -> Attribution | None:
    """Who the article comes from: a CMS record says so itself; an ingested item is its agency's.

    The credit names the agency as the item does (a former name stays); its
    home comes from the source when the item is the source's own, else from
    the registry.
    """
    if raw.kind is InputKind.CMS or source is None:
        return _record_attribution(raw.source, body_credit, base, tz)
    name = agency or source.name
    home = (source.home if not agency else "") or (registered.home if registered is not None else "")
    return Attribution(
        name=name,
        home=home,
        feed=raw.feed_url if raw.feed_url.startswith(("http://", "https://")) else "",
        url=link,
        published=published,
        credit=credit_for(name, source.credit),
    )


def _record_attribution(value: Any, body_credit: str, base: str, tz: tzinfo) -> Attribution | None:
    if value is None:
        agency = credit_agency(body_credit)
        return Attribution(name=agency, credit=body_credit) if agency else None
    if not isinstance(value, Mapping):
        raise RecordError("source", "must be a mapping with at least a name")
    unknown = [] if value.keys() <= SOURCE_FIELDS else sorted(set(value) - SOURCE_FIELDS)
    if unknown:
        raise RecordError(f"source.{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(SOURCE_FIELDS))})")
    name = plain_text(str(value.get("name") or "")) or credit_agency(body_credit)
    if not name:
        raise RecordError("source.name", "required")
    credit = plain_text(str(value.get("credit") or "")) or body_credit or credit_for(name)
    published = value.get("published")
    return Attribution(
        name=name,
        home=_optional_url(value.get("home"), base, "source.home"),
        feed=_optional_url(value.get("feed"), base, "source.feed"),
        url=_optional_url(value.get("url"), base, "source.url"),
        published=parse_datetime(published, tz) if published else None,
        credit=credit,
        license=plain_text(str(value.get("license") or "")),
    )


def _optional_url(value: Any, base: str, name: str) -> str:
    if not value:
        return ""
    url = absolute_url(str(value), base)
    if not url.startswith(("http://", "https://")):
        raise RecordError(name, f"{value!r} is not an http(s) URL")
    return url


_IMAGE_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "gif": "image/gif",
    "webp": "image/webp",
    "avif": "image/avif",
    "svg": "image/svg+xml",
}


#: media types by file extension. HWP and HWPX have no IANA registration: HWP is
#: application/x-hwp (freedesktop.org, Debian's mime.types), HWPX the type an HWPX
#: package names itself in its "mimetype" entry.
FILE_TYPES = {
    "hwp": "application/x-hwp",
    "hwpx": "application/hwp+zip",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ppt": "application/vnd.ms-powerpoint",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "rtf": "application/rtf",
    "txt": "text/plain",
    "csv": "text/csv",
    "zip": "application/zip",
    "7z": "application/x-7z-compressed",
}


def media_type_for_name(name: str) -> str | None:
    """The media type a file name (or URL) names by its extension: a press release's HWP, PDF, photo …"""
    for candidate in (name, urlsplit(name).path):  # a bare name ("자료#1.hwpx"), then a URL's path
        extension = candidate.rsplit(".", 1)[-1].lower() if "." in candidate else ""
        found = FILE_TYPES.get(extension) or _IMAGE_TYPES.get(extension)
        if found:
            return found
    return None


def image_type_from_url(url: str) -> str | None:
    """The image media type the URL's extension names, or None."""
    ext = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    return _IMAGE_TYPES.get(ext)


def guess_image_type(url: str) -> str:
    return image_type_from_url(url) or "image/jpeg"
