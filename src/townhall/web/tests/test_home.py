"""Runner: the home page links to every live demo service, so a newcomer can try any pattern."""

from __future__ import annotations

import pytest
from django.test import Client

from townhall.services.tests.factories import ServiceFactory
from townhall.tenancy.tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_home_lists_the_demo_councils_live_services_only(client: Client) -> None:
    demo = OrganisationFactory.create(slug="demo", is_demo=True, short_name="Demo Borough")
    ServiceFactory.create(organisation=demo, slug="report-a-pothole", live=True, pothole=True)
    ServiceFactory.create(organisation=demo, slug="draft-thing")
    ServiceFactory.create(slug="elsewhere", live=True)

    body = client.get("/").content.decode()

    assert "Try a demo service" in body
    assert 'href="/demo/report-a-pothole/">Report a pothole</a>' in body
    assert "draft-thing" not in body
    assert "elsewhere" not in body


@pytest.mark.django_db
def test_welsh_home_links_to_the_welsh_service(client: Client) -> None:
    demo = OrganisationFactory.create(slug="demo", is_demo=True)
    ServiceFactory.create(organisation=demo, slug="report-a-pothole", live=True, pothole=True)

    body = client.get("/cy/").content.decode()

    assert 'href="/cy/demo/report-a-pothole/">Rhoi gwybod am dwll yn y ffordd</a>' in body


@pytest.mark.django_db
def test_home_without_demo_data_has_no_demo_section(client: Client) -> None:
    assert "Try a demo service" not in client.get("/").content.decode()
