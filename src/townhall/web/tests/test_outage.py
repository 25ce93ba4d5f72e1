"""Issue 7, point 1: while the database cannot be reached every request answers 503 Service
Unavailable with `Retry-After` — GOV.UK's "Sorry, the service is unavailable" page (in Welsh under
/cy/), problem+json on the API, the spec's error list on Open311 — and the same process serves
again as soon as the database is back, without a restart. A send that fails half-way stores
nothing, and the resident can send again and gets exactly one submission.

The database is made really unreachable in-process (a closed port for PostgreSQL, a file that
cannot be opened for SQLite): nothing in the request path is mocked.
"""

from __future__ import annotations

import contextlib
import json
import logging
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, close_old_connections, connections
from django.test import Client

from townhall.core.tests.postgres import backend_terminate
from townhall.identity.tests.factories import UserFactory
from townhall.notifications.models import OutboxEmail, WebhookDelivery
from townhall.patterns.tests.factories import question
from townhall.runner.models import Journey
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory
from townhall.submissions.models import Submission, SubmissionEvent

UNAVAILABLE_EN = "Sorry, the service is unavailable"
UNAVAILABLE_CY = "Mae’n ddrwg gennym, nid yw’r gwasanaeth ar gael"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # closed again: connecting to it is refused at once


@contextlib.contextmanager
def database_unreachable(tmp_path: Path) -> Iterator[None]:
    """The default database stops answering, as when PostgreSQL is stopped: every connection
    this process opens is refused until the block ends. Nothing else is touched."""
    connection = connections[DEFAULT_DB_ALIAS]
    saved = dict(connection.settings_dict)
    kept = None
    if connection.vendor == "sqlite" and connection.is_in_memory_db():  # type: ignore[attr-defined]
        # Closing the last connection to an in-memory database would delete it (Django ignores
        # close() for that reason): set it aside, so the next query has to connect afresh.
        kept, connection.connection = connection.connection, None
    else:
        connection.close()
    if connection.vendor == "postgresql":
        connection.settings_dict.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        connection.settings_dict["NAME"] = str(tmp_path / "no-such-folder" / "townhall.sqlite3")
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        if kept is not None:
            connection.connection = kept


def _client() -> Client:
    # Like a browser: the answer, whatever it is, not the exception behind it.
    return Client(raise_request_exception=False)


def _text(response) -> str:
    return " ".join(response.content.decode().split())


def _assert_unavailable(response, *, wording: str = UNAVAILABLE_EN) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Cache-Control"] == "no-store"
    body = _text(response)
    assert f'<h1 class="govuk-heading-l">{wording}</h1>' in body
    assert f"<title>{wording} – Townhall</title>" in body  # no "Error:" in front
    assert "govuk-footer" in body  # the normal GOV.UK layout


@pytest.fixture
def live_service(transactional_db) -> Service:
    """The bilingual report-a-pothole, live (its Open311 section too)."""
    return ServiceFactory.create(live=True, pothole=True)


@pytest.fixture
def staff(staff_client, live_service) -> Client:
    client: Client = staff_client(UserFactory.create())
    client.raise_request_exception = False
    return client


