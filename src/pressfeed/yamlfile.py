"""YAML loading that remembers where every value came from.

Config errors and import errors must name file, line and key; PyYAML's plain
loader forgets positions, so we construct from the composed node tree and keep
the 1-based line of every mapping key and sequence item.

Constructing a tree ourselves expands every alias anew, so a few hundred bytes
of nested anchors and aliases (a "billion laughs") would build gigabytes.
Aliases and merge keys may add at most as many values as the document writes
itself (and at least ALIAS_ALLOWANCE); beyond that the document is refused.
Texts are refused above a size too: PyYAML needs ~50 bytes of memory and
~2 µs per character.

PyYAML itself is imported by the first text parsed: a command whose config
comes from :class:`YAMLCache` never imports it (~10 ms of every cron start).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import sys
from collections.abc import Iterator
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import Picklable

if TYPE_CHECKING:
    import yaml

#: values that aliases and merge keys may add to any document, whatever its own size
ALIAS_ALLOWANCE = 10_000
#: the longest config (or sources file) read, in characters
MAX_CONFIG_CHARS = 1024 * 1024
#: the longest YAML export read, in characters; bigger exports belong in JSON Lines (streamed)
MAX_EXPORT_CHARS = 16 * 1024 * 1024


class LocatedDict(dict[str, Any]):
    """A mapping that knows the line of each key (and its own)."""

    line: int
    lines: dict[str, int]


class LocatedList(list[Any]):
    line: int
    lines: list[int]


def value_kind(value: Any) -> str:
    """What a value read from YAML or JSON is, in the words of a message: "must be text, not a list" (never
    a class name: a YAML mapping is a LocatedDict here)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "empty"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, bytes):
        return "binary data"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text" if isinstance(value, str) else type(value).__name__


class YAMLSyntaxError(Picklable, ValueError):
    def __init__(self, line: int | None, key: str, message: str) -> None:
        self.line, self.key, self.message = line, key, message
        super().__init__(message)


