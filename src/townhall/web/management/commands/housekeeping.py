"""`townhall housekeeping`: delete idle journeys and uploaded files that no journey owns, erase
outbox emails' addresses past their retention period, delete closed submissions past their
service's retention period (with their files; counts go to the audit log), and start a sweep of
the email and webhook outboxes; delete status-check codes long expired, API idempotency keys
past 24 hours and webhook deliveries finished 30 days ago.

It lives in the top layer because it gathers every app's housekeeping.

Run it every 15 minutes (cron or a systemd timer: see docs/operating.md). It is safe to run at
any time and from any number of machines at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from townhall.casework.actions import status_checks_expired_delete
from townhall.notifications.actions import outbox_housekeep
from townhall.notifications.tasks import outbox_sweep, webhook_sweep
from townhall.notifications.webhooks import webhook_delivery_housekeep
from townhall.runner.housekeeping import journeys_housekeep
from townhall.runner.session import idle_seconds
from townhall.submissions.idempotency import idempotency_records_expired_delete
from townhall.submissions.retention import submissions_past_retention_delete


class Command(BaseCommand):
    help = (
        "Delete idle journeys, files no journey owns and closed submissions past retention; "
        "erase old outbox emails; sweep the outbox."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        done = journeys_housekeep(idle_seconds=idle_seconds())
        erased = outbox_housekeep()
        # Nothing to do most of the time: one indexed query per service with closed submissions.
        retired = sum(submissions_past_retention_delete(now=timezone.now()).values())
        status_checks_expired_delete(now=timezone.now())
        idempotency_records_expired_delete(now=timezone.now())
        webhook_delivery_housekeep()
        # The sweep sends in the worker, not here: an SMTP outage must not stall housekeeping.
        # It retries what is due and recovers emails whose task was lost with a worker.
        outbox_sweep.enqueue()
        webhook_sweep.enqueue()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Deleted {done.journeys} idle journeys and {done.orphan_files} uploaded files "
                f"in {done.orphan_folders} folders that no journey owns."
            )
            self.stdout.write(f"Erased the addresses of {erased} old outbox emails.")
            self.stdout.write(f"Deleted {retired} closed submissions past their retention period.")
