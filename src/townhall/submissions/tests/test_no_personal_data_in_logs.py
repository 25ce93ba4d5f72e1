"""Issue 5, point 7: personal data never appears in logs. A resident walks the pothole service to
the end, with every logger at DEBUG, and no log record carries their answers or email address."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import Submission

# Distinctive, so a match can only be the resident's answer.
EMAIL = "xylophone.resident@example.com"
DESCRIPTION = "Quokka-shaped crater beside the bandstand"
LOCATION = "Outside 77 Wombat Terrace"


def _walk(client: Client, prefix: str) -> None:
    pages = [
        ("danger", {"danger": "no"}),
        ("road_type", {"road_type": "road"}),
        (
            "location",
            {"location": LOCATION, "location-latitude": "52.2", "location-longitude": "-3.3"},
        ),
        ("size", {"size": "large"}),
        ("depth", {"depth": "4cm_to_10cm"}),
        ("description", {"description": DESCRIPTION}),
        ("photos", {}),
        ("updates", {"updates": "yes"}),
        ("email", {"email": EMAIL}),
    ]
    assert client.post(prefix).status_code == 302  # "Start now"
    for page_id, data in pages:
        response = client.post(f"{prefix}{page_id}/", data)
        assert response.status_code == 302, page_id
    assert client.get(f"{prefix}check-answers/").status_code == 200
    assert client.post(f"{prefix}check-answers/").status_code == 302
    assert client.get(f"{prefix}confirmation/").status_code == 200


@pytest.mark.django_db
def test_a_completed_journey_logs_no_personal_data(
    client, caplog, django_capture_on_commit_callbacks
):
    service = ServiceFactory.create(live=True, pothole=True)
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        _walk(client, f"/{service.organisation.slug}/{service.slug}/")
    submission = Submission.objects.get()
    assert submission.answers["email"] == EMAIL  # the journey really carried them
    assert caplog.records, "expected some log records (the stored submission's reference)"
    for record in caplog.records:
        text = f"{record.getMessage()} {record.args!r} {record.__dict__!r}"
        for secret in (EMAIL, DESCRIPTION, LOCATION, "Wombat", "Quokka"):
            assert secret not in text, (record.name, record.getMessage())
