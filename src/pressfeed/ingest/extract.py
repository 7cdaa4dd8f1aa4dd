"""A release page's bytes → its main text, files and title (a source's `fulltext`).

Ministries' own board feeds often carry only a title, a link and a date; the
release sits on the linked page between the site's menus and footer, with its
HWP/HWPX/PDF files listed beside it. :func:`extract_page` takes that page's
bytes and returns an :class:`ExtractedPage`, or raises an
:class:`ExtractionError` subclass whose message says what to do. Pure: no
network, no store, no config.

**Decoding** (:func:`decode_html`) follows the WHATWG encoding-sniffing order,
where a byte order mark beats the HTTP charset:

1. a BOM (UTF-8, UTF-16);
2. the HTTP charset from ``content_type``;
3. the page's own ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` /
   ``<?xml encoding?>``, found by w3lib's WHATWG-style prescan (comments skipped,
   the first 4 KiB rather than the spec's 1024 bytes);
4. UTF-8 when the bytes are valid UTF-8 (the spec allows detection here);
5. CP949, the browsers' default for Korean and what they run for every EUC-KR label.

Labels resolve the way browsers resolve them (w3lib): EUC-KR and its aliases
decode as CP949, its superset, as in :mod:`pressfeed.ingest.parse`; latin-1 as
windows-1252. Two deliberate departures from a browser, both for mislabeled
Korean servers: a declared charset the bytes do not decode in is passed over for
the next candidate, and a single-byte label (ISO-8859-1, windows-1252 …), which
decodes any bytes and so would never fail over, is tried only after UTF-8 and
CP949. When nothing decodes cleanly, the candidate with the fewest U+FFFD wins.

**auto** (no selector) uses readability-lxml, chosen over trafilatura after
measuring both on hand-made pages modelled on Korean ministry boards
(tests/pages): both kept every paragraph, the photo and the order on modern div
layouts, but on an old table layout trafilatura 2.3 returned the whole page with
menus and footer and resolved the photo against the page URL instead of
``<base href>``, and it dropped a ``<figcaption>`` and mangled a table caption.
readability-lxml leaked no chrome on any of them, is about twice as fast on
large board pages with half the memory (though a third slower on pathologically
deep nesting), imports in ~70 ms instead of ~180 ms and
brings 2.8 MB (chardet, cssselect, lxml_html_clean) instead of 55 MB (babel,
dateparser, regex, courlan, htmldate, justext, …).
Neither finds the release when a long FAQ-like block sits beside a short one:
that is what a selector is for. justext marks every Korean paragraph as
boilerplate (its stop-word model needs spaces between particles) and boilerpy3
returns text without images.

**A selector** is any CSS selector lxml's cssselect understands (the same
parsed tree as everything else, no second parser); every outermost match, in
document order, contributes its inner HTML. :func:`check_selector` validates
one up front, for the config loader.

**body_html** is extracted, not sanitized: the pipeline sends it through
:func:`pressfeed.sanitize.sanitize_html` like every other body, so there is
one sanitizing path. Scripts, styles, navigation and form controls are already
gone from it, and every URL in it is absolute (against ``<base href>`` when the
page has one, which the sanitizer could not know).

**Attachments** are the files a page offers, found anywhere on it except in site
chrome (see :func:`find_attachments`).

**Cost**: decoding is linear in the page size per candidate encoding (at most
five); parsing is linear (libxml2); finding files is linear in the links, plus
an ancestor walk (depth ≤ 256, libxml2's limit) for the few that name a file;
a selector is linear; readability is O(elements × depth), about 0.4 s per MiB
of a board page here, so automatic extraction refuses pages of more than
``MAX_AUTO_ELEMENTS`` elements (a 15 MiB page would take 5 s or more) and says
to set a selector, which has no such limit (a 15 MiB page: about 2 s). Depth
is the page's to choose, though: readability scores each block by the text
beneath it, so 20,000 elements nested 250 deep (1.4 MiB) held it 12 s, and
95,000 (6.5 MiB) a minute. Whatever the shape, extraction stops once it has
used ``CPU_SECONDS`` + ``CPU_SECONDS_PER_MIB`` of CPU time (the feed parser's
budget, :func:`pressfeed.ingest.bounds.cpu_budget`), and the page is refused.

Heavy libraries (lxml, readability, cssselect) are imported inside the
functions, so importing this module costs almost nothing.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from ..errors import PressfeedError, foreign
from ..filetypes import FILE_TYPES, PHOTO_EXTENSIONS, media_type_for_name
from ..model import Attachment
from ..sanitize import LAZY_SOURCES, bound_attributes, bound_nesting
from ..text import nearly_cp949, single_byte_charset
from ..urls import absolute_url
from .bounds import cpu_budget

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: fewest characters (whitespace not counted) of main text a release must have: error,
#: login and "no permission" pages say a sentence or two; a release says more
MIN_CHARS = 200
#: automatic extraction gives up beyond this many elements (the selector path has no limit)
MAX_AUTO_ELEMENTS = 100_000
#: CPU seconds extracting a page may take, and more per MiB: a board page of 15 MiB takes about 6 s here
CPU_SECONDS = 2.0
CPU_SECONDS_PER_MIB = 1.0


class ExtractionError(PressfeedError):
    """A page gave no usable release text; the message says why and what to do."""

    def __init__(self, url: str, message: str) -> None:
        self.url, self.message = url, message
        super().__init__(f"{url}: {message}" if url else message)

    def __reduce__(self) -> tuple[Any, ...]:
        # worker processes send it back pickled; the default (the class and str(self)) cannot be unpickled,
        # and a result that cannot be breaks the whole pool
        return type(self), (self.url, self.message)


class NotHTMLError(ExtractionError):
    """The body is a PDF, JSON, an image … rather than an HTML page."""


class NoTextError(ExtractionError):
    """The page has too little main text: an error, login or empty page, or site chrome only."""


class SelectorError(ExtractionError):
    """The configured selector matched nothing on this page."""

    def __init__(self, url: str, selector: str, message: str) -> None:
        self.selector = selector
        super().__init__(url, message)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.url, self.selector, self.message)


class InvalidSelectorError(SelectorError):
    """The configured selector is not valid CSS (a config error, the same on every page)."""


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    #: the main text as HTML: extracted, not sanitized; every URL absolute
    body_html: str
    #: the main text as plain text, one line per block
    text: str
    #: og:title, else <title>; whitespace collapsed ("" when the page has neither)
    title: str
    #: files the page offers (absolute URL, media type from the file name, the file name)
    attachments: tuple[Attachment, ...]
    #: names of files offered only through links that cannot be followed (javascript: calls without a URL)
    unresolved_files: tuple[str, ...]
    #: the Python codec the page was decoded with, e.g. "utf-8", "cp949"
    encoding: str
    #: what relative URLs resolved against: <base href> (itself resolved), else the page URL
    base_url: str


def extract_page(
    body: bytes,
    *,
    url: str,
    content_type: str = "",
    selector: str | None = None,
    min_chars: int = MIN_CHARS,
) -> ExtractedPage:
    """The release in `body` (the response to `url`, served as `content_type`).

    `selector` None means automatic extraction; otherwise the CSS selector of
    the release text's container on that site.
    """
    seconds = page_seconds(body)
    with cpu_budget(seconds, lambda spent: _too_costly(url, spent, selector)):
        return _extract(body, url, content_type, selector, min_chars)


def page_seconds(body: bytes) -> float:
    """The CPU time extracting the release from `body` may take (then it is refused)."""
    return CPU_SECONDS + CPU_SECONDS_PER_MIB * len(body) / (1 << 20)


def _too_costly(url: str, seconds: float, selector: str | None) -> NoTextError:
    advice = "; if it is a real release page, set the source's fulltext to a CSS selector" if selector is None else ""
    return NoTextError(
        url,
        f"page refused: still extracting after {seconds:.1f} s of CPU time, many times what a page of its size"
        f" takes: its markup makes the work grow faster than its size{advice}",
    )


def _extract(body: bytes, url: str, content_type: str, selector: str | None, min_chars: int) -> ExtractedPage:
    _check_html(body, content_type, url)
    text, encoding = decode_html(body, content_type)
    text = _without_nuls(text, url)
    if not text.lstrip().startswith("<") and not _declares_html(content_type):
        raise NotHTMLError(url, f"page is not HTML (it starts with {text.lstrip()[:20]!r})")
    tree = _parse(text, url)
    _drop_unwanted(tree)
    base = _base_url(tree, url)
    # resolved above, its failures handled; lxml's own link rewriting resolves a <base> in the tree again (that of
    # a selected container's page) and raised on a bad one
    for element in list(tree.iter("base")):
        element.drop_tree()
    attachments, unresolved = find_attachments(tree, base)
    title = _title(tree)
    container = _auto_body(tree, url) if selector is None else _selected_body(tree, selector, url)
    _strip_chrome(container)
    # only the body's links: the whole page can have tens of thousands
    container.make_links_absolute(base, resolve_base_href=False, handle_failures="ignore")
    _lazy_sources_absolute(container, base)
    body_text = _text_of(container)
    chars = len(_WHITESPACE.sub("", body_text))
    if chars < min_chars:
        raise NoTextError(url, _no_text_message(chars, min_chars, selector, tree))
    return ExtractedPage(
        body_html=_inner_html(container),
        text=body_text,
        title=title,
        attachments=attachments,
        unresolved_files=unresolved,
        encoding=encoding,
        base_url=base,
    )


def _without_nuls(text: str, url: str) -> str:
    """The page's text without NUL characters, which no HTML text holds (lxml refuses them). Many of them are
    UTF-16 read as a one-byte encoding, as a page without a byte-order mark or charset is: no text to take."""
    nuls = text.count("\x00")
    if not nuls:
        return text
    if nuls * 100 > len(text):
        raise NotHTMLError(url, "page is not HTML text (NUL bytes throughout: UTF-16 without a byte-order mark?)")
    return text.replace("\x00", "")


def _lazy_sources_absolute(container: HtmlElement, base: str) -> None:
    """The lazy-loading addresses of images (data-src …) made absolute against the page's base too: lxml knows
    only src, and later they were resolved against the item's link, not where the page was (or its <base>)."""
    for image in container.iter("img"):
        for name in LAZY_SOURCES:
            value = image.get(name)
            if value:
                try:
                    image.set(name, urljoin(base, value.strip()))
                except ValueError:
                    continue  # as make_links_absolute's handle_failures="ignore"


