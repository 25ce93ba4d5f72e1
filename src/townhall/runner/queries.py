"""Reads for the runner: which service a request may use, and its journey. Always scoped to the
service (and so to its organisation)."""

from __future__ import annotations

import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import connections, router
from django.db.models import Field
from django.http import Http404
from django.utils import timezone

from townhall.identity.models import User
from townhall.identity.queries import get_membership_for_user
from townhall.runner.constants import SaveLinkState
from townhall.runner.models import Journey, SaveLink
from townhall.services.models import Service
from townhall.services.queries import service_get, service_get_live, service_get_unpublished
from townhall.tenancy.constants import Permission


@dataclass(frozen=True, slots=True)
class ServiceAccess:
    service: Service
    # An editor walking a service that is not live: marked as a preview, and nothing is sent.
    preview: bool


def get_service_for_user(*, user: Any, organisation_slug: str, service_slug: str) -> ServiceAccess:
    """The service at this address for this visitor, or 404.

    A live service is open to everyone. Any other is a preview for signed-in staff (both factors)
    who may edit their organisation's services, and 404 to everyone else, the same answer as an
    address with no service: residents never learn which drafts exist.
    """
    service = service_get_live(organisation_slug=organisation_slug, service_slug=service_slug)
    if service is not None:
        return ServiceAccess(service=service, preview=False)
    if _is_verified_staff(user):
        try:
            get_membership_for_user(
                user=user, org_slug=organisation_slug, permission=Permission.EDIT_SERVICES
            )
        except PermissionDenied:
            raise _service_missing(organisation_slug, service_slug) from None
        service = service_get(organisation_slug=organisation_slug, service_slug=service_slug)
        if service is not None:
            return ServiceAccess(service=service, preview=True)
    raise _service_missing(organisation_slug, service_slug)


class ServiceNotAvailable(Http404):
    """The address of a service its organisation unpublished. Still a 404 (so every caller that
    treats it as "no such service" is right), carrying the service so that the start page can
    tell residents it is not available and whom to contact."""

    def __init__(self, service: Service) -> None:
        super().__init__("This service is not available.")
        self.service = service


def _service_missing(organisation_slug: str, service_slug: str) -> Http404:
    # Only once the live lookup failed (the rare path), so residents' requests pay nothing.
    service = service_get_unpublished(
        organisation_slug=organisation_slug, service_slug=service_slug
    )
    return ServiceNotAvailable(service) if service is not None else Http404("No such service.")


def _is_verified_staff(user: Any) -> bool:
    # OTPMiddleware gives request.user `is_verified()`: true only after the second factor.
    check = getattr(user, "is_verified", None)
    return isinstance(user, User) and bool(check is not None and check())


def journey_get(
    *, service: Service, journey_id: uuid.UUID, preview: bool, key: str | None
) -> Journey | None:
    """The journey with this id through `service`, if `key` opens it (None: a journey from before
    journeys had keys, found through a pointer in the Django session)."""
    # Every resident's request loads its journey. The statement never changes, so it is written
    # once per connection rather than built by the ORM on each request, and the row becomes a
    # Journey through the same converters and constructor the ORM would use: building the query,
    # or going through a raw queryset, cost more than the query itself (bench/profile_runner.py).
    # No joins: only the confirmation page needs the submission (loaded there), and the pattern
    # comes from the engine cache by version id.
    alias = router.db_for_read(Journey)
    connection = connections[alias]
    plan = _journey_plan(connection)
    params = [
        plan.pk.get_db_prep_value(journey_id, connection),
        plan.pk.get_db_prep_value(service.pk, connection),
        preview,
        Journey.hash_key(key) if key is not None else "",
    ]
    with connection.cursor() as cursor:
        cursor.execute(plan.sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, converters, column in plan.converters:
        value = values[position]
        for converter in converters:
            value = converter(value, column, connection)
        values[position] = value
    return Journey.from_db(alias, plan.attnames, values)


@dataclass(frozen=True, slots=True)
class _RowPlan:
    sql: str
    pk: Field[Any, Any]
    attnames: list[str]
    # (column position, the backend's and the field's converters, the column they are given).
    converters: list[tuple[int, list[Any], Any]]


# One per database connection (each thread has its own), made on its first journey.
_plans: weakref.WeakKeyDictionary[Any, _RowPlan] = weakref.WeakKeyDictionary()


def _journey_plan(connection: Any) -> _RowPlan:
    plan = _plans.get(connection)
    if plan is not None:
        return plan
    # Every concrete field in the model's order, as Journey(*values) takes them; the ORM's own
    # compiler says how each value is converted (UUIDs on SQLite, the encrypted answers, ...).
    meta = Journey._meta
    columns = [field.get_col(meta.db_table) for field in meta.concrete_fields]
    compiler = Journey.objects.all().query.get_compiler(connection=connection)
    quote = connection.ops.quote_name
    pk = meta.pk
    assert pk is not None  # noqa: S101 - every model has one
    sql = (
        f"SELECT {', '.join(quote(column.target.column) for column in columns)} "  # noqa: S608
        f"FROM {quote(meta.db_table)} WHERE {quote(pk.column)} = %s"
        f" AND {quote(meta.get_field('service').column)} = %s"
        f" AND {quote(meta.get_field('preview').column)} = %s"
        f" AND {quote(meta.get_field('key_hash').column)} = %s"
    )
    plan = _RowPlan(
        sql=sql,
        pk=pk,
        attnames=[column.target.attname for column in columns],
        converters=[
            (position, converters, column)
            for position, (converters, column) in compiler.get_converters(columns).items()
        ],
    )
    _plans[connection] = plan
    return plan


def save_link_get_by_token(*, service: Service, token: str) -> SaveLink | None:
    """The save-and-return link with this token for a journey through `service` (a token from
    another service's link is unknown here)."""
    return (
        SaveLink.objects.select_related("journey")
        .filter(
            token_hash=SaveLink.hash_token(token),
            journey__service=service,
            journey__preview=False,
        )
        .first()
    )


def save_link_state(*, link: SaveLink) -> SaveLinkState:
    if link.used_at is not None or link.journey.is_finished:
        return SaveLinkState.USED
    if link.expires_at <= timezone.now():
        return SaveLinkState.EXPIRED
    return SaveLinkState.USABLE
