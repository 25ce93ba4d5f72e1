"""Issue 6, point 6: Open311 discovery, the service list and service definitions (attributes from
the pattern's questions), in JSON and XML, and the spec's errors."""

from __future__ import annotations

import pytest
from django.test import Client

from townhall.api.open311.tests.helpers import BASE, parse_xml, setup
from townhall.services.tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_discovery_in_both_formats(client: Client) -> None:
    body = client.get(f"{BASE}/discovery.json").json()
    endpoint = body["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    assert endpoint["formats"] == ["text/xml", "application/json"]
    response = client.get(f"{BASE}/discovery.xml")
    assert response["Content-Type"].startswith("text/xml")
    root = parse_xml(response.content)
    assert root.tag == "discovery"
    assert [f.text for f in root.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


def test_service_list_has_only_live_located_reports(client: Client) -> None:
    s = setup()
    # A live service whose pattern is not a located report, and a draft pothole elsewhere.
    ServiceFactory.create(organisation=s.service.organisation, live=True, slug="contact")
    ServiceFactory.create(pothole=True)
    body = client.get(f"{BASE}/services.json", {"jurisdiction_id": s.jurisdiction}).json()
    assert isinstance(body, list)
    assert [entry["service_code"] for entry in body] == ["report-a-pothole"]
    assert body[0]["metadata"] is True
    assert body[0]["type"] == "realtime"
    assert body[0]["service_name"] == "Report a pothole"
    root = parse_xml(
        client.get(f"{BASE}/services.xml", {"jurisdiction_id": s.jurisdiction}).content
    )
    assert root.tag == "services"
    assert root.findtext("service/service_code") == "report-a-pothole"
    assert root.findtext("service/metadata") == "true"


def test_the_keys_organisation_is_the_jurisdiction_when_none_is_named(client: Client) -> None:
    s = setup()
    body = client.get(f"{BASE}/services.json", {"api_key": s.raw_key, "jurisdiction_id": ""}).json()
    assert [entry["service_code"] for entry in body] == ["report-a-pothole"]


def test_service_definition_from_the_pattern(client: Client) -> None:
    s = setup()
    body = client.get(
        f"{BASE}/services/report-a-pothole.json", {"jurisdiction_id": s.jurisdiction}
    ).json()
    assert body["service_code"] == "report-a-pothole"
    attributes = {a["code"]: a for a in body["attributes"]}
    # Location and description have Open311's own fields; a file cannot be sent as a value.
    assert list(attributes) == ["danger", "road_type", "size", "depth", "updates", "email"]
    assert attributes["danger"]["datatype"] == "singlevaluelist"
    assert attributes["danger"]["required"] is True
    assert attributes["danger"]["values"] == [
        {"key": "yes", "name": "Yes"},
        {"key": "no", "name": "No"},
    ]
    assert {v["key"] for v in attributes["road_type"]["values"]} >= {"road", "trunk_road"}
    assert (
        attributes["road_type"]["description"]
        == "Is the pothole on a road, pavement or cycle path?"
    )
    # Only asked when the resident wants updates.
    assert attributes["email"]["required"] is False
    assert attributes["email"]["datatype"] == "string"
    assert [a["order"] for a in body["attributes"]] == [1, 2, 3, 4, 5, 6]
    root = parse_xml(
        client.get(
            f"{BASE}/services/report-a-pothole.xml", {"jurisdiction_id": s.jurisdiction}
        ).content
    )
    assert root.tag == "service_definition"
    first = root.find("attributes/attribute")
    assert first is not None
    assert first.findtext("code") == "danger"
    assert first.findtext("variable") == "true"
    assert [v.findtext("key") for v in first.findall("values/value")] == ["yes", "no"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_errors_in_the_spec_format(client: Client, fmt: str) -> None:
    s = setup()
    cases = [
        (f"{BASE}/services.{fmt}", {}, 400),
        (f"{BASE}/services.{fmt}", {"jurisdiction_id": "nowhere"}, 404),
        (f"{BASE}/services.{fmt}", {"jurisdiction_id": s.jurisdiction, "api_key": "th_bad"}, 403),
        (f"{BASE}/services/nothing.{fmt}", {"jurisdiction_id": s.jurisdiction}, 404),
    ]
    for path, params, status in cases:
        response = client.get(path, params)
        assert response.status_code == status, (path, params)
        if fmt == "json":
            body = response.json()
            assert isinstance(body, list)
            assert body[0]["code"] == status
            assert body[0]["description"]
        else:
            root = parse_xml(response.content)
            assert root.tag == "errors"
            assert root.findtext("error/code") == str(status)
            assert root.findtext("error/description")


def test_another_organisations_service_is_not_found(client: Client) -> None:
    s = setup()
    other = setup()
    response = client.get(
        f"{BASE}/services/report-a-pothole.json", {"jurisdiction_id": s.jurisdiction}
    )
    assert response.status_code == 200
    # The other organisation's key cannot speak for this jurisdiction.
    response = client.get(
        f"{BASE}/services.json", {"jurisdiction_id": s.jurisdiction, "api_key": other.raw_key}
    )
    assert response.status_code == 403
