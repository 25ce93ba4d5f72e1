"""A deliberately tiny text template syntax: `{{ params.name }}` and `{{ answers.question_id }}`.

Nothing else is allowed inside the braces: no filters, no expressions, no attribute access. That
keeps text in a shared pattern from doing anything but insert a value, shown the GOV.UK way for
its type (money as "£25", dates as "4 June 2026"). HTML escaping is the web layer's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_OPEN = "{{"
_CLOSE = "}}"
_REFERENCE = re.compile(r"^\s*(params|answers)\.([a-z][a-z0-9_]*)\s*$")


@dataclass(frozen=True, slots=True)
class Placeholder:
    """`{{ scope.name }}` at offset `start`; scope and name are empty if it is malformed."""

    start: int
    end: int
    scope: str
    name: str

    @property
    def valid(self) -> bool:
        return bool(self.scope)


def template_placeholders(text: str) -> list[Placeholder]:
    """Every placeholder in `text`, in order, malformed ones included (for the checker)."""
    found: list[Placeholder] = []
    position = 0
    while (start := text.find(_OPEN, position)) != -1:
        end = text.find(_CLOSE, start + len(_OPEN))
        if end == -1:
            found.append(Placeholder(start, len(text), "", ""))
            break
        inner = text[start + len(_OPEN) : end]
        match = _REFERENCE.match(inner)
        if match is None or _OPEN in inner:
            found.append(Placeholder(start, end + len(_CLOSE), "", ""))
        else:
            found.append(Placeholder(start, end + len(_CLOSE), match[1], match[2]))
        position = end + len(_CLOSE)
    return found


def template_render(text: str, *, resolve: Callable[[str, str], str]) -> str:
    """`text` with each valid placeholder replaced by `resolve(scope, name)`."""
    if _OPEN not in text:
        return text
    parts: list[str] = []
    position = 0
    for placeholder in template_placeholders(text):
        parts.append(text[position : placeholder.start])
        if placeholder.valid:
            parts.append(resolve(placeholder.scope, placeholder.name))
        else:
            parts.append(text[placeholder.start : placeholder.end])
        position = placeholder.end
    parts.append(text[position:])
    return "".join(parts)
