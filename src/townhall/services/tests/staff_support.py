"""Shared by the staff services tests: a small permit pattern in three versions, and members."""

from __future__ import annotations

from typing import Any

from townhall.patterns.models import ChangeType, PatternVersion
from townhall.patterns.tests.factories import question
from townhall.services.tests.factories import PatternVersionFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Membership, Organisation
from townhall.tenancy.tests.factories import MembershipFactory

PERMIT = "parking-permit-test"
PERMIT_PARAMS: dict[str, Any] = {"zone_name": "Zone A", "fee": 2500}

_PAGES = [question("text", "name", label="What is your name?", subject="your name")]
_PARAMETERS: dict[str, Any] = {
    "zone_name": {"type": "text", "description": "The permit zone's name."},
    "fee": {"type": "money", "description": "What a permit costs.", "default": 1000},
}


def permit_version(version: str = "1.0.0", **changes: Any) -> PatternVersion:
    """The test permit pattern at `version`: the start page names the zone and the fee."""
    fields: dict[str, Any] = {
        "version": version,
        "title": "Apply for a test permit",
        "start": {"body": "Permits for {{ params.zone_name }} cost {{ params.fee }}."},
        "parameters": changes.pop("parameters", _PARAMETERS),
        **changes,
    }
    pages = fields.pop("pages", _PAGES)
    return PatternVersionFactory.create(
        pid=PERMIT,
        pages=pages,
        fields=fields,
        change_type=ChangeType.INITIAL if version == "1.0.0" else ChangeType.MINOR,
    )


def permit_minor() -> PatternVersion:
    """1.1.0: a new optional page and a new parameter with a default."""
    return permit_version(
        "1.1.0",
        pages=[
            *_PAGES,
            question("text", "vehicle", label="What is the vehicle?", subject="the vehicle"),
        ],
        parameters={
            **_PARAMETERS,
            "max_permits": {
                "type": "number",
                "description": "Permits a home may have.",
                "default": 2,
            },
        },
    )


def permit_major() -> PatternVersion:
    """2.0.0: a new parameter every council must set, and the fee retyped as a number."""
    return permit_version(
        "2.0.0",
        parameters={
            "zone_name": _PARAMETERS["zone_name"],
            "fee": {"type": "number", "description": "What a permit costs, in pounds."},
            "permit_office": {"type": "email", "description": "Where permit questions go."},
        },
    )


def member(role: Role, organisation: Organisation | None = None) -> Membership:
    if organisation is None:
        return MembershipFactory.create(role=role)
    return MembershipFactory.create(role=role, organisation=organisation)
