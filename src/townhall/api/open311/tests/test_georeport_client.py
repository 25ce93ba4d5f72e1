"""Open311 end to end with the `georeport` client from PyPI over real HTTP, in both formats: it
lists the services, reads a service definition, searches requests and reads one. The client
cannot create requests (it has no call for it), so the report is posted over raw HTTP first,
as a phone app would (`test_requests.py` covers creating in detail)."""

from __future__ import annotations

import pytest
import requests
from georeport import GeoReport

from townhall.api.open311.tests.helpers import BASE, report_fields, setup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_everything(live_server, output_format) -> None:
    s = setup()
    root = f"{live_server.url}{BASE}"
    created = requests.post(f"{root}/requests.json", data=report_fields(s), timeout=30)
    assert created.status_code == 201, created.text
    [receipt] = created.json()
    reference = receipt["service_request_id"]

    client = GeoReport(root, jurisdiction=s.jurisdiction, output_format=output_format)
    services = client.get_service_list()
    listed = services if isinstance(services, list) else [services]
    assert [item["service_code"] for item in listed] == [s.service.slug]

    definition = client.get_service_definition(s.service.slug)
    assert definition["service_code"] == s.service.slug
    attributes = definition["attributes"]
    codes = (
        [a["code"] for a in attributes]
        if isinstance(attributes, list)
        else [a["code"] for a in attributes["attribute"]]
    )
    assert "danger" in codes

    found = client.get_service_requests(service_code=s.service.slug, status="open")
    found = found if isinstance(found, list) else [found]
    assert [item["service_request_id"] for item in found] == [reference]

    one = client.get_service_request(reference)
    assert one["service_request_id"] == reference
    assert one["status"] == "open"
