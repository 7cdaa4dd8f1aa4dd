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
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

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


class YAMLSyntaxError(ValueError):
    def __init__(self, line: int | None, key: str, message: str) -> None:
        self.line, self.key, self.message = line, key, message
        super().__init__(message)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Python values from one composed document, with alias expansion on a budget."""

    def __init__(self, loader: yaml.SafeLoader, root: yaml.Node) -> None:
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
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, path, written)
        if isinstance(node, yaml.SequenceNode):
            seq = LocatedList()
            seq.line, seq.lines = _line(node), []
            for index, item in enumerate(node.value):
                seq.append(self.construct(item, f"{path}[{index}]", written))
                seq.lines.append(_line(item))
            return seq
        return self.loader.construct_object(node, deep=True)

    def mapping(self, node: yaml.MappingNode, path: str, written: int) -> LocatedDict:
        out = LocatedDict()
        out.line, out.lines = _line(node), {}
        # PyYAML resolves `<<` merge keys by copying pairs: count them before it does
        self.spend(max(self.merged_size(node) - len(node.value), 0), written, path)
        self.loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise YAMLSyntaxError(_line(key_node), path, "mapping keys must be plain scalars")
            key = str(key)
            where = f"{path}.{key}" if path else key
            if key in out:
                raise YAMLSyntaxError(_line(key_node), where, "duplicate key")
            out[key] = self.construct(value_node, where, written)
            out.lines[key] = _line(key_node)
        return out

    def merged_size(self, node: yaml.MappingNode) -> int:
        """Pairs `node` has once its merge keys are resolved (memoized: linear in the document)."""
        known = self.merged.get(id(node))
        if known is not None:
            return known
        self.merged[id(node)] = 0  # a merge cycle adds nothing (PyYAML rejects it later)
        size = 0
        for key_node, value_node in node.value:
            if key_node.tag != "tag:yaml.org,2002:merge":
                size += 1
            elif isinstance(value_node, yaml.MappingNode):
                size += self.merged_size(value_node)
            elif isinstance(value_node, yaml.SequenceNode):
                size += sum(self.merged_size(v) for v in value_node.value if isinstance(v, yaml.MappingNode))
        self.merged[id(node)] = size
        return size


def _count_nodes(root: yaml.Node) -> int:
    """Distinct nodes of a composed document (aliases share theirs), without recursion."""
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


def load_documents(text: str, max_chars: int = MAX_EXPORT_CHARS) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for every document of a (multi-document) YAML text."""
    if len(text) > max_chars:
        raise YAMLSyntaxError(
            None, "", f"YAML text of {len(text):,} characters, more than the {max_chars:,} read (use JSON Lines)"
        )
    try:
        loader = yaml.SafeLoader(text)  # rejects unprintable characters already
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
        raise YAMLSyntaxError(line, "", f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(None, "", f"invalid YAML: {exc}") from None
    except RecursionError:  # PyYAML composes recursively: thousands of nested [ or {
        raise YAMLSyntaxError(None, "", "invalid YAML: nested too deeply") from None
    finally:
        loader.dispose()


def load_one(text: str, max_chars: int = MAX_CONFIG_CHARS) -> Any:
    docs = list(load_documents(text, max_chars))
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
