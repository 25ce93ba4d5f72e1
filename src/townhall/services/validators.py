"""Pure checks of what an organisation sets on a service. They return problems; they never save.

Messages name the field or parameter at fault, because the same text is shown in the platform
console, printed by `townhall services create`, and (later) on the adoption screens.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError

from townhall.patterns.engine import Pattern, params_resolve
from townhall.patterns.engine.values import JSON
from townhall.services.constants import SLUG_MAX_LENGTH, SLUG_RE
from townhall.tenancy.constants import RESERVED_SLUGS


def validate_service_slug(slug: str) -> list[str]:
    if not slug:
        return ["Enter a slug for the service's web address"]
    if len(slug) > SLUG_MAX_LENGTH:
        return [f"The slug must be {SLUG_MAX_LENGTH} characters or less"]
    if not SLUG_RE.fullmatch(slug):
        return [
            "The slug must be lower-case letters and digits, in words joined by single hyphens, "
            "like report-a-pothole"
        ]
    if slug in RESERVED_SLUGS:
        return [f"The slug {slug!r} is reserved for Townhall's own pages"]
    return []


def validate_service_parameters(*, pattern: Pattern, parameters: Mapping[str, JSON]) -> list[str]:
    """Each problem as `<parameter>: <what is wrong>`, checked by the engine's `params_resolve`."""
    result = params_resolve(pattern=pattern, values=parameters)
    return [f"{name}: {problem}" for name, problem in sorted(result.errors.items())]


def validate_service_names(*, pattern: Pattern, name: str, name_cy: str) -> list[str]:
    # A bilingual service must never show an English name on a Welsh page.
    if name and "cy" in pattern.spec.languages and not name_cy:
        return ["Give the Welsh name too: this service is published in English and Welsh"]
    if name_cy and "cy" not in pattern.spec.languages:
        return ["Remove the Welsh name: this pattern has no Welsh version"]
    return []


def validate_service(
    *, pattern: Pattern, slug: str, parameters: Mapping[str, JSON], name: str, name_cy: str
) -> None:
    """Raise ValidationError with every problem, by field, or return if there are none."""
    problems = {
        "slug": validate_service_slug(slug),
        "parameters": validate_service_parameters(pattern=pattern, parameters=parameters),
        "name_cy": validate_service_names(pattern=pattern, name=name, name_cy=name_cy),
    }
    found = {field: messages for field, messages in problems.items() if messages}
    if found:
        raise ValidationError(found)
