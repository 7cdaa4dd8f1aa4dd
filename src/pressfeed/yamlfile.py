"""YAML loading that remembers where every value came from.

Config errors and import errors must name file, line and key; PyYAML's plain
loader forgets positions, so we construct from the composed node tree and keep
the 1-based line of every mapping key and sequence item.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml


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


def _construct(node: yaml.Node, loader: yaml.SafeLoader, path: str) -> Any:
    if isinstance(node, yaml.MappingNode):
        out = LocatedDict()
        out.line, out.lines = _line(node), {}
        loader.flatten_mapping(node)  # resolve `<<` merge keys
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise YAMLSyntaxError(_line(key_node), path, "mapping keys must be plain scalars")
            key = str(key)
            where = f"{path}.{key}" if path else key
            if key in out:
                raise YAMLSyntaxError(_line(key_node), where, "duplicate key")
            out[key] = _construct(value_node, loader, where)
            out.lines[key] = _line(key_node)
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LocatedList()
        seq.line, seq.lines = _line(node), []
        for index, item in enumerate(node.value):
            seq.append(_construct(item, loader, f"{path}[{index}]"))
            seq.lines.append(_line(item))
        return seq
    return loader.construct_object(node, deep=True)


def load_documents(text: str) -> Iterator[tuple[int, Any]]:
    """Yield (line, value) for every document of a (multi-document) YAML text."""
    try:
        loader = yaml.SafeLoader(text)  # rejects unprintable characters already
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(None, "", f"invalid YAML: {exc}") from None
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is None:
                continue
            yield _line(node), _construct(node, loader, "")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark else None
        raise YAMLSyntaxError(line, "", f"invalid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YAMLSyntaxError(None, "", f"invalid YAML: {exc}") from None
    finally:
        loader.dispose()


def load_one(text: str) -> Any:
    docs = list(load_documents(text))
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
