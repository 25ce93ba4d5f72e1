"""Reads for the runner: which service a request may use, and its journey. Always scoped to the
service (and so to its organisation)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from townhall.identity.models import User
from townhall.identity.queries import get_membership_for_user
from townhall.runner.models import Journey
from townhall.services.models import Service
from townhall.services.queries import service_get, service_get_live
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
            raise Http404("No such service.") from None
        service = service_get(organisation_slug=organisation_slug, service_slug=service_slug)
        if service is not None:
            return ServiceAccess(service=service, preview=True)
    raise Http404("No such service.")


def _is_verified_staff(user: Any) -> bool:
    # OTPMiddleware gives request.user `is_verified()`: true only after the second factor.
    check = getattr(user, "is_verified", None)
    return isinstance(user, User) and bool(check is not None and check())


def journey_get(*, service: Service, journey_id: uuid.UUID, preview: bool) -> Journey | None:
    return (
        Journey.objects.select_related("pattern_version", "submission")
        .filter(pk=journey_id, service=service, preview=preview)
        .first()
    )
