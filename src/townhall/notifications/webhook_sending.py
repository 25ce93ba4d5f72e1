"""Delivering webhooks: claim a delivery, sign it (Standard Webhooks), POST it, log the outcome.

The same lease as the email outbox (`sending.py`): a sender claims a pending, due delivery with
one conditional UPDATE that moves `next_attempt_at` a lease into the future and counts the try,
so two workers never send one delivery at the same time; a sender that dies leaves it to the sweep
once the lease (`TOWNHALL_WEBHOOK_LEASE_SECONDS`) has passed. The POST happens outside any
transaction. A failed try is retried with exponential back-off until `WEBHOOK_RETRY_WINDOW_HOURS`
after the cycle's first try, then the delivery is failed. Every try is logged (`WebhookAttempt`).

Signing follows https://www.standardwebhooks.com/: `webhook-id` (the event id, the same for every
try), `webhook-timestamp` (unix seconds at send time) and `webhook-signature`, space-separated
`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, one per secret in use (two while a
rotated-out secret is still honoured).

An admin chooses the URL, so it is checked against server-side request forgery on every try:
https only, and never to a private, loopback, link-local or reserved address, unless
`TOWNHALL_WEBHOOKS_ALLOW_PRIVATE`. The connection goes to the address that was checked (not a
second DNS answer), and redirects are never followed.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import socket
import ssl
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from townhall.notifications.constants import (
    ERROR_MAX_LENGTH,
    WEBHOOK_BACKOFF_BASE_SECONDS,
    WEBHOOK_BACKOFF_MAX_SECONDS,
    WEBHOOK_RETRY_WINDOW_HOURS,
    WEBHOOK_TIMEOUT_SECONDS,
    WebhookState,
)
from townhall.notifications.models import WebhookAttempt, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

# Not a secret: the Standard Webhooks marker in front of one.
SECRET_PREFIX = "whsec_"  # noqa: S105


def claim_lease() -> timedelta:
    """How long a claimed delivery is left to its sender (`TOWNHALL_WEBHOOK_LEASE_SECONDS`, read
    on each claim). Longer than one try can take (the timeout, twice: connect and read), so a live
    sender never has its delivery claimed from under it."""
    return timedelta(seconds=settings.TOWNHALL_WEBHOOK_LEASE_SECONDS)


class UnsafeURL(ValueError):
    """The URL may not be called: wrong scheme, or an address inside our own network."""


@dataclass(frozen=True)
class Response:
    status_code: int


def backoff_delay(*, attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 1, 2, 4 … minutes, capped at an hour."""
    seconds = WEBHOOK_BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, WEBHOOK_BACKOFF_MAX_SECONDS))


def webhook_sign(*, secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One Standard Webhooks signature, `v1,<base64>`, of `body` with a `whsec_` secret."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode("ascii")


def webhook_signing_secrets(*, subscription: WebhookSubscription, now: datetime) -> list[str]:
    """The secrets to sign with now: the current one, and the previous one until it expires."""
    secrets = [subscription.secret]
    if (
        subscription.previous_secret
        and subscription.previous_secret_expires_at is not None
        and subscription.previous_secret_expires_at > now
    ):
        secrets.append(subscription.previous_secret)
    return secrets


def webhook_body(*, delivery: WebhookDelivery) -> bytes:
    """The JSON body: the event type, when it happened and the caller's payload."""
    document = {
        "type": delivery.event_type,
        "timestamp": delivery.occurred_at.isoformat(),
        "data": delivery.payload,
    }
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def validate_webhook_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise `UnsafeURL` unless `url` is one we may call (without looking the host up)."""
    allow = settings.TOWNHALL_WEBHOOKS_ALLOW_PRIVATE if allow_private is None else allow_private
    parts = urlsplit(url)
    allowed_schemes = {"https", "http"} if allow else {"https"}
    if parts.scheme not in allowed_schemes:
        raise UnsafeURL("The address must start with https://")
    if not parts.hostname:
        raise UnsafeURL("The address has no host name")
    if parts.username or parts.password:
        raise UnsafeURL("The address must not hold a user name or password")
    try:
        literal = ipaddress.ip_address(parts.hostname)
    except ValueError:
        if not allow and parts.hostname.lower().rstrip(".") in {"localhost", "localhost6"}:
            raise UnsafeURL("The address is inside a private network") from None
        return
    if not allow and not literal.is_global:
        raise UnsafeURL("The address is inside a private network")


def resolve_webhook_host(url: str, *, allow_private: bool | None = None) -> str:
    """Check `url` and look its host up; return the one IP address to connect to."""
    allow = settings.TOWNHALL_WEBHOOKS_ALLOW_PRIVATE if allow_private is None else allow_private
    validate_webhook_url(url, allow_private=allow)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UnsafeURL(f"The host name could not be found ({error.strerror})") from None
    addresses = [str(answer[4][0]) for answer in answers]
    # Every answer must be public: otherwise a name with one public and one private address
    # could still reach the private one.
    if not allow and any(not ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise UnsafeURL("The address is inside a private network")
    if not addresses:
        raise UnsafeURL("The host name has no address")
    return addresses[0]


def tls_context() -> ssl.SSLContext:
    """The system's trusted CAs, with host name checks (tests swap in their own CA)."""
    return ssl.create_default_context()


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to an address already checked, whatever DNS says by now."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate verified for the host name."""

    def __init__(self, host: str, port: int | None, *, address: str, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout, context=tls_context())
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def webhook_post(*, url: str, headers: dict[str, str], body: bytes) -> Response:
    """POST `body` to `url` once, following no redirect; raise on a network error."""
    address = resolve_webhook_host(url)
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname or "", parts.port, address=address, timeout=WEBHOOK_TIMEOUT_SECONDS
    )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        # Read (a little of) the answer so the connection closes cleanly; we keep none of it.
        response.read(1024)
        return Response(status_code=response.status)
    finally:
        connection.close()


