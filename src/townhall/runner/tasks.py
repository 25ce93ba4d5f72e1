"""Background work for the runner: housekeeping, for a scheduler that enqueues tasks rather than
running `townhall housekeeping` from cron."""

from __future__ import annotations

from django.tasks import task

from townhall.runner.housekeeping import journeys_housekeep
from townhall.runner.session import idle_seconds


@task()
def housekeeping_run() -> dict[str, int]:
    """Delete idle journeys and uploaded files no journey owns; the counts, as the task's result."""
    done = journeys_housekeep(idle_seconds=idle_seconds())
    return {
        "journeys": done.journeys,
        "orphan_folders": done.orphan_folders,
        "orphan_files": done.orphan_files,
    }
