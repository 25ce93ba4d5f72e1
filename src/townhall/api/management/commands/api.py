"""`townhall api schema [--write]`: print the OpenAPI document, or write docs/openapi/v1.json."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from townhall.api.openapi import openapi_path, openapi_text


class Command(BaseCommand):
    help = "Print the API's OpenAPI document, or write the committed copy."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        schema = subcommands.add_parser(
            "schema", help="Print the OpenAPI document (--write: to docs/openapi/v1.json)."
        )
        schema.add_argument("--write", action="store_true", help="Write the committed file.")
        schema.add_argument(
            "--check", action="store_true", help="Fail if the committed file is stale."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = openapi_text()
        path = openapi_path()
        if options["check"]:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                raise CommandError(f"{path} is stale: run `townhall api schema --write`.")
            self.stdout.write(f"{path} is up to date.")
        elif options["write"]:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            self.stdout.write(f"Wrote {path}.")
        else:
            self.stdout.write(text, ending="")
