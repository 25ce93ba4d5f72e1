"""Find an organisation (foundation issue): searching "Cardiff" on the public page finds Cardiff
Council, as do "Caerdydd" and "cardiff council"; filters by nation and type; former councils on
request; counts, pagination and an empty state; Welsh at /cy/; bad input never gives an error."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from townhall.tenancy.actions import ImportResult

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_register")]

_RESULT = re.compile(r'<h3 class="govuk-heading-s[^"]*">\s*<a class="govuk-link" href="([^"]+)">')
_NAME = re.compile(r'<h3 class="govuk-heading-s[^"]*">\s*<a [^>]*>([^<]+)</a>')
_COUNT = re.compile(r'<h2 class="govuk-heading-m" id="results-count">([^<]+)</h2>')


def _find(
    client: Client, query: str = "", *, path: str = "/organisations/"
) -> tuple[str, list[str]]:
    response = client.get(f"{path}?{query}" if query else path)
    assert response.status_code == 200
    body = response.content.decode()
    names = [html.unescape(name) for name in _NAME.findall(body)]
    return body, names


def _count(body: str) -> str:
    match = _COUNT.search(body)
    assert match
    return match.group(1)


@pytest.mark.parametrize("query", ["Cardiff", "cardiff", "Caerdydd", "cardiff council", "CARDIFF!"])
def test_cardiff_council_is_found_first(client: Client, query: str) -> None:
    body, names = _find(client, f"q={query}")
    assert names[0] == "City of Cardiff Council"
    assert _RESULT.findall(body)[0] == "/organisations/cardiff/"


def test_a_whole_short_name_comes_before_other_matches(client: Client) -> None:
    _, names = _find(client, "q=kent")
    assert names[0] == "Kent County Council"
    assert "Kent Police" in names


def test_every_word_must_match(client: Client) -> None:
    _, names = _find(client, "q=telford+%26+wrekin")
    assert "Telford & Wrekin Council" in names
    assert all("Telford" in name for name in names)
    _, names = _find(client, "q=cardiff+kent")
    assert names == []


def test_filter_by_nation_and_type(client: Client) -> None:
    body, names = _find(client, "nation=wales&type=council")
    assert _count(body) == "22 organisations"
    body, names = _find(client, "type=police_force&nation=scotland")
    assert names == ["Police Scotland"]
    assert _count(body) == "1 organisation"
    body, _ = _find(client, "type=police_force&type=nhs_body")
    assert _count(body) == "90 organisations"
    body, _ = _find(client, "type=combined_authority&q=london")
    assert _count(body) == "1 organisation"  # the GLA


def test_filters_are_shown_as_chosen(client: Client) -> None:
    body, _ = _find(client, "nation=wales&type=council&former=yes")
    assert re.search(r'name="nation" type="checkbox" value="wales" checked', body)
    assert re.search(r'name="type" type="checkbox" value="council" checked', body)
    assert re.search(r'name="former" type="checkbox" value="yes" checked', body)
    assert not re.search(r'value="england" checked', body)


def test_former_organisations_only_on_request(client: Client) -> None:
    _, names = _find(client, "q=somerset")
    assert "Somerset Council" in names
    assert "Somerset County Council" not in names
    body, names = _find(client, "q=somerset&former=yes")
    assert "Somerset County Council" in names
    assert "Former organisation" in body
    assert re.search(r'— replaced by <a class="govuk-link" href="/organisations/somerset/">', body)


def test_all_current_organisations_are_listed_20_a_page(client: Client) -> None:
    body, names = _find(client)
    assert _count(body) == "487 organisations"  # 382 + 15 + 48 + 42
    assert len(names) == 20
    assert 'class="govuk-pagination' in body
    assert 'href="?page=2" rel="next"' in body
    body, names = _find(client, "page=25")
    assert len(names) == 7
    assert 'href="?page=24" rel="prev"' in body


def test_pagination_keeps_the_search(client: Client) -> None:
    body, _ = _find(client, "q=council&nation=england&former=yes")
    assert 'href="?q=council&amp;nation=england&amp;former=yes&amp;page=2"' in body


@pytest.mark.parametrize(
    "query",
    [
        "nation=atlantis&type=castle&former=maybe&page=banana",
        "page=-1",
        "page=99999",
        "q=" + "x" * 5000,
        "q=%25_%5C",
        "nation=wales&nation=wales",
    ],
)
def test_unknown_or_odd_input_is_ignored(client: Client, query: str) -> None:
    body, _ = _find(client, query)
    assert "organisation" in _count(body)


def test_no_results(client: Client) -> None:
    body, names = _find(client, "q=zzzzzz")
    assert names == []
    assert _count(body) == "0 organisations"
    assert "No organisations match your search." in body
    assert "include councils that have been abolished" in body


def test_the_page_works_without_javascript(client: Client) -> None:
    body, _ = _find(client)
    assert '<form method="get" action="/organisations/"' in body
    assert '<label class="govuk-label govuk-label--m" for="q">' in body
    assert "Name of the organisation" in body


def test_the_welsh_page(client: Client, real_register: ImportResult) -> None:
    body, _ = _find(client, "q=caerdydd", path="/cy/organisations/")
    assert '<html lang="cy"' in body
    assert _RESULT.findall(body)[0] == "/cy/organisations/cardiff/"