def check_selector(selector: str) -> None:
    """Raise :class:`InvalidSelectorError` when `selector` is not a CSS selector lxml can run."""
    _compile_selector(selector, url="")


# -- content type and decoding ----------------------------------------------------

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: types servers send when they do not know better: the bytes decide
_GENERIC_TYPES = frozenset(
    {
        "",
        "text/plain",
        "application/octet-stream",
        "unknown/unknown",
        "application/unknown",
        "text/xml",
        "application/xml",
    }
)
_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (HWPX, DOCX, XLSX …)"),
    (b"\xd0\xcf\x11\xe0", "an OLE file (HWP, DOC, XLS …)"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
)


def _essence(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _declares_html(content_type: str) -> bool:
    return _essence(content_type) in _HTML_TYPES


def _check_html(body: bytes, content_type: str, url: str) -> None:
    essence = _essence(content_type)
    if essence not in _HTML_TYPES and essence not in _GENERIC_TYPES:
        shown = foreign(essence)  # the server's choice, quoted short
        raise NotHTMLError(url, f"page is not HTML (Content-Type {shown}): the link may point at the file itself")
    head = body[:64].lstrip().removeprefix(b"\xef\xbb\xbf").lstrip()
    for magic, what in _MAGIC:
        if head.startswith(magic):
            raise NotHTMLError(url, f"page is not HTML but {what}: the link may point at the file itself")
    if head[:1] in (b"{", b"["):
        raise NotHTMLError(url, "page is not HTML but JSON (an API answer or error?)")
    if not body or body.isspace():
        raise NoTextError(url, "page is empty")


def decode_html(body: bytes, content_type: str = "") -> tuple[str, str]:
    """(text, Python codec name) of an HTML page, in the order the module docstring gives."""
    from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding, read_bom

    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        return body[len(bom) :].decode(bom_encoding, errors="replace"), bom_encoding
    declared = [_html_codec(http_content_type_encoding(content_type)), _html_codec(html_body_declared_encoding(body))]
    labels = [name for name in declared if name]
    multi_byte = [name for name in labels if not single_byte_charset(name)]
    candidates = _unique([*multi_byte, "utf-8", "cp949", *labels])
    for name in candidates:
        if single_byte_charset(name) and nearly_cp949(body):
            candidates = [name for name in candidates if not single_byte_charset(name)]
            break  # Korean with a character cut short: a single-byte label would read it all as mojibake
        try:
            return body.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    # nothing decodes cleanly: the candidate that loses the fewest characters
    decoded = [(body.decode(name, errors="replace"), name) for name in candidates]
    return min(decoded, key=lambda pair: pair[0].count("\ufffd"))


def _html_codec(name: str | None) -> str:
    """A w3lib-resolved codec name as HTML decoding uses it ("" for a label w3lib does not know,
    such as windows-949: then UTF-8 and CP949 are tried anyway)."""
    if not name or not _text_codec(name):
        return ""
    # a page that declares UTF-16 in ASCII markup is not UTF-16 (WHATWG: use UTF-8)
    return "utf-8" if name.lower().startswith(("utf-16", "utf_16", "utf-32", "utf_32")) else name


#: Python's own text codecs, which no web page is written in and which refuse errors="replace"
_PYTHON_ONLY_CODECS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined"})


def _text_codec(name: str) -> bool:
    """Is `name` a charset bytes can be decoded in? A label is the server's word: `charset=hex` or
    `zlib` names a Python bytes-to-bytes codec, which str decoding refuses with LookupError."""
    import codecs

    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    return info._is_text_encoding and info.name not in _PYTHON_ONLY_CODECS


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


# -- parsing and preparing the tree --------------------------------------------------

_WHITESPACE = re.compile(r"\s+")
#: gone before anything looks at the page: never text, never a file list
_UNWANTED = ("script", "style", "noscript", "template")


#: how deep a page's elements may nest before they are flattened (tags dropped, text kept, run together):
#: libxml2 builds 256 levels, silently, and adds <html>, <body> and the like where a page leaves them out. Not
#: lower: an HWP conversion's unclosed <font>s nest its tables and paragraphs deep, and flattened they lose
#: their lines. A page whose depth makes readability slow is refused by the CPU budget (the item is held)
_PAGE_NESTING = 240


def _parse(text: str, url: str) -> HtmlElement:
    import lxml.etree
    import lxml.html

    # bytes with an explicit encoding: lxml refuses str input with an XML encoding
    # declaration, and a <meta charset> must not override the decoding chosen above
    parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    # libxml2, like html5ever, compares each attribute of a tag with those before it: a page of one tag with
    # 80,000 distinct attributes held the parse 9 s (pages may be 15 MiB). No page's tag has 64 attributes.
    # libxml2 stops building the tree 256 elements deep, without an error: the text of an HWP conversion that
    # opens a <font> per line and closes none ended at its 250th line. Flattened, it is all kept
    text = bound_nesting(bound_attributes(text), _PAGE_NESTING)
    try:
        tree: HtmlElement = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise NoTextError(url, f"page has no HTML content ({exc})") from None
    return tree


def _drop_unwanted(tree: HtmlElement) -> None:
    for element in tree.xpath(" | ".join(f"//{tag}" for tag in _UNWANTED)):
        element.drop_tree()


def _base_url(tree: HtmlElement, url: str) -> str:
    """The document's base URL: its first <base href> resolved against `url`, else `url`."""
    for href in tree.xpath("//base/@href"):
        resolved = absolute_url(str(href), url)
        if resolved.startswith(("http://", "https://")):
            return resolved
    return url


def _title(tree: HtmlElement) -> str:
    for value in tree.xpath("//meta[@property='og:title' or @name='og:title']/@content"):
        title = _WHITESPACE.sub(" ", str(value)).strip()
        if title:
            return title
    element = tree.find(".//title")
    return _WHITESPACE.sub(" ", element.text_content()).strip() if element is not None else ""


# -- the main text ---------------------------------------------------------------------


def _auto_body(tree: HtmlElement, url: str) -> HtmlElement:
    import lxml.html
    from readability import Document
    from readability.readability import Unparseable

    elements = sum(1 for _ in tree.iter())
    if elements > MAX_AUTO_ELEMENTS:
        raise NoTextError(
            url,
            f"page is too large for automatic extraction ({elements} elements, limit {MAX_AUTO_ELEMENTS}): "
            "set the source's fulltext to a CSS selector",
        )
    try:
        # readability drops hidden elements from its input, then works on a copy:
        # attachments were collected before, so the tree may change
        summary = Document(tree).summary(html_partial=True)
        # html_partial: one <div> of readability's own around the chosen block(s); the body is its inside
        container: HtmlElement = lxml.html.fragment_fromstring(summary, create_parent="div")
    except (Unparseable, ValueError) as exc:  # (ValueError: lxml refusing what readability made of a page)
        raise NoTextError(url, f"page has no extractable text ({exc})") from None
    if len(container) == 1 and container[0].tag == "div" and not (container.text or "").strip():
        container = container[0]
    _unwrap_stray_table_parts(container)
    return container


def _unwrap_stray_table_parts(container: HtmlElement) -> None:
    """readability may return a table cell or row as the article: make those plain blocks."""
    for element in container.iter("tr", "td", "th", "tbody", "thead", "tfoot"):
        if next(element.iterancestors("table"), None) is None:
            element.tag = "div"
            element.attrib.clear()


def _compile_selector(selector: str, url: str) -> Any:
    from cssselect import SelectorError as CssSelectorError
    from lxml.cssselect import CSSSelector

    try:
        return CSSSelector(selector, translator="html")
    except CssSelectorError as exc:
        raise InvalidSelectorError(url, selector, f"invalid CSS selector {selector!r}: {exc}") from None


def _selected_body(tree: HtmlElement, selector: str, url: str) -> HtmlElement:
    import lxml.html

    matches = _compile_selector(selector, url)(tree)
    if not matches:
        raise SelectorError(url, selector, f"selector {selector!r} matched nothing on {url}")
    chosen = set(matches)
    # outermost matches only: a match inside another is already part of it
    outermost = [m for m in matches if not any(a in chosen for a in m.iterancestors())]
    if len(outermost) == 1:
        return outermost[0]
    container: HtmlElement = lxml.html.Element("div")
    for match in outermost:
        container.append(match)  # moves it: the tree is not used afterwards
        match.tail = None
    return container


#: a style attribute lower-cased, without spaces: old eGovFrame pages write "DISPLAY: NONE"
_STYLE = "translate(@style, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ', 'abcdefghijklmnopqrstuvwxyz')"
#: navigation, form controls and what no reader is shown (hidden, or text for screen readers only: "blind",
#: "sr-only"): never release text, also inside the release's container
_CHROME_IN_BODY = (
    "nav",
    "button",
    "input",
    "select",
    "textarea",
    "*[@role='navigation']",
    "*[@hidden]",
    "*[@aria-hidden='true']",
    f"*[contains({_STYLE}, 'display:none') or contains({_STYLE}, 'visibility:hidden')]",
    "*[contains(concat(' ', normalize-space(@class), ' '), ' blind ')]",
    "*[contains(concat(' ', normalize-space(@class), ' '), ' sr-only ')]",
)


#: what a board's links to the releases before and after this one start with ("<dl class="prev"><dt>이전글</dt>…"):
#: a label, not the start of a sentence ("다음 글은 …")
_PREV_NEXT = re.compile(r"\s*(?:이전|다음|윗|아랫)\s?글(?:$|[\s:：|])")


#: ids and classes of a board view's own controls, inside the release's container of a wide selector
#: ("bd_view_nav", "btn_area", "paging"): matched on the first part or the last
_VIEW_CONTROLS_FIRST = frozenset({"btn", "btns", "paging", "pagination", "prevnext"})
_VIEW_CONTROLS_LAST = frozenset({"nav", "navi", "btn", "btns", "paging", "pagination", "prevnext", "util"})
#: the blocks that, named as the page's chrome ("location", "view_util", "breadcrumb"), are chrome inside the
#: container too; a release's own table row, cell or line may bear such a name ("header", "copyright")
_BLOCKS_NAMED_AS_CHROME = frozenset({"div", "ul", "ol", "dl", "nav", "section", "aside", "header", "footer", "form"})


def _strip_chrome(container: HtmlElement) -> None:
    """Drop from the release's container what is never its text: navigation, controls, hidden blocks, the
    view's own controls by their names ("bd_view_nav", "btn_area") and the board's links to the releases
    before and after it, which an operator's selector around the whole view ("div.bd_view") takes in too."""
    for element in container.xpath(" | ".join(f".//{path}" for path in _CHROME_IN_BODY)):
        element.drop_tree()
    for element in list(container.iterdescendants()):
        if element.getparent() is None:
            continue  # (in a tree already dropped)
        tokens = [t for t in (element.get("id") or "", *(element.get("class") or "").split()) if t]
        chrome = element.tag in _BLOCKS_NAMED_AS_CHROME and any(_chrome_name(t) for t in tokens)
        if chrome or any(_view_control(t) for t in tokens) or _prev_next(element):
            element.drop_tree()


def _view_control(token: str) -> bool:
    parts = re.split(r"[-_]", token.lower())
    return parts[0] in _VIEW_CONTROLS_FIRST or parts[-1] in _VIEW_CONTROLS_LAST


def _prev_next(element: HtmlElement) -> bool:
    """A row of a board's "이전글 / 다음글" list: its label, then a link (another release's title) or a word
    that there is none ("이전글이 없습니다"), and little else."""
    if element.tag not in ("dl", "li", "tr", "p", "div"):
        return False
    text = _text_start(element, 300)  # (each element's whole text would cost the page's depth times its size)
    label = _PREV_NEXT.match(text) if len(text) < 300 else None
    if label is None:
        return False
    rest = _WHITESPACE.sub("", text[label.end() :])
    linked = sum(len(_WHITESPACE.sub("", a.text_content())) for a in element.iter("a"))
    return linked >= 0.6 * len(rest) or (len(rest) < 20 and "없" in rest)


def _text_start(element: HtmlElement, limit: int) -> str:
    """The element's text, its pieces apart ("<th>다음 글</th><td>…"): all of it when shorter than `limit`
    characters, else at least `limit` of them."""
    pieces, size = [], -1
    for piece in element.itertext():
        pieces.append(piece)
        size += len(piece) + 1  # the joined length
        if size >= limit:
            break
    return " ".join(pieces)


def _inner_html(container: HtmlElement) -> str:
    import lxml.html

    parts = [html.escape(container.text or "", quote=False)]
    parts += [lxml.html.tostring(child, encoding="unicode", with_tail=True) for child in container]
    return "".join(parts).strip()


#: elements that start a new line in the plain text; cells are separated by a space
# fmt: off
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol", "p", "pre",
    "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
})
# fmt: on


