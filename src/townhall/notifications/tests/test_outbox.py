"""Issue 5, point 5: emails are written to an outbox in the transaction of the change, sent by
background tasks over SMTP (a real server on loopback), retried with back-off when sending fails,
given up on after `MAX_ATTEMPTS` tries, and hold personal data only encrypted and only for
`RETENTION_DAYS`."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from typing import Any, cast

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from townhall.notifications.actions import email_queue, outbox_housekeep
from townhall.notifications.constants import MAX_ATTEMPTS, RETENTION_DAYS, OutboxState
from townhall.notifications.messages import ContextMismatch, UnknownTemplate
from townhall.notifications.models import OutboxEmail
from townhall.notifications.queries import outbox_counts, outbox_failed_list, recipient_mask
from townhall.notifications.sending import backoff_delay, outbox_send_due
from townhall.notifications.tasks import outbox_email_send

pytestmark = pytest.mark.django_db

ADDRESS = "resident.person@example.org"
RECEIVED = {
    "reference": "POT-7K3F-9QX2",
    "service_name": "Report a pothole",
    "status_url": "http://127.0.0.1:8000/status/",
}


def text(message):
    """The body with SMTP's CRLF line ends as Python's."""
    return message.get_content().replace("\r\n", "\n")


def queue(organisation, **overrides):
    values = {
        "organisation_id": organisation.pk,
        "to": ADDRESS,
        "template": "submission_received",
        "context": RECEIVED,
        "language": "en",
    }
    values.update(overrides)
    return email_queue(**values)


def test_an_email_is_sent_over_smtp_once_the_transaction_commits(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        email = queue(organisation)
        # Nothing leaves before the change is committed.
        assert smtp_server.messages == []
    [message] = smtp_server.wait_for(1)
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Report a pothole: we have received your request"
    body = message.get_content()
    assert "Your reference number is POT-7K3F-9QX2" in body
    assert "http://127.0.0.1:8000/status/" in body
    email.refresh_from_db()
    assert (email.state, email.attempts, email.channel) == (OutboxState.SENT, 1, "smtp")
    assert email.sent_at is not None


def test_a_rolled_back_change_leaves_no_email(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    class Abandoned(Exception):
        pass

    def change_then_abandon() -> None:
        with transaction.atomic():
            queue(organisation)
            raise Abandoned

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Abandoned),
    ):
        change_then_abandon()
    assert callbacks == []
    assert OutboxEmail.objects.count() == 0
    assert smtp_server.messages == []


def test_welsh_residents_get_welsh_emails(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(organisation, language="cy", context={**RECEIVED, "service_name": "Rhoi gwybod"})
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Rhoi gwybod: rydym wedi cael eich cais"
    assert "Eich cyfeirnod yw POT-7K3F-9QX2" in message.get_content()


def test_status_emails_leave_out_an_empty_note(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    context = {**RECEIVED, "status": "Fixed", "note": ""}
    with django_capture_on_commit_callbacks(execute=True):
        queue(organisation, template="status_changed", context=context)
        queue(organisation, template="status_changed", context={**context, "note": "Filled."})
    first, second = smtp_server.wait_for(2)
    assert "Status: Fixed\n\nTo see more" in text(first)
    assert "Status: Fixed\n\nFilled.\n\nTo see more" in text(second)


def test_unknown_templates_and_wrong_values_are_refused_when_queued(organisation):
    with pytest.raises(UnknownTemplate):
        queue(organisation, template="submission_recieved")
    with pytest.raises(ContextMismatch, match="missing \\['status_url'\\]"):
        queue(organisation, context={"reference": "X", "service_name": "Y"})
    assert OutboxEmail.objects.count() == 0


def test_an_email_already_sent_is_not_sent_again(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation)
    smtp_server.wait_for(1)
    outbox_email_send.enqueue(email_id=str(email.pk))  # a duplicate task
    assert outbox_send_due(now=timezone.now() + timedelta(days=1)) == 0
    assert len(smtp_server.messages) == 1


def test_sending_is_retried_with_back_off_until_smtp_is_back(
    organisation, smtp_server, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.PENDING, 1)
    assert email.last_error.startswith("ConnectionRefusedError")
    first_retry = email.next_attempt_at
    assert first_retry - timezone.now() > timedelta(seconds=50)

    # Not due yet: the sweep leaves it alone.
    assert outbox_send_due(now=first_retry - timedelta(seconds=1)) == 0
    assert OutboxEmail.objects.get().attempts == 1

    # Due, still down: a second try, and the wait doubles.
    outbox_send_due(now=first_retry)
    email.refresh_from_db()
    assert email.attempts == 2
    assert email.next_attempt_at == first_retry + backoff_delay(attempts=2)
    assert backoff_delay(attempts=2) == timedelta(minutes=2)

    # The server is back: the next sweep sends it.
    smtp_server_options = {"host": smtp_server.host, "port": smtp_server.port, "timeout": 5}
    from django.conf import settings

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": smtp_server_options,
        }
    }
    assert outbox_send_due(now=email.next_attempt_at) == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == ADDRESS
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.SENT, 3)


def test_an_email_is_given_up_on_after_the_last_try(
    organisation, smtp_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation)
    for _try in range(2, MAX_ATTEMPTS + 1):
        email.refresh_from_db()
        assert email.state == OutboxState.PENDING
        outbox_send_due(now=email.next_attempt_at)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.FAILED, MAX_ATTEMPTS)
    # A failed email is not tried again by the sweep.
    assert outbox_send_due(now=timezone.now() + timedelta(days=2)) == 0
    assert OutboxEmail.objects.get().attempts == MAX_ATTEMPTS
    assert list(outbox_failed_list(organisation=organisation)) == [email]
    assert outbox_counts(organisation=organisation) == {"pending": 0, "sent": 0, "failed": 1}
    # The back-off grows to its cap; the tries span hours, not days.
    waits = [backoff_delay(attempts=n) for n in range(1, MAX_ATTEMPTS)]
    assert waits[0] == timedelta(minutes=1)
    assert timedelta(hours=1) < sum(waits, timedelta()) < timedelta(hours=3)


def test_a_task_lost_with_its_worker_is_recovered_by_the_sweep(organisation, smtp_server):
    # Queued in autocommit with the task never run: as if the worker died holding it.
    email = OutboxEmail.objects.create(
        organisation=organisation,
        template="submission_received",
        recipient=ADDRESS,
        context=cast("Any", RECEIVED),
    )
    assert outbox_send_due() == 1
    smtp_server.wait_for(1)
    email.refresh_from_db()
    assert email.state == OutboxState.SENT


def test_a_claimed_email_is_not_sent_twice_at_once(organisation, smtp_server):
    email = OutboxEmail.objects.create(
        organisation=organisation,
        template="submission_received",
        recipient=ADDRESS,
        context=cast("Any", RECEIVED),
    )
    from townhall.notifications.sending import outbox_email_claim

    now = timezone.now()
    assert outbox_email_claim(email_id=email.pk, now=now) is True
    # Another worker, the same moment: the row is leased to the first.
    assert outbox_email_claim(email_id=email.pk, now=now) is False
    assert outbox_send_due(now=now + timedelta(minutes=1)) == 0
    assert smtp_server.messages == []


def test_the_address_and_values_are_stored_encrypted(organisation):
    email = queue(organisation)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT recipient, context FROM notifications_outboxemail WHERE id = %s",
            [email.pk.hex if connection.vendor == "sqlite" else email.pk],
        )
        recipient, context = cursor.fetchone()
    for raw in (recipient, context):
        assert raw.startswith("gAAAAA")  # a Fernet token
        assert "example.org" not in raw
        assert "POT-7K3F" not in raw
        assert "pothole" not in raw.lower()
    fresh = OutboxEmail.objects.get(pk=email.pk)
    assert fresh.recipient == ADDRESS
    assert fresh.context == RECEIVED


def test_errors_shown_to_admins_never_hold_the_address(
    organisation, smtp_server, django_capture_on_commit_callbacks
):
    from townhall.notifications.sending import Delivery, _describe

    delivery = Delivery(
        template="submission_received", language="en", recipient=ADDRESS, context=RECEIVED
    )
    error = Exception(f"550 5.1.1 <{ADDRESS}>: no such user (other@example.net) POT-7K3F-9QX2")
    text = _describe(error, delivery)
    assert "example" not in text
    assert "POT-7K3F-9QX2" not in text
    assert text.startswith("Exception: 550 5.1.1")
    assert len(_describe(Exception("x" * 1000), delivery)) == 200


def test_addresses_and_values_are_erased_after_the_retention_period(organisation):
    now = timezone.now()
    old = now - timedelta(days=RETENTION_DAYS + 1)
    sent_long_ago = queue(organisation)
    OutboxEmail.objects.filter(pk=sent_long_ago.pk).update(state=OutboxState.SENT, sent_at=old)
    failed_long_ago = queue(organisation)
    OutboxEmail.objects.filter(pk=failed_long_ago.pk).update(
        state=OutboxState.FAILED, updated_at=old
    )
    sent_recently = queue(organisation)
    OutboxEmail.objects.filter(pk=sent_recently.pk).update(
        state=OutboxState.SENT, sent_at=now - timedelta(days=1)
    )
    pending = queue(organisation)

    assert outbox_housekeep(now=now) == 2
    assert outbox_housekeep(now=now) == 0  # nothing left to erase
    for erased in (sent_long_ago, failed_long_ago):
        erased.refresh_from_db()
        assert (erased.recipient, erased.context, erased.erased_at) == (None, None, now)
    for kept in (sent_recently, pending):
        kept.refresh_from_db()
        assert kept.recipient == ADDRESS
        assert kept.erased_at is None


def test_addresses_are_masked_for_admins():
    assert recipient_mask(ADDRESS) == "r***@e***.org"
    assert recipient_mask("a@council.gov.uk") == "a***@c***.gov.uk"
    assert recipient_mask(None) == "(erased)"


def test_housekeeping_erases_old_addresses_and_sweeps_the_outbox(organisation, smtp_server):
    old = queue(organisation)
    OutboxEmail.objects.filter(pk=old.pk).update(
        state=OutboxState.SENT, sent_at=timezone.now() - timedelta(days=RETENTION_DAYS + 1)
    )
    lost = queue(organisation)  # autocommit in this test: its task never ran
    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert "Erased the addresses of 1 old outbox emails." in out.getvalue()
    old.refresh_from_db()
    assert old.recipient is None
    smtp_server.wait_for(1)
    lost.refresh_from_db()
    assert lost.state == OutboxState.SENT


def test_a_last_try_that_never_finished_is_given_up_on_by_the_sweep(organisation, smtp_server):
    email = queue(organisation)
    # A worker claimed the last try and died: the row is pending, leased, with no tries left.
    OutboxEmail.objects.filter(pk=email.pk).update(attempts=MAX_ATTEMPTS)
    assert outbox_send_due(now=timezone.now() + timedelta(minutes=11)) == 0
    email.refresh_from_db()
    assert email.state == OutboxState.FAILED
    assert smtp_server.messages == []


def test_an_address_no_key_can_decrypt_is_given_up_on(organisation, settings, smtp_server):
    email = queue(organisation)
    settings.ENCRYPTION_KEYS = ["Zm9yZWlnbi1rZXktZm9yLXRoZS10ZXN0LW9ubHktMTI="]
    outbox_send_due()
    email = OutboxEmail.objects.defer("recipient", "context").get(pk=email.pk)
    assert email.state == OutboxState.FAILED
    assert "cannot be decrypted" in email.last_error
    assert smtp_server.messages == []
