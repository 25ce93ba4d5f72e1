"""Issue 6 point 1 (public part): organisations, patterns and an organisation's live services are
readable without a key, paged by cursor, and unknown objects answer problem+json 404."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from townhall.patterns.models import ChangeType
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"


def get(client: Client, path: str, **params: Any) -> Any:
    return client.get(f"{API}{path}", params)


def test_organisations_list_shape_and_search(client: Client) -> None:
    OrganisationFactory(slug="cardiff", official_name="Cardiff Council", short_name="Cardiff")
    OrganisationFactory(slug="powys", official_name="Powys County Council", short_name="Powys")
    OrganisationFactory(slug="old", short_name="Cardiganshire", former=True)

    response = get(client, "/organisations", q="card")

    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body["items"]] == ["cardiff"]  # former ones are not listed
    assert body["next"] is None
    item = body["items"][0]
    assert item["name"] == "Cardiff Council"
    assert item["kind"] == "council"
    assert item["url"] == "http://testserver/organisations/cardiff/"


def test_organisations_kind_filter(client: Client) -> None:
    OrganisationFactory(slug="a-council")
    OrganisationFactory(slug="a-force", police=True)

    body = get(client, "/organisations", kind="police_force").json()

    assert [item["slug"] for item in body["items"]] == ["a-force"]
    assert get(client, "/organisations", kind="parish").status_code == 422


def test_organisations_pages_by_cursor(client: Client) -> None:
    for n in range(5):
        OrganisationFactory(slug=f"org-{n}", short_name=f"Org {n}")
    # Two with the same short name: the id breaks the tie, so neither is lost or repeated.
    OrganisationFactory(slug="twin-a", short_name="Org 2")

    seen: list[str] = []
    cursor: str | None = None
    for _ in range(10):
        params: dict[str, Any] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        body = get(client, "/organisations", **params).json()
        assert len(body["items"]) <= 2
        seen += [item["slug"] for item in body["items"]]
        cursor = body["next"]
        if cursor is None:
            break

    assert sorted(seen) == sorted(["org-0", "org-1", "org-2", "org-3", "org-4", "twin-a"])
    assert len(seen) == len(set(seen))
    assert seen[:2] == ["org-0", "org-1"]


@pytest.mark.parametrize("cursor", ["not-a-cursor", "WyJ4Il0", "W10", "WzEsIngiLCJub3QtdXVpZCJd"])
def test_bad_cursor_is_a_field_error(client: Client, cursor: str) -> None:
    response = get(client, "/organisations", cursor=cursor)

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["field"] == "cursor"


def test_limit_bounds(client: Client) -> None:
    for limit in (0, 101, "x"):
        response = get(client, "/organisations", limit=limit)
        assert response.status_code == 422
        assert [error["field"] for error in response.json()["errors"]] == ["limit"]


def test_organisation_detail(client: Client) -> None:
    parent = OrganisationFactory(slug="county")
    OrganisationFactory(slug="district", parent=parent, alternative_names=["The District"])

    body = get(client, "/organisations/district").json()

    assert body["slug"] == "district"
    assert body["parent"] == "county"
    assert body["alternative_names"] == ["The District"]
    assert body["successors"] == []


def test_unknown_organisation_is_problem_404(client: Client) -> None:
    for path in ("/organisations/nowhere", "/organisations/nowhere/services"):
        response = get(client, path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json() == {
            "type": "about:blank",
            "title": "Not found",
            "status": 404,
            "detail": "",
            "instance": f"{API}{path}",
        }


def test_services_lists_only_live_ones(client: Client) -> None:
    organisation = OrganisationFactory(slug="powys")
    ServiceFactory(organisation=organisation, live=True, pothole=True)
    ServiceFactory(organisation=organisation, slug="a-draft")
    ServiceFactory(organisation=organisation, slug="taken-down", unpublished=True)
    ServiceFactory(slug="elsewhere", live=True)

    body = get(client, "/organisations/powys/services").json()

    [item] = body["items"]
    assert item["slug"] == "report-a-pothole"
    assert item["title"]["cy"]
    assert item["title"]["cy"] != item["title"]["en"]
    assert item["pattern"]["id"] == "report-a-pothole"
    assert item["url"] == "http://testserver/powys/report-a-pothole/"


def test_english_only_service_has_no_welsh_title(client: Client) -> None:
    ServiceFactory(organisation=OrganisationFactory(slug="here"), slug="ask", live=True)

    [item] = get(client, "/organisations/here/services").json()["items"]

    assert item["title"]["cy"] is None


def test_former_organisation_has_no_live_services(client: Client) -> None:
    ServiceFactory(organisation=OrganisationFactory(slug="gone", former=True), live=True)

    assert get(client, "/organisations/gone/services").json() == {"items": []}


def test_patterns_latest_versions_and_versions(client: Client) -> None:
    PatternVersionFactory(pid="bins", fields={"title": "Missed bin", "version": "1.0.0"})
    PatternVersionFactory(
        pid="bins",
        fields={"title": "Missed bin collection", "version": "1.1.0"},
        change_type=ChangeType.MINOR,
    )
    PatternVersionFactory(pid="trees", fields={"title": "Tree"}, tags=["parks"])

    listed = get(client, "/patterns").json()["items"]
    assert [(p["id"], p["version"]) for p in listed] == [("bins", "1.1.0"), ("trees", "1.0.0")]
    assert [p["id"] for p in get(client, "/patterns", tag="parks").json()["items"]] == ["trees"]
    assert [p["id"] for p in get(client, "/patterns", q="bin").json()["items"]] == ["bins"]

    detail = get(client, "/patterns/bins").json()
    assert detail["title"] == "Missed bin collection"
    assert [v["version"] for v in detail["versions"]] == ["1.1.0", "1.0.0"]
    assert "definition" not in detail

    version = get(client, "/patterns/bins/versions/1.0.0").json()
    assert version["version"] == "1.0.0"
    assert version["definition"]["title"] == "Missed bin"
    assert len(version["content_hash"]) == 64


def test_unknown_pattern_or_version_is_problem_404(client: Client) -> None:
    PatternVersionFactory(pid="bins")
    for path in (
        "/patterns/nope",
        "/patterns/nope/versions/1.0.0",
        "/patterns/bins/versions/9.9.9",
    ):
        response = get(client, path)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["title"] == "Not found"
