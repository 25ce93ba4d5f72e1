"""Builders for test patterns: each test writes only the part of a pattern it is about."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from townhall.patterns.engine import Pattern, page_validate, pattern_parse
from townhall.patterns.engine.loader import pattern_check_data
from townhall.patterns.engine.values import Language, PageResult, RawInput
from townhall.patterns.engine.yamlsource import SourceMap

TODAY = dt.date(2026, 1, 15)
DATA = Path(__file__).parent / "data"
REPOSITORY = Path(__file__).resolve().parents[4]
LIBRARY = REPOSITORY / "patterns"

_BASE: dict[str, Any] = {
    "format": 1,
    "id": "test-pattern",
    "title": "Test pattern",
    "summary": "A pattern built by a test.",
    "version": "1.0.0",
    "owner": "Townhall",
    "licence": "OGL-UK-3.0",
    "start": {"body": "Start here."},
    "outcome": {
        "reference_prefix": "TST",
        "confirmation_title": "Sent",
        "what_happens_next": "We will reply.",
    },
}


def pattern_data(*, pages: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    data = copy.deepcopy(_BASE)
    data.update(copy.deepcopy(fields))
    data["pages"] = copy.deepcopy(pages)
    return data


def pattern_build(*, pages: list[dict[str, Any]], **fields: Any) -> Pattern:
    """A checked pattern; fails the test with every diagnostic if it has errors."""
    loaded = pattern_check_data(
        data=pattern_data(pages=pages, **fields), source=SourceMap(filename="<test>")
    )
    assert loaded.pattern is not None, [d.format() for d in loaded.diagnostics]
    return loaded.pattern


def question(type_: str, id_: str = "q", **fields: Any) -> dict[str, Any]:
    page: dict[str, Any] = {"id": id_, "type": type_, "label": "Question?", "subject": "the answer"}
    page.update(fields)
    return page


def pattern_load(path: Path) -> Pattern:
    loaded = pattern_parse(text=path.read_text(encoding="utf-8"), filename=str(path))
    assert loaded.pattern is not None, [d.format() for d in loaded.diagnostics]
    return loaded.pattern


def every_type_pattern() -> Pattern:
    return pattern_load(DATA / "every_question_type.yaml")


def pothole_pattern() -> Pattern:
    return pattern_load(LIBRARY / "report-a-pothole" / "pattern.yaml")


def raw(**values: Any) -> RawInput:
    """Form input with Python-friendly names: `dob__day` posts as `dob-day`."""
    return {name.replace("__", "-"): value for name, value in values.items()}


def check(page: dict[str, Any], data: Any, *, language: Language = "en") -> PageResult:
    # English-only patterns (no PAT501 for the test's untranslated labels): the engine still
    # gives Welsh messages, with the Welsh of each `subject` where the test wrote one.
    pattern = pattern_build(pages=[page])
    return page_validate(
        pattern=pattern, page_id=page["id"], raw=data, params={}, language=language, today=TODAY
    )


def messages(result: PageResult) -> list[tuple[str, str]]:
    return [(error.field, error.message) for error in result.errors]
