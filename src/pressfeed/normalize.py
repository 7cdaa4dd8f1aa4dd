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
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import nh3

from .errors import RecordError
from .model import Article, Attachment, Attribution, Image, Status

# -- text ---------------------------------------------------------------------

# C0 controls except tab/LF/CR, DEL and C1 controls, the XML non-characters, and
# lone surrogates: lxml refuses all of them, so they never get into a record.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
_SPACE = re.compile(r"\s+")
# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
# direction marks (U+200E, U+200F, U+061C) change how text around them is shown: a title
# "보고서\u202efdp.exe" reads "보고서exe.pdf". Plain-text fields (titles, bylines, summaries,
# tags, captions) never need them; HTML bodies keep them, where a quoted right-to-left passage
# may and the reader shows the body in a box of its own.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


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
#: what could be a tag, comment or entity; anything else is text as it stands
_MARKUP = re.compile(r"<[A-Za-z!/?]|&(?:#\d|#[xX][0-9A-Fa-f]|[A-Za-z][A-Za-z0-9]*;|amp|lt|gt|quot|nbsp)")
_TAG_START = re.compile(r"<(?!!)(/?)([A-Za-z][A-Za-z0-9]*)?")  # "<!--" comments are the sanitizer's


def _literal_brackets(text: str) -> str:
    def escape(match: re.Match[str]) -> str:
        name = (match.group(2) or "").lower()
        return match.group(0) if name in HTML_ELEMENTS else "&lt;" + match.group(0)[1:]

    return _TAG_START.sub(escape, text)


def section_key(name: str) -> str:
    """Comparison key for section names: NFKC, case-folded, no spaces ("IT / 과학" = "it/과학")."""
    return "".join(unicodedata.normalize("NFKC", name).casefold().split())


def plain_text(value: str) -> str:
    """Text without markup: tags dropped, entities decoded, whitespace collapsed.

    Titles, bylines and summaries are plain text; the publishers escape them.
    """
    text = clean_text(value)
    if _MARKUP.search(text):  # plain text needs no parser: most titles, bylines, and "R&D"
        text = clean_text(html.unescape(nh3.clean(bound_nesting(_literal_brackets(text)), tags=set())))
    return _SPACE.sub(" ", _BIDI_CONTROLS.sub("", text)).strip()


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
    }
)
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: characters left alone when percent-encoding a URL (reserved ones and "%" itself)
URL_SAFE = ":/?#[]@!$&'()*+,;=%~"
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


@lru_cache(maxsize=256)
def _origin(base: str) -> str:
    """scheme://host[:port] of an absolute URL, or "" (then the fast path never matches)."""
    parts = urlsplit(base)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


#: the base URL of the body being sanitized, for the shared cleaner's URL filter
_BASE_URL: ContextVar[str] = ContextVar("pressfeed_base_url", default="")


def _make_absolute(tag: str, attribute: str, value: str) -> str | None:
    if attribute in URL_ATTRIBUTES:
        return absolute_url(value, _BASE_URL.get()) or None
    return value