def webhook_delivery_claim(*, delivery_id: uuid.UUID, now: datetime) -> bool:
    """Take the delivery for one try if it is pending and due; True when this caller got it."""
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state=WebhookState.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + claim_lease(), updated_at=now)
    if claimed:
        # The first try of a cycle starts the 24-hour window.
        WebhookDelivery.objects.filter(pk=delivery_id, first_attempt_at__isnull=True).update(
            first_attempt_at=now
        )
    return claimed == 1


def webhook_delivery_send_now(
    *, delivery_id: uuid.UUID, now: datetime | None = None
) -> WebhookDelivery | None:
    """Try one delivery if it is due; return it afterwards (None if not tried).

    Never raises for a receiver's problem: the outcome is logged and the next try scheduled.
    `now` drives the clock for retries and the window; `webhook-timestamp` is always the real
    time of sending, since receivers reject stale timestamps.
    """
    now = now or timezone.now()
    if not webhook_delivery_claim(delivery_id=delivery_id, now=now):
        return None
    delivery = WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)
    subscription = delivery.subscription
    if not subscription.active:
        _finish(delivery=delivery, now=now, status_code=None, error="The webhook was disabled")
        delivery.refresh_from_db()
        return delivery
    body = webhook_body(delivery=delivery)
    msg_id = str(delivery.event_id)
    timestamp = int(time.time())
    signatures = [
        webhook_sign(secret=secret, msg_id=msg_id, timestamp=timestamp, body=body)
        for secret in webhook_signing_secrets(subscription=subscription, now=now)
    ]
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Townhall-Webhooks/1",
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }
    started = time.monotonic()
    status_code: int | None = None
    error = ""
    try:
        status_code = webhook_post(url=subscription.url, headers=headers, body=body).status_code
    except UnsafeURL as refused:
        error = f"Refused: {refused}"
    except Exception as failure:
        error = f"{type(failure).__name__}: {failure}"
    duration_ms = int((time.monotonic() - started) * 1000)
    error = " ".join(error.split())[:ERROR_MAX_LENGTH]
    WebhookAttempt.objects.create(
        organisation_id=delivery.organisation_id,
        delivery=delivery,
        at=now,
        status_code=status_code,
        error=error,
        duration_ms=duration_ms,
    )
    if status_code is not None and 200 <= status_code < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            state=WebhookState.DELIVERED,
            delivered_at=now,
            last_status_code=status_code,
            last_error="",
            updated_at=now,
        )
        logger.info("Delivered webhook %s (%s), try %d", delivery.pk, msg_id, delivery.attempts)
    else:
        _retry_or_fail(
            delivery=delivery,
            now=now,
            status_code=status_code,
            error=error or f"The receiver answered {status_code}",
        )
    delivery.refresh_from_db()
    return delivery


def webhook_send_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Try every pending delivery that is due (oldest first, at most `limit`); return how many
    were delivered. The periodic sweep: retries after back-off and recovers lost tasks."""
    now = now or timezone.now()
    # A sender that died mid-try leaves its delivery pending; one whose window has long passed
    # (a try that crashes the worker every time) is given up on here, or it would loop for ever.
    WebhookDelivery.objects.filter(
        state=WebhookState.PENDING,
        first_attempt_at__lt=now - timedelta(hours=WEBHOOK_RETRY_WINDOW_HOURS) - claim_lease(),
        next_attempt_at__lte=now,
    ).update(
        state=WebhookState.FAILED,
        last_error="The last try stopped before it finished",
        updated_at=now,
    )
    due = list(
        WebhookDelivery.objects.filter(state=WebhookState.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    delivered = 0
    for delivery_id in due:
        delivery = webhook_delivery_send_now(delivery_id=delivery_id, now=now)
        if delivery is not None and delivery.state == WebhookState.DELIVERED:
            delivered += 1
    return delivered


def _retry_or_fail(
    *, delivery: WebhookDelivery, now: datetime, status_code: int | None, error: str
) -> None:
    first = delivery.first_attempt_at or now
    next_at = now + backoff_delay(attempts=delivery.attempts)
    if next_at > first + timedelta(hours=WEBHOOK_RETRY_WINDOW_HOURS):
        _finish(delivery=delivery, now=now, status_code=status_code, error=error)
        return
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=next_at, last_status_code=status_code, last_error=error, updated_at=now
    )
    logger.info(
        "Webhook %s try %d failed, next at %s: %s",
        delivery.pk,
        delivery.attempts,
        next_at.isoformat(),
        error,
    )


def _finish(
    *, delivery: WebhookDelivery, now: datetime, status_code: int | None, error: str
) -> None:
    """Give up on a delivery."""
    fields: dict[str, Any] = {
        "state": WebhookState.FAILED,
        "last_error": error[:ERROR_MAX_LENGTH],
        "updated_at": now,
    }
    if status_code is not None:
        fields["last_status_code"] = status_code
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)
    logger.warning(
        "Gave up on webhook %s after %d tries: %s", delivery.pk, delivery.attempts, error
    )
