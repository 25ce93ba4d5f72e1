"""Issue 6 point 4 (idempotency): `POST` of a submission honours `Idempotency-Key` — the same key
and body return the first response (one submission), the same key with another body is refused,
keys are per organisation and live 24 hours; a refused request keeps no key."""

from __future__ import annotations

import datetime
import threading
import uuid
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from townhall.api.tests.submissions_helpers import key_for, live_pothole, post, pothole_body
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.idempotency import (
    IDEMPOTENCY_TTL,
    idempotency_records_expired_delete,
    request_hash,
)
from townhall.submissions.models import IdempotencyRecord, Submission

pytestmark = pytest.mark.django_db


def _send(client: Client, service: Any, auth: str, key: str, body: dict[str, Any]) -> Any:
    return post(
        client, f"/services/{service.slug}/submissions", body, auth, **{"Idempotency-Key": key}
    )


def test_the_same_key_and_body_return_the_first_response(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    key = str(uuid.uuid4())

    first = _send(client, service, auth, key, pothole_body())
    # The caseworker moves it on before the client retries: the replay is still the first answer.
    Submission.objects.update(status="in_progress")
    again = _send(client, service, auth, key, pothole_body())

    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert again["Location"] == first["Location"]
    assert Submission.objects.count() == 1


def test_the_key_stores_no_personal_data(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    _send(client, service, auth, "k-1", pothole_body())
    record = IdempotencyRecord.objects.get()
    assert record.reference == Submission.objects.get().reference
    assert record.response_status == 201
    assert "summary" not in record.response_body
    assert "resident@example.com" not in str(record.response_body)


def test_the_same_body_in_another_key_order_is_the_same_request(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    body = pothole_body()
    reordered = {key: body[key] for key in reversed(body)}
    reordered["answers"] = {key: body["answers"][key] for key in reversed(body["answers"])}
    _send(client, service, auth, "k-2", body)
    assert _send(client, service, auth, "k-2", reordered)["Idempotent-Replayed"] == "true"
    assert request_hash(method="post", path="/p", body=body) == request_hash(
        method="POST", path="/p", body=reordered
    )


def test_the_same_key_with_another_body_is_refused(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    _send(client, service, auth, "k-3", pothole_body())

    other = _send(client, service, auth, "k-3", pothole_body(language="cy"))

    assert other.status_code == 422
    assert other["Content-Type"] == "application/problem+json"
    assert other.json()["detail"] == "This Idempotency-Key was used with a different request."
    assert Submission.objects.count() == 1


def test_the_same_key_on_another_service_is_another_request(client: Client) -> None:
    service = live_pothole()
    ServiceFactory.create(organisation=service.organisation, live=True, pothole=True, slug="other")
    _, auth = key_for(service.organisation)
    _send(client, service, auth, "k-4", pothole_body())
    response = post(
        client, "/services/other/submissions", pothole_body(), auth, **{"Idempotency-Key": "k-4"}
    )
    assert response.status_code == 422  # the path is part of the request
    assert Submission.objects.count() == 1


def test_keys_belong_to_one_organisation(client: Client) -> None:
    service = live_pothole()
    other = ServiceFactory.create(live=True, pothole=True)
    _, auth = key_for(service.organisation)
    _, other_auth = key_for(other.organisation)
    _send(client, service, auth, "shared-key", pothole_body())
    response = _send(client, other, other_auth, "shared-key", pothole_body())
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Submission.objects.count() == 2


def test_a_refused_request_keeps_no_key(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    invalid = pothole_body()
    del invalid["answers"]["size"]
    assert _send(client, service, auth, "k-5", invalid).status_code == 422
    assert not IdempotencyRecord.objects.exists()
    # Corrected, it goes through with the same key.
    assert _send(client, service, auth, "k-5", pothole_body()).status_code == 201


def test_a_key_is_free_again_after_24_hours(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    _send(client, service, auth, "k-6", pothole_body())
    IdempotencyRecord.objects.update(created_at=timezone.now() - IDEMPOTENCY_TTL)

    again = _send(client, service, auth, "k-6", pothole_body(language="cy"))

    assert again.status_code == 201
    assert "Idempotent-Replayed" not in again
    assert Submission.objects.count() == 2
    assert IdempotencyRecord.objects.count() == 1  # the expired record made way


def test_housekeeping_deletes_expired_keys(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    _send(client, service, auth, "old", pothole_body())
    _send(client, service, auth, "new", pothole_body(language="cy"))
    now = timezone.now()
    IdempotencyRecord.objects.filter(key="old").update(
        created_at=now - IDEMPOTENCY_TTL - datetime.timedelta(seconds=1)
    )

    assert idempotency_records_expired_delete(now=now) == 1
    assert list(IdempotencyRecord.objects.values_list("key", flat=True)) == ["new"]


def test_a_malformed_key_is_refused(client: Client) -> None:
    service = live_pothole()
    _, auth = key_for(service.organisation)
    for key in ["", "has space", "x" * 256]:
        response = _send(client, service, auth, key, pothole_body())
        assert response.status_code == 400, key
        assert response["Content-Type"] == "application/problem+json"
    assert Submission.objects.count() == 0


def test_a_request_still_running_answers_409(client: Client) -> None:
    """A concurrent duplicate: the unique key lets one in; if the other could see the first before
    it finished, it is told to retry rather than given a half-made answer."""
    service = live_pothole()
    _, auth = key_for(service.organisation)
    body = pothole_body()
    path = f"/api/v1/services/{service.slug}/submissions"
    IdempotencyRecord.objects.create(
        organisation=service.organisation,
        key="k-7",
        request_hash=request_hash(method="POST", path=path, body=body),
    )
    response = _send(client, service, auth, "k-7", body)
    assert response.status_code == 409
    assert Submission.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_requests_with_one_key_store_one_submission() -> None:
    """The unique (organisation, key) lets one in; the other waits for its commit and replays it
    (or, had it looked too early, is told to retry). SQLite serialises writers anyway; PostgreSQL
    is the real test."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent database connections (PostgreSQL)")
    service = live_pothole()
    _, auth = key_for(service.organisation)
    barrier = threading.Barrier(2)
    results: list[tuple[int, str]] = []

    def send() -> None:
        try:
            barrier.wait()
            response = _send(Client(), service, auth, "race", pothole_body())
            results.append((response.status_code, response.get("Idempotent-Replayed", "")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Submission.objects.count() == 1
    assert sorted(results) in ([(201, ""), (201, "true")], [(201, ""), (409, "")])
