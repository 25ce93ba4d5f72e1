"""Runner (issue 4): after confirmation, residents may answer GOV.UK's five-point satisfaction
question with an optional comment; it is stored per service, once per finished journey, linked to
nothing personal; errors are shown the GOV.UK way; the page is in Welsh on Welsh pages; a preview
stores nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from townhall.runner.models import Journey
from townhall.runner.tests.helpers import answer_pothole, base_url, location, main, text_of
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.constants import Satisfaction
from townhall.submissions.models import Feedback
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

QUESTION = "Overall, how did you feel about the service you received today?"
SCALE = [
    "Very satisfied",
    "Satisfied",
    "Neither satisfied or dissatisfied",
    "Dissatisfied",
    "Very dissatisfied",
]


def _finish(client, service, *, language="en") -> str:
    """Send a pothole report; the feedback page's address."""
    answer_pothole(client, service, language=language)
    base = base_url(service, language=language)
    assert location(client.post(f"{base}check-answers/")) == f"{base}confirmation/"
    return f"{base}feedback/"


def test_the_confirmation_asks_for_feedback_which_is_stored_once(client, pothole):
    feedback = _finish(client, pothole)
    confirmation = main(client.get(f"{base_url(pothole)}confirmation/"))
    assert f'href="{feedback}"' in confirmation
    assert "What did you think of this service? (takes 30 seconds)" in text_of(confirmation)

    page = main(client.get(feedback))
    text = text_of(page)
    assert QUESTION in text
    assert [label for label in SCALE if label in text] == SCALE
    assert "How could we improve this service?" in text
    assert "Do not include any personal or financial information" in text
    assert 'data-module="govuk-character-count"' in page
    assert 'data-maxlength="1200"' in page

    # The comment is optional.
    response = client.post(feedback, {"rating": str(Satisfaction.SATISFIED)})
    assert location(response) == f"{feedback}thank-you/"
    assert "Thank you for your feedback" in text_of(main(client.get(location(response))))
    stored = Feedback.objects.get()
    assert (stored.service, stored.organisation) == (pothole, pothole.organisation)
    assert (stored.rating, stored.comment, stored.language) == (Satisfaction.SATISFIED, "", "en")
    assert stored.given_on == timezone.localdate()
    assert Journey.objects.get().feedback_given

    # A second post (back button, second tab) is thanked and ignored; the form is not shown again.
    again = client.post(feedback, {"rating": str(Satisfaction.VERY_DISSATISFIED)})
    assert location(again) == f"{feedback}thank-you/"
    assert location(client.get(feedback)) == f"{feedback}thank-you/"
    assert Feedback.objects.count() == 1


def test_feedback_is_linked_to_nothing_personal(client, pothole):
    feedback = _finish(client, pothole)
    client.post(feedback, {"rating": "5", "comment": "Quick and clear."})
    fields = {field.name for field in Feedback._meta.get_fields()}
    assert fields == {
        "id",
        "organisation",
        "service",
        "rating",
        "comment",
        "language",
        "given_on",
    }
    assert Feedback.objects.get().comment == "Quick and clear."


def test_feedback_errors_are_shown_the_gov_uk_way(client, pothole):
    feedback = _finish(client, pothole)
    response = client.post(feedback, {"comment": "Nothing chosen"})
    assert response.status_code == 200
    assert "<title>Error: Give feedback" in response.content.decode()
    page = main(response)
    assert "There is a problem" in text_of(page)
    assert text_of(page).count("Select how you felt about the service") == 2
    assert 'href="#rating"' in page
    assert "Nothing chosen" in page  # what they typed is kept

    too_long = client.post(feedback, {"rating": "3", "comment": "x" * 1201})
    assert text_of(main(too_long)).count("Your comment must be 1,200 characters or less") == 2
    assert 'href="#comment"' in main(too_long)
    assert not Feedback.objects.exists()

    # Browsers send line breaks as two characters; the character count shows them as one.
    comment = "\r\n".join(["y" * 599, "z" * 600])
    assert location(client.post(feedback, {"rating": "3", "comment": comment})).endswith(
        "/thank-you/"
    )
    assert Feedback.objects.get().comment == comment.replace("\r\n", "\n")


def test_feedback_needs_a_finished_journey(client, pothole):
    answer_pothole(client, pothole, until="size")
    feedback = f"{base_url(pothole)}feedback/"
    # Check answers sends an unfinished journey on to its next page.
    assert location(client.get(feedback)) == f"{base_url(pothole)}check-answers/"
    assert location(client.post(feedback, {"rating": "5"})) == f"{base_url(pothole)}check-answers/"
    assert not Feedback.objects.exists()


def test_the_feedback_page_in_welsh(client, pothole):
    feedback = _finish(client, pothole, language="cy")
    confirmation = main(client.get(f"{base_url(pothole, language='cy')}confirmation/"))
    assert "Beth oeddech chi’n ei feddwl o’r gwasanaeth hwn?" in confirmation
    response = client.get(feedback)
    assert '<html lang="cy"' in response.content.decode()
    page = text_of(main(response))
    assert "Rhoi adborth" in page
    assert "Yn gyffredinol, sut oeddech chi’n teimlo am y gwasanaeth a gawsoch heddiw?" in page
    for label in [
        "Bodlon iawn",
        "Bodlon",
        "Ddim yn fodlon nac yn anfodlon",
        "Anfodlon",
        "Anfodlon iawn",
    ]:
        assert label in page
    assert "Sut gallem wella’r gwasanaeth hwn? (dewisol)" in page
    for english in [QUESTION, *SCALE, "Send feedback", "Back"]:
        assert english not in page, english
    error = text_of(main(client.post(feedback, {})))
    assert "Dewiswch sut oeddech chi’n teimlo am y gwasanaeth" in error
    thanks = client.post(feedback, {"rating": "1", "comment": "Rhy hir"})
    assert "Diolch am eich adborth" in text_of(main(client.get(location(thanks))))
    assert Feedback.objects.get().language == "cy"


def test_a_preview_stores_no_feedback(staff_client):
    draft = ServiceFactory.create(pothole=True)
    membership = MembershipFactory.create(organisation=draft.organisation, role=Role.EDITOR)
    editor = staff_client(membership.user)
    feedback = _finish(editor, draft)
    assert QUESTION in text_of(main(editor.get(feedback)))
    assert location(editor.post(feedback, {"rating": "5"})) == f"{feedback}thank-you/"
    assert not Feedback.objects.exists()
