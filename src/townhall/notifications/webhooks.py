"""Webhooks: organisations subscribe a URL to events; events fan out to deliveries in the caller's
transaction and are sent later (`webhook_sending.py`, `tasks.webhook_delivery_send`).

This module holds the writes other apps and the staff pages use: the fan-out, and creating,
rotating, disabling, deleting subscriptions and redelivering — each staff write audited.
"""

from __future__ import annotations

import base64
import logging
import secrets
import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from townhall.core.actions import Actor, audit_record
from townhall.notifications.constants import RETENTION_DAYS, WebhookEvent, WebhookState
from townhall.notifications.models import WebhookDelivery, WebhookSubscription
from townhall.notifications.tasks import webhook_delivery_send
from townhall.notifications.webhook_sending import SECRET_PREFIX, validate_webhook_url

logger = logging.getLogger(__name__)

# Standard Webhooks asks for secrets of 24 to 64 bytes.
SECRET_BYTES = 32


class InvalidWebhook(ValueError):
    """The subscription asked for cannot be made (an unknown event, an unsafe URL)."""


def webhook_secret_generate() -> str:
    """A new Standard Webhooks signing secret: `whsec_` and the base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def webhook_event_fanout(
    *,
    organisation_id: uuid.UUID,
    service_id: uuid.UUID,
    event_id: uuid.UUID,
    event_type: str,
    payload: dict[str, Any],
) -> int:
    """Queue `event_type` for every active subscription of the organisation that wants it (for
    this service or for all services); send each once the caller's transaction commits.

    Call it inside the transaction that makes the change the event tells of. `payload` must hold
    no personal data (a reference, the service, a status). Returns how many deliveries were
    queued. `event_id` is the `webhook-id` receivers use to discard duplicates.
    """
    subscriptions = WebhookSubscription.objects.filter(
        Q(service_id=service_id) | Q(service_id__isnull=True),
        organisation_id=organisation_id,
        active=True,
    ).only("pk", "event_types")
    now = timezone.now()
    deliveries = [
        WebhookDelivery(
            organisation_id=organisation_id,
            subscription_id=subscription.pk,
            event_id=event_id,
            event_type=event_type,
            occurred_at=now,
            payload=payload,
            state=WebhookState.PENDING,
            next_attempt_at=now,
        )
        for subscription in subscriptions
        if event_type in subscription.event_type_list
    ]
    if not deliveries:
        return 0
    WebhookDelivery.objects.bulk_create(deliveries)
    for delivery in deliveries:
        _enqueue_on_commit(delivery_id=delivery.pk)
    logger.info("Queued %d webhook deliveries of %s (%s)", len(deliveries), event_type, event_id)
    return len(deliveries)


def validate_event_types(event_types: Iterable[str]) -> list[str]:
    """The event types in their fixed order; `InvalidWebhook` for none or an unknown one."""
    chosen = set(event_types)
    unknown = chosen - set(WebhookEvent.values)
    if unknown or not chosen:
        raise InvalidWebhook("Choose at least one event from the list")
    return [value for value in WebhookEvent.values if value in chosen]


def webhook_subscription_create(
    *,
    organisation_id: uuid.UUID,
    url: str,
    event_types: Iterable[str],
    service_id: uuid.UUID | None,
    actor: Actor | None,
) -> tuple[WebhookSubscription, str]:
    """Subscribe `url` to `event_types` (for one service, or all when `service_id` is None);
    return the subscription and its signing secret, which is shown to the admin only this once.

    Raises `InvalidWebhook` for an unknown event or a URL we may not call.
    """
    types = validate_event_types(event_types)
    url = url.strip()
    try:
        validate_webhook_url(url)
    except ValueError as error:
        raise InvalidWebhook(str(error)) from None
    secret = webhook_secret_generate()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            organisation_id=organisation_id,
            url=url,
            event_types=",".join(types),
            service_id=service_id,
            secret=secret,
            active=True,
            created_by_id=actor.pk if actor is not None else None,
        )
        audit_record(
            actor=actor,
            action="notifications.webhook_create",
            summary=f"Added a webhook to {url}",
            organisation_id=organisation_id,
            target=subscription,
            changes={
                "url": url,
                "event_types": types,
                "service_id": str(service_id) if service_id else None,
            },
        )
    return subscription, secret


def webhook_subscription_secret_rotate(
    *, subscription: WebhookSubscription, actor: Actor | None, overlap_hours: int = 24
) -> str:
    """Give the subscription a new secret and return it (shown once). The old one keeps signing
    alongside it for `overlap_hours`, so the receiver can switch without a rejected message."""
    secret = webhook_secret_generate()
    expires = timezone.now() + timedelta(hours=overlap_hours)
    with transaction.atomic():
        subscription.previous_secret = subscription.secret if overlap_hours > 0 else None
        subscription.previous_secret_expires_at = expires if overlap_hours > 0 else None
        subscription.secret = secret
        subscription.save(
            update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="notifications.webhook_rotate_secret",
            summary=f"Rotated the secret of the webhook to {subscription.url}",
            organisation_id=subscription.organisation_id,
            target=subscription,
            changes={"overlap_hours": overlap_hours},
        )
    return secret


def webhook_subscription_disable(
    *, subscription: WebhookSubscription, actor: Actor | None
) -> WebhookSubscription:
    """Stop sending to the subscription; deliveries still pending are failed when next tried."""
    if not subscription.active:
        return subscription
    with transaction.atomic():
        subscription.active = False
        subscription.save(update_fields=["active", "updated_at"])
        audit_record(
            actor=actor,
            action="notifications.webhook_disable",
            summary=f"Turned off the webhook to {subscription.url}",
            organisation_id=subscription.organisation_id,
            target=subscription,
        )
    return subscription


def webhook_subscription_delete(*, subscription: WebhookSubscription, actor: Actor | None) -> None:
    """Delete the subscription with its deliveries and their log."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="notifications.webhook_delete",
            summary=f"Deleted the webhook to {subscription.url}",
            organisation_id=subscription.organisation_id,
            target=subscription,
            changes={"url": subscription.url},
        )
        subscription.delete()


