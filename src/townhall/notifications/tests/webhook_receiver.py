"""Test helpers for webhooks: an independent Standard Webhooks verifier and a real HTTP(S)
receiver on loopback that answers a script of status codes and checks every signature."""

from __future__ import annotations

import base64
import hmac
import ssl
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from townhall.notifications.constants import WebhookEvent
from townhall.notifications.webhooks import webhook_event_fanout, webhook_subscription_create

CREATED = WebhookEvent.SUBMISSION_CREATED.value
STATUS = WebhookEvent.SUBMISSION_STATUS_CHANGED.value
SERVICE = uuid.UUID("11111111-1111-4111-8111-111111111111")
OTHER_SERVICE = uuid.UUID("22222222-2222-4222-8222-222222222222")
PAYLOAD = {"reference": "POT-7K3F-9QX2", "service": "report-a-pothole", "status": "received"}


def verify(*, secret: str, headers: dict[str, str], body: bytes, tolerance: int = 300) -> bool:
    """True when one of the `v1` signatures in `headers` is `body`'s, signed with `secret`.

    Written from the Standard Webhooks specification (https://www.standardwebhooks.com/), not
    from Townhall's code: sign "{webhook-id}.{webhook-timestamp}.{raw body}" with HMAC-SHA256,
    keyed by the base64-decoded part of the secret after `whsec_`; reject stale timestamps.
    """
    msg_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    key = base64.b64decode(secret.split("_", 1)[1])
    expected = hmac.new(key, msg_id.encode() + b"." + timestamp.encode() + b"." + body, "sha256")
    wanted = base64.b64encode(expected.digest())
    for candidate in headers["webhook-signature"].split(" "):
        version, _, signature = candidate.partition(",")
        if version == "v1" and hmac.compare_digest(signature.encode(), wanted):
            return True
    return False


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified_with: list[str]


@dataclass
class Receiver:
    """A webhook endpoint: answers `script` in turn (then its last answer again), 401 to any
    request no secret in `secrets` verifies, and records each request."""

    url: str = ""
    script: list[int] = field(default_factory=lambda: [200])
    secrets: list[str] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)


def _handler(state: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            headers = {key.lower(): value for key, value in self.headers.items()}
            verified = [s for s in state.secrets if verify(secret=s, headers=headers, body=body)]
            state.requests.append(Received(headers=headers, body=body, verified_with=verified))
            index = min(len(state.requests) - 1, len(state.script) - 1)
            self.send_response(state.script[index] if verified else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serving(state: Receiver, *, tls: ssl.SSLContext | None = None) -> Iterator[int]:
    """Run `state`'s receiver on a free loopback port (HTTPS with `tls`); yield the port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()


def subscribe(organisation: Any, receiver: Receiver, **options: Any) -> tuple[Any, str]:
    """A subscription of `organisation` to the receiver, whose secret the receiver accepts."""
    subscription, secret = webhook_subscription_create(
        organisation_id=organisation.pk,
        url=options.get("url", receiver.url),
        event_types=list(options.get("events", (CREATED, STATUS))),
        service_id=options.get("service_id"),
        actor=None,
    )
    receiver.secrets.append(secret)
    return subscription, secret


def fanout(organisation: Any, **options: Any) -> int:
    return webhook_event_fanout(
        organisation_id=organisation.pk,
        service_id=options.get("service_id", SERVICE),
        event_id=options.get("event_id") or uuid.uuid4(),
        event_type=options.get("event_type", CREATED),
        payload=PAYLOAD,
    )
