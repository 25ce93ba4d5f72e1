"""What residents send to a service: submissions (exactly as they saw them, with a reference) and
anonymous feedback about the service."""

from __future__ import annotations

import uuid

from django.db import models

from townhall.core.crypto import EncryptedJSONField
from townhall.core.models import BaseModel
from townhall.identity.models import User
from townhall.patterns.models import PatternVersion
from townhall.services.models import Service
from townhall.submissions.constants import Channel, Outcome, Satisfaction, SubmissionStatus
from townhall.tenancy.models import Organisation


class Submission(BaseModel):
    """One completed request to a service.

    `summary` is the check-answers list the resident confirmed (labels and lines in their
    language), kept beside the typed `answers` so staff see what the resident saw even after the
    pattern moves on. `journey_id` is the idempotency key of a web journey: one journey, one
    submission, whatever the resident clicks.
    """

    # First, and first in every index: the path to sharding by organisation (architecture.md).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="submissions"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="submissions")
    pattern_version = models.ForeignKey(
        PatternVersion, on_delete=models.PROTECT, related_name="submissions"
    )
    reference = models.CharField(max_length=20, unique=True)
    # Encrypted at rest (ADR 0009): never filter or index on their content.
    answers = EncryptedJSONField()
    summary = EncryptedJSONField()
    language = models.CharField(max_length=5)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # Staff who has it in hand; SET_NULL so removing an account never removes casework.
    assignee = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="assigned_submissions"
    )
    submitted_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    journey_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at"]
        # Every inbox filter starts with the organisation and lists newest first, so each index is
        # (organisation, <filter>, -submitted_at, id): the id makes the order total for paging.
        indexes = [
            models.Index(
                fields=["organisation", "-submitted_at", "-id"], name="submission_org_time"
            ),
            models.Index(
                fields=["organisation", "service", "-submitted_at", "-id"],
                name="submission_service_time",
            ),
            models.Index(
                fields=["organisation", "status", "-submitted_at", "-id"],
                name="submission_status_time",
            ),
            models.Index(
                fields=["organisation", "assignee", "-submitted_at", "-id"],
                name="submission_assignee_time",
            ),
            # Retention: closed submissions, oldest closure first.
            models.Index(fields=["status", "closed_at"], name="submission_closed"),
        ]
        constraints = [
            # A closed submission has an outcome and a closing time; an open one has neither.
            models.CheckConstraint(
                condition=(
                    models.Q(status=SubmissionStatus.CLOSED)
                    & ~models.Q(outcome="")
                    & models.Q(closed_at__isnull=False)
                )
                | (
                    ~models.Q(status=SubmissionStatus.CLOSED)
                    & models.Q(outcome="")
                    & models.Q(closed_at__isnull=True)
                ),
                name="submission_closed_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Feedback(models.Model):
    """One resident's answer to "how did you feel about the service", with an optional comment.

    Anonymous by design: linked to the service only, never to a submission, journey, session or
    IP address. So it is not a BaseModel: a creation time to the microsecond would match it to the
    submission sent a minute before. It keeps the day it was given, which is all the
    satisfaction KPI needs, and its UUID key is random, so neither orders it among submissions.
    The comment's hint asks for no personal information; staff read comments to improve the
    service.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="feedback"
    )
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="feedback")
    rating = models.PositiveSmallIntegerField(choices=Satisfaction.choices)
    comment = models.TextField(blank=True)
    language = models.CharField(max_length=5)
    given_on = models.DateField()

    class Meta:
        verbose_name_plural = "feedback"
        ordering = ["-given_on"]
        indexes = [
            models.Index(
                fields=["organisation", "service", "-given_on"], name="feedback_service_day"
            )
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.service_id} ({self.given_on})"


# --- The API's idempotency keys and event feed (issue 6) ---------------------------------------


class IdempotencyRecord(BaseModel):
    """The first response to an API `POST` sent with an `Idempotency-Key`, kept for 24 hours.

    Replaying needs the status and the body; the body is stored only for its fields that hold no
    personal data (reference, status, channel…): the summary, which holds answers, is rebuilt from
    the submission that `reference` names. `request_hash` (SHA-256 of method, path and canonical
    JSON body) tells a retry from a different request sent with the same key.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    # Zero while the first request is still running (it is never seen so: the row is written in
    # the same transaction as the submission).
    response_status = models.PositiveSmallIntegerField(default=0)
    response_body = models.JSONField(default=dict)
    reference = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            # Also the index that finds a key: the organisation first (architecture.md).
            models.UniqueConstraint(fields=["organisation", "key"], name="idempotency_org_key")
        ]
        indexes = [
            # Housekeeping deletes expired keys.
            models.Index(fields=["created_at"], name="idempotency_created"),
        ]

    def __str__(self) -> str:
        return f"Idempotency key {self.key[:20]}"


class SubmissionEventType(models.TextChoices):
    CREATED = "submission.created", "Submission created"
    STATUS_CHANGED = "submission.status_changed", "Submission status changed"


class SubmissionEventCounter(models.Model):
    """The last event number given in an organisation.

    Events are numbered under this row's lock, which is held until the numbering transaction
    commits: so numbers become visible in order, and a poller that has read up to number N can
    never later find a newly committed event below N (an autoincrement id or a timestamp would
    allow that when two transactions commit out of order).
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"Events of {self.organisation_id}: {self.last}"


class SubmissionEvent(BaseModel):
    """Something that happened to a submission, for systems that poll the API's event feed (and
    for webhooks). `data` holds no personal data: reference, service slug, status, outcome."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The cursor of the feed: 1, 2, 3… within the organisation, in commit order.
    sequence = models.BigIntegerField()
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    event_type = models.CharField(max_length=40, choices=SubmissionEventType.choices)
    data = models.JSONField(default=dict)

    class Meta:
        ordering = ["organisation", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "sequence"], name="submissionevent_org_sequence"
            )
        ]

    def __str__(self) -> str:
        return f"{self.event_type} #{self.sequence}"