MERGE_TAG = "tag:yaml.org,2002:merge"
VALUE_TAG = "tag:yaml.org,2002:value"
STR_TAG = "tag:yaml.org,2002:str"
MAP_TAG = "tag:yaml.org,2002:map"
SEQ_TAG = "tag:yaml.org,2002:seq"
TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
INT_TAG = "tag:yaml.org,2002:int"
#: a number Python does not read (int() of more than 4,300 digits), in YAML and JSON alike
TOO_LONG_NUMBER = f"a number longer than {sys.get_int_max_str_digits():,} digits (quote it if it is text)"


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Python values from one composed document, with alias expansion on a budget."""

    def __init__(self, loader: yaml.SafeLoader, root: yaml.Node) -> None:
        import yaml

        self.mapping_node, self.sequence_node = yaml.MappingNode, yaml.SequenceNode
        self.loader = loader
        self.seen: set[int] = set()
        # the document may expand to twice what it writes, or by ALIAS_ALLOWANCE when small
        self.allowance = max(ALIAS_ALLOWANCE, _count_nodes(root))
        self.repeats = 0
        self.merged: dict[int, int] = {}

    def spend(self, count: int, line: int, path: str) -> None:
        self.repeats += count
        if self.repeats > self.allowance:
            raise YAMLSyntaxError(
                line,
                path,
                f"aliases expand this document by more than {self.allowance:,} values (an alias bomb?); "
                "write the values out instead of using anchors and aliases",
            )

    def construct(self, node: yaml.Node, path: str, written: int = 0) -> Any:
        """`written`: the line of the innermost node written where it stands (not reached by an alias)."""
        if id(node) in self.seen:  # an alias: built again, and paid for
            self.spend(1, written or _line(node), path)
        else:
            self.seen.add(id(node))
            written = _line(node)  # aliases share the anchored node, whose line is the anchor's
        if isinstance(node, self.mapping_node):
            self.plain(node, MAP_TAG, path)
            return self.mapping(node, path, written)
        if isinstance(node, self.sequence_node):
            self.plain(node, SEQ_TAG, path)
            seq = LocatedList()
            seq.line, seq.lines = _line(node), []
            for index, item in enumerate(node.value):
                seq.append(self.construct(item, f"{path}[{index}]", written))
                seq.lines.append(_line(item))
            return seq
        self.plain(node, "", path)
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            if node.tag == INT_TAG:  # Python refuses int() of more than 4,300 digits
                raise YAMLSyntaxError(_line(node), path, TOO_LONG_NUMBER) from None
            if node.tag != TIMESTAMP_TAG:
                raise
            # "2025-13-45" looks like a date and is none: PyYAML raises from datetime() with no mark. As text,
            # the field that wants a date says so at its line ("invalid date '2025-13-45': month must be in
            # 1..12"), as for the same value quoted or in JSON; a field that wants text takes it as written.
            # PyYAML still marks the node as under construction: an alias to it would be refused as "recursive".
            self.loader.recursive_objects.pop(node, None)
            return str(node.value)

    def plain(self, node: yaml.Node, tag: str, path: str) -> None:
        """Refuse a tag this reader would not honour: `!include [a.yaml]` must not pass as a plain list.

        Mappings and lists are read as plain ones (so `!!set`, `!!omap` and any `!tag` are refused on them);
        scalars may carry the standard tags PyYAML's safe loader constructs (`!!str 0123`).
        """
        if node.tag == tag or (not tag and node.tag in self.loader.yaml_constructors):
            return
        name = node.tag.replace("tag:yaml.org,2002:", "!!")
        raise YAMLSyntaxError(
            _line(node), path, f"invalid YAML: the tag {name} is not supported here (remove it; plain YAML only)"
        )

    def mapping(self, node: yaml.MappingNode, path: str, written: int) -> LocatedDict:
        out = LocatedDict()
        out.line, out.lines = _line(node), {}
        # `<<` merge keys copy pairs: pay for them before they are copied
        self.spend(max(self.merged_size(node) - len(node.value), 0), written, path)
        for key, (key_node, value_node) in self.pairs(node, path, ()).items():
            where = f"{path}.{key}" if path else key
            out[key] = self.construct(value_node, where, written)
            out.lines[key] = _line(key_node)  # a merged key: where it is written
        return out

    def pairs(self, node: yaml.MappingNode, path: str, merging: tuple[int, ...]) -> dict[str, tuple[Any, Any]]:
        """The mapping's (key node, value node) by key, its merge keys resolved as YAML's merge key says.

        Its own keys override merged ones, and of the mappings merged (`<<: [*a, *b]`) the first that has
        a key gives it; a key the mapping (or one merged) writes twice itself is a duplicate. Not
        PyYAML's flatten_mapping, which, depending on its version, lets a key merged from a merged
        mapping win over that mapping's own (6.0.2+), and rewrites the nodes it flattens.
        """
        if id(node) in merging:
            raise YAMLSyntaxError(_line(node), path, "a merge key (<<) merges a mapping into itself")
        own: dict[str, tuple[Any, Any]] = {}
        merged: list[yaml.MappingNode] = []
        for key_node, value_node in node.value:
            if key_node.tag == MERGE_TAG:
                sources = value_node.value if isinstance(value_node, self.sequence_node) else [value_node]
                if not all(isinstance(source, self.mapping_node) for source in sources):
                    raise YAMLSyntaxError(
                        _line(value_node), path, "a merge key (<<) takes a mapping or a list of mappings (*anchors)"
                    )
                self.plain(value_node, SEQ_TAG if isinstance(value_node, self.sequence_node) else MAP_TAG, path)
                for source in sources:
                    self.plain(source, MAP_TAG, path)
                merged.extend(sources)
                continue
            if key_node.tag == VALUE_TAG:  # a `=` key is text, as PyYAML reads it
                key_node.tag = STR_TAG
            key = self.key(key_node, path)
            if key in own:
                raise YAMLSyntaxError(_line(key_node), f"{path}.{key}" if path else key, "duplicate key")
            own[key] = (key_node, value_node)
        if not merged:
            return own
        out: dict[str, tuple[Any, Any]] = {}
        for source in merged:
            for key, pair in self.pairs(source, path, (*merging, id(node))).items():
                out.setdefault(key, pair)
        out.update(own)
        return out

    def key(self, node: yaml.Node, path: str) -> str:
        if not isinstance(node, self.mapping_node | self.sequence_node):
            self.plain(node, "", path)
        key = self.loader.construct_object(node, deep=True)
        if not isinstance(key, str | int | float | bool):
            raise YAMLSyntaxError(_line(node), path, "mapping keys must be plain scalars")
        return str(key)

    def merged_size(self, node: yaml.MappingNode) -> int:
        """Pairs `node` has once its merge keys are resolved, overridden ones included (memoized: linear
        in the document)."""
        known = self.merged.get(id(node))
        if known is not None:
            return known
        self.merged[id(node)] = 0  # a merge cycle adds nothing (pairs() refuses it)
        size = 0
        for key_node, value_node in node.value:
            if key_node.tag != MERGE_TAG:
                size += 1
            elif isinstance(value_node, self.mapping_node):
                size += self.merged_size(value_node)
            elif isinstance(value_node, self.sequence_node):
                size += sum(self.merged_size(v) for v in value_node.value if isinstance(v, self.mapping_node))
        self.merged[id(node)] = size
        return size


def _count_nodes(root: yaml.Node) -> int:
    """Distinct nodes of a composed document (aliases share theirs), without recursion."""
    import yaml

    seen: set[int] = set()
    todo = [root]
    while todo:
        node = todo.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            todo.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            todo.extend(node.value)
    return len(seen)


def load_documents(
    text: str, max_chars: int = MAX_EXPORT_CHARS, *, too_long: str = "use JSON Lines", config: bool = False
) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for every document of a (multi-document) YAML text.

    `too_long`: what to do about a text beyond `max_chars` (an export has JSON Lines; a config has no way out).
    `config`: read plain scalars as YAML 1.1 does (`yes`/`on` are booleans); otherwise as data, see _data_loader.
    """
    import yaml

    if len(text) > max_chars:
        advice = f" ({too_long})" if too_long else ""
        raise YAMLSyntaxError(
            None, "", f"YAML text of {len(text):,} characters, more than the {max_chars:,} read{advice}"
        )
    try:
        loader = (yaml.SafeLoader if config else _data_loader())(text)  # rejects unprintable characters already
    except yaml.reader.ReaderError as exc:  # no mark: its line is counted here
        raise _unacceptable(text, exc) from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(None, "", f"invalid YAML: {exc}") from None
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            yield _line(node), _Builder(loader, node).construct(node, "")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark else None
        raise YAMLSyntaxError(line, "", f"invalid YAML: {exc.problem or exc}{_opened(exc, line)}") from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(None, "", f"invalid YAML: {exc}") from None
    except RecursionError:  # PyYAML composes recursively: thousands of nested [ or {
        raise YAMLSyntaxError(None, "", "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def _opened(exc: yaml.MarkedYAMLError, line: int | None) -> str:
    """Where the construct the parser was in began, when on an earlier line: an unclosed quote or `[` is
    noticed lines later (at the end of the file, for a quote), but is fixed where it opens."""
    start = exc.context_mark
    if not exc.context or start is None or line is None or start.line + 1 >= line:
        return ""
    return f" ({exc.context} that starts at line {start.line + 1})"


#: what PyYAML's marks count as line breaks
_BREAKS = re.compile("\r\n|[\n\r\x85\u2028\u2029]")


def _unacceptable(text: str, exc: yaml.reader.ReaderError) -> YAMLSyntaxError:
    """A character YAML does not allow (a control character or NUL, pasted in), at its line."""
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    line = len(_BREAKS.findall(text, 0, exc.position)) + 1
    return YAMLSyntaxError(
        line, "", f"invalid YAML: character U+{code:04X} is not allowed in YAML text ({exc.reason}); delete it"
    )


@cache
def _data_loader() -> type[yaml.SafeLoader]:
    """SafeLoader reading plain scalars by YAML 1.2's core schema, and numbers with a leading zero as text.

    YAML 1.1, PyYAML's, turns an export's `id: 0123` into 83 (octal, taking article 83's id), `1:30` into 90
    (base 60) and a tag `yes` into True. Here only true/false are booleans and only plain decimals numbers;
    null, timestamps and merge keys are read as before.
    """
    import yaml

    class DataLoader(yaml.SafeLoader):
        pass

    retyped = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"}
    DataLoader.yaml_implicit_resolvers = {
        first: [(tag, pattern) for tag, pattern in resolvers if tag not in retyped]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    DataLoader.add_implicit_resolver(
        "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
    )
    DataLoader.add_implicit_resolver(
        "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
    )
    DataLoader.add_implicit_resolver(
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$|^[-+]?\.(?:inf|Inf|INF)$"),
        list("-+0123456789."),  # not-a-number stays text: nobody exports it on purpose
    )
    return DataLoader


def load_one(text: str, max_chars: int = MAX_CONFIG_CHARS) -> Any:
    docs = list(load_documents(text, max_chars, too_long="", config=True))
    if len(docs) > 1:
        raise YAMLSyntaxError(docs[1][0], "", "expected a single YAML document")
    return docs[0][1] if docs else None


def line_of(container: Any, key: str | int) -> int | None:
    """Line of `key` in a LocatedDict / index in a LocatedList, else the container's."""
    if isinstance(container, LocatedDict):
        return container.lines.get(str(key), container.line)
    if isinstance(container, LocatedList) and isinstance(key, int) and key < len(container.lines):
        return container.lines[key]
    return getattr(container, "line", None)


# -- parsed texts remembered between runs ------------------------------------------------------------

#: the layout of a cache file, and what a parse gives; a change makes every existing cache file a miss
#: (2: merge keys resolved as YAML says, so a nested merge's own keys win; 3: tags on mappings and lists refused)
CACHE_FORMAT = 3
#: a cache file bigger than this is not read (a config and a sources file are at most 1 MiB each)
MAX_CACHE_BYTES = 16 * 1024 * 1024


class _Uncacheable(Exception):
    """A value JSON cannot give back exactly (a date, bytes, a set): that text is parsed every time."""


def _encode(value: Any) -> Any:
    """A parsed value as JSON: mappings {"m": line, "k": [[key, line, value]…]}, lists {"s": line, "i": [[line,
    value]…]}, scalars as they are (only types JSON returns unchanged)."""
    if isinstance(value, LocatedDict):
        return {"m": value.line, "k": [[key, value.lines[key], _encode(item)] for key, item in value.items()]}
    if isinstance(value, LocatedList):
        return {"s": value.line, "i": [[line, _encode(item)] for line, item in zip(value.lines, value, strict=True)]}
    if value is None or type(value) in (str, int, float, bool):
        return value
    raise _Uncacheable(type(value).__name__)


def _decode(data: Any) -> Any:
    if not isinstance(data, dict):
        return data
    if "m" in data:
        mapping = LocatedDict()
        mapping.line, mapping.lines = int(data["m"]), {}
        for key, line, item in data["k"]:
            mapping[str(key)] = _decode(item)
            mapping.lines[str(key)] = int(line)
        return mapping
    seq = LocatedList()
    seq.line, seq.lines = int(data["s"]), []
    for line, item in data["i"]:
        seq.append(_decode(item))
        seq.lines.append(int(line))
    return seq


def _file_stamp(path: str | None) -> list[Any] | None:
    try:
        info = os.stat(path) if path else None
    except OSError:
        return None
    return [path, info.st_size, info.st_mtime_ns] if info else None


def _parser_stamp() -> list[Any] | None:
    """What a parse depends on besides the text: this module and the PyYAML installed (found, not imported)."""
    from importlib.machinery import PathFinder

    from . import __version__

    spec = PathFinder.find_spec("yaml")
    ours, theirs = _file_stamp(__file__), _file_stamp(spec.origin if spec else None)
    if ours is None or theirs is None:
        return None
    return [CACHE_FORMAT, __version__, ours, theirs]


class YAMLCache:
    """Single YAML documents parsed before (a config, a sources file), remembered in one JSON file by the
    SHA-256 of their text, with their lines, so a cron run whose config did not change parses nothing.

    An entry is used only for the very text it was parsed from, by the same pressfeed, this module and the
    same PyYAML (their files' size and mtime); the values and lines it gives are the parse's, so a config
    is validated, and its errors located, exactly as without it. Texts that do not parse, or hold values
    JSON cannot carry (dates, binary), are never remembered. The file is only read when it is a regular
    file of this user that no one else may write; a damaged or foreign file is a miss. :meth:`save` (after
    the config validated) keeps the entries this load used, and writes only when they changed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        # no owner to check (Windows): no cache, every text is parsed
        self.stamp = _parser_stamp() if hasattr(os, "geteuid") else None
        self.stored: dict[str, Any] = self._read() if self.stamp is not None else {}
        self.used: dict[str, Any] = {}
        self.added = False  # a text parsed now is to be remembered

    def _read(self) -> dict[str, Any]:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return {}
        try:
            info = os.fstat(fd)
            mine = info.st_uid == os.geteuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
            if not stat.S_ISREG(info.st_mode) or not mine or info.st_size > MAX_CACHE_BYTES:
                return {}
            with os.fdopen(os.dup(fd), "rb") as fh:
                data = json.loads(fh.read())
        except (OSError, ValueError, RecursionError):
            return {}
        finally:
            os.close(fd)
        if not isinstance(data, dict) or data.get("stamp") != self.stamp or not isinstance(data.get("texts"), dict):
            return {}
        texts: dict[str, Any] = data["texts"]
        return texts

    def load_one(self, text: str, max_chars: int = MAX_CONFIG_CHARS) -> Any:
        """:func:`load_one`, from the cache when this text was parsed before."""
        key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        if key in self.stored:
            try:
                value = _decode(self.stored[key])
            except (TypeError, ValueError, KeyError, RecursionError):
                pass  # not what this module writes: parse the text
            else:
                self.used[key] = self.stored[key]
                return value
        value = load_one(text, max_chars)
        if self.stamp is not None:
            try:
                self.used[key] = _encode(value)
            except _Uncacheable:
                pass
            else:
                self.added = True
        return value

    def save(self) -> None:
        """Keep what this load used (once its texts validated); best effort, as any cache."""
        if not self.added and self.used.keys() == self.stored.keys():
            return  # nothing new, nothing dropped
        if not self.path.parent.is_dir():
            return  # no store folder here: not made for a cache
        import tempfile

        data = json.dumps({"stamp": self.stamp, "texts": self.used}, separators=(",", ":"))
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
        except OSError:
            return  # a read-only store folder: the next run that may write will
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(data)
            os.replace(tmp, self.path)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
        else:
            self.stored, self.added = dict(self.used), False
