"""`townhall encryption rotate`: re-encrypt residents' data under the newest key.

    TOWNHALL_ENCRYPTION_KEYS=<new>,<old> townhall encryption rotate
    # then drop <old> from TOWNHALL_ENCRYPTION_KEYS

Safe to run while the service is up and to run again: every value is re-encrypted under the first
key each time (ADR 0009).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from townhall.submissions.encryption import submission_files_reencrypt, submissions_reencrypt


class Command(BaseCommand):
    help = "Re-encrypt submissions' answers, summaries and files under the newest key."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        subcommands.add_parser(
            "rotate",
            help="Re-encrypt every submission and stored file under the first key in "
            "TOWNHALL_ENCRYPTION_KEYS (and encrypt files stored before encryption).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = submissions_reencrypt()
        files = submission_files_reencrypt()
        if options["verbosity"] > 0:
            self.stdout.write(
                f"Re-encrypted {rows} submissions and {files.rotated} files; encrypted "
                f"{files.encrypted} files stored before encryption; {files.missing} files were "
                "deleted meanwhile."
            )
