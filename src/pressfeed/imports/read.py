"""Reading CMS export files: JSON, JSON Lines and (multi-document) YAML.

Every record comes out with the line it starts on and its ordinal in the
file, so errors can say `file:line: field: problem`, and becomes a
:class:`~pressfeed.model.RawArticle` for the one normalization path.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..errors import InputError, Problem
from ..model import InputKind, RawArticle
from ..normalize import RECORD_FIELDS
from ..yamlfile import TOO_LONG_NUMBER, LocatedDict, YAMLSyntaxError, load_documents


@dataclass(frozen=True)
class RawRecord:
    """One record of an export file, where it starts."""

    file: str
    line: int
    data: Mapping[str, Any]
    #: 1-based position in its file (one-line JSON arrays put many records on one line)
    index: int = 0


def raw_article(data: Mapping[str, Any]) -> RawArticle:
    """A CMS export record as the raw input of normalization."""
    get = data.get
    return RawArticle(
        kind=InputKind.CMS,
        title=get("title"),
        link=get("link"),
        id=get("id"),
        subtitle=get("subtitle"),
        summary=get("summary"),
        body_html=get("body_html"),
        section=get("section"),
        published=get("published"),
        updated=get("updated"),
        byline=get("byline"),
        tags=get("tags"),
        images=get("images"),
        attachments=get("attachments"),
        status=get("status"),
        source=get("source"),
        unknown_fields=() if data.keys() <= RECORD_FIELDS else tuple(sorted(set(data) - RECORD_FIELDS)),
    )


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """An object's pairs as a dict; a key written twice is refused (json keeps the last silently; YAML refuses)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _DuplicateKey(key)
            seen.add(key)
    return data


#: unreadable lines (invalid JSON, not UTF-8) after which a JSON Lines file is read no further
MAX_UNREADABLE = 20
#: how the problem of such a line begins (parse_line's)
UNREADABLE = ("invalid JSON", "not UTF-8")
UNREADABLE_REST = f"{MAX_UNREADABLE} lines are no JSON records: the rest of the file is not read (is it JSON Lines?)"

#: json.loads, refusing duplicate keys (at no measurable cost: the C scanner still does the parsing)
_STRICT = json.JSONDecoder(object_pairs_hook=_refuse_duplicates)
_DUPLICATE = "written twice in one record (JSON would keep only the last silently)"


def parse_line(file: str, line: int, text: bytes, index: int = 0) -> RawRecord:
    """A JSON Lines record, or the InputError (with its line) that stops reading its file."""
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, line, "file", f"not UTF-8: {exc}")]) from None
    data = _json_value(file, line, decoded)
    if not isinstance(data, Mapping):
        raise InputError([Problem(file, line, "record", "must be a mapping of fields")])
    return RawRecord(file, line, data, index)


class LineSpan:
    """A stretch of a JSON Lines file, whole lines from byte `start` to `end`: read by whoever normalizes it.

    Large imports hand these to worker processes, which read and parse the
    lines themselves: the importing process neither reads records nor sends
    them across. Line numbers and record positions are relative to the span
    (the importer adds what came before, as it takes the spans in order).
    """

    __slots__ = ("end", "file", "path", "start")

    def __init__(self, file: str, path: Path, start: int, end: int) -> None:
        self.file, self.path, self.start, self.end = file, path, start, end

    def __reduce__(self) -> tuple[type[LineSpan], tuple[str, Path, int, int]]:
        return LineSpan, (self.file, self.path, self.start, self.end)  # no Python-level state functions

    def lines(self) -> tuple[list[tuple[int, bytes]], int]:
        """(1-based line within the span, text) of its records, and how many lines it has.

        Numbered as a text-mode reading (universal newlines) numbers them: a lone
        "\r" ends a line too. Blank lines (Unicode blanks included) are no
        records; a UTF-8 BOM at the start of the file is dropped.
        """
        with self.path.open("rb") as fh:
            fh.seek(self.start)
            data = fh.read(self.end - self.start)
        if self.start == 0 and data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        records: list[tuple[int, bytes]] = []
        number = 0
        for number, raw in enumerate(data.splitlines(), 1):  # bytes: at \n, \r and \r\n, as text mode
            if not _blank(raw):
                records.append((number, raw))
        return records, number


#: bytes a JSON Lines record may start with (after blanks): anything else is checked for Unicode blanks
_JSON_START = frozenset(b'{["-0123456789tfn')
#: a line's end, as bytes.splitlines() takes it (a "\r" at a window's end may be a "\r\n" across two)
_LINE_END = re.compile(rb"\r\n|\r|\n")
#: a span's size: about 450 records of 4.5 KB; ends are moved to the next line end
SPAN_BYTES = 2 * 1024 * 1024


