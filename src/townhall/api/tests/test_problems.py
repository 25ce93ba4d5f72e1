"""Issue 6 point 3: every error the API produces is RFC 9457 problem+json; field errors point at
the field (the last element of `loc`); unexpected errors say nothing and log no request data."""

from __future__ import annotations

import logging

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.testing import TestClient

from townhall.api import problems
from townhall.api.problems import PROBLEM_JSON


class AnswerIn(Schema):
    where: str
    size: int


def build_api() -> NinjaAPI:
    api = NinjaAPI(urls_namespace="problems-test")
    problems.install(api)

    @api.post("/answers")
    def answers(request: HttpRequest, payload: AnswerIn) -> dict[str, str]:
        return {}

    @api.get("/raise/{kind}")
    def raise_(request: HttpRequest, kind: str) -> None:
        match kind:
            case "http":
                raise HttpError(409, "Already closed.")
            case "404":
                raise Http404("Submission POT-SECRET in another organisation")
            case "auth":
                raise AuthenticationError
            case "throttle":
                raise Throttled(wait=12)
            case "forbidden":
                raise PermissionDenied
            case _:
                raise RuntimeError("resident" + "@example.com broke it")

    return api


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(build_api())


def test_problem_body() -> None:
    request = HttpRequest()
    request.path = "/api/v1/x"

    response = problems.problem(
        request=request,
        status=400,
        title="Bad",
        detail="Why",
        errors=[{"field": "q", "message": "m"}],
        headers={"X-A": "1"},
    )

    assert response["Content-Type"] == PROBLEM_JSON
    assert response["X-A"] == "1"
    assert response.status_code == 400
    assert response.content == (
        b'{"type": "about:blank", "title": "Bad", "status": 400, "detail": "Why", '
        b'"instance": "/api/v1/x", "errors": [{"field": "q", "message": "m"}]}'
    )


def test_validation_errors_point_at_the_field(client: TestClient) -> None:
    response = client.post("/answers", json={"size": "big"})

    assert response.status_code == 422
    assert response["Content-Type"] == PROBLEM_JSON
    body = response.json()
    assert body["title"] == "Invalid request"
    assert body["instance"] == "/answers"
    assert sorted(error["field"] for error in body["errors"]) == ["size", "where"]
    assert "big" not in response.content.decode()  # the value sent is never echoed


@pytest.mark.parametrize(
    ("kind", "status", "title", "headers"),
    [
        ("http", 409, "Conflict", {}),
        ("404", 404, "Not found", {}),
        ("auth", 401, "Unauthorized", {"WWW-Authenticate": "Bearer"}),
        ("throttle", 429, "Too Many Requests", {"Retry-After": "12"}),
        ("forbidden", 403, "Forbidden", {}),
    ],
)
def test_errors_are_problems(
    client: TestClient, kind: str, status: int, title: str, headers: dict[str, str]
) -> None:
    response = client.get(f"/raise/{kind}")

    assert response.status_code == status
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json()["title"] == title
    assert response.json()["status"] == status
    assert "POT-SECRET" not in response.content.decode()
    for name, value in headers.items():
        assert response[name] == value


def test_unexpected_error_is_a_generic_500_logged_without_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="townhall.api.problems"):
        response = client.get("/raise/boom")

    assert response.status_code == 500
    assert response["Content-Type"] == PROBLEM_JSON
    assert response.json()["title"] == "Internal Server Error"
    assert "resident@example.com" not in response.content.decode()
    [record] = caplog.records
    assert "RuntimeError" in record.getMessage()
    assert "resident@example.com" not in record.getMessage()
    assert "test_problems.py" in record.getMessage()  # the stack, to find the fault
