"""Reads for casework, each scoped to the organisation it serves.

The inbox pages by keyset — (submitted_at, id) of the last row seen — not by offset, and never
counts: with a million submissions, page 2,000 costs the same as page 1 and no request walks the
whole table. Every filter starts with the organisation, so each query uses one of the
`submission_*_time` indexes.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from townhall.casework.constants import INBOX_PAGE_SIZE, InboxSort
from townhall.casework.models import Note, StatusChange, StatusCheck
from townhall.identity.models import User
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.submissions.models import Submission
from townhall.submissions.queries import resident_email_from_answers
from townhall.tenancy.constants import ROLE_PERMISSIONS, Permission
from townhall.tenancy.models import Membership, Organisation

UNASSIGNED = "none"


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox is narrowed to. Empty values mean "any"."""

    service_id: uuid.UUID | None = None
    status: str = ""
    assignee: str = ""  # a user id, UNASSIGNED, or "" for anyone
    submitted_from: date | None = None
    submitted_to: date | None = None
    reference: str = ""
    sort: InboxSort = InboxSort.NEWEST


@dataclass(frozen=True)
class Cursor:
    submitted_at: datetime
    id: uuid.UUID

    def encode(self) -> str:
        raw = f"{self.submitted_at.astimezone(UTC).isoformat()}|{self.id}"
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> Cursor | None:
        """The cursor in a page link, or None for anything malformed (a first page, then)."""
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
            moment, ident = raw.split("|")
            parsed = datetime.fromisoformat(moment)
            if parsed.tzinfo is None:
                return None
            return cls(submitted_at=parsed, id=uuid.UUID(ident))
        except (ValueError, binascii.Error, UnicodeDecodeError):
            return None

    @classmethod
    def of(cls, submission: Submission) -> Cursor:
        return cls(submitted_at=submission.submitted_at, id=submission.pk)


