"""Delivering outbox emails: claim a row, send it by SMTP or GOV.UK Notify, record the outcome.

At least once, never twice at the same time: a sender first *claims* a pending, due row with one
conditional UPDATE that moves its `next_attempt_at` a lease into the future and counts the
attempt. Only the sender whose UPDATE changed the row sends it, outside any transaction (an SMTP
conversation must not hold database locks — SQLite locks the whole file). A sender that dies
mid-send leaves the row pending; the sweep (`outbox_send_due`) tries it again once the lease has
passed (`TOWNHALL_OUTBOX_LEASE_SECONDS`). A row that is sent or failed is never claimed, so a
repeated task sends nothing.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import F
from django.utils import timezone

from townhall.core.crypto import DecryptionFailed
from townhall.notifications.constants import (
    BACKOFF_BASE_SECONDS,
    BACKOFF_MAX_SECONDS,
    ERROR_MAX_LENGTH,
    MAX_ATTEMPTS,
    Channel,
    OutboxState,
)
from townhall.notifications.messages import TEMPLATES
from townhall.notifications.models import OutboxEmail

logger = logging.getLogger(__name__)

_EMAIL_LIKE = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def claim_lease() -> timedelta:
    """How long a claimed row is left to its sender (`TOWNHALL_OUTBOX_LEASE_SECONDS`, read on
    each claim). Longer than any one try can take (SMTP and Notify time out well within it), so
    a live sender never has its row claimed from under it."""
    return timedelta(seconds=settings.TOWNHALL_OUTBOX_LEASE_SECONDS)


class PermanentFailure(Exception):
    """The provider refused the message for good (a malformed address, a bad template id):
    trying again cannot help, so the email is failed at once."""


@dataclass(frozen=True)
class Delivery:
    """What a sender needs, decrypted, for one try."""

    template: str
    language: str
    recipient: str
    context: Mapping[str, str]


def backoff_delay(*, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 1, 2, 4 … minutes, capped."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, BACKOFF_MAX_SECONDS))


def notify_template_id(*, template: str, language: str) -> str | None:
    """The GOV.UK Notify template id for this email, or None to send it by SMTP.

    `NOTIFY_TEMPLATE_IDS` maps a template name (English, or any language without its own) or
    `name.cy` (the Welsh version) to a Notify template id. Notify needs an API key as well.
    """
    if not settings.NOTIFY_API_KEY:
        return None
    ids: Mapping[str, str] = settings.NOTIFY_TEMPLATE_IDS
    return ids.get(f"{template}.{language}") or ids.get(template) or None


def outbox_email_claim(*, email_id: uuid.UUID, now: datetime) -> bool:
    """Take the row for one try if it is pending and due; True when this caller got it."""
    claimed = OutboxEmail.objects.filter(
        pk=email_id,
        state=OutboxState.PENDING,
        next_attempt_at__lte=now,
        attempts__lt=MAX_ATTEMPTS,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + claim_lease(), updated_at=now)
    return claimed == 1


def outbox_email_send_now(
    *, email_id: uuid.UUID, now: datetime | None = None
) -> OutboxEmail | None:
    """Try to send one email if it is due; return the row afterwards (None if not tried).

    Never raises for a delivery problem: the failure is recorded on the row (and the next try
    scheduled) instead, so one bad address cannot stop a sweep.
    """
    now = now or timezone.now()
    if not outbox_email_claim(email_id=email_id, now=now):
        return None
    try:
        email = OutboxEmail.objects.get(pk=email_id)
    except DecryptionFailed:
        # A key dropped too soon: no try can succeed, and retrying would loop for ever.
        OutboxEmail.objects.filter(pk=email_id).update(
            state=OutboxState.FAILED,
            last_error="The stored address cannot be decrypted with the current keys",
            updated_at=now,
        )
        logger.error("Email %s cannot be decrypted: gave up", email_id)
        return OutboxEmail.objects.defer("recipient", "context").get(pk=email_id)
    if email.recipient is None or email.context is None:
        # Erased by housekeeping (a very old pending row): there is nothing left to send.
        _record_failure(
            email=email,
            error="The address was erased before it could be sent",
            now=now,
            permanent=True,
        )
        return email
    delivery = Delivery(
        template=email.template,
        language=email.language,
        recipient=email.recipient,
        context=dict(email.context),
    )
    template_id = notify_template_id(template=email.template, language=email.language)
    try:
        if template_id is not None:
            _send_by_notify(delivery=delivery, template_id=template_id)
        else:
            _send_by_smtp(delivery=delivery)
    except PermanentFailure as error:
        _record_failure(email=email, error=_describe(error, delivery), now=now, permanent=True)
    except Exception as error:
        _record_failure(email=email, error=_describe(error, delivery), now=now, permanent=False)
    else:
        sent_at = timezone.now()
        channel = Channel.NOTIFY if template_id is not None else Channel.SMTP
        OutboxEmail.objects.filter(pk=email.pk).update(
            state=OutboxState.SENT,
            sent_at=sent_at,
            channel=channel,
            last_error="",
            updated_at=sent_at,
        )
        logger.info(
            "Sent email %s (%s) by %s, try %d", email.pk, email.template, channel, email.attempts
        )
    email.refresh_from_db()
    return email


def outbox_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Try every pending email that is due (oldest first, at most `limit`); return how many were
    sent. The periodic sweep: it retries after back-off and recovers emails whose task was lost."""
    now = now or timezone.now()
    # A sender that died holding its last try leaves the row pending with no tries left.
    OutboxEmail.objects.filter(
        state=OutboxState.PENDING, attempts__gte=MAX_ATTEMPTS, next_attempt_at__lte=now
    ).update(
        state=OutboxState.FAILED,
        last_error="The last try stopped before it finished",
        updated_at=now,
    )
    due = list(
        OutboxEmail.objects.filter(state=OutboxState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for email_id in due:
        email = outbox_email_send_now(email_id=email_id, now=now)
        if email is not None and email.state == OutboxState.SENT:
            sent += 1
    return sent


def _record_failure(*, email: OutboxEmail, error: str, now: datetime, permanent: bool) -> None:
    if permanent or email.attempts >= MAX_ATTEMPTS:
        OutboxEmail.objects.filter(pk=email.pk).update(
            state=OutboxState.FAILED, last_error=error, updated_at=now
        )
        logger.warning(
            "Gave up on email %s (%s) after %d tries: %s",
            email.pk,
            email.template,
            email.attempts,
            error,
        )
        return
    next_at = now + backoff_delay(attempts=email.attempts)
    OutboxEmail.objects.filter(pk=email.pk).update(
        next_attempt_at=next_at, last_error=error, updated_at=now
    )
    logger.info(
        "Email %s (%s) try %d failed, next at %s: %s",
        email.pk,
        email.template,
        email.attempts,
        next_at.isoformat(),
        error,
    )


def _describe(error: Exception, delivery: Delivery) -> str:
    """A short description of a failure that holds neither the address nor any value sent.

    Providers quote the address back (SMTP's "550 <someone@example.org> unknown"), so anything
    like an address and every value from the context is blanked before it is stored or logged.
    """
    text = f"{type(error).__name__}: {error}"
    for value in (delivery.recipient, *delivery.context.values()):
        if len(value) >= 3:
            text = text.replace(value, "…")
    text = _EMAIL_LIKE.sub("[address]", text)
    text = " ".join(text.split())
    return text[:ERROR_MAX_LENGTH]


def _send_by_smtp(*, delivery: Delivery) -> None:
    wording = TEMPLATES[delivery.template].render(
        language=delivery.language, context=delivery.context
    )
    # Django's default mailer (settings.MAILERS), with DEFAULT_FROM_EMAIL as the sender.
    EmailMessage(subject=wording.subject, body=wording.body, to=[delivery.recipient]).send()


def _send_by_notify(*, delivery: Delivery, template_id: str) -> None:
    from notifications_python_client.errors import HTTPError
    from notifications_python_client.notifications import NotificationsAPIClient

    # The client library has no type annotations.
    client = NotificationsAPIClient(  # type: ignore[no-untyped-call]
        settings.NOTIFY_API_KEY, base_url=settings.NOTIFY_BASE_URL, timeout=15
    )
    try:
        client.send_email_notification(  # type: ignore[no-untyped-call]
            email_address=delivery.recipient,
            template_id=template_id,
            personalisation=dict(delivery.context),
        )
    except HTTPError as error:
        # 400 and 403 mean the request itself is wrong (address, template id, key); 429 and 5xx
        # are Notify being busy or down, which waiting can fix.
        if error.status_code in {400, 403}:
            raise PermanentFailure(
                f"GOV.UK Notify refused it ({error.status_code}): {error.message}"
            ) from error
        raise
