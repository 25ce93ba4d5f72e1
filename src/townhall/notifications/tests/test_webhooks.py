"""Issue 6, point 5: webhooks. Events fan out to the matching subscriptions in the caller's
transaction; each delivery is signed the Standard Webhooks way (checked by an independent
verifier inside a real HTTP receiver on loopback, `webhook_receiver.py`), retried with
exponential back-off while the receiver fails, given up on 24 hours after the first try,
redelivered with the same event id, and signed with both secrets while a rotated one is
honoured."""

from __future__ import annotations

import base64
import itertools
import json
import socket
import time
import uuid
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from townhall.core.models import AuditEntry
from townhall.notifications.constants import WebhookState
from townhall.notifications.models import WebhookDelivery
from townhall.notifications.queries import webhook_delivery_list
from townhall.notifications.tasks import webhook_sweep
from townhall.notifications.tests.webhook_receiver import (
    CREATED,
    OTHER_SERVICE,
    PAYLOAD,
    SERVICE,
    STATUS,
    fanout,
    subscribe,
    verify,
)
from townhall.notifications.webhook_sending import backoff_delay, webhook_send_due
from townhall.notifications.webhooks import (
    InvalidWebhook,
    webhook_delivery_redeliver,
    webhook_event_fanout,
    webhook_subscription_create,
    webhook_subscription_disable,
    webhook_subscription_secret_rotate,
)
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


# --- Signing and delivery ---------------------------------------------------------------------


def test_a_delivery_is_signed_and_sent_once_the_transaction_commits(
    organisation, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(organisation, receiver)
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    event_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        assert fanout(organisation, event_id=event_id) == 1
        assert receiver.requests == []  # nothing leaves before the change is committed
    [request] = receiver.requests
    assert request.verified_with == [secret]
    assert request.headers["webhook-id"] == str(event_id)
    assert request.headers["content-type"] == "application/json"
    assert abs(int(request.headers["webhook-timestamp"]) - time.time()) < 60
    document = json.loads(request.body)
    assert document["type"] == CREATED
    assert document["data"] == PAYLOAD
    assert document["timestamp"]
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
        WebhookState.DELIVERED,
        1,
        200,
    )
    # The secret is stored encrypted, never as it is shown.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT secret FROM notifications_webhooksubscription WHERE id = %s",
            [subscription.pk.hex if connection.vendor == "sqlite" else subscription.pk],
        )
        [stored] = cursor.fetchone() or [""]
    assert stored
    assert secret not in stored


def test_the_verifier_rejects_a_tampered_body_or_another_secret(
    organisation, receiver, django_capture_on_commit_callbacks
):
    _, secret = subscribe(organisation, receiver)
    with django_capture_on_commit_callbacks(execute=True):
        fanout(organisation)
    [request] = receiver.requests
    assert verify(secret=secret, headers=request.headers, body=request.body)
    tampered = request.body.replace(b"POT-7K3F-9QX2", b"POT-7K3F-9QX3")
    assert not verify(secret=secret, headers=request.headers, body=tampered)
    other = "whsec_" + base64.b64encode(b"x" * 32).decode()
    assert not verify(secret=other, headers=request.headers, body=request.body)
    stale = {**request.headers, "webhook-timestamp": str(int(time.time()) - 3600)}
    assert not verify(secret=secret, headers=stale, body=request.body)


