"""Taking a whole submission in one request (the API; later Open311), validated exactly as the web
runner validates a resident's journey.

The answers come as the web form would post them, one entry per question id:

- a string (or a list of strings, for checkboxes): the question's main field, `<question id>`;
- an object of the page's form fields: `{"day": "3", "month": "4", "year": "2026"}` — a name that
  is not the question id and does not start with `<question id>-` gets that prefix, so `day`
  means `<question id>-day` (the same shorthand as the pattern scenarios).

The pattern engine walks the pages from the first, validating each question on the way with
`page_validate` (GOV.UK wording, the service's parameters, the day of the request) and routing with
its answer, until check answers: so a question is validated exactly when a resident would have been
asked it. A question left out is validated as a blank page (a required one is reported). The
errors are reported together, each pointing at its question id; after an invalid answer the walk
goes on as routing would without that answer, so later errors may change once it is corrected.

Decisions: answers to questions the route does not reach are refused (not silently dropped — the
caller believes it sent them); so are unknown question ids. Answers that lead to an exit page
("you cannot use this service") are refused, pointing at the last question answered. Files cannot
be sent this way yet: a file question takes no value (an optional one is left blank). A pattern
with a declaration needs `declaration: true` (the person sending confirms the resident agreed).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from townhall.core.actions import Actor, audit_record
from townhall.patterns.engine import (
    CHECK_ANSWERS,
    Language,
    Pattern,
    page_validate,
    path_compute,
    route_next,
    summary_build,
    text_render,
)
from townhall.patterns.engine.schema import ExitPage
from townhall.patterns.engine.schema_questions import FileQuestion
from townhall.patterns.engine.values import JSON, RawValue
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.submissions.actions import submission_create
from townhall.submissions.constants import Channel
from townhall.submissions.models import Submission

type FieldErrors = list[dict[str, str]]

UNKNOWN_QUESTION = "There is no question with this id in the service"
NOT_ASKED = "This question is not asked with these answers"
BAD_SHAPE = "Send this answer as text, a list of texts or an object of form fields"
NO_FILES = "Files cannot be sent through the API: leave this question out"
DECLARATION = "Confirm that the resident agreed to the declaration"


class IntakeError(ValueError):
    """The answers cannot make a submission; `errors` are `{"field", "message"}` items whose field
    is a question id (or `language`, `declaration`)."""

    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _raw_value(value: Any) -> RawValue | None:
    text = _text(value)
    if text is not None:
        return text
    if isinstance(value, list):
        items = [_text(item) for item in value]
        if all(item is not None for item in items):
            return [item for item in items if item is not None]
    return None


def raw_for_question(question_id: str, value: Any) -> dict[str, RawValue] | None:
    """The form input a browser would post for this answer; None for a value of no form's shape."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        raw: dict[str, RawValue] = {}
        for name, item in value.items():
            field = (
                name
                if name == question_id or name.startswith(f"{question_id}-")
                else f"{question_id}-{name}"
            )
            converted = _raw_value(item)
            if converted is None:
                return None
            raw[field] = converted
        return raw
    converted = _raw_value(value)
    return None if converted is None else {question_id: converted}


def _walk(
    *,
    pattern: Pattern,
    params: Mapping[str, JSON],
    raw_answers: Mapping[str, Any],
    language: Language,
    today: dt.date,
) -> tuple[dict[str, JSON], list[str], FieldErrors]:
    """Validate along the route: the typed answers, the pages passed, the errors."""
    answers: dict[str, JSON] = {}
    errors: FieldErrors = []
    visited: list[str] = []
    current = pattern.first_page
    # A checked pattern has no cycles: at most one visit per page.
    for _step in range(len(pattern.order) + 1):
        visited.append(current)
        if pattern.is_end(current):
            break
        question = pattern.question(current)
        if question is not None:
            value = raw_answers.get(current)
            if isinstance(question, FileQuestion) and value not in (None, [], {}):
                errors.append({"field": current, "message": NO_FILES})
                value = None
            raw = raw_for_question(current, value)
            if raw is None:
                errors.append({"field": current, "message": BAD_SHAPE})
            else:
                result = page_validate(
                    pattern=pattern,
                    page_id=current,
                    raw=raw,
                    params=params,
                    language=language,
                    today=today,
                    answers=answers,
                )
                answers.update(result.values)
                errors.extend({"field": current, "message": e.message} for e in result.errors)
        current = route_next(pattern=pattern, page_id=current, answers=answers, params=params)
    return answers, visited, errors


