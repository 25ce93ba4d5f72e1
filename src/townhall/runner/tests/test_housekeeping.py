"""Journey housekeeping (issue 4): `townhall housekeeping` (and the same task) deletes journeys idle
past their expiry with their uploaded files, and uploaded files that no journey owns; live
journeys, their files and sent submissions' files stay."""

from __future__ import annotations

import datetime as dt
import uuid
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from townhall.runner.models import Journey
from townhall.runner.tasks import housekeeping_run
from townhall.runner.tests.helpers import location, start
from townhall.runner.tests.upload_support import (
    JPEG,
    PNG,
    evidence_service,
    service_url,
    stored,
    stored_files,
    stored_plain,
)
from townhall.submissions.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TOWNHALL_JOURNEY_IDLE_SECONDS = 3600


@pytest.fixture
def evidence(db):
    return evidence_service(live=True)


def _resident_with_a_file(
    service, name: str = "photo.jpg", content: bytes = JPEG
) -> tuple[Client, Journey, str]:
    client = Client()
    start(client, service)
    upload = SimpleUploadedFile(name, content)
    location(client.post(service_url(service, "evidence"), {"evidence": upload}))
    journey = Journey.objects.order_by("-created_at").first()
    assert journey is not None
    return client, journey, journey.answers["evidence"][0]["ref"]


def _idle(journey: Journey, seconds: int) -> None:
    Journey.objects.filter(pk=journey.pk).update(
        last_activity=timezone.now() - dt.timedelta(seconds=seconds)
    )


def _housekeeping() -> str:
    out = StringIO()
    call_command("housekeeping", stdout=out)
    return out.getvalue()


def test_a_stale_journey_and_its_files_go_and_a_live_one_stays(evidence):
    _, stale, stale_ref = _resident_with_a_file(evidence)
    _, live, live_ref = _resident_with_a_file(evidence, "map.png", PNG)
    _idle(stale, 3601)
    _idle(live, 3500)

    output = _housekeeping()

    assert "Deleted 1 idle journeys and 1 uploaded files in 1 folders" in output
    assert list(Journey.objects.all()) == [live]
    assert stored_files() == [live_ref]
    assert stored_plain(live_ref) == PNG
    assert not stored(stale_ref).parent.exists()  # the journey's folder went too


def test_files_that_no_journey_owns_go(evidence):
    _, journey, ref = _resident_with_a_file(evidence)
    orphan = stored(f"journeys/{uuid.uuid4()}/photo.jpg")
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(JPEG)
    # Not a journey's folder: housekeeping only deletes what Townhall put there.
    stranger = stored("journeys/not-a-journey/readme.txt")
    stranger.parent.mkdir(parents=True)
    stranger.write_bytes(b"hello")

    output = _housekeeping()

    assert "Deleted 0 idle journeys and 1 uploaded files in 1 folders" in output
    assert stored_files() == sorted(["journeys/not-a-journey/readme.txt", ref])
    assert Journey.objects.get() == journey


def test_a_sent_journey_goes_when_idle_and_its_submission_keeps_the_files(
    evidence, django_capture_on_commit_callbacks
):
    client, journey, _ = _resident_with_a_file(evidence)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(service_url(evidence, "check-answers"))
    [sent] = Submission.objects.get().answers["evidence"]
    _idle(journey, 3601)

    _housekeeping()

    assert not Journey.objects.exists()
    assert stored_files() == [sent["ref"]]


def test_a_resident_back_after_the_idle_limit_loses_the_files_at_once(
    evidence, django_capture_on_commit_callbacks
):
    client, journey, _ = _resident_with_a_file(evidence)
    _idle(journey, 3601)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(service_url(evidence, "check-answers"))
    assert location(response).endswith("/session-ended/")
    assert stored_files() == []


def test_the_task_does_the_same(evidence):
    _, stale, _ = _resident_with_a_file(evidence)
    _idle(stale, 3601)
    result = housekeeping_run.enqueue()
    assert result.return_value == {"journeys": 1, "orphan_folders": 1, "orphan_files": 1}
    assert stored_files() == []


def test_housekeeping_with_nothing_to_do_is_harmless(db):
    said = _housekeeping()
    assert "Deleted 0 idle journeys and 0 uploaded files in 0 folders" in said
    assert "Deleted 0 closed submissions past their retention period." in said