def _text_of(container: HtmlElement) -> str:
    """The container's text, one line per block, whitespace collapsed."""
    import lxml.etree

    parts: list[str] = []
    for event, element in lxml.etree.iterwalk(container, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""  # comments have no text of ours
        separator = "\n" if tag in _BLOCKS else " " if tag in ("td", "th") else ""
        if event == "start":
            parts.append(separator)
            parts.append(element.text or "" if tag else "")
        else:
            parts.append(separator)
            if element is not container:
                parts.append(element.tail or "")
    lines = (_WHITESPACE.sub(" ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _no_text_message(chars: int, min_chars: int, selector: str | None, tree: HtmlElement) -> str:
    found = f"page has no extractable text ({chars} characters, at least {min_chars} needed)"
    if tree.xpath("//input[@type='password']"):
        return f"{found}; it has a password field: a login page?"
    if selector is None:
        return (
            f"{found}: an error page or only site chrome? "
            "If the page shows the release, set the source's fulltext to a CSS selector"
        )
    return f"{found} in {selector!r}: an error page, or has the site changed its layout?"


# -- attachments ----------------------------------------------------------------------

#: photos in a file list are attachments too
_EXTENSIONS = "|".join(sorted({*FILE_TYPES, *PHOTO_EXTENSIONS}, key=len, reverse=True))
#: a file name: no path separators or characters Windows forbids, ends in a known extension; at most 255
#: characters, as file systems allow (unbounded, a search tried from each character ran to the end of the text)
_FILE_NAME = re.compile(rf"[^\s<>|\"*?\\/:][^<>|\"*?\\/:\n]{{0,254}}?\.(?:{_EXTENSIONS})(?![A-Za-z0-9])", re.IGNORECASE)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_EXTENSION_IN_URL = re.compile(rf"\.(?:{_EXTENSIONS})(?![A-Za-z0-9])", re.IGNORECASE)
#: a URL-shaped string literal in a javascript: href or onclick handler
_JS_URL = re.compile(r"""(["'])((?:https?://|/|\./|\.\./)[^"'\s]*)\1""")
_DOWNLOAD_WORDS = ("다운", "받기", "down")
_PREVIEW_WORDS = ("미리보기", "바로보기", "뷰어", "preview", "viewer")


def find_attachments(tree: HtmlElement, base: str) -> tuple[tuple[Attachment, ...], tuple[str, ...]]:
    """(files the page offers, names of offered files whose link cannot be followed).

    A link is a file when its text, its title or download attribute, its URL
    (path or a query value such as ``fileName=보도자료.hwpx``) names a file with a
    known extension, or, for a "다운로드"-style button, when the list item,
    cell or paragraph around it names exactly one. Board download links
    (``fileDownload.do?fileId=…``) have no extension of their own, so the name
    usually comes from the text. ``javascript:`` links count when their code
    holds a URL literal (``fileDown('/upload/…/보도자료.hwp')``); calls with
    only ids (``fn_fileDown('FILE_000…','1')``) post a form or build the URL in
    script code we do not run, so their names go to the second list instead.

    Links in site chrome never count: inside a page-level <header>/<footer>
    (not one of an <article>, <main> or <section>), <nav>, a navigation,
    banner or contentinfo role, or an element whose id or class is a Korean
    CMS's chrome name (gnb, lnb, util, quick, footer, foot_menu,
    family_site, location …). That is how the privacy-policy PDF in the
    footer stays out. Deduplicated by URL, in document order.
    """
    found: dict[str, Attachment] = {}
    unresolved: dict[str, None] = {}
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        url = _link_url(href, link.get("onclick") or "", base)
        if url is None:
            continue
        name = _named_file(link) or (_file_in_url(url) if url else "") or _nearby_file(link)
        # the ancestor walk last: most links name no file
        if not name or _in_chrome(link):
            continue
        if not url:
            unresolved[name] = None
            continue
        media_type = _file_type(name)
        if media_type.startswith("image/") and link.find(".//img") is not None:
            continue  # a thumbnail linking to its full size: the body's image, not a file
        found.setdefault(url, Attachment(url=url, type=media_type, title=name))
    return tuple(found.values()), tuple(unresolved)


def _link_url(href: str, onclick: str, base: str) -> str | None:
    """The absolute URL a link downloads: "" when only script code knows it, None for mailto:, tel: …"""
    match = _SCHEME.match(href)
    scheme = match.group(1).lower() if match else ""
    if href and not href.startswith("#") and scheme in ("", "http", "https"):
        return absolute_url(href, base) or None
    if href and scheme not in ("", "javascript"):
        return None
    code = (href[len("javascript:") :] if scheme == "javascript" else "") + " " + onclick
    literal = _JS_URL.search(code)
    return absolute_url(html.unescape(literal.group(2)), base) if literal else ""


def _file_name_in(text: str) -> str:
    if not _EXTENSION_IN_URL.search(text):  # most links name no file: one pass says so
        return ""
    match = _FILE_NAME.search(_WHITESPACE.sub(" ", text))
    return match.group(0).strip() if match else ""


def _named_file(link: HtmlElement) -> str:
    """The file name the link's text, title or download attribute gives."""
    for text in (link.text_content(), link.get("title") or "", link.get("download") or ""):
        name = _file_name_in(text)
        if name:
            return name
    return ""


def _file_in_url(url: str) -> str:
    """The file name in the URL's last path segment or in one of its query values."""
    if not _EXTENSION_IN_URL.search(url):  # the cheap test first: pages have hundreds of links
        return ""
    parts = urlsplit(url)
    segment = _decode_percent(parts.path.rsplit("/", 1)[-1])
    if segment and _FILE_NAME.fullmatch(segment):
        return segment
    for value in _query_values(parts.query):
        value = value.strip().rsplit("/", 1)[-1]
        if _FILE_NAME.fullmatch(value):
            return value
    return ""


def _decode_percent(text: str) -> str:
    # Korean servers percent-encode file names in UTF-8 or in CP949
    for codec in ("utf-8", "cp949"):
        try:
            return unquote(text, encoding=codec, errors="strict")
        except UnicodeDecodeError:
            continue
    return ""


def _query_values(query: str) -> Iterator[str]:
    for codec in ("utf-8", "cp949"):
        try:
            yield from (value for _, value in parse_qsl(query, encoding=codec, errors="strict"))
            return
        except UnicodeDecodeError:
            continue


def _nearby_file(link: HtmlElement) -> str:
    """For a download button: the one file name its list item, cell or paragraph gives."""
    words = " ".join((link.text_content(), link.get("title") or "", link.get("class") or "", link.get("href") or ""))
    words = words.lower()
    if not any(w in words for w in _DOWNLOAD_WORDS) or any(w in words for w in _PREVIEW_WORDS):
        return ""
    for holder in _holders(link):
        if len(holder) > 10:  # a whole list or section, not one file's entry (and text_content stays cheap)
            return ""
        text = holder.text_content()
        if len(text) > 1000:
            return ""
        names = {m.group(0).strip() for m in _FILE_NAME.finditer(_WHITESPACE.sub(" ", text))}
        if names:
            return names.pop() if len(names) == 1 else ""
    return ""


def _holders(link: HtmlElement) -> Iterator[HtmlElement]:
    """The parent and grandparent of a link, stopping at a list item, row or paragraph."""
    for depth, ancestor in enumerate(link.iterancestors()):
        if depth == 2:
            return
        yield ancestor
        if ancestor.tag in ("li", "tr", "p", "dd"):
            return


def _file_type(name: str) -> str:
    return media_type_for_name(name) or "application/octet-stream"


#: ids and classes Korean CMSs give site chrome, matched on the whole token or its first part
# fmt: off
_CHROME_FIRST = frozenset({
    "header", "footer", "foot", "ft", "gnb", "lnb", "snb", "tnb", "nav", "navi", "navigation", "menu",
    "topmenu", "leftmenu", "submenu", "allmenu", "util", "utility", "quick", "quickmenu", "sitemap", "family",
    "familysite", "breadcrumb", "location", "copyright", "skip", "skipnav",
})
# fmt: on
#: … or on the last part ("top_gnb", "side_quick", "bd_view_nav"), not a middle one ("sub_menu_content")
_CHROME_LAST = frozenset({"gnb", "lnb", "snb", "tnb", "nav", "navi", "menu", "quick", "sitemap", "breadcrumb", "util"})
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "search"})
_SECTIONING = frozenset({"article", "aside", "main", "nav", "section"})


def _in_chrome(link: HtmlElement) -> bool:
    for ancestor in link.iterancestors():
        tag = ancestor.tag
        if tag == "nav" or (ancestor.get("role") or "").lower() in _CHROME_ROLES:
            return True
        # <header>/<footer> are the page's banner/contentinfo only outside sectioning elements (ARIA)
        if tag in ("header", "footer") and not any(a.tag in _SECTIONING for a in ancestor.iterancestors()):
            return True
        tokens = [ancestor.get("id") or "", *(ancestor.get("class") or "").split()]
        if any(_chrome_name(token) for token in tokens if token):
            return True
    return False


def _chrome_name(token: str) -> bool:
    token = token.lower()
    parts = re.split(r"[-_]", token)
    return token in _CHROME_FIRST or parts[0] in _CHROME_FIRST or parts[-1] in _CHROME_LAST
