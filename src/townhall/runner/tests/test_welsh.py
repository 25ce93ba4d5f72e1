"""Runner (issue 4): every page of a bilingual pattern is in Welsh under /cy/, pattern texts from
the engine and the runner's own words alike, never half-translated; a pattern without Welsh never
pretends to have it."""

from __future__ import annotations

import re

import pytest

from townhall.runner.tests.helpers import POTHOLE_ANSWERS, answer, base_url, location, main
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

# The runner's English words: none may appear on a Welsh page.
ENGLISH = [
    "Continue",
    ">Back<",
    "Change",
    "There is a problem",
    "Start now",
    "Your reference number",
    "What happens next",
    "Error:",
    "You can enter up to",
    "Map point",
    "Latitude",
]


def _welsh_page(response) -> str:
    assert response.status_code == 200
    body = response.content.decode()
    assert '<html lang="cy"' in body
    page = main(response)
    # The toggle back to English is the only English text the page may carry.
    without_toggle = re.sub(r'<a [^>]*lang="en"[^>]*>English</a>', "", body)
    for english in ENGLISH:
        assert english not in without_toggle, english
    return page


def test_the_whole_pothole_journey_in_welsh(client, pothole):
    welsh = base_url(pothole, language="cy")
    start_page = _welsh_page(client.get(welsh))
    assert "Rhoi gwybod am dwll yn y ffordd" in start_page
    assert "Dechrau nawr" in start_page
    first = location(client.post(welsh))
    assert first == f"{welsh}danger/"
    question = _welsh_page(client.get(first))
    assert "Ydy’r twll yn beryglus ar hyn o bryd?" in question
    assert "Parhau" in question

    error = client.post(first, {})
    page = _welsh_page(error)
    assert "Mae problem wedi codi" in page
    assert "Dewiswch ‘Ydy’ os yw’r twll yn beryglus ar hyn o bryd" in page
    assert "<title>Gwall: Ydy’r twll yn beryglus ar hyn o bryd?" in error.content.decode()

    for page_id, data in POTHOLE_ANSWERS:
        if page_id != "photos":
            _welsh_page(client.get(f"{welsh}{page_id}/"))
        response = answer(client, pothole, page_id, data, language="cy")
        assert location(response).startswith(welsh), page_id

    check = _welsh_page(client.get(f"{welsh}check-answers/"))
    assert "Gwiriwch eich atebion cyn anfon eich adroddiad" in check
    assert "Peryglus ar hyn o bryd" in check
    assert "Nac ydy" in check
    assert "Pwynt ar y map: 52.24131, -3.37906" in check
    assert "Newid" in check

    confirmation = location(client.post(f"{welsh}check-answers/"))
    assert confirmation == f"{welsh}confirmation/"
    page = _welsh_page(client.get(confirmation))
    submission = Submission.objects.get()
    assert "Adroddiad wedi’i anfon" in page
    assert "Eich cyfeirnod" in page
    assert submission.reference in page
    assert "Beth sy’n digwydd nesaf" in page
    assert "Byddwn yn archwilio’r twll o fewn 5 diwrnod gwaith" in page
    assert submission.language == "cy"
    assert submission.summary[0]["label"] == "Peryglus ar hyn o bryd"


def test_the_language_toggle_links_to_the_same_page_in_the_other_language(client, pothole):
    body = client.get(base_url(pothole)).content.decode()
    assert f'href="{base_url(pothole, language="cy")}" hreflang="cy" lang="cy">Cymraeg</a>' in body


def test_the_welsh_exit_page_uses_the_welsh_parameter(client, pothole):
    welsh = base_url(pothole, language="cy")
    client.post(welsh)
    answer(client, pothole, "danger", {"danger": "no"}, language="cy")
    exit_page = location(
        answer(client, pothole, "road_type", {"road_type": "trunk_road"}, language="cy")
    )
    page = _welsh_page(client.get(exit_page))
    assert "asiant y gefnffordd ar 01632 960 002" in page


def test_a_pattern_without_welsh_is_only_in_english(client):
    english_only = ServiceFactory.create(live=True)
    # No language toggle on its pages ...
    body = client.get(base_url(english_only)).content.decode()
    assert "Cymraeg" not in body
    # ... and a Welsh address goes to the English page rather than show English as Welsh.
    response = client.get(f"{base_url(english_only, language='cy')}?x=1")
    assert location(response) == f"{base_url(english_only)}?x=1"


def test_switching_language_mid_journey_keeps_the_answers(client, pothole):
    client.post(base_url(pothole))
    answer(client, pothole, "danger", {"danger": "no"})
    welsh = base_url(pothole, language="cy")
    assert location(client.get(f"{welsh}size/")) == f"{welsh}road_type/"
