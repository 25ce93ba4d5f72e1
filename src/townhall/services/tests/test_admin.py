"""Runner issue (services): platform operators create, change, publish and unpublish services in
the platform console, through the same checked and audited actions as the command."""

from __future__ import annotations

import json

import pytest

from townhall.core.models import AuditEntry
from townhall.identity.tests.factories import UserFactory
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.services.tests.factories import POTHOLE_PARAMS, PatternVersionFactory, ServiceFactory
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.services.tests.admin_urls")]

ADD = "/platform/services/service/add/"


@pytest.fixture
def operator(staff_client):
    return staff_client(UserFactory.create(platform_operator=True))


def _form(**overrides):
    return {
        "organisation": str(OrganisationFactory.create().pk),
        "pattern_version": str(PatternVersionFactory.create(pothole=True).pk),
        "slug": "potholes",
        "name": "",
        "name_cy": "",
        "parameters": json.dumps(POTHOLE_PARAMS),
        "state": ServiceState.DRAFT,
        "contact_details": "",
        "team_email": "",
        "retention_days": "365",
        **overrides,
    }


def test_an_operator_creates_a_service(operator):
    assert operator.get(ADD).status_code == 200
    response = operator.post(ADD, _form())
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.slug == "potholes"
    assert AuditEntry.objects.get(action="service.created").target_id == str(service.pk)


def test_bad_parameters_are_shown_on_the_form(operator):
    response = operator.post(ADD, _form(parameters=json.dumps({"inspection_days": "x"})))
    assert response.status_code == 200
    page = response.content.decode()
    assert "emergency_phone: must be set" in page
    assert "inspection_days: must be a whole number" in page
    assert not Service.objects.exists()


def test_an_operator_changes_and_publishes_a_service(operator):
    service = ServiceFactory.create(pothole=True)
    change = f"/platform/services/service/{service.pk}/change/"
    form = {
        "name": "",
        "name_cy": "",
        "parameters": json.dumps({**POTHOLE_PARAMS, "inspection_days": 2}),
        "contact_details": "Call 0300 123 4567",
        "team_email": "",
        "retention_days": "30",
    }
    assert operator.post(change, form).status_code == 302
    service.refresh_from_db()
    assert service.parameters["inspection_days"] == 2
    assert service.retention_days == 30
    operator.post(
        "/platform/services/service/",
        {"action": "publish", "_selected_action": [str(service.pk)]},
    )
    service.refresh_from_db()
    assert service.state == ServiceState.LIVE
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"service.updated", "service.published"} <= actions