def test_a_failing_receiver_is_retried_with_back_off_until_it_answers(
    organisation, receiver, django_capture_on_commit_callbacks
):
    receiver.script = [500, 500, 200]
    subscription, _ = subscribe(organisation, receiver)
    event_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        fanout(organisation, event_id=event_id)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, 500)
    first_try = delivery.first_attempt_at
    assert first_try is not None
    assert delivery.next_attempt_at == first_try + backoff_delay(attempts=1)
    assert backoff_delay(attempts=1) == timedelta(seconds=30)

    # Not due yet: nothing is sent.
    assert webhook_send_due(now=first_try + timedelta(seconds=20)) == 0
    assert len(receiver.requests) == 1

    second = first_try + timedelta(seconds=31)
    assert webhook_send_due(now=second) == 0
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status_code) == (2, 500)
    assert delivery.next_attempt_at == second + timedelta(minutes=1)

    assert webhook_send_due(now=second + timedelta(seconds=59)) == 0
    assert webhook_send_due(now=second + timedelta(minutes=1)) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
        WebhookState.DELIVERED,
        3,
        200,
    )
    # Every try carried the same event id and a valid signature; the log has each answer.
    assert {r.headers["webhook-id"] for r in receiver.requests} == {str(event_id)}
    assert all(r.verified_with for r in receiver.requests)
    [logged] = webhook_delivery_list(organisation=organisation, subscription=subscription)
    assert [a.status_code for a in logged.log.all()] == [500, 500, 200]
    # A delivered delivery is never sent again.
    assert webhook_send_due(now=second + timedelta(hours=2)) == 0
    assert len(receiver.requests) == 3


def test_a_delivery_is_failed_after_24_hours_of_failures(organisation, receiver):
    receiver.script = [503]
    subscription, _ = subscribe(organisation, receiver)
    fanout(organisation)  # not committed: the sweep makes every try
    start = timezone.now()
    webhook_send_due(now=start)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    tries = 1
    while delivery.state == WebhookState.PENDING:
        webhook_send_due(now=delivery.next_attempt_at)
        delivery.refresh_from_db()
        tries += 1
        assert tries < 100
    assert delivery.state == WebhookState.FAILED
    assert delivery.last_status_code == 503
    attempts = list(delivery.log.order_by("at"))
    assert len(attempts) == tries == delivery.attempts == len(receiver.requests)
    # Back-off doubles from 30 seconds and the last try falls within the 24 hours.
    gaps = [(b.at - a.at).total_seconds() for a, b in itertools.pairwise(attempts)]
    assert gaps[:4] == [30, 60, 120, 240]
    assert max(gaps) == 3600
    assert attempts[-1].at - attempts[0].at <= timedelta(hours=24)
    assert attempts[-1].at - attempts[0].at > timedelta(hours=22)
    assert webhook_send_due(now=start + timedelta(days=3)) == 0


def test_a_network_error_is_logged_and_retried(organisation):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    subscription, _ = webhook_subscription_create(
        organisation_id=organisation.pk,
        url=f"http://127.0.0.1:{port}/",
        event_types=[CREATED],
        service_id=None,
        actor=None,
    )
    fanout(organisation)
    webhook_send_due()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == ("pending", 1, None)
    assert "ConnectionRefusedError" in delivery.last_error
    [attempt] = delivery.log.all()
    assert attempt.status_code is None
    assert attempt.error


