"""`townhall organisations import [FILE …]`: load the register of organisations.

With no FILE, loads the bundled register (councils, police forces, integrated care boards). Every
row of every file is checked first; any error is printed as `path:line: what is wrong`, the
command exits with status 1 and nothing is imported.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townhall.tenancy.actions import RegisterImportError, organisation_register_import
from townhall.tenancy.register import BUNDLED_FILES, read_register


class Command(BaseCommand):
    help = "Manage the register of organisations (councils, police forces, NHS bodies)."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)
        load = subcommands.add_parser(
            "import",
            help=(
                "Create and update organisations from register CSV files, all or nothing. "
                "Without FILE, the bundled register."
            ),
        )
        load.add_argument(
            "files",
            nargs="*",
            type=Path,
            metavar="FILE",
            help="A local authority, police force or integrated care board CSV file.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "import":
            self._import(options["files"] or [_shown(path) for path in BUNDLED_FILES])

    def _import(self, files: list[Path]) -> None:
        register = read_register(files)
        try:
            result = organisation_register_import(register=register)
        except RegisterImportError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} error(s) found: nothing was imported.", returncode=1
            ) from None
        self.stdout.write(result.summary())


def _shown(path: Path) -> Path:
    """The bundled files as a path relative to here when that is shorter, for readable errors."""
    relative = Path(os.path.relpath(path))
    return relative if len(str(relative)) < len(str(path)) else path
