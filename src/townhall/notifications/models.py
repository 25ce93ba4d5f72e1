"""The outbox: one row per email, written in the transaction of the change that causes it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from townhall.core.crypto import EncryptedJSONField, EncryptedTextField
from townhall.core.models import BaseModel
from townhall.notifications.constants import OutboxState
from townhall.tenancy.models import Organisation


class OutboxEmail(BaseModel):
    """One email to send, being sent, sent or given up on.

    The address and the values filled into the template are personal data: they are stored
    encrypted and erased `RETENTION_DAYS` after the message is sent or given up on
    (`outbox_housekeep`). `last_error` never holds either: it is the error's class and a short,
    address-free description, because admins see it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    template = models.CharField(max_length=64)
    language = models.CharField(max_length=8, default="en")
    recipient = EncryptedTextField(null=True, blank=True)
    context = EncryptedJSONField(null=True, blank=True)
    state = models.CharField(
        max_length=16, choices=OutboxState.choices, default=OutboxState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # When the address and contents were erased (None while they are still held).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "state", "-created_at"], name="outbox_org_state"),
            # The sweep's question: what is pending and due, across all organisations.
            models.Index(fields=["state", "next_attempt_at"], name="outbox_state_due"),
        ]

    def __str__(self) -> str:
        # No address here: str() ends up in logs and the platform admin.
        return f"Email {self.pk} ({self.template}, {self.state})"