# Built once: constructing the allow-lists on every call costs more than the cleaning.
_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={k: set(v) for k, v in ALLOWED_ATTRIBUTES.items()},
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
    first, because the HTML parser's time grows with depth × size.
    """
    if len(value) > MAX_HTML_LENGTH:
        raise RecordError("body_html", f"{len(value):,} characters of HTML, more than the {MAX_HTML_LENGTH:,} allowed")
    token = _BASE_URL.set(base_url)
    try:
        cleaned = str(_CLEANER.clean(bound_nesting(value)))
    finally:
        _BASE_URL.reset(token)
    # after, not before: the parser turns "&#1;" or "&#xFFFE;" into the very characters XML cannot carry
    return clean_text(cleaned).strip()


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

_SCAN = re.compile(r"<!--|<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>")
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
_RAW_END = {name: re.compile(rf"</{name}\b[^>]*>", re.IGNORECASE) for name in _RAW_TEXT}


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


def summarize(body_html: str, length: int) -> str:
    """A plain-text summary from the body, cut at a word boundary."""
    # the opening paragraphs are enough: no need to strip a whole press release
    end = body_html.find("</p>", length * 3)
    text = _text_of(body_html[: end + 4] if end >= 0 else body_html)
    if len(text) <= length and end >= 0:
        text = _text_of(body_html)
    return shorten(text, length)


def shorten(text: str, length: int) -> str:
    """Plain text cut to `length` at a word boundary, with "…" when cut.

    Summaries derived from a body come through here: as plain text they lose
    the bidi controls the body may keep.
    """
    text = _SPACE.sub(" ", _BIDI_CONTROLS.sub("", text)).strip() if _BIDI_CONTROLS.search(text) else text
    if len(text) <= length:
        return text
    cut = text[:length]
    if " " in cut[length // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.·…") + "…"


def body_text(body_html: str) -> str:
    """The body as plain text, paragraphs separated by a space."""
    return _text_of(body_html)


_BLOCK_END = re.compile(r"<(?:/p|br\s*/?|/li|/h\d)>")


def _text_of(body_html: str) -> str:
    # Sanitized HTML only: every "<" is markup (no literal-bracket rescue as in
    # plain_text) and the text is already clean, so unescaping cannot bring back
    # control characters.
    text = nh3.clean(_BLOCK_END.sub(" ", body_html), tags=set())
    return _SPACE.sub(" ", html.unescape(text)).strip()


# The portal's credit convention: "[뉴스출처 : 기관명]" as the body's last line.
_CREDIT = re.compile(r"\[\s*뉴스출처\s*:\s*([^\]\n]+?)\s*\]")
_TRAILING_CREDIT = re.compile(r"(?:<p>\s*)?(\[\s*뉴스출처\s*:\s*[^\]\n<]+?\s*\])\s*(?:</p>)?\s*$")


def split_credit(body_html: str) -> tuple[str, str]:
    """(body without a trailing credit line, the credit line or "").

    The credit is kept in the attribution and appended by the publishers, so it
    appears exactly once whatever the input did.
    """
    tail_start = max(0, len(body_html) - 300)  # the credit is the last line: scan only the tail
    match = _TRAILING_CREDIT.search(body_html, tail_start)
    if not match:
        return body_html, ""
    return body_html[: match.start()].rstrip(), _SPACE.sub(" ", match.group(1))


def credit_agency(credit: str) -> str:
    """The agency named in a credit line, or ""."""
    match = _CREDIT.search(credit)
    return match.group(1).strip() if match else ""


# -- dates --------------------------------------------------------------------

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
_DOTTED = re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})\.?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_datetime(value: Any, tz: tzinfo) -> datetime:
    """Timezone-aware UTC datetime from what exports and agencies write.

    Accepts datetimes and dates (from YAML), ISO 8601, "2025.11.08 09:00",
    "2025-11-08 09:00:00" and RFC 822. Naive values are in `tz` (the site's
    zone, Asia/Seoul for Korean agencies).
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
    try:
        result = parsed.astimezone(UTC).replace(microsecond=0)
    except OverflowError:  # year 1 ("no date" in some exporters) cannot move to UTC
        raise ValueError(f"implausible date {value!r}") from None
    if result < EARLIEST:
        raise ValueError(f"implausible date {value!r} (before 1990)")
    return result


def _parse_date_string(text: str) -> datetime:
    match = _DOTTED.match(text)
    if match:
        y, mo, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
        try:
            return datetime(y, mo, d, h, mi, s)
        except ValueError as exc:
            raise ValueError(f"invalid date {text!r}: {exc}") from None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        if re.match(r"^\d{4}-\d{2}-\d{2}", text):  # ISO-shaped but impossible, e.g. month 13
            raise ValueError(f"invalid date {text!r}: {exc}") from None
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        raise ValueError(f"unrecognized date {text!r} (use ISO 8601, e.g. 2025-11-08 09:00:00)") from None


# -- ids ----------------------------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9._~:/@!$&'()*+,;=-]+$")


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
    if re.match(r"^(tag|urn|https?):", text):
        return text
    if not _TOKEN.match(text):
        raise RecordError("id", f"{text!r} may use only URL-safe characters")
    return f"tag:{authority}:article/{text}"


