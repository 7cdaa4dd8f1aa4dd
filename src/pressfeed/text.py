"""Plain text: characters XML cannot carry out, whitespace evened, cut to a length between words; and which
charsets decode any bytes."""

from __future__ import annotations

import functools
import re
import unicodedata

from .context import INVISIBLE

# -- text ---------------------------------------------------------------------

#: Unicode's noncharacters in the BMP, for a program's own use and never for interchange: U+FDD0-U+FDEF, U+FFFE
#: and U+FFFF (which XML cannot carry either). Every other plane ends in two more (U+1FFFE ... U+10FFFF): a class
#: naming those costs every character of every text a test of each (`re` has no table past U+FFFF; bodies were
#: sanitized at half the speed), so the classes below take the planes past the BMP as one range, and
#: :func:`_kept` keeps what is no noncharacter of them (an emoji).
NONCHARACTERS = "\ufdd0-\ufdef\ufffe\uffff"
ASTRAL = "\U00010000-\U0010ffff"
# C0 controls except tab/LF/CR, DEL and C1 controls, noncharacters, and lone
# surrogates: lxml refuses most of them, an HTML parser reports the rest (the W3C
# validator: "Invalid codepoint in stream"), so they never get into a record. And
# U+FFFD, what a decoder leaves for bytes it could not read: it says nothing to a
# reader, and the W3C validator reports it as a bad character.
_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd{NONCHARACTERS}\ud800-\udfff{ASTRAL}]")


def _kept(match: re.Match[str]) -> str:
    """A character `_CONTROL` found: past the BMP, all but the last two of each plane stay."""
    char = match.group()
    return char if char > "\uffff" and (ord(char) & 0xFFFE) != 0xFFFE else ""


# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069) and the
# direction marks (U+200E, U+200F, U+061C) change how text around them is shown: a title
# "보고서\u202efdp.exe" reads "보고서exe.pdf". Plain-text fields (titles, bylines, summaries,
# tags, captions) never need them; HTML bodies keep them, where a quoted right-to-left passage
# may and the reader shows the body in a box of its own.
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: whitespace other than U+0020 (str.isspace(), which is also what \s matches)
OTHER_SPACE = "\t\n\x0b\x0c\r\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"


def clean_text(value: str) -> str:
    """NFC-normalize and drop characters XML cannot carry."""
    return _CONTROL.sub(_kept, unicodedata.normalize("NFC", value))


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


#: a text's figures: runs of digits, any script's
FIGURES = re.compile(r"\d+")


def without_figures(text: str) -> str:
    """The text with every figure as "#": what two versions that differ in their figures alone (a view counter,
    a corrected amount, the time a board served the item) have in common."""
    return FIGURES.sub("#", text)


#: the invisible characters that are unprintable too (the Hangul fillers print, as blanks)
_ZERO_WIDTH = re.compile("[" + "".join(chr(code) for code in INVISIBLE if not chr(code).isprintable()) + "]")


def shorten(text: str, length: int) -> str:
    """Plain text cut to `length` at a word boundary, with "…" when cut.

    Summaries derived from a body come through here: as plain text they lose
    the bidi controls the body may keep.
    """
    return _cut(_without_bidi(text), length)


def _without_bidi(text: str) -> str:
    return collapse_space(BIDI_CONTROLS.sub("", text)) if BIDI_CONTROLS.search(text) else text


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


def counted(count: int, noun: str, plural: str = "") -> str:
    """ "1 file", "2 files": a count and its noun (`plural` where "s" does not make it)."""
    return f"{count:,} {noun}" if count == 1 else f"{count:,} {plural or noun + 's'}"


# -- charsets -----------------------------------------------------------------


#: a Hangul syllable in EUC-KR (KS X 1001): lead B0-C8, trail A1-FE
_EUC_KR_SYLLABLE = re.compile(rb"[\xb0-\xc8][\xa1-\xfe]")
_ASCII = bytes(range(128))


def nearly_cp949(raw: bytes) -> bool:
    """Is `raw`, which CP949 refuses, Korean with a broken character or so (one cut short by bytes)? Its bytes
    past ASCII are EUC-KR's Hangul syllables, nine in ten or more, and ten of them or more for each CP949 cannot
    read. A single-byte label decodes it, losing nothing, as mojibake: CP949's reading, U+FFFD and all, is
    better. (Windows-1252's curly quotes before a letter are CP949 pairs too, no Hangul of EUC-KR's.)"""
    beyond_ascii = len(raw.translate(None, _ASCII))
    syllables = _EUC_KR_SYLLABLE.subn(b"", raw)[1]
    if not syllables or 2 * syllables < 0.9 * beyond_ascii:
        return False
    return syllables >= 10 * max(1, raw.decode("cp949", errors="replace").count("\ufffd"))


@functools.lru_cache(maxsize=64)  # labels come from servers: a bounded cache
def single_byte_charset(name: str) -> bool:
    """Is `name` (a label Python knows) a single-byte charset? Such a charset decodes nearly any bytes, so a
    mislabeled Korean page or feed (EUC-KR or UTF-8 bytes under "ISO-8859-1", or "IBM866") would never fail
    over to the right one: callers try it last. Each byte is one character in it, most of them defined
    (ISO-8859-8 leaves 36 undefined, windows-1252 5, IBM866 none); ASCII and UTF-8 refuse the 128 bytes past
    ASCII, and multi-byte charsets pair them. A name Python does not know is no charset at all."""
    try:
        text = bytes(range(256)).decode(name, "replace")
    except (LookupError, ValueError):  # no codec, or one for no bytes (idna, "undefined"); a NUL in the name
        return False
    return len(text) == 256 and text.count("\ufffd") <= 64
