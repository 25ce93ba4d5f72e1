"""Issue 6 point 1 (event feed): `GET /events?since=` gives the organisation's submission events
(created, status changed) oldest first with a cursor to poll with; an empty page gives back the
same cursor; events hold no personal data and fan out to webhooks."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from townhall.api.tests.submissions_helpers import get, key_for, live_pothole, post, pothole_body
from townhall.notifications.models import WebhookDelivery, WebhookSubscription
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import SubmissionEvent

pytestmark = pytest.mark.django_db


def _create(client: Client, service: Any, auth: str) -> str:
    response = post(client, f"/services/{service.slug}/submissions", pothole_body(), auth)
    assert response.status_code == 201, response.json()
    reference: str = response.json()["reference"]
    return reference


def test_created_and_status_changed_in_order_and_since_works(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    first = _create(client, service, auth)
    post(client, f"/submissions/{first}/status", {"status": "in_progress"}, auth)
    second = _create(client, service, auth)
    # Another organisation's events are not in this feed, nor do they use up its numbers.
    other = ServiceFactory.create(live=True, pothole=True)
    _, other_auth = key_for(other.organisation)
    _create(client, other, other_auth)

    page = get(client, "/events", auth).json()

    assert [(item["type"], item["data"]["reference"]) for item in page["items"]] == [
        ("submission.created", first),
        ("submission.status_changed", first),
        ("submission.created", second),
    ]
    assert [item["cursor"] for item in page["items"]] == ["1", "2", "3"]
    assert page["next"] == "3"
    changed = page["items"][1]["data"]
    assert changed == {
        "reference": first,
        "service": "report-a-pothole",
        "status": "in_progress",
        "outcome": "",
        "channel": "assisted",
        "previous": {"status": "received", "outcome": ""},
    }
    assert "resident@example.com" not in str(page)

    after_first = get(client, "/events", auth, since="1").json()
    assert [item["cursor"] for item in after_first["items"]] == ["2", "3"]
    paged = get(client, "/events", auth, since="1", limit=1).json()
    assert [item["cursor"] for item in paged["items"]] == ["2"]
    assert paged["next"] == "2"
    empty = get(client, "/events", auth, since="3").json()
    assert empty == {"items": [], "next": "3"}

    # Polling on from the last cursor finds only what is new.
    post(
        client,
        f"/submissions/{second}/status",
        {"status": "closed", "outcome": "duplicate"},
        auth,
    )
    newer = get(client, "/events", auth, since="3").json()
    assert [(item["type"], item["data"]["outcome"]) for item in newer["items"]] == [
        ("submission.status_changed", "duplicate")
    ]
    assert get(client, "/events", other_auth).json()["next"] == "1"


def test_a_bad_cursor_is_a_problem(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation, write=False)
    response = get(client, "/events", auth, since="abc")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "since"
    assert get(client, "/events", auth).json() == {"items": [], "next": "0"}
    assert client.get("/api/v1/events").status_code == 401


def test_events_fan_out_to_webhooks(client: Client) -> None:
    service = live_pothole()
    WebhookSubscription.objects.create(
        organisation=service.organisation,
        url="https://example.com/hook",
        secret="whsec_" + "a" * 44,
        event_types="submission.created",
        active=True,
    )
    _, auth = key_for(service.organisation)
    _create(client, service, auth)
    event = SubmissionEvent.objects.get()
    delivery = WebhookDelivery.objects.get()
    assert delivery.event_id == event.pk
    assert delivery.payload == event.data