def test_every_kind_of_address_answers_503_while_the_database_is_down_then_recovers(
    live_service, staff, tmp_path, caplog
):
    resident = _client()
    machine = _client()  # no session: its requests fail in the view, not in middleware
    organisation = live_service.organisation.slug
    start = f"/{organisation}/{live_service.slug}/"
    api = "/api/v1/organisations"
    open311 = f"/open311/v2/services.{{}}?jurisdiction_id={organisation}"
    # A resident part-way through: their question page needs their session and journey.
    page = resident.post(start)["Location"]
    assert page == f"{start}danger/"
    assert resident.get(page).status_code == 200
    assert staff.get("/staff/").status_code == 200

    caplog.set_level(logging.INFO)
    with database_unreachable(tmp_path):
        _assert_unavailable(resident.get(page))
        english = _text(resident.get(page))
        assert "You will be able to use the service later." in english
        assert "Try again in a few minutes." in english

        _assert_unavailable(resident.get(f"/cy{page}"), wording=UNAVAILABLE_CY)
        assert '<html lang="cy"' in _text(resident.get(f"/cy{page}"))

        # With a session, loading it (for request.user) fails in middleware, before any view.
        _assert_unavailable(staff.get("/staff/"))
        _assert_unavailable(machine.get("/organisations/"))
        _assert_unavailable(
            resident.post(f"{page}?ref=ceri@example.org", {"danger": "no", "name": "Ceri Jones"})
        )

        # Inside django-ninja's view, whose handlers pass database errors on.
        problem = machine.get(api, HTTP_AUTHORIZATION="Bearer th_not-checked-while-down")
        assert problem.status_code == 503
        assert problem["Content-Type"] == "application/problem+json"
        assert problem["Retry-After"] == "30"
        assert problem.json()["status"] == 503
        assert problem.json()["title"] == "Service Unavailable"
        assert problem.json()["instance"] == api

        as_json = machine.get(open311.format("json"))
        assert as_json.status_code == 503
        assert as_json["Retry-After"] == "30"
        assert as_json.json() == [
            {
                "code": 503,
                "description": "The service is temporarily unavailable. Try again in a few "
                "minutes.",
            }
        ]
        as_xml = machine.get(open311.format("xml"))
        assert as_xml.status_code == 503
        assert as_xml["Content-Type"].startswith("text/xml")
        assert b"<errors><error><code>503</code><description>" in as_xml.content

    # One WARNING line per request, naming neither SQL nor what was sent; no ERROR traceback.
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert [r.name for r in warnings] == ["townhall.web.outage"] * 10
    assert all(r.exc_info is None for r in warnings)
    logged = "\n".join(r.getMessage() for r in warnings)
    assert "503 (OperationalError)" in logged
    assert "SELECT" not in logged
    assert "Ceri" not in logged
    assert "ceri@example.org" not in logged
    assert "th_not-checked" not in logged

    # The database is back: the same clients, in the same process, are served again.
    assert resident.get(page).status_code == 200
    assert resident.get(f"/cy{page}").status_code == 200
    assert staff.get("/staff/").status_code == 200
    assert machine.get("/organisations/").status_code == 200
    assert machine.get(api).status_code == 200
    assert machine.get(open311.format("json")).status_code == 200
    assert machine.get(open311.format("xml")).status_code == 200


def test_other_server_errors_still_get_the_500_page(client, settings, db):
    from django.urls import get_resolver

    server_error = get_resolver().resolve_error_handler(500)  # the site's handler500
    request = client.get("/healthz").wsgi_request
    try:
        raise RuntimeError("not the database")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert not response.has_header("Retry-After")


# --- Sending: all or nothing ---------------------------------------------------------------------


@pytest.fixture
def declared_service(transactional_db) -> Service:
    """A live one-question service with a declaration, whose team is emailed each submission."""
    version = PatternVersionFactory.create(
        pages=[question("text", "name", label="What is your name?", subject="your name")],
        fields={"declaration": {"body": "The information I have given is correct."}},
    )
    return ServiceFactory.create(
        live=True, pattern_version=version, team_email="team@council.example"
    )


def _answer_up_to_the_declaration(client: Client, service: Service) -> str:
    base = f"/{service.organisation.slug}/{service.slug}/"
    assert client.post(base).status_code == 302
    assert client.post(f"{base}name/", {"name": "Ceri Jones"}).status_code == 302
    to_declaration = client.post(f"{base}check-answers/")
    assert to_declaration["Location"] == f"{base}declaration/"
    return f"{base}declaration/"