def webhook_delivery_redeliver(
    *, delivery: WebhookDelivery, actor: Actor | None
) -> WebhookDelivery:
    """Start a new cycle of tries for a delivery, now, with the same event id (so a receiver
    that did get it can tell). Anything but a pending delivery can be redelivered."""
    now = timezone.now()
    with transaction.atomic():
        updated = (
            WebhookDelivery.objects.filter(pk=delivery.pk)
            .exclude(state=WebhookState.PENDING)
            .update(
                state=WebhookState.PENDING,
                attempts=0,
                first_attempt_at=None,
                next_attempt_at=now,
                delivered_at=None,
                updated_at=now,
            )
        )
        if updated:
            audit_record(
                actor=actor,
                action="notifications.webhook_redeliver",
                summary=f"Redelivered a {delivery.event_type} webhook",
                organisation_id=delivery.organisation_id,
                target=delivery,
                changes={"event_id": str(delivery.event_id), "state_before": delivery.state},
            )
            _enqueue_on_commit(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def webhook_delivery_housekeep(*, now: datetime | None = None) -> int:
    """Delete deliveries (and their log) delivered or given up on more than `RETENTION_DAYS`
    ago; return how many. The log is for finding a recent problem, not an archive."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=RETENTION_DAYS)
    finished = WebhookDelivery.objects.filter(
        state__in=[WebhookState.DELIVERED, WebhookState.FAILED], updated_at__lt=cutoff
    )
    _, by_model = finished.delete()
    return by_model.get(WebhookDelivery._meta.label, 0)


def _enqueue_on_commit(*, delivery_id: uuid.UUID) -> None:
    # A lost task is not a lost delivery: the sweep (`webhook_send_due`) sends whatever is due,
    # so a queue that fails after the commit is logged, not raised (see `email_queue`).
    kwargs: dict[str, Any] = {"delivery_id": str(delivery_id)}
    transaction.on_commit(lambda: webhook_delivery_send.enqueue(**kwargs), robust=True)
