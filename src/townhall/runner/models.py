"""A resident's journey through a service: their answers so far, kept on the server."""

from __future__ import annotations

from django.db import models

from townhall.core.crypto import EncryptedJSONField, secret_hash
from townhall.core.models import BaseModel
from townhall.patterns.models import PatternVersion
from townhall.services.models import Service
from townhall.submissions.models import Submission
from townhall.tenancy.models import Organisation


class Journey(BaseModel):
    """One resident's answers to one service, found through a cookie that holds its id and key.

    It lives in the runner, not in submissions: it is the web runner's working state, thrown away
    after inactivity, while a submission is the record that is kept. Its id doubles as the
    submission's idempotency key. A journey finishes on the pattern version it started on, even if
    the service moves to a newer one meanwhile. A preview journey (an editor walking a service that
    is not live) never creates a submission.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="journeys")
    pattern_version = models.ForeignKey(PatternVersion, on_delete=models.PROTECT, related_name="+")
    # Personal data, encrypted at rest like a submission's (core/crypto.py).
    answers = EncryptedJSONField(default=dict)
    language = models.CharField(max_length=5, default="en")
    preview = models.BooleanField(default=False)
    last_activity = models.DateTimeField()
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preview_sent_at = models.DateTimeField(null=True, blank=True)
    # While a "save and come back later" link is valid, its expiry replaces the idle limit.
    kept_until = models.DateTimeField(null=True, blank=True)
    # One feedback per finished journey. A flag, not a time: a time would let someone match the
    # anonymous feedback to this journey's submission.
    feedback_given = models.BooleanField(default=False)
    # SHA-256 of the key in the browser's journey cookie (runner/session.py), which opens the
    # journey as a session key opens a session; a new key replaces it when the journey is saved
    # for later or resumed, so an old copy of the cookie opens nothing. Empty for a journey
    # started before journeys had keys: its pointer is in the Django session.
    key_hash = models.CharField(max_length=64, default="", blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "service"], name="journey_org_service"),
        ]
        # No index on `last_activity`, though housekeeping finds idle journeys by it: every
        # answer rewrites it, and on PostgreSQL an update that changes an indexed column cannot
        # be a heap-only (HOT) update, so each answer would add an entry to every one of the
        # table's seven indexes and leave them bloated. Housekeeping's scan of the (small) table of
        # live journeys every 15 minutes costs far less (bench/, migration 0004).

    def __str__(self) -> str:
        return f"Journey {self.pk} through {self.service_id}"

    @staticmethod
    def hash_key(key: str) -> str:
        """The stored form of a journey key: 256 random bits, so no salt is needed."""
        return secret_hash(key)

    @property
    def is_finished(self) -> bool:
        return self.submission_id is not None or self.preview_sent_at is not None


class SaveLink(BaseModel):
    """A "save and come back later" link: it re-attaches a journey to whoever opens it, once.

    Only a SHA-256 hash of the token is stored, so a database dump does not open anyone's answers,
    and no email address is stored at all (it goes to the email task and nowhere else). Making a
    new link for a journey uses up its earlier ones, so only the newest email works. The row goes
    when its journey is deleted.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="save_links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "journey"], name="savelink_org_journey")]

    def __str__(self) -> str:
        return f"Save link {self.pk} for journey {self.journey_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        """The stored form of a token. Tokens are 256 random bits: no salt needed."""
        return secret_hash(token)
