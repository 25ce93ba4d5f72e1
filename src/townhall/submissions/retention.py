"""Retention: closed submissions are deleted, with their files, once their service's retention
period has passed since they were closed (ADR 0009).

Open submissions are never deleted, however old: someone is still dealing with them. Deleting a
submission deletes what hangs off it (casework notes and history cascade) and detaches the
journey that made it (`runner.Journey.submission` is SET_NULL).

Runs daily from `townhall housekeeping` or as the `submissions_retention_run` task; safe to run
at any time and from several machines at once (each batch re-checks its rows under a lock).
"""

from __future__ import annotations

import datetime
import functools
import logging
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator

from django.core.files.storage import default_storage
from django.db import transaction

from townhall.core.actions import audit_record
from townhall.core.storage import storage_files_walk
from townhall.patterns.engine.values import JSON
from townhall.services.models import Service
from townhall.submissions.constants import SubmissionStatus
from townhall.submissions.models import Submission

logger = logging.getLogger(__name__)

RETENTION_DELETED = "submissions.retention_deleted"
# Where a sent submission's files live (the runner moves them there: runner/uploads.py).
SUBMISSIONS_FOLDER = "submissions"
# Rows deleted per transaction: a first run over a million expired rows never holds one giant
# transaction or lock, and each batch's ids stay well under every database's parameter limit.
BATCH_SIZE = 500


def submission_file_refs(*, answers: JSON) -> list[str]:
    """The storage name of every file in a submission's answers, however deep (file questions
    can sit in groups). A file answer is a dict with a string `ref` and a `content_type`."""
    return list(_refs(answers))


def _refs(value: JSON) -> Iterator[str]:
    if isinstance(value, dict):
        ref = value.get("ref")
        if isinstance(ref, str) and "content_type" in value:
            yield ref
            return
        for item in value.values():
            yield from _refs(item)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item)


def submission_folder(*, reference: str) -> str:
    return f"{SUBMISSIONS_FOLDER}/{reference}"


def submissions_past_retention_delete(
    *, now: datetime.datetime, batch_size: int = BATCH_SIZE
) -> dict[uuid.UUID, int]:
    """Delete every closed submission closed more than its service's `retention_days` before
    `now`, and its files; how many went, by organisation id.

    Each batch is one transaction with one audit entry per organisation in it; the files go once
    that commits, so a batch that rolls back keeps every file its rows point to.
    """
    deleted: Counter[uuid.UUID] = Counter()
    for service_id, retention_days in Service.objects.values_list("pk", "retention_days"):
        cutoff = now - datetime.timedelta(days=retention_days)
        while True:
            batch = _batch_delete(service_id=service_id, cutoff=cutoff, batch_size=batch_size)
            deleted.update(batch)
            if sum(batch.values()) < batch_size:
                break
    if deleted:
        # Counts only: references and answers are not for the log.
        logger.info("Retention deleted %d closed submissions", sum(deleted.values()))
    return dict(deleted)


def _batch_delete(
    *, service_id: uuid.UUID, cutoff: datetime.datetime, batch_size: int
) -> Counter[uuid.UUID]:
    with transaction.atomic():
        expired = list(
            Submission.objects.select_for_update()
            .filter(service_id=service_id, status=SubmissionStatus.CLOSED, closed_at__lt=cutoff)
            .order_by("closed_at", "pk")
            .values_list("pk", "organisation_id", "reference", "answers")[:batch_size]
        )
        if not expired:
            return Counter()
        files: list[str] = []
        folders: list[str] = []
        counts: Counter[uuid.UUID] = Counter()
        for _pk, organisation_id, reference, answers in expired:
            files.extend(submission_file_refs(answers=answers))
            folders.append(submission_folder(reference=reference))
            counts[organisation_id] += 1
        Submission.objects.filter(pk__in=[row[0] for row in expired]).delete()
        for organisation_id, count in sorted(counts.items(), key=lambda item: str(item[0])):
            audit_record(
                actor=None,
                action=RETENTION_DELETED,
                summary=f"Deleted {count} closed submissions past their retention period",
                organisation_id=organisation_id,
                changes={"deleted": count, "service_id": str(service_id)},
            )
        transaction.on_commit(
            functools.partial(submission_files_delete, files=files, folders=folders),
            robust=True,
        )
    return counts


def submission_files_delete(*, files: Iterable[str], folders: Iterable[str]) -> int:
    """Delete the files the answers point to and everything else in the submissions' folders
    (copies a failed send left behind); how many files went. A file already gone is no error."""
    names = set(files)
    folder_list = list(folders)
    for folder in folder_list:
        names.update(storage_files_walk(storage=default_storage, folder=folder))
    for name in sorted(names):
        default_storage.delete(name)
    for folder in folder_list:
        try:
            default_storage.delete(folder)  # a filesystem folder (object stores have none)
        except OSError:
            logger.warning("A retention-deleted submission's folder was not empty; left in place")
    return len(names)