def hashed_id(authority: str, kind: str, key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"tag:{authority}:{kind}/{digest}"


# -- records ------------------------------------------------------------------


@dataclass(frozen=True)
class NormalizeContext:
    """What normalization needs from the site config, and nothing else."""

    site_url: str
    tz: tzinfo
    tag_authority: str
    #: section_key(name) → slug, for every slug, title and alias
    sections: Mapping[str, str]
    summary_length: int = 200

    def resolve_section(self, name: str) -> str | None:
        return self.sections.get(section_key(name))


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
SOURCE_FIELDS = frozenset({"name", "home", "feed", "url", "published", "credit"})


class RecordProblems(RecordError):
    """Every problem of one record, so the user can fix them in one pass."""

    def __init__(self, problems: list[RecordError]) -> None:
        self.problems = problems
        super().__init__(problems[0].field, problems[0].message)
        self.args = ("; ".join(str(p) for p in problems),)

    def __str__(self) -> str:
        return str(self.args[0])


def article_from_record(record: Mapping[str, Any], ctx: NormalizeContext) -> Article:
    """A CMS export record (JSON/YAML mapping) → Article, or RecordProblems."""
    problems: list[RecordError] = []

    def field(name: str, fn: Callable[[], Any], default: Any = None) -> Any:
        try:
            return fn()
        except RecordError as exc:
            problems.append(exc)
        except (ValueError, TypeError) as exc:
            problems.append(RecordError(name, str(exc)))
        return default

    unknown = sorted(set(record) - RECORD_FIELDS)
    for name in unknown:
        problems.append(RecordError(name, f"unknown field (allowed: {', '.join(sorted(RECORD_FIELDS))})"))

    link = field("link", lambda: _link(record.get("link"), ctx.site_url), "")
    base = link or ctx.site_url
    title = field("title", lambda: _required_text(record, "title"), "")
    section = field("section", lambda: _section(record.get("section"), ctx), "")
    published = field("published", lambda: _date(record, "published", ctx.tz, required=True))
    updated = field("updated", lambda: _date(record, "updated", ctx.tz, required=False))
    status = field("status", lambda: _status(record.get("status", "published")), Status.PUBLISHED)
    body = field("body_html", lambda: sanitize_html(_str(record, "body_html"), base), "")
    body, credit = split_credit(body)
    source = field("source", lambda: _attribution(record.get("source"), credit, base, ctx.tz))
    link_given = record.get("link") not in (None, "")
    # a bad link is one problem, not three (link, "link required", "id needs a link")
    article_id = field(
        "id", lambda: make_id(record.get("id"), link or ("-" if link_given else ""), ctx.tag_authority), ""
    )
    images = field("images", lambda: _images(record.get("images"), base), ())
    attachments = field("attachments", lambda: _attachments(record.get("attachments"), base), ())
    tags = field("tags", lambda: _tags(record.get("tags")), ())
    subtitle = field("subtitle", lambda: plain_text(_str(record, "subtitle")), "")
    byline = field("byline", lambda: plain_text(_str(record, "byline")), "")
    summary = field("summary", lambda: plain_text(_str(record, "summary")), "")
    if not link_given:
        problems.append(RecordError("link", "required (the article's URL on the portal)"))
    if problems:
        raise RecordProblems(problems)
    if updated is None or updated < published:
        updated = published
    return Article(
        id=article_id,
        title=title,
        subtitle=subtitle,
        summary=summary or summarize(body, ctx.summary_length),
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
        source=source,
    )


def _str(record: Mapping[str, Any], name: str) -> str:
    value = record.get(name)
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(name, f"must be text, not {type(value).__name__}")
    return str(value)


def _required_text(record: Mapping[str, Any], name: str) -> str:
    text = plain_text(_str(record, name))
    if not text:
        raise RecordError(name, "required and must not be empty")
    return text


def _link(value: Any, site_url: str) -> str:
    if value is None or value == "":
        return ""
    if not isinstance(value, str):
        raise RecordError("link", "must be a URL string")
    url = absolute_url(value, site_url)
    if not url.startswith(("http://", "https://")):
        raise RecordError("link", f"{value!r} is not an http(s) URL")
    return url


def _section(value: Any, ctx: NormalizeContext) -> str:
    if not isinstance(value, str) or not value.strip():
        raise RecordError("section", "required")
    slug = ctx.resolve_section(clean_text(value))
    if slug is None:
        raise RecordError("section", f"unknown section {value!r} (see `pressfeed sections`)")
    return slug


def _date(record: Mapping[str, Any], name: str, tz: tzinfo, *, required: bool) -> datetime | None:
    value = record.get(name)
    if value is None or value == "":
        if required:
            raise RecordError(name, "required")
        return None
    try:
        return parse_datetime(value, tz)
    except ValueError as exc:
        raise RecordError(name, str(exc)) from None


def _status(value: Any) -> Status:
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
    tags: list[str] = []
    for item in value:
        tag = plain_text(str(item))
        if tag and tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _length(value: Any, name: str) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise RecordError(name, f"length must be a whole number of bytes, not {value!r}")
    return int(value)


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
    return tuple(Image(u, t or guess_image_type(u), n, c) for u, t, n, c in _files(value, base, "images"))


def _attachments(value: Any, base: str) -> tuple[Attachment, ...]:
    files = _files(value, base, "attachments")
    return tuple(Attachment(u, t or "application/octet-stream", n, c) for u, t, n, c in files)


def _attribution(value: Any, body_credit: str, base: str, tz: tzinfo) -> Attribution | None:
    if value is None:
        agency = credit_agency(body_credit)
        return Attribution(name=agency, credit=body_credit) if agency else None
    if not isinstance(value, Mapping):
        raise RecordError("source", "must be a mapping with at least a name")
    unknown = sorted(set(value) - SOURCE_FIELDS)
    if unknown:
        raise RecordError(f"source.{unknown[0]}", f"unknown field (allowed: {', '.join(sorted(SOURCE_FIELDS))})")
    name = plain_text(str(value.get("name") or "")) or credit_agency(body_credit)
    if not name:
        raise RecordError("source.name", "required")
    credit = plain_text(str(value.get("credit") or "")) or body_credit or f"[뉴스출처 : {name}]"
    published = value.get("published")
    return Attribution(
        name=name,
        home=_optional_url(value.get("home"), base, "source.home"),
        feed=_optional_url(value.get("feed"), base, "source.feed"),
        url=_optional_url(value.get("url"), base, "source.url"),
        published=parse_datetime(published, tz) if published else None,
        credit=credit,
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


def image_type_from_url(url: str) -> str | None:
    """The image media type the URL's extension names, or None."""
    ext = urlsplit(url).path.rsplit(".", 1)[-1].lower()
    return _IMAGE_TYPES.get(ext)


def guess_image_type(url: str) -> str:
    return image_type_from_url(url) or "image/jpeg"
