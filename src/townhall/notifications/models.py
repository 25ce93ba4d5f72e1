"""The outbox: one row per email, written in the transaction of the change that causes it."""

from __future__ import annotations

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone

from townhall.core.crypto import EncryptedJSONField, EncryptedTextField
from townhall.core.models import BaseModel
from townhall.notifications.constants import OutboxState, WebhookState
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


class WebhookSubscription(BaseModel):
    """An organisation's URL that is told of events, for one service or all of them.

    `secret` is the Standard Webhooks signing secret (`whsec_<base64>`), shown to the admin once
    and stored encrypted. After a rotation the previous secret keeps signing alongside the new one
    until `previous_secret_expires_at`, so a receiver can switch over without missing a message.
    `service_id` is a bare UUID rather than a foreign key because notifications sits below
    services in the import layers; None means every service of the organisation.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    url = models.URLField(max_length=2000)
    # Comma-separated `WebhookEvent` values: a short, fixed vocabulary, portable to SQLite.
    event_types = models.CharField(max_length=200)
    service_id = models.UUIDField(null=True, blank=True)
    secret = EncryptedTextField()
    previous_secret = EncryptedTextField(null=True, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "active"], name="webhook_sub_org_active"),
        ]

    def __str__(self) -> str:
        return f"Webhook {self.pk} ({self.event_types})"

    @property
    def event_type_list(self) -> list[str]:
        return [value for value in self.event_types.split(",") if value]


class WebhookDelivery(BaseModel):
    """One event to deliver to one subscription: pending, delivered or given up on.

    The event id (`webhook-id`) is the same for every try and for a redelivery, so a receiver
    can discard duplicates. `payload` holds only what the caller passes (reference, service,
    status), never a resident's answers.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.UUIDField()
    event_type = models.CharField(max_length=64)
    # When the event happened: the body's `timestamp`, the same for every try.
    occurred_at = models.DateTimeField(default=timezone.now)
    # DjangoJSONEncoder: a caller's UUIDs and datetimes become strings rather than an error.
    payload = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    state = models.CharField(
        max_length=16, choices=WebhookState.choices, default=WebhookState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    # The first try of the current cycle: tries stop WEBHOOK_RETRY_WINDOW_HOURS after it.
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["organisation", "subscription", "-created_at"], name="webhook_dlv_org_sub"
            ),
            # The sweep's question: what is pending and due, across all organisations.
            models.Index(fields=["state", "next_attempt_at"], name="webhook_dlv_state_due"),
        ]

    def __str__(self) -> str:
        return f"Webhook delivery {self.pk} ({self.event_type}, {self.state})"


class WebhookAttempt(BaseModel):
    """One try of a delivery (the delivery log): when, the receiver's status code or the error."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    at = models.DateTimeField()
    status_code = models.PositiveIntegerField(null=True, blank=True)
    error = models.CharField(max_length=200, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["organisation", "delivery", "at"], name="webhook_att_org_dlv"),
        ]

    def __str__(self) -> str:
        return f"Webhook attempt {self.pk} ({self.status_code or self.error})"
