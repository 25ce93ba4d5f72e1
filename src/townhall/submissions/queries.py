"""Reads of submissions, always scoped to an organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from townhall.submissions.models import Submission
from townhall.tenancy.models import Organisation


def submission_list(*, organisation: Organisation) -> QuerySet[Submission]:
    return Submission.objects.filter(organisation=organisation).order_by("-submitted_at")


def submission_get_by_reference(*, organisation: Organisation, reference: str) -> Submission | None:
    return Submission.objects.filter(organisation=organisation, reference=reference).first()
