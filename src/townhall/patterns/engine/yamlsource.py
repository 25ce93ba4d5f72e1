"""YAML to plain data, keeping where every key and value was written.

PyYAML's `safe_load` forgets positions, so we compose the node graph and convert it ourselves:
each mapping key and value keeps its start mark, which is how a pydantic error location or a
routing problem becomes `file:line:col`. Converting ourselves also lets us refuse duplicate keys
(PyYAML silently keeps the last) and keep dates as the strings the author wrote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from townhall.patterns.engine.diagnostics import Diagnostic
from townhall.patterns.engine.values import JSON

type DataPath = tuple[str | int, ...]

# Tags converted to Python values; any other scalar (timestamps included) stays the text written.
_CONVERTED_TAGS = frozenset(
    {"tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"}
)
_NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True, slots=True)
class Position:
    """A 1-based line and column; `style` is a scalar's YAML style, to find text inside it."""

    line: int
    column: int
    style: str | None = None


@dataclass(slots=True)
class SourceMap:
    """Where each data path was written (empty for patterns built from stored JSON)."""

    filename: str
    text: str = ""
    values: dict[DataPath, Position] = field(default_factory=dict)
    keys: dict[DataPath, Position] = field(default_factory=dict)

    def position(self, path: DataPath, *, key: bool = False) -> Position:
        """The position of `path`, or of its nearest written ancestor."""
        table = self.keys if key else self.values
        probe = path
        while True:
            found = table.get(probe) or self.values.get(probe)
            if found is not None:
                return found
            if not probe:
                return Position(1, 1)
            probe = probe[:-1]

    def diagnostic(
        self, path: DataPath, code: str, message: str, *, key: bool = False
    ) -> Diagnostic:
        pos = self.position(path, key=key)
        return Diagnostic(self.filename, pos.line, pos.column, code, message)

    def locate(self, path: DataPath, line: int, column: int) -> tuple[int, int]:
        """The file position of a 1-based (line, column) inside the text scalar at `path`.

        Exact for plain and quoted one-line scalars and for literal blocks (`|`); folded and
        multi-line flow scalars are mapped line for line, which is close enough to find it.
        """
        pos = self.values.get(path)
        if pos is None:
            found = self.position(path)
            return found.line, found.column
        if pos.style in ("|", ">"):
            file_line = pos.line + line
            lines = self.text.splitlines()
            if file_line <= len(lines):
                content = lines[file_line - 1]
                return file_line, len(content) - len(content.lstrip(" ")) + column
            return pos.line, pos.column
        quote = 1 if pos.style in ("'", '"') else 0
        if line == 1:
            return pos.line, pos.column + quote + column - 1
        return pos.line + line - 1, column


def _position(node: Node) -> Position:
    start = node.start_mark
    style = node.style if isinstance(node, ScalarNode) else None
    return Position(start.line + 1, start.column + 1, style)


class _Converter:
    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.diagnostics: list[Diagnostic] = []
        self._constructor = SafeConstructor()
        self._stack: set[int] = set()

    def convert(self, node: Node, path: DataPath) -> JSON:
        self.source.values[path] = _position(node)
        if id(node) in self._stack:
            # A recursive alias (`&a [*a]`) would never end; patterns have no use for one.
            self._report(node, "PAT103", "a YAML alias refers to itself")
            return None
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self._stack.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.convert(item, (*path, i)) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                return self._mapping(node, path)
        finally:
            self._stack.discard(id(node))
        return None  # pragma: no cover - compose yields only the three node kinds

    def _scalar(self, node: ScalarNode) -> JSON:
        if node.tag == _NULL_TAG:
            return None
        if node.tag in _CONVERTED_TAGS:
            value = self._constructor.construct_object(node)
            if isinstance(value, bool | int | float):
                return value
        return str(node.value)

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[str, JSON]:
        result: dict[str, JSON] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self._report(key_node, "PAT103", "a mapping key must be plain text")
                continue
            # Keys stay the text written: `no:` is the key "no", never the boolean false.
            key = str(key_node.value)
            if key_node.tag == "tag:yaml.org,2002:merge":
                # `<<: *anchor` would otherwise become a key named "<<" and fail far from here.
                self._report(
                    key_node, "PAT005", "YAML merge keys (<<) are not supported: write the keys out"
                )
                continue
            child: DataPath = (*path, key)
            if key in result:
                first = self.source.keys[child]
                self._report(
                    key_node,
                    "PAT002",
                    f"duplicate key '{key}' (first written on line {first.line})",
                )
                continue
            self.source.keys[child] = _position(key_node)
            result[key] = self.convert(value_node, child)
        return result

    def _report(self, node: Node, code: str, message: str) -> None:
        pos = _position(node)
        self.diagnostics.append(
            Diagnostic(self.source.filename, pos.line, pos.column, code, message)
        )


def yaml_parse(*, text: str, filename: str) -> tuple[JSON, SourceMap, list[Diagnostic]]:
    """Parse YAML text into JSON-like data and a source map; syntax errors become PAT001."""
    source = SourceMap(filename=filename, text=text)
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        return None, source, [Diagnostic(filename, line, column, "PAT001", problem + context)]
    except yaml.YAMLError as error:
        return None, source, [Diagnostic(filename, 1, 1, "PAT001", str(error))]
    if root is None:
        return None, source, [Diagnostic(filename, 1, 1, "PAT004", "the file is empty")]
    converter = _Converter(source)
    data = converter.convert(root, ())
    if not isinstance(data, dict):
        pos = source.position(())
        converter.diagnostics.append(
            Diagnostic(filename, pos.line, pos.column, "PAT004", "the file must be a mapping")
        )
    return data, source, converter.diagnostics