def test_redelivery_starts_a_new_cycle_with_the_same_event_id(
    organisation, receiver, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(organisation, receiver)
    event_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        fanout(organisation, event_id=event_id)
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == WebhookState.DELIVERED
    with django_capture_on_commit_callbacks(execute=True):
        delivery = webhook_delivery_redeliver(delivery=delivery, actor=None)
    assert [r.headers["webhook-id"] for r in receiver.requests] == [str(event_id)] * 2
    assert receiver.requests[0].body == receiver.requests[1].body
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (WebhookState.DELIVERED, 1)
    assert delivery.log.count() == 2
    assert AuditEntry.objects.filter(action="notifications.webhook_redeliver").count() == 1


def test_rotation_signs_with_both_secrets_during_the_overlap_then_only_the_new(
    organisation, receiver
):
    subscription, old = subscribe(organisation, receiver)
    new = webhook_subscription_secret_rotate(subscription=subscription, actor=None)
    receiver.secrets.append(new)
    assert new != old
    assert new.startswith("whsec_")
    fanout(organisation)
    now = timezone.now()
    webhook_send_due(now=now)
    [during] = receiver.requests
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    assert sorted(during.verified_with) == sorted([old, new])

    fanout(organisation)
    webhook_send_due(now=now + timedelta(hours=25))
    after = receiver.requests[1]
    assert len(after.headers["webhook-signature"].split(" ")) == 1
    assert after.verified_with == [new]
    assert AuditEntry.objects.filter(action="notifications.webhook_rotate_secret").exists()


def test_a_disabled_subscription_gets_no_new_events_and_pending_ones_fail(organisation, receiver):
    subscription, _ = subscribe(organisation, receiver)
    fanout(organisation)
    webhook_subscription_disable(subscription=subscription, actor=None)
    assert fanout(organisation) == 0
    webhook_send_due()
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert delivery.state == WebhookState.FAILED
    assert receiver.requests == []


# --- Fan-out ----------------------------------------------------------------------------------


def test_fanout_matches_the_event_type_and_the_service(organisation, receiver):
    all_created, _ = subscribe(organisation, receiver, events=[CREATED])
    this_status, _ = subscribe(organisation, receiver, events=[STATUS], service_id=SERVICE)
    this_both, _ = subscribe(organisation, receiver, service_id=SERVICE)
    other_service, _ = subscribe(organisation, receiver, service_id=OTHER_SERVICE)
    disabled, _ = subscribe(organisation, receiver)
    webhook_subscription_disable(subscription=disabled, actor=None)
    elsewhere, _ = subscribe(OrganisationFactory.create(), receiver)

    def targets(event_type, service_id):
        WebhookDelivery.objects.all().delete()
        count = fanout(organisation, event_type=event_type, service_id=service_id)
        chosen = set(WebhookDelivery.objects.values_list("subscription_id", flat=True))
        assert count == len(chosen)
        return chosen

    assert targets(CREATED, SERVICE) == {all_created.pk, this_both.pk}
    assert targets(STATUS, SERVICE) == {this_status.pk, this_both.pk}
    assert targets(STATUS, OTHER_SERVICE) == {other_service.pk}
    assert targets(CREATED, uuid.uuid4()) == {all_created.pk}
    assert targets("submission.deleted", SERVICE) == set()
    assert elsewhere.pk not in WebhookDelivery.objects.values_list("subscription_id", flat=True)


def test_a_rolled_back_change_leaves_no_delivery(organisation, receiver):
    subscribe(organisation, receiver)

    class Abandoned(Exception):
        pass

    def change_then_abandon() -> None:
        with transaction.atomic():
            fanout(organisation)
            raise Abandoned

    with pytest.raises(Abandoned):
        change_then_abandon()
    assert not WebhookDelivery.objects.exists()


def test_the_sweep_task_sends_what_is_due(organisation, receiver):
    subscribe(organisation, receiver)
    fanout(organisation)
    assert webhook_sweep.enqueue().return_value == 1
    assert len(receiver.requests) == 1


def test_creating_a_subscription_checks_its_events(organisation, receiver):
    with pytest.raises(InvalidWebhook):
        subscribe(organisation, receiver, events=[])
    with pytest.raises(InvalidWebhook):
        subscribe(organisation, receiver, events=["submission.deleted"])
    subscription, _ = subscribe(organisation, receiver, events=[STATUS, CREATED])
    assert subscription.event_type_list == [CREATED, STATUS]
    assert AuditEntry.objects.filter(action="notifications.webhook_create").count() == 1


def test_a_payload_with_ids_and_dates_is_sent_as_strings(
    organisation, receiver, django_capture_on_commit_callbacks
):
    subscribe(organisation, receiver)
    service_id = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        webhook_event_fanout(
            organisation_id=organisation.pk,
            service_id=service_id,
            event_id=uuid.uuid4(),
            event_type=CREATED,
            payload={"reference": "POT-7K3F-9QX2", "service_id": service_id},
        )
    [request] = receiver.requests
    assert json.loads(request.body)["data"]["service_id"] == str(service_id)
    assert request.verified_with
