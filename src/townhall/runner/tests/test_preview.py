"""Runner (issue 4): editors walk a service that is not live, clearly marked as a preview, and
nothing they do is stored as a submission; residents (and staff who may not edit services) get
404 for a draft or unpublished service."""

from __future__ import annotations

import pytest

from townhall.identity.tests.factories import PASSWORD
from townhall.runner.tests.helpers import answer_pothole, base_url, location, main, text_of
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

BANNER = "This is a preview. Nothing you submit is sent to the council."


@pytest.fixture
def draft(db):
    return ServiceFactory.create(pothole=True)


def _editor(staff_client, service, role=Role.EDITOR):
    membership = MembershipFactory.create(organisation=service.organisation, role=role)
    return staff_client(membership.user)


@pytest.mark.parametrize("state", ["draft", "unpublished"])
def test_a_service_that_is_not_live_is_not_found_by_residents(client, state):
    service = ServiceFactory.create(pothole=True, **{state: True} if state != "draft" else {})
    assert client.get(base_url(service)).status_code == 404
    assert client.post(base_url(service)).status_code == 404
    assert client.get(f"{base_url(service)}danger/").status_code == 404
    assert client.get(f"{base_url(service, language='cy')}").status_code == 404


def test_an_editor_previews_a_draft_and_nothing_is_stored(staff_client, draft):
    editor = _editor(staff_client, draft)
    start_page = editor.get(base_url(draft))
    assert BANNER in text_of(main(start_page))
    answer_pothole(editor, draft)
    check = editor.get(f"{base_url(draft)}check-answers/")
    assert BANNER in text_of(main(check))
    confirmation = location(editor.post(f"{base_url(draft)}check-answers/"))
    page = text_of(main(editor.get(confirmation)))
    assert BANNER in page
    assert "This was a preview, so nothing was sent and there is no reference number." in page
    assert "Your reference number" not in page
    assert not Submission.objects.exists()
    # Sending again is still nothing.
    editor.post(f"{base_url(draft)}check-answers/")
    assert not Submission.objects.exists()


def test_a_live_service_is_no_preview_even_for_its_editors(staff_client):
    service = ServiceFactory.create(live=True, pothole=True)
    editor = _editor(staff_client, service)
    assert BANNER not in text_of(main(editor.get(base_url(service))))


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.VIEWER])
def test_staff_who_cannot_edit_services_get_not_found(staff_client, draft, role):
    assert _editor(staff_client, draft, role).get(base_url(draft)).status_code == 404


def test_another_organisations_editor_gets_not_found(staff_client, draft):
    other = ServiceFactory.create(pothole=True)
    assert _editor(staff_client, other).get(base_url(draft)).status_code == 404


def test_an_editor_signed_in_with_only_a_password_gets_not_found(client, draft):
    membership = MembershipFactory.create(
        organisation=draft.organisation, role=Role.EDITOR, user__totp=True
    )
    client.post("/staff/sign-in/", {"email": membership.user.email, "password": PASSWORD})
    assert client.get(base_url(draft)).status_code == 404


def test_a_preview_journey_is_not_a_residents_journey(staff_client, draft):
    editor = _editor(staff_client, draft)
    answer_pothole(editor, draft, until="size")
    # Publishing it: the editor is now a resident, on a fresh journey.
    draft.state = "live"
    draft.save()
    assert location(editor.get(f"{base_url(draft)}size/")) == base_url(draft)
