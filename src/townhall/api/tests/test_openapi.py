"""Issue 6 point 1: the OpenAPI 3.1 document is committed (docs/openapi/v1.json), valid, and this
test fails when what the API serves drifts from it. Every operation is documented (meta test)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from openapi_spec_validator import validate

from townhall.api.openapi import openapi_path, openapi_text

METHODS = {"get", "post", "put", "patch", "delete"}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_committed_document_is_up_to_date() -> None:
    committed = openapi_path().read_text(encoding="utf-8")
    served = openapi_text()

    assert committed == served, (
        "docs/openapi/v1.json differs from what the API serves: run `townhall api schema --write` "
        "and commit the change."
    )


def test_served_document_is_the_generated_one(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert openapi_text(response.json()) == openapi_text()


def test_document_is_valid_openapi_3_1() -> None:
    document = json.loads(openapi_path().read_text(encoding="utf-8"))

    assert document["openapi"].startswith("3.1.")
    validate(document)


@pytest.mark.parametrize(
    ("path", "method", "operation"),
    operations(json.loads(openapi_text())),
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_every_operation_is_documented(path: str, method: str, operation: dict[str, Any]) -> None:
    assert operation.get("operationId"), f"{method.upper()} {path} has no operation id"
    assert operation.get("summary"), f"{method.upper()} {path} has no summary"
    assert operation.get("tags"), f"{method.upper()} {path} has no tags"
    for status, response in operation["responses"].items():
        if int(status) >= 400:
            assert list(response.get("content", {})) == ["application/problem+json"], (
                f"{method.upper()} {path} {status} is not documented as problem+json"
            )
    if "{" in path:
        assert "404" in operation["responses"], f"{method.upper()} {path} documents no 404"


def test_command_checks_and_prints_the_document(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("api", "schema", "--check")
    capsys.readouterr()

    call_command("api", "schema")

    assert capsys.readouterr().out == openapi_text()
