"""Issue 6 point 1 (keyed part): an organisation's submissions with an API key — create (validated
exactly like the web runner, field errors at question ids), list with filters and cursor pages,
get, status changes and notes; another organisation's objects answer 404; a read key cannot
write (403)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from townhall.api.tests.submissions_helpers import (
    get,
    key_for,
    live_pothole,
    post,
    pothole_body,
)
from townhall.casework.models import Note, StatusChange
from townhall.core.models import AuditEntry
from townhall.notifications.models import OutboxEmail
from townhall.runner.tests.helpers import answer_pothole, base_url
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import Submission
from townhall.submissions.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db


def _create(client: Client, service: Any, auth: str, **overrides: Any) -> Any:
    return post(client, f"/services/{service.slug}/submissions", pothole_body(**overrides), auth)


# --- Create -------------------------------------------------------------------------------------


def test_an_assisted_submission_is_stored_as_the_runner_would_store_it(client: Client) -> None:
    service = live_pothole()
    # A resident walks the same answers through the web pages…
    answer_pothole(client, service)
    client.post(f"{base_url(service)}check-answers/")
    web = Submission.objects.get()
    api_key, auth = key_for(service.organisation)

    # …and a contact centre sends them on another resident's behalf.
    response = _create(client, service, auth)

    assert response.status_code == 201, response.json()
    body = response.json()
    assisted = Submission.objects.get(reference=body["reference"])
    assert assisted.channel == "assisted"
    assert assisted.journey_id is None
    assert assisted.answers == web.answers
    assert assisted.summary == web.summary
    assert body["summary"] == web.summary
    assert body["service"] == "report-a-pothole"
    assert body["status"] == "received"
    assert body["channel"] == "assisted"
    assert response["Location"] == f"/api/v1/submissions/{assisted.reference}"
    audit = AuditEntry.objects.get(action="submission.create")
    assert (audit.actor_id, audit.target_id) == (api_key.pk, str(assisted.pk))
    # The resident's confirmation email goes through submission_create, as for the web.
    assert OutboxEmail.objects.filter(template="submission_received").count() == 2


def test_welsh_and_the_api_channel(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    response = _create(client, service, auth, language="cy", channel="api")
    assert response.status_code == 201
    submission = Submission.objects.get()
    assert (submission.language, submission.channel) == ("cy", "api")
    assert response.json()["summary"][0]["label"] != "Dangerous right now"  # Welsh labels


def test_errors_point_at_question_ids_in_govuk_words(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    body = pothole_body()
    del body["answers"]["size"]  # a required question left out
    body["answers"]["description"] = {"description": ""}

    response = post(client, f"/services/{service.slug}/submissions", body, auth)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert set(fields) == {"size", "description"}
    assert fields["size"].startswith("Select")
    assert fields["description"].startswith("Enter")
    assert Submission.objects.count() == 0


def test_unknown_and_unasked_questions_are_refused(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    body = pothole_body()
    body["answers"]["favourite_colour"] = "blue"
    unknown = post(client, f"/services/{service.slug}/submissions", body, auth)
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "favourite_colour", "message": "There is no question with this id in the service"}
    ]
    # No email updates wanted: the email question is not asked, so an answer to it is refused.
    body = pothole_body()
    body["answers"]["updates"] = "no"
    unasked = post(client, f"/services/{service.slug}/submissions", body, auth)
    assert unasked.status_code == 422
    assert unasked.json()["errors"] == [
        {"field": "email", "message": "This question is not asked with these answers"}
    ]
    del body["answers"]["email"]
    assert post(client, f"/services/{service.slug}/submissions", body, auth).status_code == 201


def test_answers_that_lead_to_an_exit_page_are_refused(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    body = pothole_body()
    body["answers"] = {"danger": "yes"}
    response = post(client, f"/services/{service.slug}/submissions", body, auth)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "danger"
    assert "cannot take this request" in error["message"]


def test_a_malformed_body_is_a_problem(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    response = post(
        client, f"/services/{service.slug}/submissions", {"answers": {}, "channel": "web"}, auth
    )
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "channel"


def test_only_the_keys_organisations_live_services_take_submissions(client: Client) -> None:
    service = live_pothole()
    draft = ServiceFactory.create(organisation=service.organisation, slug="draft-one")
    other = ServiceFactory.create(live=True, pothole=True)  # another council's pothole service
    _, auth = key_for(service.organisation)
    _, other_auth = key_for(other.organisation)

    assert post(client, "/services/draft-one/submissions", pothole_body(), auth).status_code == 404
    assert draft.state == "draft"
    # Same slug, other organisation: each key reaches only its own.
    _create(client, service, other_auth)
    assert Submission.objects.get().organisation_id == other.organisation_id
    assert post(client, "/services/nope/submissions", pothole_body(), auth).status_code == 404


def test_write_endpoints_refuse_a_read_key(client: Client) -> None:
    service = live_pothole()
    submission = SubmissionFactory.create(service=service)
    _, read = key_for(service.organisation, write=False)
    for path, body in [
        (f"/services/{service.slug}/submissions", pothole_body()),
        (f"/submissions/{submission.reference}/status", {"status": "in_progress"}),
        (f"/submissions/{submission.reference}/notes", {"text": "Called the resident"}),
    ]:
        response = post(client, path, body, read)
        assert response.status_code == 403, path
        assert response["Content-Type"] == "application/problem+json"
    assert get(client, "/submissions", read).status_code == 200
    assert client.get("/api/v1/submissions").status_code == 401


# --- Read ---------------------------------------------------------------------------------------


def test_get_has_answers_and_summary_and_hides_other_organisations(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    reference = _create(client, service, auth).json()["reference"]
    other = ServiceFactory.create(live=True, pothole=True)
    _, other_auth = key_for(other.organisation)

    body = get(client, f"/submissions/{reference.lower()}", auth).json()

    assert body["reference"] == reference
    assert body["answers"]["email"] == "resident@example.com"
    assert body["summary"][0]["question_id"] == "danger"
    assert body["pattern"].startswith("report-a-pothole@")
    missing = get(client, f"/submissions/{reference}", other_auth)
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    for path, data in [("status", {"status": "in_progress"}), ("notes", {"text": "x"})]:
        assert post(client, f"/submissions/{reference}/{path}", data, other_auth).status_code == 404


def test_list_filters_and_pages_newest_first(client: Client) -> None:
    service = live_pothole()
    second = ServiceFactory.create(organisation=service.organisation, live=True)
    start = timezone.now() - datetime.timedelta(days=10)
    made = [
        SubmissionFactory.create(
            service=service if n % 2 else second,
            submitted_at=start + datetime.timedelta(days=n),
        )
        for n in range(6)
    ]
    # Two at the same moment: the id breaks the tie, so neither is lost between pages.
    twin = SubmissionFactory.create(service=service, submitted_at=made[5].submitted_at)
    SubmissionFactory.create()  # another organisation's
    _, auth = key_for(service.organisation, write=False)

    seen: list[str] = []
    cursor = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = get(client, "/submissions", auth, **params).json()
        seen += [item["reference"] for item in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    everything = sorted([*made, twin], key=lambda s: (s.submitted_at, s.pk), reverse=True)
    assert seen == [s.reference for s in everything]

    def refs(**params: Any) -> list[str]:
        response = get(client, "/submissions", auth, **params)
        assert response.status_code == 200, response.json()
        return [item["reference"] for item in response.json()["items"]]

    assert set(refs(service=second.slug)) == {
        made[0].reference,
        made[2].reference,
        made[4].reference,
    }
    made[1].status = "in_progress"
    made[1].save()
    assert refs(status="in_progress") == [made[1].reference]
    assert refs(reference=made[3].reference.lower()) == [made[3].reference]
    since = (start + datetime.timedelta(days=3)).isoformat()
    until = (start + datetime.timedelta(days=5)).isoformat()
    assert refs(submitted_since=since, submitted_until=until) == [
        made[4].reference,
        made[3].reference,
    ]
    bad = get(client, "/submissions", auth, cursor="not-a-cursor")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


# --- Casework -----------------------------------------------------------------------------------


def test_status_changes_go_through_casework(client: Client) -> None:
    service = live_pothole()
    api_key, auth = key_for(service.organisation)
    reference = _create(client, service, auth).json()["reference"]
    path = f"/submissions/{reference}/status"

    moved = post(client, path, {"status": "in_progress"}, auth)
    assert moved.status_code == 200, moved.json()
    assert moved.json()["status"] == "in_progress"
    no_outcome = post(client, path, {"status": "closed"}, auth)
    assert no_outcome.status_code == 422
    assert no_outcome.json()["errors"] == [{"field": "outcome", "message": "Select an outcome"}]
    closed = post(
        client,
        path,
        {"status": "closed", "outcome": "resolved", "public_note": "Filled on Tuesday."},
        auth,
    )
    assert closed.status_code == 200
    assert (closed.json()["status"], closed.json()["outcome"]) == ("closed", "resolved")
    assert closed.json()["closed_at"] is not None

    history = list(StatusChange.objects.filter(submission__reference=reference).order_by("at"))
    assert [change.to_status for change in history] == ["in_progress", "closed"]
    assert history[0].actor is None
    assert history[0].actor_email == f"API key {api_key.name} ({api_key.prefix})"
    audit = AuditEntry.objects.filter(action="submission.status_change").first()
    assert audit is not None
    assert audit.actor_id == api_key.pk
    # The resident gave an address: they hear of each change.
    assert OutboxEmail.objects.filter(template="status_changed").count() == 2
    same = post(client, path, {"status": "closed", "outcome": "resolved"}, auth)
    assert same.status_code == 422
    assert post(client, path, {"status": "lost"}, auth).status_code == 422


def test_notes_are_internal_and_audited(client: Client) -> None:
    service = live_pothole()
    api_key, auth = key_for(service.organisation)
    reference = _create(client, service, auth).json()["reference"]

    response = post(client, f"/submissions/{reference}/notes", {"text": " Called them. "}, auth)

    assert response.status_code == 201
    note = Note.objects.get()
    assert str(note.pk) == response.json()["id"]
    assert note.text == "Called them."
    assert note.author is None
    assert note.author_email.startswith("API key ")
    assert AuditEntry.objects.filter(action="submission.note_add", actor_id=api_key.pk).exists()
    empty = post(client, f"/submissions/{reference}/notes", {"text": "  "}, auth)
    assert empty.status_code == 422
    assert empty.json()["errors"] == [{"field": "text", "message": "Enter a note"}]
