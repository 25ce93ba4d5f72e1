"""`townhall services create|demo`: adopt a pattern version as a service, or set up the demo.

    townhall services create --organisation demo --pattern report-a-pothole --slug potholes \\
        --param emergency_phone="0300 123 4567" \\
        --param trunk_road_contact="National Highways" --live
    townhall services demo
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from townhall.services.actions import service_create
from townhall.services.constants import ServiceState
from townhall.services.demo import DEMO_ORGANISATION_SLUG, demo_services_ensure
from townhall.services.engine_cache import pattern_for_version
from townhall.services.parameters import ParameterTextError, parameter_values_from_text
from townhall.services.queries import pattern_version_get
from townhall.tenancy.models import Organisation


def _library_dir() -> Path:
    return Path(getattr(settings, "TOWNHALL_PATTERNS_DIR", settings.BASE_DIR / "patterns"))


class Command(BaseCommand):
    help = "Create a service from a published pattern version, or the demo council's services."
    # A pattern another contributor is halfway through editing fails the system check
    # (patterns.E001); `services demo` skips and reports such patterns itself.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="Create a service.")
        create.add_argument("--organisation", required=True, help="The organisation's slug.")
        create.add_argument("--pattern", required=True, help="The pattern id.")
        create.add_argument("--version", help="The pattern version (default: the latest).")
        create.add_argument("--slug", required=True, help="The service's slug in its address.")
        create.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help='A parameter value (money in pence; Welsh text as {"en": "…", "cy": "…"}).',
        )
        create.add_argument("--name", default="", help="A name instead of the pattern's title.")
        create.add_argument("--name-cy", default="", help="The Welsh name, with --name.")
        create.add_argument("--live", action="store_true", help="Publish it straight away.")
        subcommands.add_parser(
            "demo", help="A live service from every library pattern for the demo council."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "demo":
            self._demo()
        else:
            self._create(options)

    def _create(self, options: dict[str, Any]) -> None:
        organisation = Organisation.objects.filter(slug=options["organisation"]).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug {options['organisation']}")
        version = pattern_version_get(pattern_id=options["pattern"], version=options["version"])
        if version is None:
            wanted = f"{options['pattern']} {options['version'] or ''}".strip()
            raise CommandError(f"{wanted} is not published: publish the pattern first")
        try:
            parameters = parameter_values_from_text(
                pattern=pattern_for_version(version), items=options["param"]
            )
            service = service_create(
                organisation=organisation,
                pattern_version=version,
                slug=options["slug"],
                parameters=parameters,
                state=ServiceState.LIVE if options["live"] else ServiceState.DRAFT,
                actor=None,
                name=options["name"],
                name_cy=options["name_cy"],
            )
        except ParameterTextError as error:
            raise CommandError(str(error)) from None
        except ValidationError as error:
            problems = [
                f"{field}: {message}" if field == "slug" else message
                for field, messages in error.message_dict.items()
                for message in messages
            ]
            raise CommandError("The service was not created:\n  " + "\n  ".join(problems)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {service} ({service.get_state_display().lower()}) from "
                f"{version.pattern_id} {version.version}"
            )
        )

    def _demo(self) -> None:
        organisation = Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG).first()
        if organisation is None:
            raise CommandError("There is no demo council yet: run `townhall demo` first")
        report = demo_services_ensure(organisation=organisation, library=_library_dir())
        for version in report.published:
            self.stdout.write(f"Published {version.pattern_id} {version.version}")
        for problem in report.skipped:
            self.stderr.write(f"Skipped {problem}")
        base = settings.TOWNHALL_BASE_URL.rstrip("/")
        for service in [*report.created, *report.existing]:
            self.stdout.write(f"  {base}/{organisation.slug}/{service.slug}/")
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(report.created)} demo service(s) created, "
                f"{len(report.existing)} already there"
            )
        )
