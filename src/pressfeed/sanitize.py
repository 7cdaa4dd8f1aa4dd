"""Markup: body HTML through an allow-list (nh3) with absolute URLs, the bounds on what a hostile body may
cost, plain text from markup (titles, bylines), and what a sanitized body reads as (its text, its layout)."""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_right
from contextvars import ContextVar
from html.entities import html5

import nh3

from .errors import RecordError
from .text import ASTRAL, BIDI_CONTROLS, NONCHARACTERS, OTHER_SPACE, clean_text, collapse_space
from .urls import URL_SCHEMES, absolute_url

# -- plain text from markup ----------------------------------------------------

# Anything plain_text() would change besides leading and trailing spaces: controls, bidi
# controls, markup and entities (conservatively: any "<" or "&"), whitespace other than single
# spaces (these characters, or two spaces in a row). Most titles, bylines and tags have none, and
# one search is all they cost: a class alone, since an alternative ("|  ") made the engine try
# both at every position; `"  " in value` is a separate, faster scan.
_PLAIN_WORK = re.compile(
    "[<&\x00-\x1f\x7f-\x9f\ufffd-\uffff\ud800-\udfff\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
    + NONCHARACTERS
    + ASTRAL  # (a title with an emoji takes the longer way: clean_text keeps it)
    + OTHER_SPACE
    + "]"
)


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
    return collapse_space(BIDI_CONTROLS.sub("", text))


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
BLOCK_NAMES = (
    "p|div|li|ul|ol|dl|dt|dd|h[1-6]|table|thead|tbody|tfoot|tr|td|th|caption|blockquote|figure|figcaption|pre|br|hr"
)
#: where a block element's tag or a line break begins, in markup as written (the blocks the sanitizer renames
#: too): a space there keeps the words of "<p>첫 문단</p><p>둘째</p>" apart once the tags go (a space, not the
#: tag replaced: a ">" in an attribute value would end a tag matched by a pattern early); in an attribute,
#: comment or script it goes with them
_BEFORE_BLOCK = re.compile(rf"(?=</?(?:{BLOCK_NAMES}|{'|'.join(sorted(BLOCKS_AS_DIV))})(?![\w:-]))", re.IGNORECASE)
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
CODE_START = re.compile(r"<(?:pre|code)\b")
#: a pass unescapes every level; one more undoes what only the first one's parse revealed
_UNESCAPE_PASSES = 2


def _in_text(markup: str, found: list[re.Match[str]]) -> list[re.Match[str]]:
    """The escaped tags of `found` in the text, not in an attribute (a title that quotes "&lt;script&gt;"):
    counted, one after the credit line made a body whose text before it is escaped markup not one, and the
    body without its credit was unescaped when sanitized again."""
    tags = [(tag.start(), tag.end()) for tag in SANITIZED_TAG.finditer(markup)]
    starts = [start for start, _ in tags]
    kept = []
    for match in found:
        index = bisect_right(starts, match.start()) - 1
        if index < 0 or tags[index][1] <= match.start():
            kept.append(match)
    return kept


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
    if found and "<" in cleaned:
        found = _in_text(cleaned, found)
    if len(found) < 2 or not any(m.group(1) or m.group(2).lower() == "br" for m in found):
        return False
    first, last = found[0].start(), found[-1].end()
    # sanitized, a "<" is in a tag (its own or an attribute's): text's own are "&lt;"
    if cleaned.find("<", first, last) >= 0 or CODE_START.search(cleaned):
        return False
    if all(m.group(2).lower() == "br" for m in found):
        return True  # text with escaped line breaks: "첫 줄&lt;br&gt;둘째 줄"
    # it opens the text (nothing quotes it), as the body will be stored: clean_text drops what a
    # character reference such as "&#0;" left there, and then it would open it
    return not clean_text(SANITIZED_TAG.sub("", cleaned[:first])).strip()


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
VOID_ELEMENTS = frozenset(_VOID_NAMES.split())
_RAW_TEXT = frozenset(_RAW_TEXT_NAMES.split())
_KEPT = DROPPED_WITH_CONTENT | _RAW_TEXT | {"plaintext"}
_CLOSES_P = frozenset(_CLOSES_P_NAMES.split())
_SCOPE = frozenset(_SCOPE_NAMES.split())
_RAW_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _RAW_TEXT}  # where the raw text ends


#: a start or end tag's name in sanitized HTML
TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)")


def balanced(markup: str) -> bool:
    """Does every element opened in sanitized `markup` close in it (and nothing close that it did not open)?"""
    depth: list[str] = []
    for closing, tag in TAG_NAME.findall(markup):
        name = tag.lower()
        if name in VOID_ELEMENTS:
            continue
        if not closing:
            depth.append(name)
        elif not depth or depth.pop() != name:
            return False
    return not depth


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
        if name in VOID_ELEMENTS:
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


def body_text(body_html: str) -> str:
    """The body as plain text, paragraphs separated by a space."""
    return collapse_space(body_words(body_html))


#: the tags of sanitized HTML that separate text as a line would: a block's start or end, a line break, a rule
#: ("<div>발표했다.</div><div>이번 사업은" is two sentences; a table's cells are words apart)
BLOCK_TAG = re.compile(rf"</?(?:{BLOCK_NAMES})\b[^>]*>")
#: a tag of sanitized HTML: its serializer escapes "<" and ">" everywhere but in tags
SANITIZED_TAG = re.compile(r"<[^>]*>")


def markup_text(markup: str) -> str:
    """A piece of sanitized HTML (a line, a table's cell, a credit) as its text, on one line."""
    return collapse_space(html.unescape(SANITIZED_TAG.sub("", markup)))


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
    text = SANITIZED_TAG.sub("", BLOCK_TAG.sub(" ", body_html))
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
        if text[0] == " " and (index == 0 or BLOCK_TAG.fullmatch(parts[index - 1])):
            text = text[1:]
        if text[-1:] == " " and (index == last or BLOCK_TAG.fullmatch(parts[index + 1])):
            text = text[:-1]
        parts[index] = text
    return "".join(parts)


def _in_name_order(tag: str) -> str:
    if tag.count('="') < 2:
        return tag
    name = tag[1:].split(" ", 1)[0]
    return f"<{name}" + "".join(f' {key}="{value}"' for key, value in sorted(_ATTRIBUTE.findall(tag))) + ">"
