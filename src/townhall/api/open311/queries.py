"""Reads for Open311, each scoped to one organisation (the jurisdiction): its located-report
services and their submissions, whatever channel they came in by (a report made on the web is
as much a service request as one made through Open311)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery

from townhall.casework.models import StatusChange
from townhall.patterns.engine import Pattern
from townhall.patterns.engine.loader import PatternInvalid
from townhall.services.constants import ServiceState
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.submissions.constants import SubmissionStatus
from townhall.submissions.models import Submission
from townhall.tenancy.models import Organisation

MAX_PAGE_SIZE = 1000
# Without ids or dates, the spec's default window.
DEFAULT_WINDOW = dt.timedelta(days=90)
OPEN_STATUSES = (SubmissionStatus.RECEIVED, SubmissionStatus.IN_PROGRESS)


def open311_status(status: str) -> str:
    """Casework's three statuses as Open311's two."""
    return "closed" if status == SubmissionStatus.CLOSED else "open"


@dataclass(frozen=True)
class ReportService:
    service: Service
    pattern: Pattern


def organisation_for_jurisdiction(*, jurisdiction_id: str) -> Organisation | None:
    """The organisation whose slug is `jurisdiction_id`."""
    return Organisation.objects.filter(slug=jurisdiction_id.strip().lower()).first()


def _report_pattern(service: Service) -> Pattern | None:
    try:
        pattern = pattern_for_version(service.pattern_version)
    except PatternInvalid:
        return None
    return pattern if pattern.spec.open311 is not None else None


def report_service_list(*, organisation: Organisation) -> list[ReportService]:
    """The organisation's live services whose pattern is a located report, by slug."""
    services = (
        Service.objects.filter(organisation=organisation, state=ServiceState.LIVE)
        .select_related("pattern_version", "organisation")
        .order_by("slug")
    )
    found = []
    for service in services:
        pattern = _report_pattern(service)
        if pattern is not None:
            found.append(ReportService(service=service, pattern=pattern))
    return found


def report_service_get(*, organisation: Organisation, slug: str) -> ReportService | None:
    service = (
        Service.objects.filter(organisation=organisation, state=ServiceState.LIVE, slug=slug)
        .select_related("pattern_version", "organisation")
        .first()
    )
    if service is None:
        return None
    pattern = _report_pattern(service)
    return None if pattern is None else ReportService(service=service, pattern=pattern)


def _latest(field: str) -> Subquery:
    return Subquery(
        StatusChange.objects.filter(submission=OuterRef("pk")).order_by("-at").values(field)[:1]
    )


def _requests(*, organisation: Organisation, service_ids: Sequence[object]) -> QuerySet[Submission]:
    return (
        Submission.objects.filter(organisation=organisation, service_id__in=list(service_ids))
        .select_related("organisation", "service", "service__pattern_version")
        .annotate(last_change_at=_latest("at"), last_public_note=_latest("public_note"))
    )


@dataclass(frozen=True)
class RequestFilters:
    references: Sequence[str] = ()
    service_codes: Sequence[str] = ()
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    statuses: Sequence[str] = ()
    page: int = 1
    page_size: int = MAX_PAGE_SIZE


def request_search(
    *, organisation: Organisation, services: Sequence[ReportService], filters: RequestFilters
) -> list[Submission]:
    """Requests of `services` (the organisation's report services), newest first. With ids the
    other filters are ignored, as the spec says; without ids or dates, the last 90 days."""
    rows = _requests(organisation=organisation, service_ids=[s.service.pk for s in services])
    if filters.references:
        return list(
            rows.filter(reference__in=[r.strip().upper() for r in filters.references]).order_by(
                "-submitted_at", "-id"
            )[:MAX_PAGE_SIZE]
        )
    if filters.service_codes:
        rows = rows.filter(service__slug__in=list(filters.service_codes))
    start, end = filters.start, filters.end
    if start is None and end is None:
        start = dt.datetime.now(dt.UTC) - DEFAULT_WINDOW
    if start is not None:
        rows = rows.filter(submitted_at__gte=start)
    if end is not None:
        rows = rows.filter(submitted_at__lte=end)
    statuses = set(filters.statuses)
    if statuses == {"open"}:
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif statuses == {"closed"}:
        rows = rows.filter(status=SubmissionStatus.CLOSED)
    first = (filters.page - 1) * filters.page_size
    return list(rows.order_by("-submitted_at", "-id")[first : first + filters.page_size])


def request_get(
    *, organisation: Organisation, services: Sequence[ReportService], reference: str
) -> Submission | None:
    return (
        _requests(organisation=organisation, service_ids=[s.service.pk for s in services])
        .filter(reference=reference.strip().upper())
        .first()
    )


def request_update_list(
    *,
    organisation: Organisation,
    services: Sequence[ReportService],
    start: dt.datetime | None,
    end: dt.datetime | None,
) -> list[StatusChange]:
    """Status changes of the report services' requests, oldest first (FixMyStreet's
    `servicerequestupdates`), at most the spec's 1000."""
    rows = StatusChange.objects.filter(
        organisation=organisation, submission__service_id__in=[s.service.pk for s in services]
    ).select_related("submission")
    if start is None and end is None:
        start = dt.datetime.now(dt.UTC) - DEFAULT_WINDOW
    if start is not None:
        rows = rows.filter(at__gte=start)
    if end is not None:
        rows = rows.filter(at__lte=end)
    return list(rows.order_by("at", "id")[:MAX_PAGE_SIZE])
