"""Reads of the outbox and webhooks, always scoped to one organisation."""

from __future__ import annotations

import uuid

from django.db.models import Count, Prefetch, QuerySet

from townhall.notifications.constants import OutboxState
from townhall.notifications.models import (
    OutboxEmail,
    WebhookAttempt,
    WebhookDelivery,
    WebhookSubscription,
)
from townhall.tenancy.models import Organisation


def outbox_failed_list(*, organisation: Organisation) -> QuerySet[OutboxEmail]:
    """Emails of `organisation` that were given up on, most recently failed first."""
    return OutboxEmail.objects.filter(organisation=organisation, state=OutboxState.FAILED).order_by(
        "-updated_at"
    )


def outbox_email_get(*, organisation: Organisation, email_id: str) -> OutboxEmail | None:
    """One email of `organisation`, or None (also for another organisation's email)."""
    return OutboxEmail.objects.filter(organisation=organisation, pk=email_id).first()


def outbox_counts(*, organisation: Organisation) -> dict[str, int]:
    """How many of `organisation`'s emails are in each state (every state present, 0 if none)."""
    counts = {state.value: 0 for state in OutboxState}
    rows = (
        OutboxEmail.objects.filter(organisation=organisation)
        .values("state")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["state"]] = row["total"]
    return counts


def recipient_mask(address: str | None) -> str:
    """Enough of an address for an admin to recognise it, not enough to read it:
    "j***@e***.gov.uk"."""
    if not address or "@" not in address:
        return "(erased)" if not address else "***"
    local, _, domain = address.rpartition("@")
    head, dot, tail = domain.partition(".")
    return f"{local[:1]}***@{head[:1]}***{dot}{tail}"


def webhook_subscription_list(*, organisation: Organisation) -> QuerySet[WebhookSubscription]:
    """`organisation`'s webhook subscriptions, active first, newest first."""
    return WebhookSubscription.objects.filter(organisation=organisation).order_by(
        "-active", "-created_at"
    )


def webhook_subscription_get(
    *, organisation: Organisation, subscription_id: str
) -> WebhookSubscription | None:
    """One subscription of `organisation`, or None (also for another organisation's)."""
    try:
        uuid.UUID(str(subscription_id))
    except ValueError:
        return None
    return WebhookSubscription.objects.filter(organisation=organisation, pk=subscription_id).first()


def webhook_delivery_list(
    *, organisation: Organisation, subscription: WebhookSubscription, limit: int = 50
) -> list[WebhookDelivery]:
    """The subscription's most recent deliveries, newest first, each with its tries
    (`delivery.log.all()`, oldest first) fetched in one more query."""
    return list(
        WebhookDelivery.objects.filter(organisation=organisation, subscription=subscription)
        .order_by("-created_at")
        .prefetch_related(
            Prefetch("log", queryset=WebhookAttempt.objects.order_by("at", "created_at"))
        )[:limit]
    )


def webhook_delivery_get(
    *, organisation: Organisation, subscription: WebhookSubscription, delivery_id: str
) -> WebhookDelivery | None:
    """One delivery of the subscription, or None (also for another organisation's)."""
    try:
        uuid.UUID(str(delivery_id))
    except ValueError:
        return None
    return WebhookDelivery.objects.filter(
        organisation=organisation, subscription=subscription, pk=delivery_id
    ).first()
