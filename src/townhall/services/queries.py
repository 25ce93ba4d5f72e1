"""Reads of services, always scoped to an organisation (by object or by slug)."""

from __future__ import annotations

import time
from typing import Any

from django.db.models import QuerySet

from townhall.patterns.models import PatternVersion
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.tenancy.models import Organisation


def service_get_live(*, organisation_slug: str, service_slug: str) -> Service | None:
    """The live service at /<organisation_slug>/<service_slug>/, or None (draft, unpublished or
    missing are the same answer to a resident).

    Every resident's request asks, so the answer is kept in the process for a moment
    (`LIVE_SERVICE_SECONDS`): a change to a service or an organisation clears it in this process
    at once, and other worker processes see it within that moment. Callers must not change the
    service they get.
    """
    key = (organisation_slug, service_slug)
    now = time.monotonic()
    kept = _live.get(key)
    if kept is not None and now - kept[0] < LIVE_SERVICE_SECONDS:
        return kept[1]
    # The organisation comes too (for the page's header), not the pattern version, whose engine
    # pattern is cached by id (services.engine_cache).
    service = (
        Service.objects.select_related("organisation")
        .filter(
            organisation__slug=organisation_slug,
            organisation__is_active=True,
            slug=service_slug,
            state=ServiceState.LIVE,
        )
        .first()
    )
    if len(_live) >= _LIVE_MAX:
        _live.clear()  # a crawler inventing addresses cannot grow it without bound
    _live[key] = (now, service)
    return service


# How long another worker process may go on serving a service after it changed.
LIVE_SERVICE_SECONDS = 2.0
_LIVE_MAX = 5000
_live: dict[tuple[str, str], tuple[float, Service | None]] = {}


def live_services_forget(**_: Any) -> None:
    """Connected to every save and delete of a service or an organisation (apps.py)."""
    _live.clear()


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
