"""`townhall housekeeping`: delete idle journeys and uploaded files that no journey owns.

Run it every 15 minutes (cron or a systemd timer: see docs/operating.md). It is safe to run at
any time and from any number of machines at once.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from townhall.runner.housekeeping import journeys_housekeep
from townhall.runner.session import idle_seconds


class Command(BaseCommand):
    help = "Delete journeys idle past their expiry and uploaded files that no journey owns."

    def handle(self, *args: Any, **options: Any) -> None:
        done = journeys_housekeep(idle_seconds=idle_seconds())
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Deleted {done.journeys} idle journeys and {done.orphan_files} uploaded files "
                f"in {done.orphan_folders} folders that no journey owns."
            )
