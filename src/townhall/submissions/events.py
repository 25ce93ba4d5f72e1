"""Submission events: what the API's event feed serves and what webhooks deliver.

An event is recorded inside the transaction that makes the change it tells of (storing a
submission, changing its status), so a rolled-back change leaves no event and a committed one
always has its event. Events are numbered 1, 2, 3… per organisation under a row lock held to the
end of that transaction (`SubmissionEventCounter`), so numbers become visible in order and a
poller that asks for events after the last number it saw never misses one.

Data holds no personal data: the reference, the service's slug, the status and the outcome.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet

from townhall.notifications.webhooks import webhook_event_fanout
from townhall.submissions.models import (
    Submission,
    SubmissionEvent,
    SubmissionEventCounter,
    SubmissionEventType,
)

EVENT_PAGE_MAX = 100


def submission_event_data(*, submission: Submission) -> dict[str, Any]:
    """The fields every event carries: enough to fetch the submission, nothing personal."""
    return {
        "reference": submission.reference,
        "service": submission.service.slug,
        "status": submission.status,
        "outcome": submission.outcome,
        "channel": submission.channel,
    }


def _next_sequence(organisation_id: uuid.UUID) -> int:
    # The counter row stays locked until the caller's transaction ends: that is what keeps
    # numbers in commit order. Created on an organisation's first event; a race to create it
    # loses on the primary key and then waits for the winner's lock.
    counter, _created = SubmissionEventCounter.objects.select_for_update().get_or_create(
        organisation_id=organisation_id
    )
    SubmissionEventCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    return counter.last + 1


def event_record(
    *,
    submission: Submission,
    event_type: SubmissionEventType | str,
    data: Mapping[str, Any] | None = None,
) -> SubmissionEvent:
    """Record an event of `submission` and fan it out to the organisation's webhooks.

    `data` is added to the standard fields (`submission_event_data`); it must hold no personal
    data. Call it inside the transaction that makes the change.
    """
    event_type = SubmissionEventType(event_type)
    payload = {**submission_event_data(submission=submission), **(data or {})}
    with transaction.atomic():
        event = SubmissionEvent.objects.create(
            organisation_id=submission.organisation_id,
            sequence=_next_sequence(submission.organisation_id),
            submission=submission,
            event_type=event_type,
            data=payload,
        )
        webhook_event_fanout(
            organisation_id=submission.organisation_id,
            service_id=submission.service_id,
            event_id=event.pk,
            event_type=str(event_type),
            payload=payload,
        )
    return event


def event_list_after(
    *, organisation_id: uuid.UUID, after: int, limit: int
) -> QuerySet[SubmissionEvent]:
    """The organisation's events numbered after `after`, oldest first, at most `limit`."""
    limit = max(1, min(limit, EVENT_PAGE_MAX))
    return SubmissionEvent.objects.filter(
        organisation_id=organisation_id, sequence__gt=after
    ).order_by("sequence")[:limit]
