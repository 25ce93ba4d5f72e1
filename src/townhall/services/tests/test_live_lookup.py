"""Residents' pages find a live service through a short-lived cache in the process; a change to
the service or its organisation is seen at once."""

from __future__ import annotations

import pytest
from django.test import Client

from townhall.services.actions import service_unpublish
from townhall.services.constants import ServiceState
from townhall.services.queries import service_get_live
from townhall.services.tests.factories import ServiceFactory


@pytest.mark.django_db
def test_unpublishing_a_service_closes_it_to_residents_at_once():
    service = ServiceFactory.create(live=True, pothole=True)
    address = f"/{service.organisation.slug}/{service.slug}/"
    assert Client().get(address).status_code == 200
    service_unpublish(service=service, actor=None)
    assert Client().get(address).status_code == 404


@pytest.mark.django_db
def test_a_deactivated_organisation_closes_its_services_at_once():
    service = ServiceFactory.create(live=True, pothole=True)
    slugs = {"organisation_slug": service.organisation.slug, "service_slug": service.slug}
    assert service_get_live(**slugs) == service
    organisation = service.organisation
    organisation.is_active = False
    organisation.save()
    assert service_get_live(**slugs) is None


@pytest.mark.django_db
def test_a_service_published_after_a_miss_is_found_at_once():
    service = ServiceFactory.create(pothole=True)  # a draft
    slugs = {"organisation_slug": service.organisation.slug, "service_slug": service.slug}
    assert service_get_live(**slugs) is None
    service.state = ServiceState.LIVE
    service.save()
    assert service_get_live(**slugs) == service
