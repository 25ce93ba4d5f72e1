"""An organisation's page (foundation issue): official name, type, nation, region, GSS code,
parent county and, for an abolished council, when it was abolished and what replaced it; the
header names the organisation; unknown addresses get the GOV.UK 404 page."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client

from townhall.tenancy.constants import Nation
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_a_council_page_shows_its_details(client: Client) -> None:
    county = OrganisationFactory.create(
        slug="west-sussex", official_name="West Sussex County Council"
    )
    OrganisationFactory.create(
        slug="adur",
        official_name="Adur District Council",
        short_name="Adur",
        type_code="NMD",
        gss_code="E07000223",
        region="South East",
        parent=county,
    )
    body = _page(client, "/organisations/adur/")
    assert '<h1 class="govuk-heading-l">Adur District Council</h1>' in body
    for text in ("District council", "England", "South East", "E07000223"):
        assert text in body
    assert (
        '<a class="govuk-link" href="/organisations/west-sussex/">West Sussex County Council'
        in body
    )
    assert "Adur District Council has no online services on Townhall yet." in body
    # The header and the page title name the organisation.
    assert 'href="/organisations/adur/" class="govuk-service-navigation__link"' in body
    assert "<title>Online services – Adur District Council</title>" in body


def test_a_county_lists_its_districts(client: Client) -> None:
    county = OrganisationFactory.create(slug="kent", official_name="Kent County Council")
    OrganisationFactory.create(slug="dover", official_name="Dover District Council", parent=county)
    body = _page(client, "/organisations/kent/")
    assert '<a class="govuk-link" href="/organisations/dover/">Dover District Council</a>' in body


def test_an_abolished_council_says_what_replaced_it(client: Client) -> None:
    cumberland = OrganisationFactory.create(slug="cumberland", official_name="Cumberland Council")
    westmorland = OrganisationFactory.create(
        slug="westmorland-and-furness", official_name="Westmorland and Furness Council"
    )
    cumbria = OrganisationFactory.create(
        slug="cumbria-county-council",
        official_name="Cumbria County Council",
        former=True,
        end_date=datetime.date(2023, 4, 1),
    )
    cumbria.successors.set([cumberland, westmorland])
    body = _page(client, "/organisations/cumbria-county-council/")
    assert (
        "This council was abolished on 1 April 2023 and replaced by "
        '<a class="govuk-link" href="/organisations/cumberland/">Cumberland Council</a> and '
        '<a class="govuk-link" href="/organisations/westmorland-and-furness/">'
        "Westmorland and Furness Council</a>."
    ) in body
    assert "Former organisations do not run services." in body
    successor = _page(client, "/organisations/cumberland/")
    assert '<a class="govuk-link" href="/organisations/cumbria-county-council/">' in successor


def test_an_abolished_council_without_a_successor(client: Client) -> None:
    OrganisationFactory.create(
        slug="moyle-district-council",
        nation=Nation.NORTHERN_IRELAND,
        former=True,
        end_date=datetime.date(2015, 3, 31),
    )
    body = _page(client, "/organisations/moyle-district-council/")
    assert "This council was abolished on 31 March 2015." in body


def test_names_are_escaped(client: Client) -> None:
    OrganisationFactory.create(slug="odd", official_name="<script>alert(1)</script> Council")
    body = _page(client, "/organisations/odd/")
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Council" in body


def test_an_unknown_organisation_is_not_found(client: Client) -> None:
    response = client.get("/organisations/no-such-council/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_welsh_page(client: Client) -> None:
    OrganisationFactory.create(slug="cardiff", official_name="City of Cardiff Council", welsh=True)
    body = _page(client, "/cy/organisations/cardiff/")
    assert '<html lang="cy"' in body
    assert '<h1 class="govuk-heading-l">City of Cardiff Council</h1>' in body
