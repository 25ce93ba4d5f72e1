"""Issue 5, point 1: once an organisation unpublishes a service, residents at its address see
"This service is not available" with the service's contact details (still a 404), rather than
"page not found"; a draft or a missing address stays a plain "page not found"."""

from __future__ import annotations

import pytest
from django.test import Client

from townhall.core.models import AuditEntry
from townhall.services.tests.factories import ServiceFactory
from townhall.services.tests.staff_support import PERMIT_PARAMS, member, permit_version
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db

NOT_AVAILABLE = "This service is not available"


def test_unpublishing_shows_residents_the_contact_details(staff_client):
    service = ServiceFactory.create(
        pattern_version=permit_version(),
        parameters=PERMIT_PARAMS,
        live=True,
        contact_details="Call 01632 960 000, 9am to 5pm",
    )
    address = f"/{service.organisation.slug}/{service.slug}/"
    assert Client().get(address).status_code == 200
    admin = staff_client(member(Role.ADMIN, service.organisation).user)
    staff_page = f"/staff/{service.organisation.slug}/services/{service.slug}/"
    assert admin.post(f"{staff_page}unpublish/").status_code == 302

    response = Client().get(address)
    assert response.status_code == 404
    body = response.content.decode()
    assert NOT_AVAILABLE in body
    assert "Call 01632 960 000, 9am to 5pm" in body
    assert service.organisation.official_name in body
    assert AuditEntry.objects.filter(action="service.unpublished").count() == 1
    # Pages deeper in the journey stay "not found".
    assert Client().get(f"{address}name/").status_code == 404

    assert admin.post(f"{staff_page}publish/").status_code == 302
    assert Client().get(address).status_code == 200


def test_a_draft_or_a_missing_address_is_only_not_found():
    draft = ServiceFactory.create(pattern_version=permit_version(), parameters=PERMIT_PARAMS)
    for address in (
        f"/{draft.organisation.slug}/{draft.slug}/",
        f"/{draft.organisation.slug}/no-such-service/",
    ):
        response = Client().get(address)
        assert response.status_code == 404
        assert NOT_AVAILABLE not in response.content.decode()
