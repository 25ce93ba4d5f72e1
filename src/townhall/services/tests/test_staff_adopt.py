"""Issue 5, point 1 (adopt): an editor adopts a library pattern version, sets its parameters,
previews the journey, an admin publishes it, and residents reach it at its address and on the
organisation's page. Every change is audited; one pattern can run several services."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from townhall.core.models import AuditEntry
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.services.tests.staff_support import PERMIT, member, permit_version
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db


def _form(slug: str, **overrides: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": "",
        "contact_details": "Call 01632 960 000, 9am to 5pm",
        "team_email": "permits@example.gov.uk",
        "retention_days": "365",
        "param__zone_name": "Zone A",
        "param__fee": "25.00",
        **overrides,
    }


def test_adopt_set_parameters_preview_publish_and_residents_reach_it(staff_client):
    version = permit_version()
    editor = member(Role.EDITOR)
    organisation = editor.organisation
    admin = member(Role.ADMIN, organisation)
    staff = staff_client(editor.user)
    base = f"/staff/{organisation.slug}/services/"

    assert "Apply for a test permit" in staff.get(f"{base}adopt/").content.decode()
    assert version.version in staff.get(f"{base}adopt/{PERMIT}/").content.decode()
    form_page = staff.get(f"{base}adopt/{PERMIT}/1.0.0/").content.decode()
    # Each parameter says where it appears in the journey, and typed: money in pounds.
    assert "Used on: the start page" in form_page
    assert "£" in form_page

    response = staff.post(f"{base}adopt/{PERMIT}/1.0.0/", _form("zone-a"))
    assert response.status_code == 302
    assert response["Location"] == f"{base}zone-a/"
    service = Service.objects.get(organisation=organisation, slug="zone-a")
    assert service.state == ServiceState.DRAFT
    assert service.parameters == {"zone_name": "Zone A", "fee": 2500}
    assert service.team_email == "permits@example.gov.uk"

    # Editors preview the whole journey; residents cannot see a draft.
    address = f"/{organisation.slug}/zone-a/"
    preview = staff.get(address)
    assert preview.status_code == 200
    assert "This is a preview" in preview.content.decode()
    assert "Permits for Zone A cost £25." in preview.content.decode()
    first = staff.post(address)
    assert first["Location"] == f"{address}name/"
    assert staff.post(f"{address}name/", {"name": "Ann"})["Location"] == (
        f"{address}check-answers/"
    )
    assert "Ann" in staff.get(f"{address}check-answers/").content.decode()
    assert Client().get(address).status_code == 404

    # Editors see no publish button and are refused; an admin publishes.
    detail = staff.get(f"{base}zone-a/").content.decode()
    assert "Publish" not in detail
    assert "Preview the whole journey" in detail
    assert "£25.00" in detail  # the fee as staff set it, not in pence
    assert staff.post(f"{base}zone-a/publish/").status_code == 403
    assert staff_client(admin.user).post(f"{base}zone-a/publish/").status_code == 302

    resident = Client().get(address)
    assert resident.status_code == 200
    assert "This is a preview" not in resident.content.decode()
    listing = Client().get(f"/organisations/{organisation.slug}/").content.decode()
    assert f'href="{address}"' in listing
    assert "Apply for a test permit" in listing

    actions = set(
        AuditEntry.objects.filter(organisation_id=organisation.pk).values_list("action", flat=True)
    )
    assert {"service.created", "service.published"} <= actions


def test_one_pattern_runs_several_services(staff_client):
    permit_version()
    editor = member(Role.EDITOR)
    staff = staff_client(editor.user)
    url = f"/staff/{editor.organisation.slug}/services/adopt/{PERMIT}/1.0.0/"
    assert staff.post(url, _form("zone-a")).status_code == 302
    assert staff.post(url, _form("zone-b", param__zone_name="Zone B")).status_code == 302
    zones = dict(
        Service.objects.filter(organisation=editor.organisation).values_list(
            "slug", "parameters__zone_name"
        )
    )
    assert zones == {"zone-a": "Zone A", "zone-b": "Zone B"}
    listing = staff.get(f"/staff/{editor.organisation.slug}/services/").content.decode()
    assert "zone-a" in listing
    assert "zone-b" in listing


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"slug": "Zone A"}, "slug", "lower-case letters"),
        ({"slug": "adopt"}, "slug", "reserved"),
        ({"param__zone_name": ""}, "param__zone_name", "Enter zone name"),
        ({"param__fee": "lots"}, "param__fee", "Enter a number"),
        ({"retention_days": "5"}, "retention_days", "greater than or equal to 30"),
        ({"team_email": "nobody"}, "team_email", "valid email"),
    ],
)
def test_bad_values_are_shown_on_their_fields(staff_client, overrides, field, message):
    permit_version()
    editor = member(Role.EDITOR)
    url = f"/staff/{editor.organisation.slug}/services/adopt/{PERMIT}/1.0.0/"
    response = staff_client(editor.user).post(url, {**_form("zone-a"), **overrides})
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert f'href="#{field}"' in body
    assert message in body
    assert not Service.objects.exists()


def test_a_slug_already_taken_is_refused_on_the_slug_field(staff_client):
    permit_version()
    editor = member(Role.EDITOR)
    staff = staff_client(editor.user)
    url = f"/staff/{editor.organisation.slug}/services/adopt/{PERMIT}/1.0.0/"
    assert staff.post(url, _form("zone-a")).status_code == 302
    response = staff.post(url, _form("zone-a"))
    assert response.status_code == 400
    assert 'href="#slug"' in response.content.decode()
    assert "already has a service at zone-a" in response.content.decode()


def test_editing_keeps_the_slug_and_is_audited(staff_client):
    permit_version()
    editor = member(Role.EDITOR)
    staff = staff_client(editor.user)
    base = f"/staff/{editor.organisation.slug}/services/"
    staff.post(f"{base}adopt/{PERMIT}/1.0.0/", _form("zone-a"))
    edit = staff.get(f"{base}zone-a/edit/").content.decode()
    assert 'value="Zone A"' in edit
    assert 'value="25.00"' in edit
    data = _form("ignored", param__zone_name="Zone C", param__fee="")
    assert staff.post(f"{base}zone-a/edit/", data).status_code == 302
    service = Service.objects.get()
    assert service.slug == "zone-a"
    assert service.parameters == {"zone_name": "Zone C"}  # a blank fee takes the default
    assert AuditEntry.objects.filter(action="service.updated").count() == 1


def test_each_parameter_type_has_its_own_field_and_value(staff_client):
    parameters = {
        "open": {"type": "boolean", "description": "Open to new applications?"},
        "size": {"type": "choice", "description": "Bin size.", "choices": ["small", "large"]},
        "starts": {"type": "date", "description": "When the scheme starts."},
        "office": {"type": "email", "description": "The office."},
        "policy": {"type": "url", "description": "The policy page."},
        "limit": {"type": "number", "description": "How many.", "decimal": True},
    }
    permit_version(parameters=parameters, start={"body": "Start."})
    editor = member(Role.EDITOR)
    url = f"/staff/{editor.organisation.slug}/services/adopt/{PERMIT}/1.0.0/"
    staff = staff_client(editor.user)
    page = staff.get(url).content.decode()
    assert 'type="radio"' in page
    assert 'name="param__size"' in page
    data = {
        **_form("bins"),
        "param__open": "no",
        "param__size": "large",
        "param__starts": "2026-04-01",
        "param__office": "bins@example.gov.uk",
        "param__policy": "https://example.gov.uk/bins",
        "param__limit": "2.5",
    }
    del data["param__zone_name"], data["param__fee"]
    response = staff.post(url, data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Service.objects.get().parameters == {
        "open": False,
        "size": "large",
        "starts": "2026-04-01",
        "office": "bins@example.gov.uk",
        "policy": "https://example.gov.uk/bins",
        "limit": 2.5,
    }
    refused = staff.post(url, {**data, "slug": "bins-2", "param__policy": "http://x.example"})
    assert refused.status_code == 400
    assert "must be a web address starting https://" in refused.content.decode()
