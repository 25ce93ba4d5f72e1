"""Reads of submissions, always scoped to an organisation."""

from __future__ import annotations

from collections.abc import Mapping

from django.db.models import QuerySet

from townhall.patterns.engine.pattern import Pattern
from townhall.patterns.engine.schema_questions import EmailQuestion
from townhall.patterns.engine.values import JSON
from townhall.submissions.models import Submission
from townhall.tenancy.models import Organisation


def submission_list(*, organisation: Organisation) -> QuerySet[Submission]:
    return Submission.objects.filter(organisation=organisation).order_by("-submitted_at")


def submission_get_by_reference(*, organisation: Organisation, reference: str) -> Submission | None:
    return Submission.objects.filter(organisation=organisation, reference=reference).first()


def resident_email_from_answers(*, pattern: Pattern, answers: Mapping[str, JSON]) -> str | None:
    """Where a resident's emails about a submission go: the answer to the pattern's first email
    question that has one (answers are pruned to the resident's path, so it is one they were
    asked). None when the pattern asks for no email or the resident gave none."""
    for question in pattern.questions():
        if not isinstance(question, EmailQuestion):
            continue
        answer = answers.get(question.id)
        if isinstance(answer, str) and answer.strip():
            return answer.strip()
    return None