def line_spans(name: str, path: Path, span_bytes: int | None = None) -> Iterator[LineSpan]:
    """The file cut into spans of whole lines, about `span_bytes` each; only the cuts are read here."""
    size = path.stat().st_size
    step = span_bytes or SPAN_BYTES
    start = 0
    with path.open("rb") as fh:
        while start < size:
            end = min(start + step, size)
            if end < size:
                fh.seek(end)
                while True:  # to the end of the line the cut falls in: at \n, \r\n or a lone \r, as lines() reads
                    window = fh.read(64 * 1024)
                    if not window:
                        end = size
                        break
                    newline = _LINE_END.search(window)
                    if newline is not None:
                        end += newline.end()
                        if newline.group() == b"\r" and newline.end() == len(window) and fh.read(1) == b"\n":
                            end += 1  # "\r\n" across two windows
                        break
                    end += len(window)
                    if end - start > step + MAX_RECORD_CHARS:  # one record would be read whole, twice over
                        message = f"a line longer than {MAX_RECORD_CHARS // 2**20} MiB: is it JSON Lines?"
                        raise InputError([Problem(name, None, "file", f"{message} (from byte {start:,})")])
            yield LineSpan(name, path, start, end)
            start = end


def iter_records(name: str, path: Path) -> Iterator[RawRecord] | Iterator[LineSpan]:
    """Records of an export file; JSON Lines as spans of lines, read and parsed by whoever normalizes them.

    Opening errors surface here (not at the first next()), so callers can
    report a missing file before anything is imported.
    """
    if name.lower().endswith((".jsonl", ".ndjson")):
        path.open("rb").close()  # a missing or unreadable file fails here, not later in a worker
        return line_spans(name, path)
    if name.lower().endswith(".json"):
        raw = path.open("rb")  # a missing or unreadable file fails here, not at the first record
        return _closing(raw, _json_file(name, raw))
    return iter(read_records(name, path.read_text(encoding="utf-8-sig")))


def stream_records(name: str, raw: BinaryIO) -> Iterator[RawRecord]:
    """Records of an export read from a stream (standard input), its format told by its content: a JSON
    array a piece at a time, as from a .json file; anything else whole. The stream is left open."""
    return _json_file(name, raw)


def _blank(line: bytes) -> bool:
    if line[:1] == b"{":  # a record, as nearly every line is: no copy stripped of blanks
        return False
    stripped = line.strip()
    if not stripped:
        return True
    if stripped[0] in _JSON_START:
        return False
    try:  # str.strip() also takes U+3000, U+00A0, U+001C … as blanks
        return not stripped.decode("utf-8").strip()
    except UnicodeDecodeError:
        return False  # a record whose bytes are not UTF-8: its parse says so


def read_records(name: str, text: str) -> list[RawRecord]:
    """Records of one export file; the format comes from the name, else the content."""
    lower = name.lower()
    if lower.endswith((".jsonl", ".ndjson")):
        records = list(_json_lines(name, text))
    elif lower.endswith(".json"):
        records = list(_json(name, text))
    elif lower.endswith((".yaml", ".yml")):
        records = list(_yaml(name, text))
    else:
        records = list(_sniff(name, text))
    bad = [
        Problem(name, r.line, "record", "must be a mapping of fields")
        for r in records
        if not isinstance(r.data, Mapping)
    ]
    if bad:
        raise InputError(bad)
    return list(_numbered(records))


def _numbered(records: Iterable[RawRecord]) -> Iterator[RawRecord]:
    for index, record in enumerate(records, 1):
        yield RawRecord(record.file, record.line, record.data, index)


def _sniff(name: str, text: str) -> Iterator[RawRecord]:
    stripped = text.lstrip()
    if stripped.startswith("["):
        return _json(name, text)
    if stripped.startswith("{"):
        first = stripped.split("\n", 1)[0].strip()
        if first.endswith("}") and _is_json(first):
            return _json_lines(name, text)
        return _json(name, text)
    return _yaml(name, text)


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    except RecursionError:  # JSON all the same, nested too deeply: its reader says so, naming the line
        return True
    return True


def _json_value(file: str, line: int, text: str) -> Any:
    """A JSON Lines record's value, or the InputError naming its problem (a key written twice, invalid JSON)."""
    try:
        return _STRICT.decode(text)
    except _DuplicateKey as exc:
        raise InputError([Problem(file, line, exc.key, _DUPLICATE)]) from None
    except ValueError as exc:
        raise InputError([Problem(file, line, "record", _invalid(exc, where=True))]) from None
    except RecursionError:  # thousands of nested [ or {
        raise InputError([Problem(file, line, "record", "invalid JSON: nested too deeply")]) from None