@dataclass
class InboxPage:
    rows: list[Submission]
    next_cursor: Cursor | None = None
    previous_cursor: Cursor | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def submission_filtered_list(
    *, organisation: Organisation, filters: InboxFilters
) -> QuerySet[Submission]:
    """The organisation's submissions narrowed by `filters`, in the chosen order (total, by id)."""
    queryset = (
        Submission.objects.filter(organisation=organisation)
        .select_related("assignee")
        # Answers and summary are large (and encrypted): a list never needs them.
        .defer("answers", "summary")
    )
    if filters.service_id is not None:
        queryset = queryset.filter(service_id=filters.service_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.assignee == UNASSIGNED:
        queryset = queryset.filter(assignee__isnull=True)
    elif filters.assignee:
        queryset = queryset.filter(assignee_id=uuid.UUID(filters.assignee))
    if filters.submitted_from is not None:
        queryset = queryset.filter(submitted_at__gte=_day_start(filters.submitted_from))
    if filters.submitted_to is not None:
        queryset = queryset.filter(
            submitted_at__lt=_day_start(filters.submitted_to + timedelta(days=1))
        )
    if filters.reference:
        queryset = queryset.filter(reference=filters.reference.strip().upper())
    if filters.sort == InboxSort.OLDEST:
        return queryset.order_by("submitted_at", "id")
    return queryset.order_by("-submitted_at", "-id")


def _after(cursor: Cursor, *, descending: bool) -> Q:
    """Rows strictly after `cursor` in an order that is descending (newest first) or not."""
    if descending:
        return Q(submitted_at__lte=cursor.submitted_at) & (
            Q(submitted_at__lt=cursor.submitted_at) | Q(id__lt=cursor.id)
        )
    return Q(submitted_at__gte=cursor.submitted_at) & (
        Q(submitted_at__gt=cursor.submitted_at) | Q(id__gt=cursor.id)
    )


def inbox_page(
    *,
    organisation: Organisation,
    filters: InboxFilters,
    after: Cursor | None = None,
    before: Cursor | None = None,
    size: int = INBOX_PAGE_SIZE,
) -> InboxPage:
    """One page of the inbox: the rows after `after` (or before `before`), and the cursors of the
    pages either side. One query of `size + 1` rows; no count."""
    queryset = submission_filtered_list(organisation=organisation, filters=filters)
    descending = filters.sort != InboxSort.OLDEST
    if before is not None:
        # Walk backwards from `before`, then put the rows back in reading order.
        queryset = queryset.filter(_after(before, descending=not descending)).reverse()
        rows = list(queryset[: size + 1])
        more = len(rows) > size
        rows = rows[:size][::-1]
        return InboxPage(
            rows=rows,
            next_cursor=Cursor.of(rows[-1]) if rows else None,
            previous_cursor=Cursor.of(rows[0]) if rows and more else None,
        )
    if after is not None:
        queryset = queryset.filter(_after(after, descending=descending))
    rows = list(queryset[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return InboxPage(
        rows=rows,
        next_cursor=Cursor.of(rows[-1]) if rows and more else None,
        previous_cursor=Cursor.of(rows[0]) if rows and after is not None else None,
    )


def submission_export_rows(
    *, organisation: Organisation, filters: InboxFilters, limit: int
) -> Iterator[Submission]:
    """The filtered list for an export, read in chunks so memory stays flat."""
    queryset = submission_filtered_list(organisation=organisation, filters=filters)
    # An export carries what the resident saw (the summary); the typed answers stay behind.
    queryset = queryset.defer(None).defer("answers")
    return queryset[:limit].iterator(chunk_size=2000)


def submission_get(*, organisation: Organisation, submission_id: uuid.UUID) -> Submission:
    """A submission of this organisation; 404 for any other organisation's, never 403."""
    submission = (
        Submission.objects.select_related("service", "assignee", "pattern_version")
        .filter(organisation=organisation, pk=submission_id)
        .first()
    )
    if submission is None:
        raise Http404("No such submission.")
    return submission


def submission_history(*, submission: Submission) -> QuerySet[StatusChange]:
    return StatusChange.objects.filter(
        organisation_id=submission.organisation_id, submission=submission
    ).order_by("at", "created_at")


def submission_notes(*, submission: Submission) -> QuerySet[Note]:
    return Note.objects.filter(
        organisation_id=submission.organisation_id, submission=submission
    ).order_by("created_at")


def submission_files(*, submission: Submission) -> list[dict[str, Any]]:
    """Every stored file in the answers (however deep: file questions can sit in groups), in a
    stable order, so a file's position is its address."""
    found: list[dict[str, Any]] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            if isinstance(value.get("ref"), str) and "content_type" in value:
                found.append(value)
                return
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(submission.answers)
    return found


def submission_resident_email(*, submission: Submission) -> str | None:
    """Where the resident's emails about `submission` go (see resident_email_from_answers)."""
    return resident_email_from_answers(
        pattern=pattern_for_version(submission.pattern_version), answers=submission.answers
    )


def submission_get_by_reference_for_resident(*, reference: str) -> Submission | None:
    """The submission a resident names by reference (any organisation: references are unique)."""
    return (
        Submission.objects.select_related("service", "pattern_version", "organisation")
        .filter(reference=reference.strip().upper())
        .first()
    )


def status_check_latest(*, submission: Submission) -> StatusCheck | None:
    return (
        StatusCheck.objects.filter(
            organisation_id=submission.organisation_id, submission=submission
        )
        .order_by("-created_at")
        .first()
    )


def assignable_member_list(*, organisation: Organisation) -> list[User]:
    """Members whose role lets them handle submissions: who a submission can be assigned to."""
    roles = [
        role
        for role, granted in ROLE_PERMISSIONS.items()
        if Permission.HANDLE_SUBMISSIONS in granted
    ]
    memberships = (
        Membership.objects.select_related("user")
        .filter(organisation=organisation, role__in=roles, user__is_active=True)
        .order_by("user__full_name", "user__email")
    )
    return [membership.user for membership in memberships]


def service_list_for_inbox(*, organisation: Organisation) -> QuerySet[Service]:
    return Service.objects.filter(organisation=organisation).order_by("name", "slug")
