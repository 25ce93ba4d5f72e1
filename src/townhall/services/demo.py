"""`townhall services demo`: a live demo service from every pattern in the library.

The demo council (`townhall demo`) gets one live service per valid library pattern, with made-up
parameter values, so a newcomer can try any pattern at once. Running it again creates nothing
twice. Patterns that fail their checks are skipped and reported, never half-published.

Until the patterns app has its own publishing action, library patterns are stored as
`PatternVersion` rows here (`pattern_version_store`): same fields, same content hash.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from townhall.patterns.engine import Pattern
from townhall.patterns.engine.schema import (
    BooleanParameter,
    ChoiceParameter,
    DateParameter,
    EmailParameter,
    MoneyParameter,
    NumberParameter,
    Parameter,
    TextParameter,
    UrlParameter,
)
from townhall.patterns.engine.values import JSON
from townhall.patterns.library import NOTES_FILE, SCENARIOS_FILE, library_targets, target_load
from townhall.patterns.models import ChangeType, PatternVersion
from townhall.services.actions import service_create
from townhall.services.constants import ServiceState
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.tenancy.models import Organisation

DEMO_ORGANISATION_SLUG = "demo"
# Ofcom's numbers for drama would be kinder to real lines, but residents trying the demo expect a
# number that looks like a council's; 0300 123 4567 is the style GOV.UK itself uses in examples.
DEMO_PHONE = "0300 123 4567"


@dataclass
class DemoReport:
    versions: list[PatternVersion] = field(default_factory=list)
    created: list[Service] = field(default_factory=list)
    existing: list[Service] = field(default_factory=list)
    published: list[PatternVersion] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def content_hash(data: JSON) -> str:
    """SHA-256 of the canonical JSON of a definition (sorted keys, no spaces)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _change_type(pattern_id: str, major: int, minor: int) -> ChangeType:
    previous = (
        PatternVersion.objects.filter(pattern_id=pattern_id)
        .order_by("-major", "-minor", "-patch")
        .first()
    )
    if previous is None:
        return ChangeType.INITIAL
    if major != previous.major:
        return ChangeType.MAJOR
    return ChangeType.MINOR if minor != previous.minor else ChangeType.PATCH


def pattern_version_store(
    *, pattern: Pattern, data: JSON, source: str, scenarios: str = "", notes: str = ""
) -> tuple[PatternVersion, bool]:
    """The stored version of this pattern (created if new). Raises ValueError if that id and
    version is already stored with different content: a published version never changes."""
    spec = pattern.spec
    digest = content_hash(data)
    existing = PatternVersion.objects.filter(pattern_id=spec.id, version=spec.version).first()
    if existing is not None:
        if existing.content_hash != digest:
            raise ValueError(
                f"{spec.id} {spec.version} is already published with different content: "
                "give the changed pattern a new version"
            )
        return existing, False
    major, minor, patch = (int(part) for part in spec.version.split("."))
    version = PatternVersion.objects.create(
        pattern_id=spec.id,
        version=spec.version,
        major=major,
        minor=minor,
        patch=patch,
        title=spec.title.en,
        summary=spec.summary.en,
        tags=list(spec.tags),
        lgsl_codes=list(spec.lgsl),
        languages=list(spec.languages),
        owner=spec.owner,
        definition=data,
        source=source,
        scenarios=scenarios,
        notes=notes,
        content_hash=digest,
        change_type=_change_type(spec.id, major, minor),
    )
    return version, True


def library_publish(library: Path) -> DemoReport:
    """Every valid pattern in the library as a stored version (`published` lists the new ones,
    `skipped` the patterns with problems)."""
    report = DemoReport()
    for target in library_targets([library]):
        loaded, problems = target_load(target)
        if loaded is None or loaded.pattern is None or target.folder is None:
            name = target.folder.name if target.folder is not None else str(target.path)
            report.skipped.append(
                f"{name}: {len(problems)} problem(s); run `townhall patterns check`"
            )
            continue
        folder = target.folder
        try:
            with transaction.atomic():
                version, created = pattern_version_store(
                    pattern=loaded.pattern,
                    data=loaded.data,
                    source=target.path.read_text(encoding="utf-8"),
                    scenarios=_read(folder / SCENARIOS_FILE),
                    notes=_read(folder / NOTES_FILE),
                )
        except ValueError as error:
            report.skipped.append(f"{folder.name}: {error}")
            continue
        report.versions.append(version)
        if created:
            report.published.append(version)
    return report


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def demo_parameter_value(name: str, parameter: Parameter, *, welsh: bool) -> JSON:
    """A believable value for a parameter, from its type (and, for text, its name)."""
    if parameter.default is not None:
        return None  # the pattern's default is the best demo value
    if isinstance(parameter, TextParameter):
        if "phone" in name:
            return DEMO_PHONE
        english = f"Demo Borough Council on {DEMO_PHONE}"
        welsh_text = f"Cyngor Bwrdeistref Demo ar {DEMO_PHONE}"
        return {"en": english, "cy": welsh_text} if welsh else english
    if isinstance(parameter, MoneyParameter):
        return 2500
    if isinstance(parameter, NumberParameter):
        return 5.0 if parameter.decimal else 5
    if isinstance(parameter, DateParameter):
        return timezone.localdate().isoformat()
    if isinstance(parameter, EmailParameter):
        return "council@demo.example"
    if isinstance(parameter, UrlParameter):
        return f"https://www.demo.example/{name.replace('_', '-')}"
    if isinstance(parameter, BooleanParameter):
        return False
    if isinstance(parameter, ChoiceParameter):
        return parameter.choices[0]
    return None  # pragma: no cover - the union is exhaustive


def demo_parameters(pattern: Pattern) -> dict[str, JSON]:
    """Values for every parameter without a default, optional ones included."""
    welsh = "cy" in pattern.spec.languages
    values: dict[str, JSON] = {}
    for name, parameter in pattern.spec.parameters.items():
        value = demo_parameter_value(name, parameter, welsh=welsh)
        if value is not None:
            values[name] = value
    return values


def demo_services_ensure(*, organisation: Organisation, library: Path) -> DemoReport:
    """One live service per library pattern for `organisation`, at the pattern's id as slug."""
    report = library_publish(library)
    for version in report.versions:
        existing = Service.objects.filter(
            organisation=organisation, slug=version.pattern_id
        ).first()
        if existing is not None:
            report.existing.append(existing)
            continue
        pattern = pattern_for_version(version)
        report.created.append(
            service_create(
                organisation=organisation,
                pattern_version=version,
                slug=version.pattern_id,
                parameters=demo_parameters(pattern),
                state=ServiceState.LIVE,
                actor=None,
                contact_details=f"Demo Borough Council, {DEMO_PHONE}",
            )
        )
    return report
