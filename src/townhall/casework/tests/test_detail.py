"""Issue 5, points 3 and 4: a submission's page shows the answers as the resident saw them, its
files, history, notes and assignee; status changes follow received → in progress → closed with an
outcome, are recorded and audited, and email the resident with the note to them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from townhall.casework.actions import CaseworkError, submission_assign, submission_status_change
from townhall.casework.models import StatusChange
from townhall.casework.queries import submission_resident_email
from townhall.casework.tests.factories import CaseworkSubmissionFactory, world
from townhall.core.models import AuditEntry
from townhall.identity.tests.factories import UserFactory
from townhall.notifications.models import OutboxEmail
from townhall.submissions.constants import Outcome, SubmissionStatus
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db


def _url(w, name="detail"):
    return reverse(f"casework:{name}", args=[w.organisation.slug, w.submission.pk])


def test_the_page_shows_what_the_resident_saw(staff_client):
    w = world()
    body = staff_client(w.member(Role.VIEWER)).get(_url(w)).content.decode()
    assert w.submission.reference in body
    assert "What is your name?" in body
    assert "Siân Ŵyn" in body
    assert "resident@example.org" in body
    # A viewer sees no forms.
    assert "Change the status" not in body


def test_summary_lines_are_escaped(staff_client):
    w = world(
        summary=[{"question_id": "name", "label": "Name", "lines": ["<script>x</script>", "two"]}]
    )
    body = staff_client(w.member(Role.CASEWORKER)).get(_url(w)).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;x&lt;/script&gt;<br>two" in body


def test_the_status_flow_with_history_outcome_and_resident_email(
    staff_client, smtp_server, django_capture_on_commit_callbacks
):
    w = world()
    caseworker = w.member(Role.CASEWORKER)
    client = staff_client(caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(w, "status-change"),
            {"status": "in_progress", "public_note": "We have sent someone to look."},
        )
    assert response.status_code == 302
    w.submission.refresh_from_db()
    assert w.submission.status == SubmissionStatus.IN_PROGRESS
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "resident@example.org"
    assert w.submission.reference in message.get_content()
    assert "We have sent someone to look." in message.get_content()

    # Closing needs an outcome.
    response = client.post(_url(w, "status-change"), {"status": "closed"})
    assert response.status_code == 400
    assert "Select an outcome" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            _url(w, "status-change"), {"status": "closed", "outcome": "resolved"}
        )
    assert response.status_code == 302
    w.submission.refresh_from_db()
    assert (w.submission.status, w.submission.outcome) == (
        SubmissionStatus.CLOSED,
        Outcome.RESOLVED,
    )
    assert w.submission.closed_at is not None
    history = list(StatusChange.objects.filter(submission=w.submission).order_by("at"))
    assert [(c.from_status, c.to_status, c.outcome) for c in history] == [
        ("received", "in_progress", ""),
        ("in_progress", "closed", "resolved"),
    ]
    assert history[0].actor_email == caseworker.email
    assert AuditEntry.objects.filter(action="submission.status_change").count() == 2
    page = client.get(_url(w)).content.decode()
    assert "Closed: Resolved" in page
    assert "We have sent someone to look." in page
    assert OutboxEmail.objects.filter(template="status_changed").count() == 2


def test_reopening_clears_the_outcome_and_keeps_the_history():
    w = world()
    actor = w.member(Role.ADMIN)
    submission_status_change(
        submission=w.submission, actor=actor, status="closed", outcome="duplicate"
    )
    submission_status_change(submission=w.submission, actor=actor, status="in_progress")
    w.submission.refresh_from_db()
    assert (w.submission.status, w.submission.outcome, w.submission.closed_at) == (
        "in_progress",
        "",
        None,
    )
    assert w.submission.status_changes.count() == 2


@pytest.mark.parametrize(
    ("status", "outcome", "message"),
    [
        ("received", "", "Select a different status or outcome"),
        ("closed", "", "Select an outcome"),
        ("in_progress", "resolved", "Only a closed submission has an outcome"),
        ("lost", "", "Select a status"),
    ],
)
def test_invalid_changes_are_refused(status, outcome, message):
    w = world()
    with pytest.raises(CaseworkError, match=message):
        submission_status_change(
            submission=w.submission, actor=w.member(Role.CASEWORKER), status=status, outcome=outcome
        )
    assert not StatusChange.objects.exists()


def test_actions_refuse_actors_who_cannot_handle_submissions():
    from django.core.exceptions import PermissionDenied

    w = world()
    for actor in [w.member(Role.VIEWER), w.member(Role.EDITOR), UserFactory.create()]:
        with pytest.raises(PermissionDenied):
            submission_status_change(submission=w.submission, actor=actor, status="in_progress")


def test_no_email_without_an_address():
    w = world(answers={"name": "Anon"})
    assert submission_resident_email(submission=w.submission) is None
    submission_status_change(
        submission=w.submission, actor=w.member(Role.CASEWORKER), status="in_progress"
    )
    assert not OutboxEmail.objects.exists()


def test_assign_and_notes(staff_client):
    w = world()
    client = staff_client(w.member(Role.CASEWORKER))
    target = w.member(Role.ADMIN)
    response = client.post(_url(w, "assign"), {"assignee": str(target.pk)})
    assert response.status_code == 302
    w.submission.refresh_from_db()
    assert w.submission.assignee == target
    # Viewers cannot be given casework; nor can another organisation's staff.
    response = client.post(_url(w, "assign"), {"assignee": str(w.member(Role.VIEWER).pk)})
    assert response.status_code == 400
    with pytest.raises(CaseworkError):
        submission_assign(
            submission=w.submission, actor=target, assignee=world().member(Role.CASEWORKER)
        )
    response = client.post(_url(w, "note-add"), {"text": "Rang them: no answer"})
    assert response.status_code == 302
    response = client.post(_url(w, "note-add"), {"text": "  "})
    assert response.status_code == 400
    assert "Enter a note" in response.content.decode()
    page = client.get(_url(w)).content.decode()
    assert "Rang them: no answer" in page
    assert AuditEntry.objects.filter(action="submission.note_add").count() == 1
    # The note's text never goes into the audit log.
    assert not AuditEntry.objects.filter(summary__contains="Rang them").exists()
    assert AuditEntry.objects.filter(action="submission.assign").count() == 1


def test_another_submission_with_the_same_service_is_not_shown(staff_client):
    w = world()
    other = CaseworkSubmissionFactory.create(service=w.service, email="x@example.org")
    body = staff_client(w.member(Role.VIEWER)).get(_url(w)).content.decode()
    assert other.reference not in body
