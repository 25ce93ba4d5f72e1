"""Reads of services, always scoped to an organisation (by object or by slug)."""

from __future__ import annotations

import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse

from townhall.patterns.engine import params_resolve
from townhall.patterns.engine.values import JSON
from townhall.patterns.models import PatternVersion
from townhall.patterns.versioning import MINOR, PATCH, SAME
from townhall.services.constants import ServiceState
from townhall.services.diff import (
    VersionDiff,
    definition_diff,
    parameters_carried,
    parameters_to_ask,
)
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service, ServiceRevision
from townhall.tenancy.models import Organisation
from townhall.tenancy.organisation_page import ServiceLink


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


def service_get_unpublished(*, organisation_slug: str, service_slug: str) -> Service | None:
    """The service at this address if it was taken down (unpublished) by an active organisation:
    residents are told it is not available and whom to contact, rather than "page not found"."""
    return (
        Service.objects.select_related("organisation")
        .filter(
            organisation__slug=organisation_slug,
            organisation__is_active=True,
            slug=service_slug,
            state=ServiceState.UNPUBLISHED,
        )
        .first()
    )


def pattern_version_newer(*, service: Service) -> PatternVersion | None:
    """The latest published version of the service's pattern, if it is newer than the service's."""
    current = service.pattern_version
    latest = pattern_version_get(pattern_id=current.pattern_id)
    if latest is None or (latest.major, latest.minor, latest.patch) <= (
        current.major,
        current.minor,
        current.patch,
    ):
        return None
    return latest


def pattern_version_latest_by_id(*, pattern_ids: Collection[str]) -> dict[str, PatternVersion]:
    """The latest published version of each of these patterns, by pattern id (one query)."""
    latest: dict[str, PatternVersion] = {}
    for version in (
        PatternVersion.objects.filter(pattern_id__in=set(pattern_ids))
        .defer("source", "scenarios", "definition", "notes")
        .order_by("pattern_id", "-major", "-minor", "-patch")
    ):
        latest.setdefault(version.pattern_id, version)
    return latest


@dataclass(frozen=True)
class UpgradePlan:
    """What moving a service to the newest version of its pattern involves.

    `carried` are the current values that still apply; `errors` what the new version says about
    them. Minor and patch upgrades whose carried values pass apply in one step (`one_step`);
    otherwise staff are asked for the parameters in `ask` first.
    """

    target: PatternVersion
    diff: VersionDiff
    carried: dict[str, JSON]
    errors: dict[str, str]
    ask: list[str]

    @property
    def one_step(self) -> bool:
        return self.diff.change_type in (MINOR, PATCH, SAME) and not self.errors


def service_upgrade_plan(*, service: Service) -> UpgradePlan | None:
    """The upgrade to the newest version of the service's pattern, or None when it is current."""
    target = pattern_version_newer(service=service)
    if target is None:
        return None
    current = service.pattern_version
    diff = definition_diff(
        old=current.definition,
        new=target.definition,
        old_version=current.version,
        new_version=target.version,
    )
    carried = parameters_carried(
        old=current.definition, new=target.definition, values=service.parameters
    )
    errors = params_resolve(pattern=pattern_for_version(target), values=carried).errors
    return UpgradePlan(
        target=target,
        diff=diff,
        carried=carried,
        errors=dict(errors),
        ask=parameters_to_ask(diff=diff, errors=errors),
    )


def service_links_live(organisation: Organisation, language: str) -> list[ServiceLink]:
    """The organisation's live services as links, for its public page (registered in apps.py).
    Addresses are reversed in the active language, so a Welsh page links to /cy/…."""
    return [
        ServiceLink(
            title=service.title_for(language),
            href=reverse(
                "runner:start",
                kwargs={"organisation_slug": organisation.slug, "service_slug": service.slug},
            ),
        )
        for service in service_list_live(organisation=organisation)
    ]


def service_parameters_for_version(
    *, service: Service, pattern_version_id: uuid.UUID
) -> dict[str, JSON]:
    """The parameter values `service` runs `pattern_version_id` with: its current values for its
    current version, else those it had when it last ran that version (see ServiceRevision)."""
    if pattern_version_id == service.pattern_version_id:
        return dict(service.parameters)
    revision = (
        ServiceRevision.objects.filter(
            organisation_id=service.organisation_id,
            service=service,
            pattern_version_id=pattern_version_id,
        )
        .only("parameters")
        .first()
    )
    return dict(revision.parameters) if revision is not None else dict(service.parameters)
