"""A published definition as the library page shows it: plain, localised rows (no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

NOT_QUESTIONS = frozenset({"content", "exit"})


def localised(value: Any, language: str) -> str:
    """Text in the reader's language where the pattern has it, English otherwise."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return "" if value is None else str(value)


@dataclass(frozen=True)
class PageRow:
    id: str
    type: str
    heading: str
    hint: str
    required: bool | None
    options: list[str]
    rules: list[tuple[str, str]]
    questions: list[PageRow]
    limits: list[str]


_LIMIT_KEYS = (
    "min", "max", "min_length", "max_length", "min_items", "max_items", "min_chosen",
    "max_chosen", "max_size_mb", "max_files", "earliest", "latest", "decimal", "types",
)  # fmt: skip


def page_rows(pages: Any, language: str) -> list[PageRow]:
    rows = []
    for page in pages or []:
        if not isinstance(page, dict):
            continue
        page_type = str(page.get("type", ""))
        rows.append(
            PageRow(
                id=str(page.get("id", "")),
                type=page_type,
                heading=localised(page.get("label") or page.get("title"), language),
                hint=localised(page.get("hint"), language),
                required=None if page_type in NOT_QUESTIONS else page.get("required", True),
                options=[
                    localised(option.get("label"), language)
                    for option in page.get("options") or []
                    if isinstance(option, dict)
                ],
                rules=[
                    (str(rule.get("if", "")), str(rule.get("goto", "")))
                    for rule in page.get("next") or []
                    if isinstance(rule, dict)
                ],
                questions=page_rows(page.get("questions"), language),
                limits=[f"{key}: {page[key]}" for key in _LIMIT_KEYS if key in page],
            )
        )
    return rows


@dataclass(frozen=True)
class ParameterRow:
    name: str
    type: str
    required: bool
    default: str
    description: str


def parameter_rows(parameters: Any, language: str) -> list[ParameterRow]:
    rows = []
    for name, spec in (parameters or {}).items():
        if not isinstance(spec, dict):
            continue
        has_default = "default" in spec
        rows.append(
            ParameterRow(
                name=str(name),
                type=str(spec.get("type", "")),
                required=not has_default and spec.get("required", True) is not False,
                default=localised(spec.get("default"), language) if has_default else "",
                description=localised(spec.get("description"), language),
            )
        )
    return rows
