"""Reads of the outbox, always scoped to one organisation."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from townhall.notifications.constants import OutboxState
from townhall.notifications.models import OutboxEmail
from townhall.tenancy.models import Organisation


def outbox_failed_list(*, organisation: Organisation) -> QuerySet[OutboxEmail]:
    """Emails of `organisation` that were given up on, most recently failed first."""
    return OutboxEmail.objects.filter(organisation=organisation, state=OutboxState.FAILED).order_by(
        "-updated_at"
    )


def outbox_email_get(*, organisation: Organisation, email_id: str) -> OutboxEmail | None:
    """One email of `organisation`, or None (also for another organisation's email)."""
    return OutboxEmail.objects.filter(organisation=organisation, pk=email_id).first()


def outbox_counts(*, organisation: Organisation) -> dict[str, int]:
    """How many of `organisation`'s emails are in each state (every state present, 0 if none)."""
    counts = {state.value: 0 for state in OutboxState}
    rows = (
        OutboxEmail.objects.filter(organisation=organisation)
        .values("state")
        .annotate(total=Count("pk"))
        .order_by()
    )
    for row in rows:
        counts[row["state"]] = row["total"]
    return counts


def recipient_mask(address: str | None) -> str:
    """Enough of an address for an admin to recognise it, not enough to read it:
    "j***@e***.gov.uk"."""
    if not address or "@" not in address:
        return "(erased)" if not address else "***"
    local, _, domain = address.rpartition("@")
    head, dot, tail = domain.partition(".")
    return f"{local[:1]}***@{head[:1]}***{dot}{tail}"