def validate_intake(
    *,
    pattern: Pattern,
    params: Mapping[str, JSON],
    raw_answers: Mapping[str, Any],
    language: Language,
    today: dt.date,
    declaration: bool = False,
) -> dict[str, JSON]:
    """The typed answers of a complete, valid journey, or IntakeError with every error found."""
    if language not in pattern.spec.languages:
        raise IntakeError([{"field": "language", "message": "The service is not in this language"}])
    errors: FieldErrors = [
        {"field": key, "message": UNKNOWN_QUESTION}
        for key in raw_answers
        if key not in pattern.pages or pattern.question(key) is None
    ]
    answers, visited, walk_errors = _walk(
        pattern=pattern, params=params, raw_answers=raw_answers, language=language, today=today
    )
    errors.extend(walk_errors)
    if walk_errors:
        raise IntakeError(errors)
    # The route is now certain, so answers it does not reach can be named.
    errors.extend(
        {"field": key, "message": NOT_ASKED}
        for key in raw_answers
        if key not in visited and key in pattern.pages and pattern.question(key) is not None
    )
    end = visited[-1]
    if isinstance(pattern.pages.get(end), ExitPage):
        page = pattern.pages[end]
        assert isinstance(page, ExitPage)  # noqa: S101 - checked just above
        title = text_render(
            pattern=pattern, text=page.title, answers=answers, params=params, language=language
        )
        asked = [page_id for page_id in visited if pattern.question(page_id) is not None]
        errors.append(
            {
                "field": asked[-1] if asked else end,
                "message": f"These answers end the journey at “{title}”: the service cannot take "
                "this request",
            }
        )
    if pattern.spec.declaration is not None and not declaration:
        errors.append({"field": "declaration", "message": DECLARATION})
    if errors:
        raise IntakeError(errors)
    # The engine's own view of the path must agree: every question answered, check answers last.
    if path_compute(pattern=pattern, answers=answers, params=params)[-1] != CHECK_ANSWERS:
        raise IntakeError([{"field": end, "message": "The answers do not complete the service"}])
    return answers


def submission_intake(
    *,
    service: Service,
    raw_answers: Mapping[str, Any],
    language: Language,
    channel: Channel,
    today: dt.date,
    declaration: bool = False,
    actor: Actor | None = None,
) -> Submission:
    """Validate the answers as the web runner would and store the submission (with its emails and
    its `submission.created` event) on the service's current pattern version; audited as sent by
    `actor` (an API key) when there is one.

    The caller has checked that `service` is live and belongs to the caller's organisation.
    Raises IntakeError with field errors pointing at question ids.
    """
    version = service.pattern_version
    pattern = pattern_for_version(version)
    params: Mapping[str, JSON] = service.parameters
    answers = validate_intake(
        pattern=pattern,
        params=params,
        raw_answers=raw_answers,
        language=language,
        today=today,
        declaration=declaration,
    )
    summary = summary_build(pattern=pattern, answers=answers, params=params, language=language)
    with transaction.atomic():
        submission = submission_create(
            service=service,
            pattern_version=version,
            journey_id=None,
            answers=answers,
            summary=summary,
            language=language,
            channel=channel,
        )
        if actor is not None:
            audit_record(
                actor=actor,
                action="submission.create",
                summary=f"Sent {submission.reference} ({channel}) to {service.slug}",
                organisation_id=service.organisation_id,
                target=submission,
            )
    return submission
