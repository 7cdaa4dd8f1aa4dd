"""Raw feed bytes → :class:`FeedData` whose entries are :class:`~pressfeed.model.RawArticle` (feedparser).

Korean agency feeds still come in EUC-KR/CP949, sometimes mislabeled, so the
bytes are decoded here first: valid UTF-8, then the declared charset, then
CP949; feedparser then gets clean UTF-8, without the characters (raw, or as
character references) that XML cannot carry: one `&#xD800;` in one item made
feedparser's fallback parser raise on the whole feed. Entries leave here as
raw input for the one normalization path; nothing is cleaned or resolved yet.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

import feedparser

from ..dates import named_zone
from ..errors import FeedParseError as FeedParseError  # raised here, caught by jobs
from ..model import InputKind, RawArticle, RawMedia
from ..normalize import whole_number
from ..text import nearly_cp949, single_byte_charset
from .bounds import check_markup, cpu_budget, parse_seconds
from .request import is_local


@dataclass(frozen=True, slots=True)
class FeedData:
    title: str
    link: str
    entries: tuple[RawArticle, ...]
    #: feedparser's "bozo" problem when the feed was usable anyway
    warning: str = ""


#: characters XML 1.0 cannot carry: C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_CHAR_REF = re.compile(r"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>")
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._-]+)", re.IGNORECASE)


#: byte order marks, and the first bytes of "<?" without one, that say a document is UTF-16 or UTF-32
#: (XML 1.0, appendix F); the 4-byte ones first: UTF-32LE's mark begins with UTF-16LE's
_WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)


def to_utf8(raw: bytes, content_type: str = "") -> bytes:
    """The document re-encoded as UTF-8, with its XML declaration saying so."""
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    for mark, codec in _WIDE:
        if raw.startswith(mark):  # "utf-16"/"utf-32" read their mark and drop it
            return to_utf8(raw.decode(codec, errors="replace").encode("utf-8"))
    declared = _XML_DECL.match(raw)
    if _valid_utf8(raw):  # UTF-8 is tried first: the usual case is done on the bytes, without a round trip
        if (b"\xc2" in raw or b"\xc3" in raw) and _mojibake(decoded := raw.decode("utf-8")):
            return _decoded_to_utf8(_without_mojibake(decoded), declared)
        if not declared:
            return xml_safe_utf8(raw)
        if raw[: declared.end(1)].isascii():  # byte offsets are the text's
            return xml_safe_utf8(raw[: declared.start(1)] + b"utf-8" + raw[declared.end(1) :])
        return _decoded_to_utf8(raw.decode("utf-8"), declared)
    header = _HTTP_CHARSET.search(content_type)
    candidates = ["utf-8"]
    if declared:
        candidates.append(declared.group(1).decode("ascii"))
    if header:
        candidates.append(header.group(1))
    # Single-byte labels (a server default like ISO-8859-1) decode any bytes, so a
    # mislabeled Korean feed would never fail over: CP949 (⊃ EUC-KR) goes before them.
    single = [c for c in candidates if single_byte_charset(c)]
    candidates = [c for c in candidates if c not in single] + ["cp949"] + single
    text = None
    for name in candidates:
        if name in single and nearly_cp949(raw):
            break  # Korean with a character cut short: read by runs below, not all as mojibake
        try:
            text = raw.decode(_codec(name))
            break
        except (LookupError, UnicodeDecodeError):
            continue
    if text is None:
        text = _mixed(raw)
    return _decoded_to_utf8(text, declared)


#: EUC-KR text that went through Latin-1 on its way to UTF-8 ("수도권" as "¼öµµ±Ç"): two or more
#: Hangul syllables' byte pairs in a row (lead B0-C8, trail A1-FE), read as Latin-1
_MOJIBAKE = re.compile("(?:[\xb0-\xc8][\xa1-\xfe]){2,}")
_EUC_KR_PAIRS = re.compile("(?:[\xa1-\xfe][\xa1-\xfe])+")
_HANGUL = re.compile("[\uac00-\ud7a3]+")


def _mojibake(text: str) -> bool:
    """Whether a UTF-8 document is EUC-KR passed through Latin-1: such runs, and not one Hangul syllable.

    A Korean document that is fine has its own Hangul, and may have runs that look the part: "····", four
    middle dots (U+00B7), read as EUC-KR, are two syllables.
    """
    return _MOJIBAKE.search(text) is not None and _HANGUL.search(text) is None


def _without_mojibake(text: str) -> str:
    """`text` with its Latin-1 readings of EUC-KR read as the Korean they were.

    A run counts when it reads as Hangul syllables only ("Café" or "«»" never
    do; a Latin-1 text that does is taken for Korean, a trade no real text
    loses to). Once one did, the document went through Latin-1 as a whole, and
    its other runs (a lone "·", "¡¤", hanja) are read back too.
    """
    repaired = _MOJIBAKE.sub(lambda m: _read_back(m.group(0), hangul=True), text)
    if repaired == text:
        return text
    return _EUC_KR_PAIRS.sub(lambda m: _read_back(m.group(0), hangul=False), repaired)


def _read_back(run: str, *, hangul: bool) -> str:
    text = run.encode("latin-1").decode("cp949", errors="replace")
    if "\ufffd" in text or (hangul and _HANGUL.fullmatch(text) is None):
        return run
    return text


_NON_ASCII_RUN = re.compile(rb"([\x80-\xff]+)")


def _mixed(raw: bytes) -> str:
    """A document in no one encoding: a UTF-8 feed with an item pasted in as EUC-KR bytes.

    Korean text is runs of non-ASCII bytes between ASCII spaces and markup, each run
    written in one encoding: UTF-8 where it is valid UTF-8 (CP949 syllables, led by
    B0-C8, almost never are), else CP949, else U+FFFD for what neither reads.
    """
    pieces = _NON_ASCII_RUN.split(raw)
    for index in range(1, len(pieces), 2):
        pieces[index] = _mixed_run(pieces[index]).encode("utf-8")
    return b"".join(pieces).decode("utf-8", errors="replace")


def _mixed_run(run: bytes) -> str:
    """A run of non-ASCII bytes: UTF-8 if it is; UTF-8 with its last character cut short (a description cut
    by bytes) with U+FFFD for that one; CP949 if it is that; else its UTF-8 start, then the rest as CP949
    (EUC-KR right after UTF-8 text)."""
    try:
        return run.decode("utf-8")
    except UnicodeDecodeError as exc:
        valid, rest, cut_short = (
            run[: exc.start].decode("utf-8"),
            run[exc.start :],
            exc.reason == "unexpected end of data",
        )
    if cut_short:
        return valid + "\ufffd"
    try:
        return run.decode("cp949")
    except UnicodeDecodeError:
        return valid + rest.decode("cp949", errors="replace")


def _decoded_to_utf8(text: str, declared: re.Match[bytes] | None) -> bytes:
    if declared:
        text = text[: declared.start(1)] + "utf-8" + text[declared.end(1) :]
    return xml_safe(text).encode("utf-8")


def _valid_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: what _NOT_XML matches, as the UTF-8 bytes of those characters: C0 controls are single bytes
#: (never part of a multi-byte sequence), U+FFFE/U+FFFF are EF BF BE/BF (in valid UTF-8 an EF
#: starts a character, so these bytes are always those characters), and valid UTF-8 holds no surrogates
_C0_NOT_XML = bytes(c for c in range(0x20) if c not in (0x9, 0xA, 0xD))
_NONCHARACTERS_UTF8 = (b"\xef\xbf\xbe", b"\xef\xbf\xbf")
_CHAR_REF_UTF8 = re.compile(rb"&#(?:[xX]([0-9A-Fa-f]+)|([0-9]+));")


def xml_safe_utf8(data: bytes) -> bytes:
    """xml_safe() on valid UTF-8 bytes: ``xml_safe(data.decode()).encode()`` without the round trip.

    Byte operations rather than a regular expression: a feed is scanned at memory speed
    (a regex scan of the bytes cost about a tenth of feedparser's own parse).
    """
    data = data.translate(None, _C0_NOT_XML)
    for nonchar in _NONCHARACTERS_UTF8:
        if nonchar in data:
            data = data.replace(nonchar, b"")
    return _CHAR_REF_UTF8.sub(_valid_reference_utf8, data) if b"&#" in data else data


def _valid_reference_utf8(match: re.Match[bytes]) -> bytes:
    hex_digits, decimal = (None if g is None else g.decode("ascii") for g in match.groups())
    return match.group(0) if _valid_code(hex_digits, decimal) else b""


def xml_safe(text: str) -> str:
    """`text` without characters XML cannot carry, raw or as numeric character references.

    They stand for a bad character in one field; normalization would drop them
    anyway, and left in they break the parser for every other entry.
    """
    text = _NOT_XML.sub("", text)
    return _CHAR_REF.sub(_valid_reference, text) if "&#" in text else text


def _valid_reference(match: re.Match[str]) -> str:
    hex_digits, decimal = match.groups()
    return match.group(0) if _valid_code(hex_digits, decimal) else ""


def _valid_code(hex_digits: str | None, decimal: str | None) -> bool:
    digits = (hex_digits or decimal or "").lstrip("0") or "0"
    code = int(digits, 16 if hex_digits else 10) if len(digits) <= 8 else -1  # longer is past U+10FFFF
    return code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF


def _codec(name: str) -> str:
    name = name.lower()
    # EUC-KR labels are served with CP949-only syllables often enough to widen them
    return "cp949" if name in ("euc-kr", "euc_kr", "euckr", "ks_c_5601-1987", "ksc5601") else name


def parse_feed(
    raw: bytes, headers: dict[str, str] | None = None, url: str = "", *, base: str = "", home: str = ""
) -> FeedData:
    """`url` is the feed's (the one fetched); `base` where its bytes came from after redirects, which
    relative links resolve against as in any feed reader ("" = `url`). A copy on disk (a local `url`) has
    no such place: its links are relative to the site it was copied from, which its channel `<link>` names,
    else the source's `home`."""
    headers = headers or {}
    content_type = headers.get("content-type", "")
    data = to_utf8(raw, content_type)
    markup = check_markup(data)  # what would make feedparser's work grow faster than the document: refused
    with cpu_budget(parse_seconds(len(data), markup)):  # and whatever else does
        parsed = feedparser.parse(
            data,
            # no content-location: feedparser would track it as a base on every element (~25% slower);
            # relative links resolve against xml:base or, failing that, the feed URL in _entry
            response_headers={"content-type": "application/xml; charset=utf-8"},
            sanitize_html=False,  # nh3 sanitizes once, in normalization
            resolve_relative_uris=False,  # normalization resolves against the entry link
        )
    version = parsed.get("version", "")
    if not version or not (parsed.entries or parsed.feed.get("title")):
        problem = parsed.get("bozo_exception")
        detail = f" ({problem})" if problem else ""
        raise FeedParseError(f"not an RSS/Atom feed{detail}")
    warning = ""
    if parsed.get("bozo"):
        warning = f"feed is not well-formed, used anyway: {parsed.get('bozo_exception')}"
    feed = parsed.feed
    link = str(feed.get("link", ""))
    base = base or url
    if is_local(base):
        base = link if link.startswith(("http://", "https://")) else home or base
    entries = tuple(_entry(e, base, url) for e in parsed.entries)
    return FeedData(title=str(feed.get("title", "")), link=link, entries=entries, warning=warning)


def _entry(entry: Any, base_url: str, feed_url: str) -> RawArticle:
    """One entry as raw input; `base_url` resolves relative links, `feed_url` is where the feed was fetched."""
    # the entry's own keys, read as a plain dict: every key below is stored under its own name, so this
    # is what FeedParserDict.get gives, without its alias lookups per call (and its .get("updated")
    # falls back to "published" with a warning; the plain dict does not)
    e = dict(entry)
    content = ""
    base = ""
    if e.get("content"):
        best = max(e["content"], key=lambda c: "html" in c.get("type", ""))
        content, base = best.get("value", ""), best.get("base", "")
    summary_detail = e.get("summary_detail") or {}
    # relative links resolve against xml:base, else the feed's own URL
    base = base or summary_detail.get("base", "") or base_url
    summary = str(e.get("summary", ""))
    guid = "" if e.get("guidislink") and not e.get("id") else str(e.get("id", "") or "")
    enclosures = (_media(link) for link in e.get("links", []) if link.get("rel") == "enclosure")
    media = (_media(m) for m in (*e.get("media_content", []), *e.get("media_thumbnail", [])))
    published = str(e.get("published", "") or "")
    updated = str(e.get("updated") or "")
    return RawArticle(
        kind=InputKind.SOURCE,
        title=str(e.get("title", "")),
        link=str(e.get("link", "")),
        guid=guid,
        base=base,
        media_base=base,
        # the summary is the body when there is no content; beside content it is the summary (unless it is
        # feedparser's copy of an Atom entry's content: it has no summary_detail)
        body_html=content or summary,
        summary=summary if content and "summary_detail" in e else None,
        published=published,
        updated=updated,
        published_parsed=_time_tuple(e.get("published_parsed"), published),
        updated_parsed=_time_tuple(e.get("updated_parsed"), updated),
        tags=tuple(str(t.get("term", "")) for t in e.get("tags", []) if t.get("term")),
        media=(*enclosures, *media),
        feed_url=feed_url,
    )


def _media(item: Any) -> RawMedia:
    length = str(item.get("length", "") or item.get("filesize", "") or "")
    return RawMedia(
        url=str(item.get("href") or item.get("url") or ""),
        type=str(item.get("type", "") or ""),
        length=int(length) if whole_number(length) else 0,  # 0: unknown, as for a length that is no number
        title=str(item.get("title", "") or ""),
    )


#: the year-month-day a date string spells out: 2025-11-07, 2025.11.07, 2025년 11월 7일, 20251107
_WRITTEN_DATE = re.compile(
    r"(?<!\d)(\d{4})\s*[-./년]\s*(\d{1,2})\s*[-./월]\s*(\d{1,2})(?!\d)|(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)"
)


#: a time written in a date: 15:00[:00], or an hour in Korean ("15시", "오후 3시경"), which feedparser drops
_WRITTEN_TIME = re.compile(r"(?<!\d)(\d{1,2})(?::(\d{2})(?::(\d{2}))?(?!\d)|\s*시)")


_OFFSET_AFTER_TIME = re.compile(r"\s*\(?(Z|UTC?|GMT|KST|JST|[+-]\d{2}:?\d{2})\b")


def _written_offset(after_time: str) -> int | None:
    """The zone offset in minutes that follows a written time (+0900, +09:00, Z, GMT, KST), or None."""
    match = _OFFSET_AFTER_TIME.match(after_time)
    if match is None:
        return None
    try:
        zone = named_zone(match.group(1))
    except ValueError:  # an offset of a day or more names no zone
        return None
    offset = zone.utcoffset(None)
    assert offset is not None  # a fixed offset
    return int(offset.total_seconds()) // 60


def _time_tuple(value: Any, raw: str) -> tuple[int, ...] | None:
    """feedparser's parse of `raw`, unless it is not a real date.

    feedparser normalizes impossible dates instead of rejecting them
    ("2025-13-45" becomes 2026-01-01) and misreads some Korean forms; an entry
    with such a date is undated, not dated wrongly. Only a text pressfeed's own
    rules cannot read comes to this parse; where feedparser read its date but
    not its time ("2025-11-08 오후 3:00:00" as midnight UTC), it is not used either.
    """
    if not value:
        return None
    parsed = tuple(value)
    try:
        got = date(*parsed[:3])
    except (TypeError, ValueError):
        return None
    for clock in _WRITTEN_TIME.finditer(raw):  # "25:61" rolls over into the next day just the same
        hour, minute, second = (int(g or 0) for g in clock.groups())
        if hour > 23 or minute > 59 or second > 60:
            return None
        if (hour, minute, second) != (0, 0, 0) and tuple(parsed[3:6]) == (0, 0, 0):
            # midnight UTC for a written time: only the date was read, unless the time's own offset makes
            # it midnight UTC ("09:00:00 +0900 (KST)", the most common release time)
            offset = _written_offset(raw[clock.end() :])
            if offset is None or second or (hour * 60 + minute - offset) % 1440:
                return None
    match = _WRITTEN_DATE.search(raw)
    if match:
        groups = match.groups()
        year, month, day = (int(g) for g in (groups[:3] if groups[0] else groups[3:]))
        try:
            written = date(year, month, day)
        except ValueError:
            return None  # rolled over
        if abs((got - written).days) > 1:  # a time zone moves it by a day at most
            return None
    return parsed
