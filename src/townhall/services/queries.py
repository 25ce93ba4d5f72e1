"""Reads of services, always scoped to an organisation (by object or by slug)."""

from __future__ import annotations

from django.db.models import QuerySet

from townhall.patterns.models import PatternVersion
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.tenancy.models import Organisation


def service_get_live(*, organisation_slug: str, service_slug: str) -> Service | None:
    """The live service at /<organisation_slug>/<service_slug>/, or None (draft, unpublished or
    missing are the same answer to a resident)."""
    # On every resident request: the organisation (for the page's header) but not the pattern
    # version, whose engine pattern is cached by id (services.engine_cache).
    return (
        Service.objects.select_related("organisation")
        .filter(
            organisation__slug=organisation_slug,
            organisation__is_active=True,
            slug=service_slug,
            state=ServiceState.LIVE,
        )
        .first()
    )


def service_get(*, organisation_slug: str, service_slug: str) -> Service | None:
    """The service at this address whatever its state: for staff, after their permission check."""
    return (
        Service.objects.select_related("organisation", "pattern_version")
        .filter(organisation__slug=organisation_slug, slug=service_slug)
        .first()
    )


def service_list_live(*, organisation: Organisation) -> QuerySet[Service]:
    return (
        Service.objects.select_related("pattern_version")
        .filter(organisation=organisation, state=ServiceState.LIVE)
        .order_by("pattern_version__title", "slug")
    )


def service_list(*, organisation: Organisation) -> QuerySet[Service]:
    return (
        Service.objects.select_related("pattern_version")
        .filter(organisation=organisation)
        .order_by("slug")
    )


def pattern_version_get(*, pattern_id: str, version: str | None = None) -> PatternVersion | None:
    """A published version of a pattern: `version`, or the latest when it is None."""
    versions = PatternVersion.objects.filter(pattern_id=pattern_id)
    if version is not None:
        return versions.filter(version=version).first()
    return versions.order_by("-major", "-minor", "-patch").first()