@pytest.mark.parametrize(
    "failing",
    [
        # The team's email, written right after the submission row.
        "townhall.submissions.actions.email_queue",
        # The webhooks' fan-out, the last write before the journey is marked as sent.
        "townhall.submissions.events.webhook_event_fanout",
    ],
)
def test_a_send_that_fails_half_way_stores_nothing_and_can_be_sent_again(
    declared_service, smtp_server, monkeypatch, failing
):
    resident = _client()
    declaration = _answer_up_to_the_declaration(resident, declared_service)

    def database_gone(**kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")

    with monkeypatch.context() as patched:
        patched.setattr(failing, database_gone)
        _assert_unavailable(resident.post(declaration))

    assert Submission.objects.count() == 0
    assert SubmissionEvent.objects.count() == 0
    assert OutboxEmail.objects.count() == 0
    assert WebhookDelivery.objects.count() == 0
    journey = Journey.objects.get()
    assert journey.submission_id is None
    assert journey.answers == {"name": "Ceri Jones"}  # kept, so sending again needs no retyping

    sent = resident.post(declaration)
    assert sent.status_code == 302
    assert sent["Location"].endswith("/confirmation/")
    submission = Submission.objects.get()
    assert submission.answers == {"name": "Ceri Jones"}
    assert SubmissionEvent.objects.count() == 1
    assert OutboxEmail.objects.count() == 1
    [message] = smtp_server.wait_for(1)
    assert submission.reference in message.get_content()
    # A refresh of the declaration sends nothing more.
    assert resident.post(declaration)["Location"].endswith("/confirmation/")
    assert Submission.objects.count() == 1


class _QueueDown:
    """A task queue whose database went away just after the submission committed."""

    def enqueue(self, **kwargs: object) -> None:
        raise OperationalError("server closed the connection unexpectedly")


def test_a_task_queue_lost_after_the_commit_still_confirms_and_the_sweep_sends(
    declared_service, smtp_server, monkeypatch
):
    from townhall.notifications.sending import outbox_send_due

    resident = _client()
    declaration = _answer_up_to_the_declaration(resident, declared_service)
    with monkeypatch.context() as patched:
        patched.setattr("townhall.notifications.actions.outbox_email_send", _QueueDown())
        sent = resident.post(declaration)
    # Stored and committed: the resident is told so, not shown an error for it.
    assert sent.status_code == 302
    assert sent["Location"].endswith("/confirmation/")
    submission = Submission.objects.get()
    assert smtp_server.messages == []
    # The email waits in the outbox; the sweep (`townhall housekeeping`) sends it.
    assert outbox_send_due() == 1
    [message] = smtp_server.wait_for(1)
    assert submission.reference in message.get_content()


# --- A real restart: PostgreSQL ends every connection ----------------------------------------


def _served(client: Client, path: str):
    # A WSGI server closes unusable connections when each request starts and ends
    # (request_started/request_finished); Django's test client leaves that out, so do it here.
    close_old_connections()
    try:
        return client.get(path)
    finally:
        close_old_connections()


@pytest.mark.parametrize("health_checks", [True, False])
def test_a_database_restart_under_a_persistent_connection_heals_itself(live_service, health_checks):
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        pytest.skip("a server that ends connections: PostgreSQL")
    resident = _client()
    page = resident.post(f"/{live_service.organisation.slug}/{live_service.slug}/")["Location"]
    saved = connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.settings_dict["CONN_HEALTH_CHECKS"] = health_checks
    connection.close()
    try:
        assert _served(resident, page).status_code == 200
        backend_terminate(connection)
        first = _served(resident, page)
        if health_checks:
            # TOWNHALL_DB_HEALTH_CHECKS (the default): the dead connection is noticed before
            # the request uses it, so the restart costs no failed request at all.
            assert first.status_code == 200
        else:
            # Without them the request that finds it dead gets the 503 page, and the next one
            # a new connection.
            _assert_unavailable(first)
        assert _served(resident, page).status_code == 200
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = saved
        connection.close()


def test_the_api_answers_503_as_problem_json_in_its_openapi_shape(live_service, tmp_path):
    with database_unreachable(tmp_path):
        response = _client().get(f"/api/v1/organisations/{live_service.organisation.slug}")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert set(body) == {"type", "title", "status", "detail", "instance"}
    assert body["type"] == "about:blank"
