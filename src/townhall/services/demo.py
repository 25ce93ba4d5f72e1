"""`townhall services demo`: a live demo service from every pattern in the library.

The demo council (`townhall demo`) gets one live service per valid library pattern, with made-up
parameter values, so a newcomer can try any pattern at once. Running it again creates nothing
twice. Patterns that fail their checks are skipped and reported, never half-published.

Library patterns are published through the patterns app's own action, with its checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.utils import timezone

from townhall.patterns.actions import PUBLISHED, REFUSED
from townhall.patterns.actions import library_publish as patterns_library_publish
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
from townhall.patterns.models import PatternVersion
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


def library_publish(library: Path) -> DemoReport:
    """Every valid pattern in the library as a published version (`published` lists the new
    ones, `skipped` the patterns with problems or refused versions)."""
    report = DemoReport()
    for entry in patterns_library_publish(paths=[library]):
        result = entry.result
        if result is None:
            report.skipped.append(
                f"{entry.name}: {len(entry.problems)} problem(s); run `townhall patterns test`"
            )
        elif result.outcome == REFUSED or result.version is None:
            report.skipped.append(f"{entry.name}: {'; '.join(result.reasons)}")
        else:
            report.versions.append(result.version)
            if result.outcome == PUBLISHED:
                report.published.append(result.version)
    return report


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
