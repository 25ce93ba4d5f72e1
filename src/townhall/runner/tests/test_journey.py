"""Runner (issue 4): a resident walks a service through the web layer, and every decision comes
from the pattern engine: branching, exit pages, content pages, GOV.UK error pages, back links and
a complete journey to the confirmation with its reference."""

from __future__ import annotations

import re

import pytest

from townhall.runner.tests.helpers import (
    answer,
    answer_pothole,
    base_url,
    location,
    main,
    start,
    text_of,
)
from townhall.submissions.models import Submission
from townhall.submissions.references import REFERENCE_RE

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]


def test_the_start_page_shows_the_pattern_start_with_parameters_filled_in(client, pothole):
    response = client.get(base_url(pothole))
    assert response.status_code == 200
    page = text_of(main(response))
    assert "Report a pothole" in page
    assert "call us on 01632 960 001" in page
    assert "<title>Report a pothole – Test Borough Council" in response.content.decode()
    assert 'type="submit"' in main(response)  # "Start now" posts: it works without JavaScript


def test_start_leads_to_the_first_question_as_the_page_heading(client, pothole):
    first = start(client, pothole)
    assert first == f"{base_url(pothole)}danger/"
    page = main(client.get(first))
    assert re.search(r'<h1 class="govuk-fieldset__heading">\s*Is the pothole dangerous', page)
    assert f'href="{base_url(pothole)}"' in client.get(first).content.decode()  # back to start


def test_a_dangerous_pothole_branches_to_the_emergency_exit_page(client, pothole):
    start(client, pothole)
    exit_page = location(answer(client, pothole, "danger", {"danger": "yes"}))
    assert exit_page.endswith("/emergency/")
    page = text_of(main(client.get(exit_page)))
    assert "Call us now to report a dangerous pothole" in page
    assert "Call 01632 960 001." in page
    assert "Continue" not in page  # an exit page ends the journey
    # Nothing after an exit is reachable: check answers sends the resident back to the exit.
    assert location(client.get(f"{base_url(pothole)}check-answers/")).endswith("/emergency/")


def test_a_trunk_road_exits_with_the_welsh_or_english_parameter(client, pothole):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    exit_page = location(answer(client, pothole, "road_type", {"road_type": "trunk_road"}))
    assert exit_page.endswith("/not_ours/")
    assert "the trunk road agent on 01632 960 002" in text_of(main(client.get(exit_page)))


def test_a_deep_hole_in_a_road_shows_the_content_page_before_the_description(client, pothole):
    answer_pothole(client, pothole, until="depth")
    warning = location(answer(client, pothole, "depth", {"depth": "over_10cm"}))
    assert warning.endswith("/deep_warning/")
    assert "A pothole this deep can be dangerous" in text_of(main(client.get(warning)))
    assert location(client.post(warning)).endswith("/description/")


def test_an_invalid_answer_shows_gov_uk_errors_and_stores_nothing(client, pothole):
    start(client, pothole)
    response = answer(client, pothole, "danger", {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Error: Is the pothole dangerous right now? – Report a pothole" in body
    summary = main(response)
    assert "There is a problem" in summary
    assert 'href="#danger"' in summary  # the summary links to the first radio
    assert 'id="danger"' in summary
    assert 'id="danger-error"' in summary  # the inline message beside the field
    assert "Select yes if the pothole is dangerous right now" in text_of(summary)
    # Nothing was stored: the page is still the first unanswered one.
    assert location(client.get(f"{base_url(pothole)}road_type/")).endswith("/danger/")


def test_an_invalid_email_keeps_what_was_typed(client, pothole):
    answer_pothole(client, pothole, until="email")
    response = answer(client, pothole, "email", {"email": "not an email"})
    page = main(response)
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert 'value="not an email"' in page


def test_back_links_follow_the_path_taken(client, pothole):
    answer_pothole(client, pothole, until="depth")
    answer(client, pothole, "depth", {"depth": "over_10cm"})
    client.post(f"{base_url(pothole)}deep_warning/")
    page = client.get(f"{base_url(pothole)}description/").content.decode()
    assert 'class="govuk-back-link">Back</a>' in page
    assert f'href="{base_url(pothole)}deep_warning/" class="govuk-back-link"' in page


def test_a_whole_journey_ends_at_the_confirmation_with_a_reference(client, pothole):
    answer_pothole(client, pothole)
    check = client.get(f"{base_url(pothole)}check-answers/")
    page = text_of(main(check))
    assert "Check your answers before sending your report" in page
    assert "Outside 14 High Street Map point: 52.24131, -3.37906" in page
    assert "resident@example.com" in page
    confirmation = location(client.post(f"{base_url(pothole)}check-answers/"))
    assert confirmation.endswith("/confirmation/")
    response = client.get(confirmation)
    submission = Submission.objects.get()
    assert REFERENCE_RE.match(submission.reference)
    assert submission.reference.startswith("POT-")
    page = text_of(main(response))
    assert f"Report sent Your reference number {submission.reference}" in page
    assert "We will inspect the pothole within 5 working days" in page
    assert submission.answers["email"] == "resident@example.com"
    assert submission.summary[0] == {
        "question_id": "danger",
        "label": "Dangerous right now",
        "lines": ["No"],
    }
    assert submission.organisation_id == pothole.organisation_id
    assert submission.channel == "web"
    assert submission.language == "en"


def test_an_unknown_page_is_not_found(client, pothole):
    start(client, pothole)
    assert client.get(f"{base_url(pothole)}no_such_page/").status_code == 404
