"""Runner issue (services): a service is an organisation's adoption of one pattern version, with
parameters checked by the engine (a bad value is an error naming the parameter), a slug unique in
its organisation and never a reserved one, a state, and an audit entry for every change."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from townhall.core.models import AuditEntry
from townhall.identity.tests.factories import UserFactory
from townhall.services.actions import (
    service_create,
    service_publish,
    service_unpublish,
    service_update,
)
from townhall.services.constants import ServiceState
from townhall.services.engine_cache import pattern_for_version
from townhall.services.queries import service_get_live, service_list_live
from townhall.services.tests.factories import (
    POTHOLE_PARAMS,
    PatternVersionFactory,
    ServiceFactory,
)
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pothole_version():
    return PatternVersionFactory.create(pothole=True)


def _create(version, **overrides):
    options = {
        "organisation": OrganisationFactory.create(),
        "pattern_version": version,
        "slug": "potholes",
        "parameters": POTHOLE_PARAMS,
        "actor": None,
        **overrides,
    }
    return service_create(**options)


def test_a_service_is_created_with_an_audit_entry(pothole_version):
    actor = UserFactory.create()
    service = _create(pothole_version, actor=actor)
    assert service.state == ServiceState.DRAFT
    assert service.retention_days == 365
    entry = AuditEntry.objects.get(action="service.created")
    assert entry.organisation_id == service.organisation_id
    assert entry.actor_email == actor.email
    assert "report-a-pothole 1.0.0" in entry.summary


def test_a_live_service_has_a_publication_time(pothole_version):
    service = _create(pothole_version, state=ServiceState.LIVE)
    assert service.published_at is not None


@pytest.mark.parametrize(
    ("parameters", "problem"),
    [
        ({"trunk_road_contact": "x"}, "emergency_phone: must be set"),
        ({**POTHOLE_PARAMS, "inspection_days": "five"}, "inspection_days: must be a whole number"),
        ({**POTHOLE_PARAMS, "colour": "red"}, "colour: is not a parameter of this pattern"),
    ],
)
def test_bad_parameters_are_refused_naming_the_parameter(pothole_version, parameters, problem):
    with pytest.raises(ValidationError) as raised:
        _create(pothole_version, parameters=parameters)
    assert problem in raised.value.message_dict["parameters"]


@pytest.mark.parametrize(
    "slug", ["", "Potholes", "pot holes", "pot--holes", "-potholes", "staff", "organisations"]
)
def test_bad_and_reserved_slugs_are_refused(pothole_version, slug):
    with pytest.raises(ValidationError) as raised:
        _create(pothole_version, slug=slug)
    assert "slug" in raised.value.message_dict


def test_a_slug_is_unique_within_its_organisation_only(pothole_version):
    first = _create(pothole_version)
    with pytest.raises(ValidationError, match="already has a service at potholes"):
        _create(pothole_version, organisation=first.organisation)
    assert _create(pothole_version).slug == "potholes"  # another council may use it


def test_a_bilingual_service_needs_its_welsh_name_too(pothole_version):
    with pytest.raises(ValidationError) as raised:
        _create(pothole_version, name="Potholes")
    assert "name_cy" in raised.value.message_dict
    assert _create(pothole_version, name="Potholes", name_cy="Tyllau").name_cy == "Tyllau"


def test_publish_and_unpublish_are_audited():
    service = ServiceFactory.create()
    service_publish(service=service, actor=None)
    assert (
        service_get_live(organisation_slug=service.organisation.slug, service_slug=service.slug)
        == service
    )
    service_unpublish(service=service, actor=None)
    assert service.state == ServiceState.UNPUBLISHED
    assert (
        service_get_live(organisation_slug=service.organisation.slug, service_slug=service.slug)
        is None
    )
    actions = list(AuditEntry.objects.order_by("occurred_at").values_list("action", flat=True))
    assert actions == ["service.published", "service.unpublished"]


def test_an_update_checks_and_audits_what_changed():
    service = ServiceFactory.create(pothole=True)
    service_update(service=service, actor=None, parameters={**POTHOLE_PARAMS, "inspection_days": 3})
    service.refresh_from_db()
    assert service.parameters["inspection_days"] == 3
    with pytest.raises(ValidationError):
        service_update(service=service, actor=None, parameters={})
    service_update(service=service, actor=None, contact_details=service.contact_details)
    assert AuditEntry.objects.filter(action="service.updated").count() == 1


def test_live_services_are_listed_per_organisation():
    live = ServiceFactory.create(live=True)
    ServiceFactory.create(organisation=live.organisation)  # a draft
    ServiceFactory.create(live=True)  # another council's
    assert list(service_list_live(organisation=live.organisation)) == [live]


def test_a_service_from_an_abolished_organisation_is_not_live():
    service = ServiceFactory.create(live=True, organisation__former=True)
    assert (
        service_get_live(organisation_slug=service.organisation.slug, service_slug=service.slug)
        is None
    )


def test_a_pattern_version_in_use_cannot_be_deleted():
    service = ServiceFactory.create()
    with pytest.raises(ProtectedError):
        service.pattern_version.delete()


def test_a_loaded_pattern_is_cached_per_version():
    version = PatternVersionFactory.create(pothole=True)
    assert pattern_for_version(version) is pattern_for_version(version)
    assert pattern_for_version(version).id == "report-a-pothole"
