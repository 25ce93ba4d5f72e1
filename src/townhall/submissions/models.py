"""Stored submissions: what a resident sent, exactly as they saw it, with its reference."""

from __future__ import annotations

from django.db import models

from townhall.core.models import BaseModel
from townhall.patterns.models import PatternVersion
from townhall.services.models import Service
from townhall.submissions.constants import Channel, SubmissionStatus
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
    answers = models.JSONField()
    summary = models.JSONField()
    language = models.CharField(max_length=5)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    status = models.CharField(
        max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.RECEIVED
    )
    submitted_at = models.DateTimeField()
    journey_id = models.UUIDField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["organisation", "-submitted_at"], name="submission_org_time"),
            models.Index(
                fields=["organisation", "service", "-submitted_at"], name="submission_service_time"
            ),
        ]

    def __str__(self) -> str:
        return self.reference
