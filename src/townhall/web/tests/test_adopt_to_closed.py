"""Issue 5, must show: a council adopts a library pattern, sets its parameters, previews it and
publishes it; a resident completes the journey; a caseworker finds the submission in the inbox
and closes it; and the resident's two emails (sent, then closed) arrive at a real SMTP server on
loopback, sent by the outbox's background task."""

from __future__ import annotations

import pytest
from django.test import Client

from townhall.notifications.models import OutboxEmail
from townhall.runner.tests.helpers import POTHOLE_ANSWERS, answer, start
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory
from townhall.services.tests.staff_support import member
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db(transaction=True)

POTHOLE = "report-a-pothole"


def test_adopt_publish_submit_close_and_the_residents_emails(staff_client, smtp_server):
    version = PatternVersionFactory.create(pothole=True)
    editor = member(Role.EDITOR)
    organisation = editor.organisation
    admin = member(Role.ADMIN, organisation)
    caseworker = member(Role.CASEWORKER, organisation)
    staff = staff_client(editor.user)
    base = f"/staff/{organisation.slug}/services/"

    # Adopt: the library lists the pattern; the form takes its parameters.
    assert "Report a pothole" in staff.get(f"{base}adopt/").content.decode()
    adopt = f"{base}adopt/{POTHOLE}/{version.version}/"
    response = staff.post(
        adopt,
        {
            "slug": "potholes",
            "contact_details": "Highways team, 01632 960 100",
            "team_email": "highways@example.gov.uk",
            "retention_days": "365",
            "param__emergency_phone": "01632 960 999 (24 hours)",
            "param__trunk_road_contact": "National Highways",
            "param__trunk_road_contact__cy": "Priffyrdd Cenedlaethol",
            "param__inspection_days": "3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    service = Service.objects.get(organisation=organisation, slug="potholes")

    # Preview: the editor walks it, marked as a preview; nothing is stored.
    address = f"/{organisation.slug}/potholes/"
    preview = staff.get(address).content.decode()
    assert "This is a preview" in preview
    assert "01632 960 999 (24 hours)" in preview
    assert Client().get(address).status_code == 404

    # Publish: an admin only.
    assert staff.post(f"{base}potholes/publish/").status_code == 403
    assert staff_client(admin.user).post(f"{base}potholes/publish/").status_code == 302

    # A resident completes the journey.
    resident = Client()
    start(resident, service)
    for page_id, data in POTHOLE_ANSWERS:
        assert answer(resident, service, page_id, data).status_code == 302, page_id
    assert resident.post(f"{address}check-answers/").status_code == 302
    assert resident.post(f"{address}declaration/", {"declaration": "yes"}).status_code in (200, 302)
    submission = Submission.objects.get()
    assert submission.reference in resident.get(f"{address}confirmation/").content.decode()

    # The resident's confirmation and the team's notice, through the outbox and real SMTP.
    received = smtp_server.wait_for(2)
    by_recipient = {message["To"]: message for message in received}
    assert submission.reference in by_recipient["resident@example.com"].get_content()
    assert submission.reference in by_recipient["highways@example.gov.uk"].get_content()

    # The caseworker finds it in the inbox, opens it and closes it with a note to the resident.
    inbox = staff_client(caseworker.user)
    listing = inbox.get(f"/staff/{organisation.slug}/inbox/?reference={submission.reference}")
    assert submission.reference in listing.content.decode()
    detail = inbox.get(f"/staff/{organisation.slug}/inbox/{submission.pk}/").content.decode()
    assert "Outside 14 High Street" in detail  # the answers as the resident saw them
    closed = inbox.post(
        f"/staff/{organisation.slug}/inbox/{submission.pk}/status/",
        {"status": "closed", "outcome": "resolved", "public_note": "We filled it in on Monday."},
    )
    assert closed.status_code == 302
    submission.refresh_from_db()
    assert submission.status == "closed"
    assert submission.outcome == "resolved"

    [*_, update] = smtp_server.wait_for(3)
    assert update["To"] == "resident@example.com"
    body = update.get_content()
    assert submission.reference in body
    assert "We filled it in on Monday." in body
    assert OutboxEmail.objects.filter(state="sent").count() == 3
