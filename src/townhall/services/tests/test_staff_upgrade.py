"""Issue 5, point 2 (keep current): a newer version of an adopted pattern shows on the service
with a readable diff and its change type; minor and patch upgrades apply in one step keeping the
parameter values; a major one asks for the new or changed parameters first; journeys already in
progress finish on the version they started on."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from townhall.core.models import AuditEntry
from townhall.services.models import Service
from townhall.services.queries import service_parameters_for_version
from townhall.services.tests.factories import ServiceFactory
from townhall.services.tests.staff_support import (
    PERMIT_PARAMS,
    member,
    permit_major,
    permit_minor,
    permit_version,
)
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db

# Submissions sit above services in the import layers: the model is looked up by name.
Submission = apps.get_model("submissions", "Submission")


@pytest.fixture
def service() -> Service:
    return ServiceFactory.create(
        pattern_version=permit_version(),
        parameters=PERMIT_PARAMS,
        slug="zone-a",
        live=True,
        contact_details="Call 01632 960 000",
    )


def _editor(staff_client, service: Service) -> Client:
    client: Client = staff_client(member(Role.EDITOR, service.organisation).user)
    return client


def _base(service: Service) -> str:
    return f"/staff/{service.organisation.slug}/services/{service.slug}/"


def test_a_minor_upgrade_shows_its_diff_and_keeps_the_parameters(staff_client, service):
    newer = permit_minor()
    editor = _editor(staff_client, service)
    listing = editor.get(f"/staff/{service.organisation.slug}/services/").content.decode()
    assert "Newer version available" in listing
    detail = editor.get(_base(service)).content.decode()
    assert "A newer version is available: 1.1.0" in detail
    assert "Minor change" in detail
    assert "Pages added" in detail
    assert "What is the vehicle?" in detail
    assert "New parameters" in detail
    assert "max_permits" in detail
    assert "Upgrade to 1.1.0" in detail  # one step, from the service's page

    response = editor.post(f"{_base(service)}upgrade/", {"version": "1.1.0"})
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.pattern_version == newer
    assert service.parameters == PERMIT_PARAMS
    entry = AuditEntry.objects.get(action="service.upgraded")
    assert entry.organisation_id == service.organisation_id
    assert "1.0.0 to 1.1.0" in entry.summary
    assert "newer version" not in editor.get(_base(service)).content.decode().lower()


def test_a_major_upgrade_asks_for_the_new_and_changed_parameters_first(staff_client, service):
    newer = permit_major()
    editor = _editor(staff_client, service)
    detail = editor.get(_base(service)).content.decode()
    assert "Major change" in detail
    assert "new parameter &#39;permit_office&#39; has no default" in detail
    assert "Review the upgrade to 2.0.0" in detail

    page = editor.get(f"{_base(service)}upgrade/").content.decode()
    assert 'name="param__permit_office"' in page
    assert 'name="param__fee"' in page  # retyped from money to a number: its value is not kept
    assert 'name="param__zone_name"' not in page  # unchanged: kept as it is

    refused = editor.post(f"{_base(service)}upgrade/", {"version": "2.0.0"})
    assert refused.status_code == 400
    assert "Enter permit office" in refused.content.decode()
    service.refresh_from_db()
    assert service.pattern_version.version == "1.0.0"

    data = {
        "version": "2.0.0",
        "param__permit_office": "permits@example.gov.uk",
        "param__fee": "30",
    }
    assert editor.post(f"{_base(service)}upgrade/", data).status_code == 302
    service.refresh_from_db()
    assert service.pattern_version == newer
    assert service.parameters == {
        "zone_name": "Zone A",
        "fee": 30,
        "permit_office": "permits@example.gov.uk",
    }


def test_an_upgrade_posted_for_an_older_offer_is_not_applied(staff_client, service):
    permit_minor()
    editor = _editor(staff_client, service)
    response = editor.post(f"{_base(service)}upgrade/", {"version": "1.0.5"})
    assert response.status_code == 302
    assert response["Location"].endswith("/upgrade/")
    service.refresh_from_db()
    assert service.pattern_version.version == "1.0.0"


def test_a_journey_in_progress_finishes_on_the_version_it_started_on(staff_client, service):
    old = service.pattern_version
    address = f"/{service.organisation.slug}/{service.slug}/"
    resident = Client()
    resident.post(address)
    assert resident.post(f"{address}name/", {"name": "Ann"})["Location"] == (
        f"{address}check-answers/"
    )

    newer = permit_minor()
    assert (
        _editor(staff_client, service)
        .post(f"{_base(service)}upgrade/", {"version": "1.1.0"})
        .status_code
        == 302
    )

    # The started journey has no vehicle page to answer: it goes on to sending on 1.0.0.
    assert resident.get(f"{address}check-answers/").status_code == 200
    assert resident.post(f"{address}check-answers/")["Location"] == f"{address}confirmation/"
    assert Submission.objects.get().pattern_version == old

    # A journey started now is on 1.1.0: after the name comes the new vehicle page.
    newcomer = Client()
    newcomer.post(address)
    assert newcomer.post(f"{address}name/", {"name": "Bo"})["Location"] == f"{address}vehicle/"
    newcomer.post(f"{address}vehicle/", {"vehicle": "A blue van"})
    newcomer.post(f"{address}check-answers/")
    assert Submission.objects.filter(pattern_version=newer).count() == 1


def test_a_journey_in_progress_keeps_its_versions_parameter_values(staff_client, service):
    """After a major upgrade retypes the fee (pence → pounds), a journey started before it
    still runs 1.0.0 with 1.0.0's values, not the new ones that would not suit it."""
    old = service.pattern_version
    resident = Client()
    resident.post(f"/{service.organisation.slug}/{service.slug}/")
    permit_major()
    data = {
        "version": "2.0.0",
        "param__permit_office": "permits@example.gov.uk",
        "param__fee": "30",
    }
    assert _editor(staff_client, service).post(f"{_base(service)}upgrade/", data).status_code == 302
    service.refresh_from_db()
    assert service.parameters["fee"] == 30
    assert service_parameters_for_version(service=service, pattern_version_id=old.pk) == (
        PERMIT_PARAMS
    )
    # And the resident's journey, still on 1.0.0, sends with them.
    address = f"/{service.organisation.slug}/{service.slug}/"
    resident.post(f"{address}name/", {"name": "Ann"})
    assert resident.post(f"{address}check-answers/")["Location"] == f"{address}confirmation/"
    submission = Submission.objects.get()
    assert submission.pattern_version == old
