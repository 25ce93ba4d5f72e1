"""Issue 6, point 6: Open311 service requests — created through the same engine into the same
inbox (form-encoded and multipart, api_key in the query or the body, unknown attributes
ignored), searched, read one by one and by token, and FixMyStreet's servicerequestupdates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from townhall.api.open311.tests.helpers import BASE, Setup, parse_xml, report_fields, setup
from townhall.casework.actions import submission_status_change
from townhall.core.models import AuditEntry
from townhall.identity.models import User
from townhall.identity.tests.factories import UserFactory
from townhall.submissions.constants import Channel, Outcome, SubmissionStatus
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def _create(client: Client, s: Setup, fmt: str = "json", **overrides: Any) -> Any:
    return client.post(
        f"{BASE}/requests.{fmt}", urlencode(report_fields(s, **overrides)), content_type=FORM
    )


def test_a_form_encoded_request_lands_in_the_inbox(
    client: Client, staff_client: Callable[[User], Client]
) -> None:
    s = setup()
    response = _create(client, s, **{"attribute[not_a_question]": "ignored"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body, list)
    reference = body[0]["service_request_id"]
    assert body[0]["service_notice"] == "Report sent"
    submission = Submission.objects.get(reference=reference)
    assert submission.channel == Channel.OPEN311
    assert submission.organisation_id == s.service.organisation_id
    answers: Any = submission.answers
    assert answers["location"]["description"] == "Outside 14 High Street"
    assert answers["location"]["latitude"] == pytest.approx(52.24131)
    assert answers["description"] == "In the westbound lane, full of water."
    assert answers["email"] == "resident@example.com"
    audit = AuditEntry.objects.get(action="submission.create")
    assert audit.organisation_id == s.service.organisation_id
    assert audit.actor_email.startswith("API key")
    assert "open311" in audit.summary
    user = UserFactory.create()
    MembershipFactory.create(organisation=s.service.organisation, user=user, role=Role.VIEWER)
    inbox = staff_client(user).get(reverse("casework:inbox", args=[s.service.organisation.slug]))
    assert reference in inbox.content.decode()


def test_multipart_with_the_key_in_the_query_string_and_xml(client: Client) -> None:
    s = setup()
    fields = report_fields(s)
    del fields["api_key"]
    response = client.post(f"{BASE}/requests.xml?api_key={s.raw_key}", fields)  # multipart
    assert response.status_code == 201, response.content
    root = parse_xml(response.content)
    assert root.tag == "service_requests"
    reference = root.findtext("request/service_request_id")
    assert Submission.objects.filter(reference=reference, channel=Channel.OPEN311).exists()


def test_email_is_left_out_where_the_route_does_not_ask_for_it(client: Client) -> None:
    s = setup()
    response = _create(client, s, **{"attribute[updates]": "no"})
    assert response.status_code == 201, response.content
    submission = Submission.objects.get(reference=response.json()[0]["service_request_id"])
    answers: Any = submission.answers
    assert "email" not in answers


def test_an_address_alone_is_a_location(client: Client) -> None:
    s = setup()
    response = _create(client, s, lat="", long="")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("overrides", "status", "words"),
    [
        ({"api_key": ""}, 403, "api_key"),
        ({"api_key": "th_unknown_key"}, 403, "api_key"),
        ({"service_code": ""}, 400, "service_code"),
        ({"service_code": "no-such-service"}, 404, "service_code"),
        ({"jurisdiction_id": "nowhere"}, 404, "jurisdiction_id"),
        ({"attribute[size]": "enormous"}, 400, "attribute[size]"),
        ({"address_string": "", "lat": "", "long": ""}, 400, "address_string"),
        ({"lat": "1000", "long": "1"}, 400, "lat/long"),
        ({"attribute[danger]": "yes"}, 400, "attribute[danger]"),
    ],
)
def test_refusals_in_the_spec_format(
    client: Client, overrides: dict[str, str], status: int, words: str
) -> None:
    s = setup()
    response = _create(client, s, **overrides)
    assert response.status_code == status, response.content
    body = response.json()
    assert body[0]["code"] == status
    assert any(words in error["description"] for error in body)
    assert not Submission.objects.exists()


def test_a_read_only_key_cannot_create(client: Client) -> None:
    s = setup(write=False)
    response = _create(client, s, fmt="xml")
    assert response.status_code == 403
    assert parse_xml(response.content).findtext("error/code") == "403"


def test_another_organisations_key_is_refused(client: Client) -> None:
    s, other = setup(), setup()
    response = _create(client, s, api_key=other.raw_key)
    assert response.status_code == 403
    assert not Submission.objects.exists()


def _two_requests(client: Client, s: Setup) -> tuple[str, str]:
    first = _create(client, s).json()[0]["service_request_id"]
    second = _create(client, s).json()[0]["service_request_id"]
    return first, second


def test_search_and_read(client: Client) -> None:
    s = setup()
    first, second = _two_requests(client, s)
    submission = Submission.objects.get(reference=first)
    submission_status_change(
        submission=submission,
        actor=s.api_key,
        status=SubmissionStatus.CLOSED,
        outcome=Outcome.RESOLVED,
        public_note="Repaired.",
    )
    params = {"jurisdiction_id": s.jurisdiction}
    body = client.get(f"{BASE}/requests.json", params).json()
    assert {r["service_request_id"] for r in body} == {first, second}
    closed = next(r for r in body if r["service_request_id"] == first)
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "Repaired."
    assert closed["service_code"] == "report-a-pothole"
    assert closed["lat"] == pytest.approx(52.24131)
    assert closed["address"] == "Outside 14 High Street"
    # The resident's words only go to the organisation's own keys; the email never.
    assert closed["description"] is None
    assert "resident@example.com" not in str(body)
    for moment in (closed["requested_datetime"], closed["updated_datetime"]):
        assert dt.datetime.fromisoformat(moment).utcoffset() is not None
    assert [
        r["service_request_id"]
        for r in client.get(f"{BASE}/requests.json", {**params, "status": "open"}).json()
    ] == [second]
    assert [
        r["service_request_id"]
        for r in client.get(
            f"{BASE}/requests.json", {**params, "service_request_id": f"{first}, {second.lower()}"}
        ).json()
    ] == [second, first]
    assert client.get(f"{BASE}/requests.json", {**params, "service_code": "other"}).json() == []
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).isoformat()
    assert client.get(f"{BASE}/requests.json", {**params, "start_date": future}).json() == []
    paged = client.get(f"{BASE}/requests.json", {**params, "page_size": "1", "page": "2"}).json()
    assert [r["service_request_id"] for r in paged] == [first]
    with_key = client.get(f"{BASE}/requests/{first}.json", {"api_key": s.raw_key}).json()
    assert with_key[0]["description"] == "In the westbound lane, full of water."
    root = parse_xml(client.get(f"{BASE}/requests/{second}.xml", params).content)
    assert root.findtext("request/service_request_id") == second
    assert root.findtext("request/status") == "open"
    token = client.get(f"{BASE}/tokens/{second}.json", params).json()
    assert token == [{"service_request_id": second, "token": second}]
    updates = client.get(f"{BASE}/servicerequestupdates.xml", params)
    update = parse_xml(updates.content).find("request_update")
    assert update is not None
    assert update.findtext("service_request_id") == first
    assert update.findtext("status") == "closed"
    assert update.findtext("description") == "Repaired."


@pytest.mark.parametrize(
    "params",
    [
        {"status": "pending"},
        {"start_date": "yesterday"},
        {"page_size": "0"},
        {"page_size": "5000"},
        {"page": "x"},
    ],
)
def test_bad_search_parameters_are_400(client: Client, params: dict[str, str]) -> None:
    s = setup()
    response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": s.jurisdiction, **params})
    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


def test_another_organisations_request_is_not_found(client: Client) -> None:
    s, other = setup(), setup()
    reference = _create(client, s).json()[0]["service_request_id"]
    response = client.get(
        f"{BASE}/requests/{reference}.json", {"jurisdiction_id": other.service.organisation.slug}
    )
    assert response.status_code == 404
    assert (
        client.get(f"{BASE}/tokens/NOPE-1.xml", {"jurisdiction_id": s.jurisdiction}).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    ["jurisdiction_id", "api_key", "service_code", "description", "attribute[size]", "lat"],
)
def test_control_characters_are_refused_not_a_crash(client: Client, name: str) -> None:
    s = setup()
    response = _create(client, s, **{name: "a\x00b"})
    assert response.status_code == 400
    assert "control characters" in response.json()[0]["description"]
    response = client.get(
        f"{BASE}/requests.xml", {"jurisdiction_id": s.jurisdiction, "service_request_id": "\x00"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"jurisdiction_id": "Not A Slug!"},
        {"service_request_id": "x" * 500},
        {"service_code": "é,,;"},
        {"end_date": "2026-02-30T00:00:00Z"},
    ],
)
def test_odd_search_input_never_crashes(client: Client, params: dict[str, str]) -> None:
    s = setup()
    response = client.get(f"{BASE}/requests.json", {"jurisdiction_id": s.jurisdiction, **params})
    assert response.status_code in (200, 400, 404)


@pytest.mark.parametrize(
    ("path", "allowed"),
    [("requests", "GET, POST"), ("services", "GET"), ("discovery", "GET")],
)
def test_a_wrong_method_answers_in_the_spec_format(client: Client, path: str, allowed: str) -> None:
    for fmt in ("json", "xml"):
        response = client.put(f"{BASE}/{path}.{fmt}")
        assert response.status_code == 405
        assert response["Allow"] == allowed
        if fmt == "json":
            assert response.json()[0]["code"] == 405
        else:
            assert parse_xml(response.content).findtext("error/code") == "405"
