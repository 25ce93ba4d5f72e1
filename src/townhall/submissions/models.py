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
