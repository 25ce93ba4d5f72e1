"""The date question: GOV.UK's date input (day, month, year fields) and its error messages."""

from __future__ import annotations

import datetime as dt
import re
from typing import ClassVar

from celpy import celtypes

from townhall.patterns.engine.cel_types import DATE, CelType
from townhall.patterns.engine.formatting import MONTHS_CY, MONTHS_EN, date_display
from townhall.patterns.engine.kinds.base import (
    Context,
    QuestionKind,
    expect_str,
    raw_text,
    register,
)
from townhall.patterns.engine.schema_questions import DateQuestion
from townhall.patterns.engine.values import Answer, FieldError, RawInput

PARTS = ("day", "month", "year")

# The Design System asks services to accept month names and abbreviations as well as numbers.
_MONTH_NAMES: dict[str, int] = {}
for _number, (_english, _welsh) in enumerate(zip(MONTHS_EN, MONTHS_CY, strict=True), start=1):
    _MONTH_NAMES[_english.lower()] = _number
    _MONTH_NAMES[_english[:3].lower()] = _number
    _MONTH_NAMES[_welsh.lower()] = _number
_MONTH_NAMES["sept"] = 9


def date_bound(bound: str, today: dt.date) -> dt.date:
    """Resolve `2026-04-01`, `today`, `today+14d` or `today-30d` against `today`."""
    if bound.startswith("today"):
        offset = bound[len("today") :]
        return today + dt.timedelta(days=int(offset[:-1])) if offset else today
    return dt.date.fromisoformat(bound)


def _month(text: str) -> int | None:
    if text.isdigit() and len(text) <= 2:
        return int(text) if 1 <= int(text) <= 12 else None
    return _MONTH_NAMES.get(text.lower().rstrip("."))


@register
class DateKind(QuestionKind[DateQuestion]):
    type_name = "date"
    model = DateQuestion
    error_keys: ClassVar = frozenset(
        {"required", "incomplete", "year_digits", "not_real", "past", "future"}
        | {"today_or_past", "today_or_future", "too_early", "too_late", "out_of_range"}
    )

    def fields(self, question: DateQuestion, name: str) -> list[str]:
        return [f"{name}-{part}" for part in PARTS]

    def validate(
        self, question: DateQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        texts = {part: raw_text(raw, f"{name}-{part}") for part in PARTS}
        if not any(texts.values()):
            if question.required:
                return None, [
                    context.error(question, f"{name}-day", "required", template="required.enter")
                ]
            return None, []
        missing = [part for part in PARTS if not texts[part]]
        if missing:
            words = [context.word(part) for part in missing]
            missing_text = f" {context.word('and')} ".join(words)
            field = f"{name}-{missing[0]}"
            return None, [context.error(question, field, "incomplete", missing=missing_text)]
        if not re.fullmatch(r"\d{4}", texts["year"]):
            return None, [context.error(question, f"{name}-year", "year_digits")]
        day_text, month_text = texts["day"], texts["month"]
        month = _month(month_text)
        if not (day_text.isdigit() and len(day_text) <= 2):
            return None, [context.error(question, f"{name}-day", "not_real")]
        if month is None:
            return None, [context.error(question, f"{name}-month", "not_real")]
        try:
            value = dt.date(int(texts["year"]), month, int(day_text))
        except ValueError:
            return None, [context.error(question, f"{name}-day", "not_real")]
        error = self._rule_error(question, value, context, f"{name}-day")
        return (None, [error]) if error else (value.isoformat(), [])

    def _rule_error(
        self, question: DateQuestion, value: dt.date, context: Context, field: str
    ) -> FieldError | None:
        today = context.today
        broken = {
            "past": value >= today,
            "future": value <= today,
            "today_or_past": value > today,
            "today_or_future": value < today,
        }
        if broken.get(question.rule, False):
            return context.error(question, field, question.rule)
        earliest = date_bound(question.earliest, today) if question.earliest else None
        latest = date_bound(question.latest, today) if question.latest else None
        language = context.language
        if earliest and latest and not earliest <= value <= latest:
            return context.error(
                question,
                field,
                "out_of_range",
                min=date_display(earliest, language),
                max=date_display(latest, language),
            )
        if earliest and value < earliest:
            return context.error(
                question, field, "too_early", date=date_display(earliest, language)
            )
        if latest and value > latest:
            return context.error(question, field, "too_late", date=date_display(latest, language))
        return None

    def cel_type(self, question: DateQuestion) -> CelType:
        return DATE

    def display(self, question: DateQuestion, value: Answer, context: Context) -> list[str]:
        try:
            return [date_display(dt.date.fromisoformat(expect_str(value)), context.language)]
        except ValueError:
            return [str(value)] if value is not None else []

    def to_cel(self, question: DateQuestion, value: Answer) -> celtypes.Value:
        return date_to_cel(dt.date.fromisoformat(expect_str(value)))


def date_to_cel(value: dt.date) -> celtypes.TimestampType:
    """Dates are CEL timestamps at midnight UTC, so `<` and days_between() work on them."""
    moment = dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    return celtypes.TimestampType(moment)
