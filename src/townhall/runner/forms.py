"""Between HTML forms and the engine: posted form data as the engine's raw input, and stored
answers back as form values (to fill in a page the resident returns to).

Validation is the engine's alone; this module only moves values between shapes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.http import QueryDict

from townhall.patterns.engine.schema_questions import AddAnotherQuestion, QuestionBase
from townhall.patterns.engine.values import JSON, RawValue

# Posted names that are the form's own, never an answer.
_FORM_KEYS = {"csrfmiddlewaretoken", "action"}

type FormValues = dict[str, str | list[str]]


def raw_from_post(post: QueryDict) -> dict[str, RawValue]:
    """Every posted field as a list of strings: the engine takes the first value of a text field
    and the whole list for checkboxes, so one shape serves every question type."""
    return {key: post.getlist(key) for key in post if key not in _FORM_KEYS}


def _money(pence: int) -> str:
    pounds, remainder = divmod(pence, 100)
    return f"{pounds}" if remainder == 0 else f"{pounds}.{remainder:02d}"


def _phone(number: str) -> str:
    # Stored as E.164; shown as people write UK numbers.
    return "0" + number[3:] if number.startswith("+44") else number


def _date(value: str) -> FormValues:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match is None:
        return {}
    year, month, day = match.groups()
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


def _parts(value: Mapping[str, Any], parts: tuple[str, ...]) -> FormValues:
    return {part: "" if value.get(part) is None else str(value[part]) for part in parts}


def _scalar(question: QuestionBase, value: JSON) -> str | list[str] | FormValues:
    kind = getattr(question, "type", "")
    if kind == "yes_no":
        return "yes" if value is True else "no" if value is False else ""
    if kind == "money" and isinstance(value, int):
        return _money(value)
    if kind == "uk_phone" and isinstance(value, str):
        return _phone(value)
    if kind == "checkboxes" and isinstance(value, list):
        return [str(item) for item in value]
    if kind == "date" and isinstance(value, str):
        return _date(value)
    if kind == "uk_address" and isinstance(value, dict):
        return _parts(value, ("line1", "line2", "town", "county", "postcode", "uprn"))
    if kind == "name" and isinstance(value, dict):
        return _parts(value, ("given", "family")) if "given" in value else str(value["full"])
    if kind == "location" and isinstance(value, dict):
        parts = _parts(value, ("latitude", "longitude"))
        return {"": str(value.get("description", "")), **parts}
    if kind == "file" or value is None or isinstance(value, dict | list):
        return ""  # files are listed beside the upload field, never put back in it
    return str(value)


def form_values_from_answer(question: QuestionBase, value: JSON, name: str) -> FormValues:
    """A stored answer as the form values that would post it again, keyed by input name."""
    if isinstance(question, AddAnotherQuestion):
        values: FormValues = {}
        for index, item in enumerate(value if isinstance(value, list) else []):
            if not isinstance(item, dict):
                continue
            for sub in question.questions:
                values.update(
                    form_values_from_answer(sub, item.get(sub.id), f"{name}-{index}-{sub.id}")
                )
        return values
    shown = _scalar(question, value)
    if isinstance(shown, dict):
        return {(f"{name}-{part}" if part else name): text for part, text in shown.items()}
    return {name: shown}


def form_values_from_post(raw: Mapping[str, RawValue]) -> FormValues:
    """What the resident posted, to show again beside the errors: the first value of each field,
    the whole list for fields posted more than once (checkboxes)."""
    values: FormValues = {}
    for key, value in raw.items():
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            strings = [str(item) for item in value]
            values[key] = strings[0] if len(strings) == 1 else strings
    return values
