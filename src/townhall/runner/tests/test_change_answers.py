"""Runner (issue 4): "Change" links from check answers return to check answers; a changed route
drops the answers it made irrelevant, and asks any new questions before returning; a page that
is not on the current path redirects to the first unanswered page."""

from __future__ import annotations

import pytest

from townhall.runner.models import Journey
from townhall.runner.tests.helpers import answer, answer_pothole, base_url, location, main, start

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

RETURN = "?return=check-answers"


def test_check_answers_has_a_change_link_for_every_answer(client, pothole):
    answer_pothole(client, pothole)
    page = main(client.get(f"{base_url(pothole)}check-answers/"))
    for page_id in ("danger", "road_type", "location", "size", "depth", "description", "email"):
        assert f'href="{base_url(pothole)}{page_id}/{RETURN}"' in page
    assert 'Change<span class="govuk-visually-hidden"> Email address</span>' in page


def test_a_change_returns_to_check_answers(client, pothole):
    answer_pothole(client, pothole)
    page = client.get(f"{base_url(pothole)}size/{RETURN}")
    assert page.status_code == 200
    assert 'value="large" checked' in main(page)  # the answer is filled in
    assert f'href="{base_url(pothole)}check-answers/" class="govuk-back-link"' in (
        page.content.decode()
    )
    response = answer(client, pothole, "size", {"size": "small"}, query=RETURN)
    assert location(response) == f"{base_url(pothole)}check-answers/"
    assert "Smaller than a dinner plate" in main(client.get(location(response)))


def test_an_invalid_change_stays_in_change_mode(client, pothole):
    answer_pothole(client, pothole)
    response = answer(client, pothole, "email", {"email": ""}, query=RETURN)
    assert response.status_code == 200
    assert f'action="{base_url(pothole)}email/{RETURN}"' in main(response)


def test_a_changed_route_drops_the_answers_it_made_irrelevant(client, pothole):
    answer_pothole(client, pothole)
    response = answer(client, pothole, "updates", {"updates": "no"}, query=RETURN)
    assert location(response) == f"{base_url(pothole)}check-answers/"
    page = main(client.get(location(response)))
    assert "resident@example.com" not in page
    assert "email" not in Journey.objects.get().answers
    # Asking for updates again asks for the email again: it was dropped, not hidden.
    response = answer(client, pothole, "updates", {"updates": "yes"}, query=RETURN)
    assert location(response) == f"{base_url(pothole)}email/{RETURN}"
    response = answer(client, pothole, "email", {"email": "new@example.com"}, query=RETURN)
    assert location(response) == f"{base_url(pothole)}check-answers/"


def test_a_change_to_an_exit_ends_at_the_exit_and_drops_later_answers(client, pothole):
    answer_pothole(client, pothole)
    response = answer(client, pothole, "road_type", {"road_type": "trunk_road"}, query=RETURN)
    assert location(response) == f"{base_url(pothole)}not_ours/"
    assert set(Journey.objects.get().answers) == {"danger", "road_type"}


def test_a_change_that_leads_to_a_new_content_page_shows_it_then_returns(client, pothole):
    answer_pothole(client, pothole)
    response = answer(client, pothole, "depth", {"depth": "over_10cm"}, query=RETURN)
    assert location(response) == f"{base_url(pothole)}deep_warning/{RETURN}"
    response = client.post(f"{base_url(pothole)}deep_warning/{RETURN}")
    assert location(response) == f"{base_url(pothole)}check-answers/"


def test_a_page_off_the_path_redirects_to_the_first_unanswered_page(client, pothole):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    for off_path in ("size", "email", "emergency", "check-answers", "declaration"):
        response = client.get(f"{base_url(pothole)}{off_path}/")
        if off_path == "declaration":
            assert response.status_code == 404  # the pothole has no declaration
            continue
        assert location(response) == f"{base_url(pothole)}road_type/", off_path


def test_a_page_dropped_from_the_route_is_off_the_path(client, pothole):
    answer_pothole(client, pothole)
    answer(client, pothole, "updates", {"updates": "no"}, query=RETURN)
    response = client.get(f"{base_url(pothole)}email/")
    assert location(response) == f"{base_url(pothole)}check-answers/"


def test_posting_to_an_off_path_page_stores_nothing(client, pothole):
    start(client, pothole)
    response = answer(client, pothole, "email", {"email": "sneaky@example.com"})
    assert location(response) == f"{base_url(pothole)}danger/"
    assert Journey.objects.get().answers == {}
