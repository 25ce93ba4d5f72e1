"""Issue 5, point 7: a daily task deletes closed submissions past their retention period, with
their attachments, and records counts in the audit log. Recent closed submissions and every open
one stay; rows that point at a submission (a journey, casework) never block its deletion."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from townhall.core.models import AuditEntry
from townhall.patterns.engine.values import JSON
from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.constants import Outcome, SubmissionStatus
from townhall.submissions.models import Submission
from townhall.submissions.retention import (
    RETENTION_DELETED,
    submission_file_refs,
    submissions_past_retention_delete,
)
from townhall.submissions.tasks import submissions_retention_run
from townhall.submissions.tests.factories import SubmissionFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _closed(service, *, days_ago: float, **fields) -> Submission:
    closed_at = NOW - datetime.timedelta(days=days_ago)
    return SubmissionFactory.create(
        service=service,
        status=SubmissionStatus.CLOSED,
        outcome=Outcome.RESOLVED,
        closed_at=closed_at,
        submitted_at=closed_at - datetime.timedelta(days=1),
        **fields,
    )


def _with_file(service, *, days_ago: float, status: str = SubmissionStatus.CLOSED) -> Submission:
    """A submission with one attachment where the runner puts it (`submissions/<reference>/`)."""
    submission = (
        _closed(service, days_ago=days_ago)
        if status == SubmissionStatus.CLOSED
        else SubmissionFactory.create(service=service, status=status)
    )
    ref = default_storage.save(
        f"submissions/{submission.reference}/photo.jpg", ContentFile(b"photo")
    )
    submission.answers = {"photos": [{"name": "p.jpg", "content_type": "image/jpeg", "ref": ref}]}
    submission.save(update_fields=["answers"])
    return submission


def test_only_closed_submissions_past_their_period_go(media, django_capture_on_commit_callbacks):
    short = ServiceFactory.create(live=True, retention_days=30)
    long = ServiceFactory.create(live=True, retention_days=365)
    expired = _with_file(short, days_ago=31)
    expired_long = _closed(long, days_ago=366)
    recent = _with_file(short, days_ago=29)
    kept_by_longer_period = _closed(long, days_ago=100)
    old_open = SubmissionFactory.create(
        service=short, submitted_at=NOW - datetime.timedelta(days=1000)
    )
    in_progress = _with_file(short, days_ago=0, status=SubmissionStatus.IN_PROGRESS)
    # A file the answers no longer point to (a send that failed half-way) goes with the folder.
    stray = default_storage.save(f"submissions/{expired.reference}/stray.pdf", ContentFile(b"x"))

    with django_capture_on_commit_callbacks(execute=True):
        deleted = submissions_past_retention_delete(now=NOW)

    assert deleted == {short.organisation_id: 1, long.organisation_id: 1}
    assert set(Submission.objects.values_list("pk", flat=True)) == {
        recent.pk,
        kept_by_longer_period.pk,
        old_open.pk,
        in_progress.pk,
    }
    assert not default_storage.exists(stray)
    assert not (media / "submissions" / expired.reference).exists()
    for kept in (recent, in_progress):
        [ref] = submission_file_refs(answers=kept.answers)
        assert default_storage.open(ref).read() == b"photo"
    assert expired_long.pk not in set(Submission.objects.values_list("pk", flat=True))


def test_the_audit_log_records_counts_by_organisation(media):
    service = ServiceFactory.create(live=True, retention_days=10)
    for _ in range(3):
        _closed(service, days_ago=11)
    submissions_past_retention_delete(now=NOW)
    [entry] = AuditEntry.objects.filter(action=RETENTION_DELETED)
    assert entry.organisation_id == service.organisation_id
    assert entry.actor_id is None
    assert entry.changes == {"deleted": 3, "service_id": str(service.pk)}
    assert "3 closed submissions" in entry.summary


def test_deletes_in_batches(media):
    service = ServiceFactory.create(live=True, retention_days=1)
    for _ in range(5):
        _closed(service, days_ago=2)
    assert submissions_past_retention_delete(now=NOW, batch_size=2) == {service.organisation_id: 5}
    assert not Submission.objects.exists()
    # One transaction, and one audit entry, per batch.
    entries = AuditEntry.objects.filter(action=RETENTION_DELETED)
    counts = sorted(entry.changes["deleted"] for entry in entries)
    assert counts == [1, 2, 2]


def test_a_journey_pointing_at_the_submission_does_not_block_it(media):
    # Looked up by label: submissions may not import the runner (import contracts).
    journey_model = apps.get_model("runner", "Journey")
    service = ServiceFactory.create(live=True, retention_days=1)
    submission = _closed(service, days_ago=2)
    journey = journey_model.objects.create(
        organisation=service.organisation,
        service=service,
        pattern_version=service.pattern_version,
        last_activity=NOW,
        submission=submission,
    )
    submissions_past_retention_delete(now=NOW)
    assert not Submission.objects.exists()
    journey.refresh_from_db()
    assert journey.submission_id is None


def test_nothing_to_do_writes_nothing(media):
    service = ServiceFactory.create(live=True, retention_days=1)
    SubmissionFactory.create(service=service)
    assert submissions_past_retention_delete(now=NOW) == {}
    assert not AuditEntry.objects.filter(action=RETENTION_DELETED).exists()


def test_the_daily_task_runs_it(media):
    service = ServiceFactory.create(live=True, retention_days=1)
    _closed(service, days_ago=2)
    result = submissions_retention_run.enqueue()
    assert result.return_value == {str(service.organisation_id): 1}


def test_file_refs_are_found_however_deep():
    answers: JSON = {
        "evidence": [{"name": "a", "content_type": "image/png", "ref": "submissions/R/a.png"}],
        "group": {"inner": [{"content_type": "application/pdf", "ref": "submissions/R/b.pdf"}]},
        "text": "ref",
        "not_a_file": {"ref": "no content type"},
    }
    assert submission_file_refs(answers=answers) == ["submissions/R/a.png", "submissions/R/b.pdf"]
