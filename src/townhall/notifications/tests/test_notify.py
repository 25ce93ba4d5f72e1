"""Issue 5, point 5: with an API key and template ids, emails go through GOV.UK Notify.

GOV.UK Notify itself cannot be reached from the test environment (and must not be sent test
traffic), so a real HTTP server on loopback stands in for its API: the test checks the request
that `notifications-python-client` makes — path, JSON body, a bearer token — and how Townhall
treats Notify's answers (201 sent, 5xx tried again later, 400 given up on at once)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from townhall.notifications.actions import email_queue
from townhall.notifications.constants import OutboxState

pytestmark = pytest.mark.django_db

TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
WELSH_TEMPLATE_ID = "0a6b0c3e-3a4b-4d5e-8f90-123456789abc"
SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())


@dataclass
class FakeNotify:
    """What the stand-in received, and the status it answers with next."""

    base_url: str = ""
    status: int = 201
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def notify(settings: Any) -> Iterator[FakeNotify]:
    fake = FakeNotify()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers["Content-Length"])
            fake.requests.append(
                {
                    "path": self.path,
                    "authorization": self.headers["Authorization"],
                    "json": json.loads(self.rfile.read(length)),
                }
            )
            if fake.status == 201:
                answer: dict[str, Any] = {"id": str(uuid.uuid4()), "content": {}}
            else:
                answer = {
                    "status_code": fake.status,
                    "errors": [{"error": "Error", "message": "Something was wrong"}],
                }
            payload = json.dumps(answer).encode()
            self.send_response(fake.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep addresses out of the test output too

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    settings.NOTIFY_API_KEY = f"townhall_test-{SERVICE_ID}-{SECRET}"
    settings.NOTIFY_TEMPLATE_IDS = {
        "submission_received": TEMPLATE_ID,
        "submission_received.cy": WELSH_TEMPLATE_ID,
    }
    settings.NOTIFY_BASE_URL = fake.base_url
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()


def queue(organisation: Any, *, template: str = "submission_received", language: str = "en") -> Any:
    context = {
        "reference": "POT-7K3F-9QX2",
        "service_name": "Report a pothole",
        "status_url": "http://127.0.0.1:8000/status/",
    }
    if template == "submission_new_for_team":
        context = {**context, "inbox_url": "http://x/staff/a/inbox/1/"}
        del context["status_url"]
    return email_queue(
        organisation_id=organisation.pk,
        to="resident@example.org",
        template=template,
        context=context,
        language=language,
    )


def test_emails_go_through_notify_with_the_template_id_and_values(
    organisation, notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation)
    [request] = notify.requests
    assert request["path"] == "/v2/notifications/email"
    assert request["authorization"].startswith("Bearer ey")  # a JWT signed with the secret
    assert request["json"] == {
        "email_address": "resident@example.org",
        "template_id": TEMPLATE_ID,
        "personalisation": {
            "reference": "POT-7K3F-9QX2",
            "service_name": "Report a pothole",
            "status_url": "http://127.0.0.1:8000/status/",
        },
    }
    email.refresh_from_db()
    assert (email.state, email.channel) == (OutboxState.SENT, "notify")


def test_welsh_emails_use_the_welsh_template(
    organisation, notify, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queue(organisation, language="cy")
    assert notify.requests[0]["json"]["template_id"] == WELSH_TEMPLATE_ID


def test_a_template_without_a_notify_id_goes_by_smtp(
    organisation, notify, smtp_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation, template="submission_new_for_team")
    assert notify.requests == []
    smtp_server.wait_for(1)
    email.refresh_from_db()
    assert email.channel == "smtp"


def test_notify_being_down_is_tried_again_later(
    organisation, notify, django_capture_on_commit_callbacks
):
    notify.status = 500
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.PENDING, 1)
    assert email.last_error.startswith("HTTPError: 500")
    assert "resident" not in email.last_error


def test_notify_refusing_the_request_is_given_up_on_at_once(
    organisation, notify, django_capture_on_commit_callbacks
):
    notify.status = 400
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(organisation)
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.FAILED, 1)
    assert email.last_error.startswith("PermanentFailure: GOV.UK Notify refused it (400)")