def _invalid(exc: ValueError, where: bool = False) -> str:
    """What is wrong with a JSON text, from its parse's error (`where`: with the error's line and column)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"invalid JSON: {exc if where else exc.msg}"
    # the one other ValueError json raises: Python refuses int() of more than 4,300 digits
    return f"invalid JSON: {TOO_LONG_NUMBER}"


def _json_lines(name: str, lines: str | Iterable[str]) -> Iterator[RawRecord]:
    """Every record; every unreadable line's problem (up to MAX_UNREADABLE) at the end, before any record is used."""
    problems: list[Problem] = []
    unreadable = 0
    # "\n" only: str.splitlines() also breaks at U+2028 and friends, which JSON strings may hold raw
    for number, line in enumerate(lines.split("\n") if isinstance(lines, str) else lines, 1):
        if not line.strip():
            continue
        try:
            value = _json_value(name, number, line)
        except InputError as exc:
            problems.extend(exc.problems)
            # (a key written twice is JSON all the same: no sign of a file that is no JSON Lines)
            unreadable += exc.problems[0].message.startswith(UNREADABLE)
            if unreadable == MAX_UNREADABLE:
                problems.append(Problem(name, None, "file", UNREADABLE_REST))
                break
            continue
        yield RawRecord(name, number, value)
    if problems:
        raise InputError(problems)


def _json(name: str, text: str) -> Iterator[RawRecord]:
    """A JSON object or an array of them; each record keeps the line it starts on and its fields' lines."""
    try:
        value = json.loads(text)  # strict: trailing data, missing commas and the like fail here
    except ValueError as exc:  # (a number too long has no position: the line the text starts on)
        line = exc.lineno if isinstance(exc, json.JSONDecodeError) else _Lines(text).at(_skip_ws(text, 0))
        raise InputError([Problem(name, line, "record", _invalid(exc))]) from None
    except RecursionError:  # thousands of nested [ or {
        raise InputError([Problem(name, None, "record", "invalid JSON: nested too deeply")]) from None
    if not isinstance(value, dict | list):
        raise InputError([Problem(name, 1, "record", "expected a JSON object or an array of objects")])
    # the text is valid, so walking it again only recovers positions; lines are counted as the walk goes
    lines = _Lines(text)
    start = _skip_ws(text, 0)
    if isinstance(value, dict):
        yield RawRecord(name, lines.at(start), _located(name, text, start, value, lines)[0])
        return
    pos = _skip_ws(text, start + 1)
    for item in value:
        line = lines.at(pos)
        if isinstance(item, dict):
            data, pos = _located(name, text, pos, item, lines)
        else:  # not a record: read_records names it
            data, pos = item, _DECODER.raw_decode(text, pos)[1]
        yield RawRecord(name, line, data)
        pos = _skip_ws(text, pos)
        pos = _skip_ws(text, pos + 1) if text[pos] == "," else pos


_DECODER = json.JSONDecoder()


class _Lines:
    """Line numbers of increasing positions in one text, counted once: linear in the text, whatever its records.

    `line`: the line the text starts on (a window of a larger file)."""

    def __init__(self, text: str, line: int = 1) -> None:
        self.text, self.pos, self.line = text, 0, line

    def at(self, pos: int) -> int:
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _located(name: str, text: str, pos: int, value: dict[str, Any], lines: _Lines) -> tuple[LocatedDict, int]:
    """`value`, the JSON object at `pos`, with the line of each of its keys; and the position after it.

    So a problem with a field of a pretty-printed record names the field's line, as it does in YAML.
    """
    record = LocatedDict(value)  # the values are json.loads' own: nothing is held twice
    record.line, record.lines = lines.at(pos), {}
    pos = _skip_ws(text, pos + 1)
    while text[pos] != "}":
        key, pos = _DECODER.raw_decode(text, pos)  # a key is a JSON string
        if key in record.lines:
            raise InputError([Problem(name, lines.at(pos), key, _DUPLICATE)])
        record.lines[key] = lines.at(pos)
        try:  # the value, past the ":", read strictly: a key written twice inside it is refused too
            pos = _STRICT.raw_decode(text, _skip_ws(text, _skip_ws(text, pos) + 1))[1]
        except _DuplicateKey as exc:
            raise InputError([Problem(name, record.lines[key], f"{key}.{exc.key}", _DUPLICATE)]) from None
        pos = _skip_ws(text, pos)
        if text[pos] == ",":
            pos = _skip_ws(text, pos + 1)
    return record, pos + 1


#: bytes of a JSON export read at a time
READ_BYTES = 1024 * 1024
#: characters after a value's end that show the piece read did not cut it (a number's "e-" is two)
_CUT = 3
#: a record of a JSON array larger than this is refused (most likely a string left open)
MAX_RECORD_CHARS = 64 * 1024 * 1024


