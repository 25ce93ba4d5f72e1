"""What staff add to a submission: its status history, internal notes, and the codes residents
use to prove they own a submission before seeing its status.

Every table carries `organisation_id` first in its index (architecture.md, "Data that grows").
"""

from __future__ import annotations

from django.db import models

from townhall.core.models import BaseModel
from townhall.identity.models import User
from townhall.submissions.constants import Outcome, SubmissionStatus
from townhall.submissions.models import Submission
from townhall.tenancy.models import Organisation


class StatusChange(BaseModel):
    """One change of a submission's status, with the note the resident was sent (if any).

    The actor's email is copied so the history still says who acted after the account is gone.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=SubmissionStatus.choices)
    to_status = models.CharField(max_length=20, choices=SubmissionStatus.choices)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, blank=True)
    # Shown to the resident (email and status page): never internal.
    public_note = models.TextField(blank=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at"]
        indexes = [
            models.Index(
                fields=["organisation", "submission", "at"], name="statuschange_submission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"


class Note(BaseModel):
    """An internal note on a submission: staff only, never shown or sent to the resident."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    text = models.TextField()
    author = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_email = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [
            models.Index(
                fields=["organisation", "submission", "created_at"], name="note_submission"
            )
        ]

    def __str__(self) -> str:
        return f"Note on {self.submission_id}"


class StatusCheck(BaseModel):
    """A code emailed to a resident who asked for a submission's status.

    Only an HMAC of the code is stored (six digits are too few for a bare hash to protect). It is
    good for 15 minutes and a few tries, and used once.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    submission = models.ForeignKey(
        Submission, on_delete=models.CASCADE, related_name="status_checks"
    )
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "submission", "-created_at"], name="statuscheck_submission"
            ),
            # Housekeeping deletes expired checks.
            models.Index(fields=["expires_at"], name="statuscheck_expires"),
        ]

    def __str__(self) -> str:
        return f"Status check for {self.submission_id}"
