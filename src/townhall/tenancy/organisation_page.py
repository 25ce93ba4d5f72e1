"""What apps above tenancy add to an organisation's public page: its live services.

Tenancy may not import the apps that run services (the import layers in pyproject.toml), so the
services app registers a function listing an organisation's live services when it is ready
(`services.apps`), and the page shows what the registered functions return.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from townhall.tenancy.models import Organisation


@dataclass(frozen=True)
class ServiceLink:
    title: str
    href: str


type ServiceLister = Callable[[Organisation, str], list[ServiceLink]]

_listers: dict[str, ServiceLister] = {}


def service_lister_register(*, key: str, lister: ServiceLister) -> None:
    """Register `lister` under `key`; a second, different function for the same key is a bug."""
    if _listers.get(key, lister) is not lister:
        raise ValueError(f"A service lister is already registered as {key!r}")
    _listers[key] = lister


def organisation_service_links(*, organisation: Organisation, language: str) -> list[ServiceLink]:
    """Every registered app's live services of `organisation`, by title."""
    links = [link for lister in _listers.values() for link in lister(organisation, language)]
    return sorted(links, key=lambda link: link.title.lower())
