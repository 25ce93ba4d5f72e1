"""From a pattern to Open311 and back: a service's attributes (its questions, bar the location
and the description that Open311 carries in its own fields), and the raw answers the intake
engine takes from an Open311 request's fields.

Pure functions of the engine's `Pattern`: no database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from townhall.patterns.engine import CHECK_ANSWERS, Language, Pattern, text_render
from townhall.patterns.engine.schema import Open311
from townhall.patterns.engine.schema_questions import (
    AddAnotherQuestion,
    CheckboxesQuestion,
    DateQuestion,
    EmailQuestion,
    FileQuestion,
    LongTextQuestion,
    MoneyQuestion,
    NumberQuestion,
    QuestionBase,
    RadiosQuestion,
    SelectQuestion,
    YesNoQuestion,
)
from townhall.patterns.engine.values import JSON


@dataclass(frozen=True)
class Attribute:
    """One entry of a service definition's `attributes`, in the spec's fields."""

    code: str
    datatype: str
    required: bool
    description: str
    order: int
    datatype_description: str = ""
    values: list[tuple[str, str]] = field(default_factory=list)
    variable: bool = True


def open311_of(pattern: Pattern) -> Open311 | None:
    """The pattern's Open311 mapping; None for a pattern that is not a located report."""
    return pattern.spec.open311


def _mandatory(pattern: Pattern, page_id: str) -> bool:
    """Whether every route to check answers passes `page_id` (so Open311 may call it required)."""
    seen = {page_id}
    todo = [pattern.first_page]
    while todo:
        current = todo.pop()
        if current == CHECK_ANSWERS:
            return False
        if current in seen:
            continue
        seen.add(current)
        todo.extend(pattern.successors.get(current, ()))
    return True


def _datatype(question: QuestionBase) -> str:
    if isinstance(question, YesNoQuestion | RadiosQuestion | SelectQuestion):
        return "singlevaluelist"
    if isinstance(question, CheckboxesQuestion):
        return "multivaluelist"
    if isinstance(question, NumberQuestion | MoneyQuestion):
        return "number"
    if isinstance(question, DateQuestion):
        return "datetime"
    if isinstance(question, LongTextQuestion):
        return "text"
    return "string"


def _attribute_questions(pattern: Pattern) -> Iterator[QuestionBase]:
    """Questions an Open311 client answers as attributes: files and repeating groups cannot be
    sent as one form value, and the location and description have Open311's own fields."""
    mapping = open311_of(pattern)
    own = {mapping.location, mapping.description} if mapping else set()
    for question in pattern.questions():
        if question.id in own or isinstance(question, FileQuestion | AddAnotherQuestion):
            continue
        yield question


def attributes_build(
    *, pattern: Pattern, params: Mapping[str, JSON], language: Language
) -> list[Attribute]:
    """The service definition's attributes, in the pattern's page order."""

    def render(text: Any) -> str:
        return text_render(pattern=pattern, text=text, answers={}, params=params, language=language)

    attributes: list[Attribute] = []
    for order, question in enumerate(_attribute_questions(pattern), start=1):
        values: list[tuple[str, str]] = []
        if isinstance(question, YesNoQuestion):
            yes = render(question.yes_label) if question.yes_label else "Yes"
            no = render(question.no_label) if question.no_label else "No"
            values = [("yes", yes), ("no", no)]
        elif isinstance(question, RadiosQuestion | SelectQuestion | CheckboxesQuestion):
            values = [(str(option.value), render(option.label)) for option in question.options]
        hint = render(question.hint) if question.hint else ""
        if isinstance(question, DateQuestion):
            hint = (hint + " " if hint else "") + "A date as YYYY-MM-DD (a time is ignored)."
        attributes.append(
            Attribute(
                code=question.id,
                datatype=_datatype(question),
                required=question.required and _mandatory(pattern, question.id),
                description=render(question.label),
                order=order,
                datatype_description=hint,
                values=values,
            )
        )
    return attributes


def _date_fields(text: str) -> dict[str, str] | str:
    """An Open311 datetime's day as the date question's form fields; unparseable text is passed
    through so the engine words the error."""
    try:
        day = dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return text
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


@dataclass(frozen=True)
class Open311Request:
    """The fields of a create request that the pattern can use (the others are ignored)."""

    lat: str = ""
    long: str = ""
    address_string: str = ""
    description: str = ""
    email: str = ""
    attributes: Mapping[str, list[str]] = field(default_factory=dict)


def raw_answers_build(*, pattern: Pattern, request: Open311Request) -> dict[str, Any]:
    """The intake engine's raw answers (api/intake.py) for an Open311 request.

    Attributes that are not questions of the service are dropped (the spec's clients send
    whatever they have); a first email question takes Open311's `email` unless an attribute
    answers it. The caller drops that email again when the route does not ask it.
    """
    mapping = open311_of(pattern)
    raw: dict[str, Any] = {}
    if mapping is not None:
        location: dict[str, str] = {}
        if request.address_string:
            location[mapping.location] = request.address_string
        elif request.lat or request.long:
            # The engine needs words for a place; a bare point is described by itself.
            location[mapping.location] = f"{request.lat}, {request.long}"
        if request.lat or request.long:
            location["latitude"] = request.lat
            location["longitude"] = request.long
        if location:
            raw[mapping.location] = location
        if request.description:
            raw[mapping.description] = request.description
    for question in _attribute_questions(pattern):
        values = request.attributes.get(question.id)
        if not values:
            continue
        if isinstance(question, CheckboxesQuestion):
            raw[question.id] = list(values)
        elif isinstance(question, DateQuestion):
            raw[question.id] = _date_fields(values[0])
        else:
            raw[question.id] = values[0]
    if request.email:
        email_question = next(
            (q for q in _attribute_questions(pattern) if isinstance(q, EmailQuestion)), None
        )
        if email_question is not None and email_question.id not in raw:
            raw[email_question.id] = request.email
    return raw


def email_question_id(pattern: Pattern) -> str | None:
    """The question Open311's `email` fills, if the pattern has one."""
    for question in _attribute_questions(pattern):
        if isinstance(question, EmailQuestion):
            return question.id
    return None
