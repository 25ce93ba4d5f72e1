"""Background work for the outboxes: sending one email or webhook, and the sweeps that send
whatever is due."""

from __future__ import annotations

import uuid

from django.tasks import task

from townhall.notifications.constants import OutboxState, WebhookState
from townhall.notifications.sending import outbox_email_send_now, outbox_send_due
from townhall.notifications.webhook_sending import webhook_delivery_send_now, webhook_send_due


@task()
def outbox_email_send(*, email_id: str) -> None:
    """Try to send one outbox email; after a failed try, schedule the next after its back-off.

    Safe to run twice: a row already sent (or being sent by another worker) is left alone. A
    backend that cannot run tasks later (the test suite's immediate backend) schedules nothing;
    the sweep (`outbox_sweep`, run by `townhall housekeeping`) then picks the email up when due.
    """
    email = outbox_email_send_now(email_id=uuid.UUID(email_id))
    if email is None or email.state != OutboxState.PENDING:
        return
    if outbox_email_send.get_backend().supports_defer:
        outbox_email_send.using(run_after=email.next_attempt_at).enqueue(email_id=email_id)


@task()
def outbox_sweep() -> int:
    """Send every pending email that is due; returns how many were sent."""
    return outbox_send_due()


@task()
def webhook_delivery_send(*, delivery_id: str) -> None:
    """Try one webhook delivery; after a failed try, schedule the next after its back-off.

    Safe to run twice: a delivery already made, failed or being sent elsewhere is left alone.
    Without a backend that can defer, the sweep (`webhook_sweep`) picks up the next try.
    """
    delivery = webhook_delivery_send_now(delivery_id=uuid.UUID(delivery_id))
    if delivery is None or delivery.state != WebhookState.PENDING:
        return
    if webhook_delivery_send.get_backend().supports_defer:
        webhook_delivery_send.using(run_after=delivery.next_attempt_at).enqueue(
            delivery_id=delivery_id
        )


@task()
def webhook_sweep() -> int:
    """Try every pending webhook delivery that is due; returns how many were delivered."""
    return webhook_send_due()
