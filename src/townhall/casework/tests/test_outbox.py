"""Issue 5, point 5: a resident who sends a request gets an email with its reference and the
service's team is told; emails that could not be sent are shown to the organisation's admins,
who can try again (audited); nobody else sees them."""

from __future__ import annotations

from typing import Any, cast

import pytest
from django.test import Client

from townhall.core.models import AuditEntry
from townhall.identity.tests.factories import UserFactory
from townhall.notifications.constants import OutboxState
from townhall.notifications.models import OutboxEmail
from townhall.services.tests.factories import POTHOLE_ANSWERS, ServiceFactory
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def send_pothole_report(client: Client, service: Any, *, language: str = "en") -> None:
    base = f"{'/cy' if language == 'cy' else ''}/{service.organisation.slug}/{service.slug}/"
    assert client.post(base).status_code == 302
    for page_id, data in POTHOLE_ANSWERS:
        response = client.post(f"{base}{page_id}/", data)
        assert response.status_code == 302, page_id
    response = client.post(f"{base}check-answers/")
    assert response["Location"].endswith("/confirmation/")


def test_the_resident_and_the_team_are_emailed_when_a_request_is_sent(
    client, smtp_server, django_capture_on_commit_callbacks
):
    service = ServiceFactory.create(live=True, pothole=True, team_email="potholes@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        send_pothole_report(client, service)
    submission = Submission.objects.get()
    messages = {message["To"]: message for message in smtp_server.wait_for(2)}
    resident = messages["resident@example.com"]
    assert submission.reference in resident["Subject"] or submission.reference in (
        resident.get_content()
    )
    assert f"Your reference number is {submission.reference}" in resident.get_content()
    assert "http://127.0.0.1:8000/status/" in resident.get_content()
    team = messages["potholes@council.example"]
    assert team["Subject"].startswith(f"New request {submission.reference}")
    inbox = f"/staff/{service.organisation.slug}/inbox/{submission.pk}/"
    assert inbox in team.get_content()
    # The team's email carries no answers: those are seen only after signing in.
    assert "High Street" not in team.get_content()
    assert OutboxEmail.objects.filter(state=OutboxState.SENT).count() == 2


def test_welsh_residents_are_emailed_in_welsh(
    client, smtp_server, django_capture_on_commit_callbacks
):
    service = ServiceFactory.create(live=True, pothole=True)
    with django_capture_on_commit_callbacks(execute=True):
        send_pothole_report(client, service, language="cy")
    [message] = smtp_server.wait_for(1)
    assert "Eich cyfeirnod yw" in message.get_content()
    assert "http://127.0.0.1:8000/cy/status/" in message.get_content()


def test_sending_twice_queues_the_emails_once(
    client, smtp_server, django_capture_on_commit_callbacks
):
    service = ServiceFactory.create(live=True, pothole=True, team_email="potholes@council.example")
    with django_capture_on_commit_callbacks(execute=True):
        send_pothole_report(client, service)
        base = f"/{service.organisation.slug}/{service.slug}/"
        client.post(f"{base}check-answers/")  # a double click
    assert Submission.objects.count() == 1
    assert OutboxEmail.objects.count() == 2


def failed_email(organisation: Any) -> OutboxEmail:
    return OutboxEmail.objects.create(
        organisation=organisation,
        template="submission_received",
        recipient="jo.bloggs@example.org",
        context=cast(
            "Any", {"reference": "POT-AAAA-BBBB", "service_name": "Potholes", "status_url": "x"}
        ),
        state=OutboxState.FAILED,
        attempts=8,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )


def admin_of(organisation: Any) -> Any:
    user = UserFactory.create()
    MembershipFactory.create(organisation=organisation, user=user, role=Role.ADMIN)
    return user


def test_admins_see_the_emails_not_sent_with_masked_addresses(staff_client):
    organisation = OrganisationFactory.create()
    failed_email(organisation)
    response = staff_client(admin_of(organisation)).get(f"/staff/{organisation.slug}/inbox/emails/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Emails not sent" in page
    assert "Confirmation to the resident" in page
    assert "ConnectionRefusedError" in page
    assert "j***@e***.org" in page
    assert "jo.bloggs" not in page
    assert "POT-AAAA-BBBB" not in page


def test_other_organisations_and_other_roles_are_refused(staff_client):
    organisation = OrganisationFactory.create()
    failed_email(organisation)
    url = f"/staff/{organisation.slug}/inbox/emails/"
    other_admin = admin_of(OrganisationFactory.create())
    assert staff_client(other_admin).get(url).status_code == 404
    caseworker = UserFactory.create()
    MembershipFactory.create(organisation=organisation, user=caseworker, role=Role.CASEWORKER)
    assert staff_client(caseworker).get(url).status_code == 403


def test_an_admin_can_try_again_and_it_is_audited(
    staff_client, smtp_server, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory.create()
    email = failed_email(organisation)
    admin = admin_of(organisation)
    url = f"/staff/{organisation.slug}/inbox/emails/"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client(admin).post(url, {"email_id": str(email.pk)})
    assert response.status_code == 302
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "jo.bloggs@example.org"
    email.refresh_from_db()
    assert (email.state, email.attempts) == (OutboxState.SENT, 1)
    entry = AuditEntry.objects.get(action="notifications.email_retry")
    assert (entry.organisation_id, entry.actor_id) == (organisation.pk, admin.pk)


def test_another_organisations_email_cannot_be_tried_again(staff_client):
    organisation = OrganisationFactory.create()
    email = failed_email(OrganisationFactory.create())
    response = staff_client(admin_of(organisation)).post(
        f"/staff/{organisation.slug}/inbox/emails/", {"email_id": str(email.pk)}
    )
    assert response.status_code == 404
    email.refresh_from_db()
    assert email.state == OutboxState.FAILED
