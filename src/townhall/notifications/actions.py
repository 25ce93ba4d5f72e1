"""Writes to the outbox: queue an email in the caller's transaction, send it later.

Delivery itself (SMTP or GOV.UK Notify, retries, back-off) is in `sending.py`, which the task
and the sweep call; this module is what other apps use.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from townhall.core.actions import Actor, audit_record
from townhall.notifications.constants import RETENTION_DAYS, OutboxState
from townhall.notifications.messages import validate_email_context
from townhall.notifications.models import OutboxEmail
from townhall.notifications.tasks import outbox_email_send

logger = logging.getLogger(__name__)


def email_queue(
    *,
    organisation_id: uuid.UUID,
    to: str,
    template: str,
    context: Mapping[str, str],
    language: str,
) -> OutboxEmail:
    """Store one email in the outbox and send it once the caller's transaction commits.

    Call it inside the transaction that makes the change the email tells of: if that rolls back,
    the email is never stored and never sent. `template` must be one of `messages.TEMPLATES` and
    `context` must hold exactly its keys (`UnknownTemplate` / `ContextMismatch` otherwise).
    Outside a transaction (autocommit) the email is sent straight after it is stored.
    """
    validate_email_context(template=template, context=context)
    email = OutboxEmail.objects.create(
        organisation_id=organisation_id,
        template=template,
        language=language if language in {"en", "cy"} else "en",
        recipient=to.strip(),
        # Typed as text by django-stubs (the field subclasses TextField); it stores JSON.
        context=cast("Any", dict(context)),
        state=OutboxState.PENDING,
        next_attempt_at=timezone.now(),
    )
    # Neither the address nor the values: only what identifies the row.
    logger.info("Queued email %s (%s)", email.pk, template)
    _enqueue_on_commit(email_id=email.pk)
    return email


def outbox_email_retry(*, email: OutboxEmail, actor: Actor) -> OutboxEmail:
    """Give an email that was not sent a fresh set of tries, starting now (admins' "Try again").

    Only a failed email with its address still held can be tried again; anything else is
    returned unchanged. Audited, because it sends personal data out again.
    """
    if email.state != OutboxState.FAILED or email.recipient is None:
        return email
    with transaction.atomic():
        updated = OutboxEmail.objects.filter(pk=email.pk, state=OutboxState.FAILED).update(
            state=OutboxState.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            updated_at=timezone.now(),
        )
        if updated:
            audit_record(
                actor=actor,
                action="notifications.email_retry",
                summary=f"Tried again to send a {email.template} email",
                organisation_id=email.organisation_id,
                target=email,
                changes={"template": email.template, "attempts_before": email.attempts},
            )
            _enqueue_on_commit(email_id=email.pk)
    email.refresh_from_db()
    return email


def outbox_housekeep(*, now: datetime | None = None) -> int:
    """Erase the address and contents of emails sent or given up on more than `RETENTION_DAYS`
    ago; return how many were erased. The row stays (template, dates, state, tries) so counts
    and the admins' page still add up. Safe to run at any time, from any number of machines."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=RETENTION_DAYS)
    finished = Q(state=OutboxState.SENT, sent_at__lt=cutoff) | Q(
        state=OutboxState.FAILED, updated_at__lt=cutoff
    )
    return OutboxEmail.objects.filter(finished, erased_at__isnull=True).update(
        recipient=None, context=None, erased_at=now, updated_at=now
    )


def _enqueue_on_commit(*, email_id: uuid.UUID) -> None:
    # A task that is lost (the queue's row rolled back, a worker killed) is not a lost email:
    # the sweep (`outbox_send_due`) sends whatever is pending and due. So a queue that fails
    # after the commit (the database gone that moment) is logged, not raised: the change is
    # stored, and the resident must not be shown an error for it.
    kwargs: dict[str, Any] = {"email_id": str(email_id)}
    transaction.on_commit(lambda: outbox_email_send.enqueue(**kwargs), robust=True)
