"""A live pothole service with a key, and the Open311 form fields of a valid pothole report."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from townhall.api.tests.submissions_helpers import key_for, live_pothole
from townhall.identity.models import ApiKey
from townhall.services.models import Service

BASE = "/open311/v2"


@dataclass
class Setup:
    service: Service
    api_key: ApiKey
    raw_key: str

    @property
    def jurisdiction(self) -> str:
        return self.service.organisation.slug


def setup(*, write: bool = True) -> Setup:
    service = live_pothole()
    api_key, header = key_for(service.organisation, write=write)
    return Setup(service, api_key, header.removeprefix("Bearer "))


def report_fields(s: Setup, **overrides: Any) -> dict[str, Any]:
    """What an Open311 client posts for the pothole: its own fields and the attributes."""
    return {
        "jurisdiction_id": s.jurisdiction,
        "api_key": s.raw_key,
        "service_code": s.service.slug,
        "lat": "52.24131",
        "long": "-3.37906",
        "address_string": "Outside 14 High Street",
        "description": "In the westbound lane, full of water.",
        "email": "resident@example.com",
        "attribute[danger]": "no",
        "attribute[road_type]": "road",
        "attribute[size]": "large",
        "attribute[depth]": "4cm_to_10cm",
        "attribute[updates]": "yes",
        **overrides,
    }


def parse_xml(content: bytes) -> ET.Element:
    """Our own response in a test: trusted, so the standard parser will do."""
    return ET.fromstring(content)  # noqa: S314 - the server under test wrote it
