"""Response and request shapes of `/api/v1/` (`XIn` / `XOut`), shared by every router."""

from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema

from townhall.tenancy.constants import Nation, OrganisationKind

# For free-text parameters: PostgreSQL cannot compare text holding NUL characters (it answers an
# error, not "no match"), so they are refused as invalid before any query runs.
NO_NUL = r"^[^\x00]*$"
SLUG = r"^[-a-zA-Z0-9_]+$"
SEMVER = r"^[0-9]+\.[0-9]+\.[0-9]+$"
# A submission's reference, like POT-7K3F-9QX2 (any case: people type them).
REFERENCE = r"^[A-Za-z0-9-]+$"


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    """RFC 9457 problem details (`application/problem+json`)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str = ""
    instance: str = ""
    errors: list[FieldError] | None = None


# --- Organisations ------------------------------------------------------------------------------


class OrganisationOut(Schema):
    slug: str
    name: str
    short_name: str
    kind: OrganisationKind
    nation: Nation
    region: str
    gss_code: str
    is_active: bool
    url: str


class OrganisationDetailOut(OrganisationOut):
    alternative_names: list[str]
    type_name: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    parent: str | None
    successors: list[str]
    predecessors: list[str]


class OrganisationPage(Schema):
    items: list[OrganisationOut]
    next: str | None


# --- Services -----------------------------------------------------------------------------------


class ServiceTitle(Schema):
    en: str
    cy: str | None


class PatternRef(Schema):
    id: str
    version: str


class ServiceOut(Schema):
    slug: str
    title: ServiceTitle
    pattern: PatternRef
    url: str


class ServiceList(Schema):
    items: list[ServiceOut]


# --- Patterns -----------------------------------------------------------------------------------


class PatternVersionSummaryOut(Schema):
    version: str
    change_type: str
    changelog: str
    published_at: datetime.datetime


class PatternOut(Schema):
    """A pattern as its latest published version describes it."""

    id: str
    version: str
    title: str
    summary: str
    tags: list[str]
    lgsl_codes: list[str]
    languages: list[str]
    published_at: datetime.datetime


class PatternList(Schema):
    items: list[PatternOut]


class PatternDetailOut(PatternOut):
    versions: list[PatternVersionSummaryOut]


class PatternVersionOut(PatternOut):
    change_type: str
    changelog: str
    owner: str
    content_hash: str
    definition: dict[str, Any]
