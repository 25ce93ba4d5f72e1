"""Background work for the outbox: sending one email, and the sweep that sends whatever is due."""

from __future__ import annotations

import uuid

from django.tasks import task

from townhall.notifications.constants import OutboxState
from townhall.notifications.sending import outbox_email_send_now, outbox_send_due


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
