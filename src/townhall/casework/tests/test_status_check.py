"""Issue 5, point 4: residents see the status and public notes of their submission by reference
after proving they own it with a code sent to the email address they gave. The first page answers
the same whatever is entered; codes expire, allow few tries and are used once; internal notes and
answers are never shown."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from townhall.casework.actions import note_add, status_check_start, submission_status_change
from townhall.casework.models import StatusCheck
from townhall.casework.tests.factories import world
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db


def _ask(client, reference, email, prefix=""):
    return client.post(f"{prefix}/status/", {"reference": reference, "email": email})


def _code_from(message) -> str:
    match = re.search(r"\b(\d{6})\b", message.get_content())
    assert match, message.get_content()
    return match.group(1)


def test_end_to_end_with_the_emailed_code(smtp_server, django_capture_on_commit_callbacks):
    w = world(email="Resident@Example.org")
    actor = w.member(Role.CASEWORKER)
    submission_status_change(
        submission=w.submission,
        actor=actor,
        status="closed",
        outcome="resolved",
        public_note="We filled the pothole.",
    )
    note_add(submission=w.submission, actor=actor, text="INTERNAL: difficult caller")
    smtp_server.messages.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, w.submission.reference.lower(), "resident@example.ORG")
    assert response.status_code == 302
    assert response["Location"] == "/status/code/"
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "Resident@Example.org"
    code = _code_from(message)
    response = client.post("/status/code/", {"code": code})
    assert response.status_code == 302
    page = client.get(response["Location"])
    body = page.content.decode()
    assert page.status_code == 200
    assert "Closed: Resolved" in body
    assert "We filled the pothole." in body
    assert "INTERNAL" not in body
    assert "Siân" not in body  # answers stay with staff
    # A code is used once.
    assert client.post("/status/code/", {"code": code}).status_code == 400


def test_the_same_answer_whether_or_not_the_details_match():
    w = world()
    responses = [
        _ask(Client(), w.submission.reference, "someone.else@example.org"),
        _ask(Client(), "NOT-0000-REAL", "resident@example.org"),
        _ask(Client(), w.submission.reference, "resident@example.org"),
    ]
    assert {(r.status_code, r["Location"]) for r in responses} == {(302, "/status/code/")}
    assert StatusCheck.objects.count() == 1
    page = Client().get("/status/code/")
    assert page.status_code == 302  # nothing asked yet in that session


def test_wrong_codes_run_out_and_expired_codes_fail(monkeypatch):
    monkeypatch.setattr("townhall.casework.actions.status_code_new", lambda: "111111")
    w = world()
    client = Client()
    _ask(client, w.submission.reference, "resident@example.org")
    for _ in range(5):
        response = client.post("/status/code/", {"code": "000000"})
        assert response.status_code == 400
        assert "The code is not correct or has expired" in response.content.decode()
    assert StatusCheck.objects.get().attempts == 5
    # The right code, too late: its tries are used up, so a new code is needed.
    assert client.post("/status/code/", {"code": "111111"}).status_code == 400
    StatusCheck.objects.update(attempts=0, expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post("/status/code/", {"code": "111111"}).status_code == 400
    StatusCheck.objects.update(expires_at=timezone.now() + timedelta(minutes=1))
    assert client.post("/status/code/", {"code": "111 111"}).status_code == 302


def test_codes_per_hour_are_capped():
    w = world()
    for _ in range(7):
        status_check_start(submission=w.submission, email="resident@example.org", language="en")
    assert StatusCheck.objects.count() == 5


def test_the_status_page_needs_proof_for_that_submission():
    w = world()
    other = world()
    client = Client()
    assert client.get(f"/status/{w.submission.reference}/")["Location"] == "/status/"
    session = client.session
    session["casework_status_proven"] = {
        "submission_id": str(other.submission.pk),
        "until": (timezone.now() + timedelta(minutes=5)).isoformat(),
    }
    session.save()
    assert client.get(f"/status/{w.submission.reference}/").status_code == 302
    assert client.get(f"/status/{other.submission.reference}/").status_code == 200
    session = client.session
    session["casework_status_proven"]["until"] = (timezone.now() - timedelta(seconds=1)).isoformat()
    session.save()
    assert client.get(f"/status/{other.submission.reference}/").status_code == 302


def test_welsh_pages_and_errors(smtp_server, django_capture_on_commit_callbacks):
    w = world(language="cy")
    client = Client()
    page = client.get("/cy/status/")
    assert page.status_code == 200
    assert '<html lang="cy"' in page.content.decode()
    response = client.post("/cy/status/", {"reference": "", "email": ""})
    assert response.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        response = _ask(client, w.submission.reference, "resident@example.org", prefix="/cy")
    assert response["Location"] == "/cy/status/code/"
    [message] = smtp_server.wait_for(1)
    assert w.submission.reference in message["Subject"]


def test_housekeeping_deletes_codes_a_day_after_they_expired(db):
    w = world(email="resident@example.org")
    for _ in range(2):
        status_check_start(submission=w.submission, email="resident@example.org", language="en")
    old, recent = StatusCheck.objects.order_by("created_at")
    StatusCheck.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    call_command("housekeeping", verbosity=0)
    assert list(StatusCheck.objects.all()) == [recent]
