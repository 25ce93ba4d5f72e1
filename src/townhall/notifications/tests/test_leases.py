"""Issue 7, point 2: a worker killed mid-send (`kill -9`) holds what it claimed only for the
configured lease (`TOWNHALL_OUTBOX_LEASE_SECONDS`, `TOWNHALL_WEBHOOK_LEASE_SECONDS`, read when a
row is claimed): the sweep sends it again once the lease has passed, and not a moment before, so a
live sender is never doubled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import pytest
from django.utils import timezone

from townhall.notifications.constants import OutboxState, WebhookState
from townhall.notifications.models import OutboxEmail, WebhookDelivery
from townhall.notifications.sending import outbox_email_claim, outbox_send_due
from townhall.notifications.tests.webhook_receiver import fanout, subscribe
from townhall.notifications.webhook_sending import webhook_delivery_claim, webhook_send_due

pytestmark = pytest.mark.django_db

LEASE = timedelta(seconds=90)  # shorter than either default, so the setting is what decides


def test_an_email_whose_worker_died_is_sent_by_the_sweep_once_the_lease_passes(
    settings, organisation, smtp_server
):
    settings.TOWNHALL_OUTBOX_LEASE_SECONDS = int(LEASE.total_seconds())
    email = OutboxEmail.objects.create(
        organisation=organisation,
        template="submission_received",
        recipient="resident.person@example.org",
        context=cast(
            "Any",
            {
                "reference": "POT-7K3F-9QX2",
                "service_name": "Report a pothole",
                "status_url": "http://127.0.0.1:8000/status/",
            },
        ),
    )
    claimed_at = timezone.now()
    # A worker claims the email, then is killed before it sends or records anything.
    assert outbox_email_claim(email_id=email.pk, now=claimed_at)

    assert outbox_send_due(now=claimed_at + LEASE - timedelta(seconds=1)) == 0
    assert smtp_server.messages == []

    assert outbox_send_due(now=claimed_at + LEASE) == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "resident.person@example.org"
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.SENT, 2)


def test_a_webhook_whose_worker_died_is_sent_by_the_sweep_once_the_lease_passes(
    settings, organisation, receiver
):
    settings.TOWNHALL_WEBHOOK_LEASE_SECONDS = int(LEASE.total_seconds())
    subscription, _secret = subscribe(organisation, receiver)
    fanout(organisation)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    claimed_at = timezone.now()
    # A worker claims the delivery, then is killed before it posts anything.
    assert webhook_delivery_claim(delivery_id=delivery.pk, now=claimed_at)

    assert webhook_send_due(now=claimed_at + LEASE - timedelta(seconds=1)) == 0
    assert receiver.requests == []

    assert webhook_send_due(now=claimed_at + LEASE) == 1
    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (WebhookState.DELIVERED, 2)


def test_the_leases_are_read_when_a_row_is_claimed(settings):
    from townhall.notifications import sending, webhook_sending

    settings.TOWNHALL_OUTBOX_LEASE_SECONDS = 300
    settings.TOWNHALL_WEBHOOK_LEASE_SECONDS = 45
    assert sending.claim_lease() == timedelta(minutes=5)
    assert webhook_sending.claim_lease() == timedelta(seconds=45)