class _Window:
    """A JSON array file read a piece at a time: the text not yet taken, and the line it starts on."""

    def __init__(self, name: str, raw: BinaryIO) -> None:
        self.name, self.raw = name, raw
        self.decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self.text, self.eof = "", False
        self.lines = _Lines("")

    def more(self, pos: int) -> int:
        """Read on (at least as much as is held, so a large record is parsed a few times, not once a MiB),
        dropping what is before `pos`; returns where `pos` is now."""
        line = self.lines.at(pos)
        try:
            data = self.raw.read(max(READ_BYTES, len(self.text) - pos))
            text = self.decoder.decode(data, final=not data)
        except UnicodeDecodeError as exc:
            raise InputError([Problem(self.name, line, "file", f"not UTF-8: {exc}")]) from None
        self.eof = not data
        self.text = self.text[pos:] + text
        self.lines = _Lines(self.text, line)
        return 0

    def skip_ws(self, pos: int) -> int:
        """The first non-blank position from `pos`, reading on as needed; len(text) only at the end."""
        while (pos := _skip_ws(self.text, pos)) == len(self.text) and not self.eof:
            pos = self.more(pos)
        return pos

    def problem(self, pos: int, message: str) -> InputError:
        return InputError([Problem(self.name, self.lines.at(pos), "record", message)])


def _json_file(name: str, raw: BinaryIO) -> Iterator[RawRecord]:
    """The records of a .json file (or a stream). An array is read a piece at a time (memory is its largest
    record's, not the file's), each record parsed as `_json` parses a whole text; anything else is read
    whole, its format told by `name`."""
    window = _Window(name, raw)
    pos = window.skip_ws(0)
    if window.text[pos : pos + 1] != "[":
        while not window.eof:
            window.more(0)
        yield from read_records(name, window.text)
        return
    yield from _numbered(_json_array(window, pos + 1))


def _closing(raw: BinaryIO, records: Iterator[RawRecord]) -> Iterator[RawRecord]:
    with raw:
        yield from records


def _json_array(window: _Window, pos: int) -> Iterator[RawRecord]:
    """The records of the array whose "[" is just before `pos`; records that are no mapping are listed at
    the end, as `read_records` lists them."""
    name, bad = window.name, []
    pos = window.skip_ws(pos)
    if window.text[pos : pos + 1] == "]":
        pos += 1
    else:
        while True:
            value, pos, line = _array_item(window, pos)
            if isinstance(value, LocatedDict):
                yield RawRecord(name, line, value)
            else:
                bad.append(Problem(name, line, "record", "must be a mapping of fields"))
            pos = window.skip_ws(pos)
            delimiter = window.text[pos : pos + 1]
            if delimiter == "]":
                pos += 1
                break
            if delimiter != ",":
                raise window.problem(pos, "invalid JSON: Expecting ',' delimiter")
            pos += 1
    if window.skip_ws(pos) < len(window.text):
        raise window.problem(window.skip_ws(pos), "invalid JSON: Extra data")
    if bad:
        raise InputError(bad)


def _array_item(window: _Window, pos: int) -> tuple[Any, int, int]:
    """(the value at `pos`, a LocatedDict for an object; the position after it; its line), reading on while
    the text held ends inside it."""
    while True:
        pos = window.skip_ws(pos)
        text = window.text
        try:
            value, end = _DECODER.raw_decode(text, pos)
            # held text ending just after a value may have cut it ("12" of "123", "-2.5" of "-2.5e10"):
            # decide with a few characters after it in hand
            if window.eof or len(text) - _skip_ws(text, end) >= _CUT:
                line = window.lines.at(pos)
                if isinstance(value, dict):
                    value, end = _located(window.name, text, pos, value, window.lines)
                return value, end, line
        except json.JSONDecodeError as exc:
            if window.eof:
                raise window.problem(exc.pos, _invalid(exc)) from None
        except ValueError as exc:  # a number too long, already: it is no longer with more text
            raise window.problem(pos, _invalid(exc)) from None
        except RecursionError:  # thousands of nested [ or {
            raise window.problem(pos, "invalid JSON: nested too deeply") from None
        if len(text) - pos > MAX_RECORD_CHARS:
            raise window.problem(pos, f"a record larger than {MAX_RECORD_CHARS // 2**20} MiB: is a string left open?")
        pos = window.more(pos)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _yaml(name: str, text: str) -> Iterator[RawRecord]:
    try:
        docs = list(load_documents(text))
    except YAMLSyntaxError as exc:
        raise InputError([Problem(name, exc.line, exc.key or "record", exc.message)]) from None
    for line, value in docs:
        if isinstance(value, list):  # a YAML list of records
            lines = getattr(value, "lines", [line] * len(value))
            yield from (RawRecord(name, item_line, item) for item_line, item in zip(lines, value, strict=True))
        elif value is not None:
            yield RawRecord(name, line, value)
