"""`townhall patterns check|test|schema`: check patterns, run their scenarios, write the schema.

Problems are printed one a line as `file:line:col: CODE message` (the format editors and CI
annotate), and any error makes the command exit with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from townhall.patterns.actions import PUBLISHED, REFUSED, library_publish
from townhall.patterns.engine.diagnostics import Severity
from townhall.patterns.engine.schema import pattern_json_schema_text
from townhall.patterns.library import Report, library_check, library_test


def library_dir() -> Path:
    return Path(getattr(settings, "TOWNHALL_PATTERNS_DIR", settings.BASE_DIR / "patterns"))


def schema_path() -> Path:
    return Path(settings.BASE_DIR) / "docs" / "pattern.schema.json"


class Command(BaseCommand):
    help = "Check pattern files, run their scenarios, or write the JSON Schema."
    requires_system_checks: list[str] = []  # checking broken patterns must not need a clean library

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        check = subcommands.add_parser("check", help="Report every problem in pattern files.")
        check.add_argument(
            "paths", nargs="*", type=Path, help="Files or folders (default: patterns/)."
        )
        test = subcommands.add_parser("test", help="Check patterns and run their scenarios.")
        test.add_argument(
            "paths", nargs="*", type=Path, help="Pattern folders (default: patterns/)."
        )
        publish = subcommands.add_parser(
            "publish", help="Check, test and publish patterns as immutable versions."
        )
        publish.add_argument(
            "paths", nargs="*", type=Path, help="Pattern folders (default: patterns/)."
        )
        schema = subcommands.add_parser("schema", help="Write docs/pattern.schema.json.")
        schema.add_argument(
            "--check", action="store_true", help="Fail if the committed file is stale."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        subcommand = options["subcommand"]
        if subcommand == "schema":
            self._schema(check=options["check"])
            return
        paths = options["paths"] or [library_dir()]
        if subcommand == "publish":
            self._publish(paths)
            return
        report = library_check(paths) if subcommand == "check" else library_test(paths)
        self._print(report, scenarios=subcommand == "test")

    def _print(self, report: Report, *, scenarios: bool) -> None:
        for diagnostic in report.diagnostics:
            self.stdout.write(diagnostic.format())
        errors = sum(1 for d in report.diagnostics if d.severity is Severity.ERROR)
        ran = f", {report.scenarios} scenario(s)" if scenarios else ""
        summary = f"{report.patterns} pattern(s){ran}: {errors} error(s)"
        if errors:
            raise CommandError(summary, returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

    def _publish(self, paths: list[Path]) -> None:
        refused = 0
        for entry in library_publish(paths=paths):
            result = entry.result
            if result is None:
                refused += 1
                for problem in entry.problems:
                    self.stdout.write(problem.format())
                self.stdout.write(f"{entry.name}: not published: it has problems")
            elif result.outcome == REFUSED:
                refused += 1
                self.stdout.write(f"{entry.name}: refused: " + "; ".join(result.reasons))
            elif result.version is not None:
                version = result.version
                detail = f" ({version.change_type})" if result.outcome == PUBLISHED else ""
                self.stdout.write(f"{entry.name} {version.version}: {result.outcome}{detail}")
        if refused:
            raise CommandError(f"{refused} pattern(s) not published", returncode=1)

    def _schema(self, *, check: bool) -> None:
        path, text = schema_path(), pattern_json_schema_text()
        if check:
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                raise CommandError(
                    f"{path} is out of date: run `townhall patterns schema`", returncode=1
                )
            self.stdout.write(f"{path} is up to date")
            return
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {path}")
