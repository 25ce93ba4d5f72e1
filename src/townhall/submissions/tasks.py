"""Background work for submissions: deleting closed submissions past their retention period, for
a scheduler that enqueues tasks rather than running `townhall housekeeping` from cron."""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from townhall.submissions.retention import submissions_past_retention_delete


@task()
def submissions_retention_run() -> dict[str, int]:
    """Delete closed submissions past their retention period; the counts by organisation id, as
    the task's result."""
    deleted = submissions_past_retention_delete(now=timezone.now())
    return {str(organisation_id): count for organisation_id, count in deleted.items()}
