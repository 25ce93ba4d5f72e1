"""The engine's value types: what goes in (raw form input, answers, parameters) and what comes out.

Everything here is immutable and JSON-friendly, so the web runner, the API and Open311 can store
and pass these values without knowing anything about the engine's internals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

type JSON = str | int | float | bool | list[JSON] | dict[str, JSON] | None

# An answer is JSON: dates are ISO strings, money is integer pence, compound answers are objects.
# `None` means "asked, and left blank" (an optional question); a missing key means "not asked".
type Answer = JSON
type Answers = Mapping[str, Answer]
type ParamValues = Mapping[str, JSON]

Language = Literal["en", "cy"]
LANGUAGES: tuple[Language, ...] = ("en", "cy")

# The check-answers page ends every journey that does not end at an exit page. It is not a page in
# the pattern's list, so it has a reserved id that routing rules may `goto`.
CHECK_ANSWERS = "check_answers"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    """What the web layer knows about a file it has already stored: the engine never sees bytes."""

    name: str
    size: int
    content_type: str
    ref: str = ""


# Raw input as a form posts it: `<qid>` or `<qid>-<part>` keys, lists for checkboxes, and the
# metadata of uploaded files. The engine treats every value defensively: anything may arrive.
type RawValue = str | Sequence[str] | Sequence[UploadedFile] | Sequence[Mapping[str, JSON]]
type RawInput = Mapping[str, RawValue]


@dataclass(frozen=True, slots=True)
class FieldError:
    """One validation error, linked to the input it belongs to.

    `field` is the name of the form input (`dob-month`), which the web layer uses as the anchor of
    the error summary link; `code` is the stable error key (`date.incomplete_month`) that a
    pattern may override in its `errors:` mapping.
    """

    question_id: str
    field: str
    code: str
    message: str


@dataclass(frozen=True, slots=True)
class PageResult:
    """The outcome of validating one page: typed values, or errors (never both)."""

    values: Mapping[str, Answer]
    errors: tuple[FieldError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True, slots=True)
class SummaryRow:
    """One row of the check-answers summary list."""

    question_id: str
    label: str
    lines: tuple[str, ...]
    change_page: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a completed journey produces: reference prefix, fee and confirmation text."""

    reference_prefix: str
    fee_pence: int | None
    confirmation_title: str
    confirmation_body: str
    what_happens_next: str


@dataclass(frozen=True, slots=True)
class ParamsResult:
    """Parameters an organisation set, checked against the pattern, with defaults filled in."""

    values: Mapping[str, JSON]
    errors: Mapping[str, str]

    @property
    def ok(self) -> bool:
        return not self.errors
