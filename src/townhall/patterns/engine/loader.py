"""From text (or stored JSON) to a checked `Pattern`, or to every problem with its position.

The phases run in order: YAML, schema, then whole-pattern checks (routing graph, references,
expression types, Welsh). Each phase reports everything it finds; a later phase runs only when the
earlier ones found no errors, because it needs their result (the graph needs valid pages).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from townhall.patterns.engine.analysis import dotted, pattern_analyse
from townhall.patterns.engine.diagnostics import Diagnostic, diagnostics_have_errors
from townhall.patterns.engine.graph import fallthroughs, graph_check, routing_successors
from townhall.patterns.engine.pattern import Pattern
from townhall.patterns.engine.schema import PatternSpec
from townhall.patterns.engine.values import JSON
from townhall.patterns.engine.yamlsource import DataPath, SourceMap, yaml_parse

_FORMATS = {
    r"^[a-z][a-z0-9_]{0,39}$": "lower-case letters, digits and underscores, starting with a letter",
    r"^\d+\.\d+\.\d+$": "a semantic version like 1.0.0",
    r"^\d{4}-\d{2}-\d{2}$": "a date like 2026-04-01",
    r"^[A-Z]{2,5}$": "2 to 5 capital letters",
}


def _field_names(models: list[type[BaseModel]]) -> frozenset[str]:
    names: set[str] = set()
    seen: set[type[BaseModel]] = set()
    while models:
        model = models.pop()
        if model in seen:
            continue
        seen.add(model)
        for name, info in model.model_fields.items():
            names.add(info.alias or name)
        models.extend(_nested_models(model))
    return frozenset(names)


def _nested_models(model: type[BaseModel]) -> list[type[BaseModel]]:
    found: list[type[BaseModel]] = []
    for info in model.model_fields.values():
        stack: list[object] = [info.annotation]
        while stack:
            item = stack.pop()
            if isinstance(item, type) and issubclass(item, BaseModel):
                found.append(item)
            stack.extend(getattr(item, "__args__", ()))
    return found


# Every field name in the format, for "did you mean" hints on misspelt keys.
_FIELD_NAMES = sorted(_field_names([PatternSpec]))


class PatternInvalid(ValueError):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("; ".join(d.format() for d in diagnostics[:5]))
        self.diagnostics = diagnostics


@dataclass(frozen=True, slots=True)
class PatternLoad:
    """A pattern (None if it has errors) and every problem found, in file order."""

    pattern: Pattern | None
    diagnostics: tuple[Diagnostic, ...]
    data: JSON = None

    @property
    def ok(self) -> bool:
        return self.pattern is not None


def _data_path(data: JSON, loc: tuple[int | str, ...]) -> tuple[DataPath, bool]:
    """Follow a pydantic error location through the data, skipping union tags it adds."""
    path: list[str | int] = []
    node: Any = data
    for part in loc:
        if part == "[key]":
            return tuple(path), True
        in_mapping = isinstance(node, dict) and isinstance(part, str) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
        else:
            continue
        path.append(part)
    return tuple(path), False


def schema_diagnostic(error: Mapping[str, Any], data: JSON, source: SourceMap) -> Diagnostic:
    kind, loc, context = error["type"], tuple(error["loc"]), error.get("ctx") or {}
    path, is_key = _data_path(data, loc)
    where = dotted(path) or "the pattern"
    if kind == "missing":
        return source.diagnostic(path, "PAT101", f"{where}: missing required field '{loc[-1]}'")
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(str(loc[-1]), _FIELD_NAMES, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return source.diagnostic(path, "PAT102", f"{where}: unknown field{hint}", key=True)
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        if kind == "union_tag_not_found":
            return source.diagnostic(path, "PAT101", f"{where}: missing required field 'type'")
        expected = context.get("expected_tags", "")
        return source.diagnostic(
            (*path, "type"),
            "PAT104",
            f"{where}: unknown type '{context.get('tag')}' (expected one of {expected})",
        )
    if kind in ("literal_error", "enum"):
        return source.diagnostic(path, "PAT104", f"{where}: {error['msg']}")
    if kind == "string_pattern_mismatch":
        described = _FORMATS.get(
            str(context.get("pattern")), f"the pattern {context.get('pattern')}"
        )
        shown = path[-1] if is_key else error.get("input")
        return source.diagnostic(
            path, "PAT105", f"{where}: '{shown}' must be {described}", key=is_key
        )
    message = str(error["msg"]).removeprefix("Value error, ")
    return source.diagnostic(path, "PAT103", f"{where}: {message}", key=is_key)


def diagnostics_sorted(diagnostics: list[Diagnostic]) -> tuple[Diagnostic, ...]:
    return tuple(sorted(set(diagnostics), key=lambda d: (d.file, d.line, d.column, d.code)))


def pattern_check_data(
    *, data: JSON, source: SourceMap, expected_id: str | None = None
) -> PatternLoad:
    """Validate already-parsed data: the schema, then the whole-pattern checks."""
    try:
        spec = PatternSpec.model_validate(data)
    except ValidationError as error:
        found = [schema_diagnostic(e, data, source) for e in error.errors(include_url=False)]
        return PatternLoad(None, diagnostics_sorted(found), data)
    problems: list[Diagnostic] = []
    if expected_id is not None and spec.id != expected_id:
        problems.append(
            source.diagnostic(
                ("id",), "PAT111", f"the id '{spec.id}' must match the folder name '{expected_id}'"
            )
        )
    facts, graph_problems = graph_check(spec, source)
    problems.extend(graph_problems)
    analysis_problems, compiled = pattern_analyse(spec, source, facts)
    problems.extend(analysis_problems)
    if diagnostics_have_errors(problems):
        return PatternLoad(None, diagnostics_sorted(problems), data)
    pattern = Pattern(
        spec=spec,
        pages={page.id: page for page in spec.pages},
        order=tuple(page.id for page in spec.pages),
        fallthrough=fallthroughs(spec),
        successors=routing_successors(spec),
        expressions=compiled,
    )
    return PatternLoad(pattern, diagnostics_sorted(problems), data)


def pattern_parse(*, text: str, filename: str, expected_id: str | None = None) -> PatternLoad:
    """Parse and check pattern.yaml text. Never raises for a bad pattern: see `diagnostics`."""
    data, source, problems = yaml_parse(text=text, filename=filename)
    if problems:
        return PatternLoad(None, diagnostics_sorted(problems), data)
    return pattern_check_data(data=data, source=source, expected_id=expected_id)


def pattern_from_data(*, data: JSON) -> Pattern:
    """Build a pattern from stored JSON (a published version); raise PatternInvalid if it is not."""
    loaded = pattern_check_data(data=data, source=SourceMap(filename="<stored pattern>"))
    if loaded.pattern is None:
        raise PatternInvalid(list(loaded.diagnostics))
    return loaded.pattern


def pattern_id_guess(text: str) -> str | None:
    """The `id:` of a pattern file that may not parse, for messages about it."""
    match = re.search(r"^id:\s*([a-z0-9-]+)\s*$", text, re.MULTILINE)
    return match[1] if match else None
