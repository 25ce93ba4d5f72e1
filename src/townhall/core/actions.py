"""Writes to the shared kernel."""

from __future__ import annotations

import uuid
from typing import Any, Protocol

from townhall.core.models import AuditEntry


class Actor(Protocol):
    """Anything that acts: a staff user. Typed structurally so core imports no app."""

    pk: Any
    email: str


class Target(Protocol):
    pk: Any


def audit_record(
    *,
    actor: Actor | None,
    action: str,
    summary: str,
    organisation_id: uuid.UUID | None = None,
    target: Target | None = None,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log. Call it inside the transaction that makes the change."""
    return AuditEntry.objects.create(
        organisation_id=organisation_id,
        actor_id=actor.pk if actor is not None else None,
        actor_email=actor.email if actor is not None else "",
        action=action,
        summary=summary[:500],
        target_type=type(target).__name__ if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        changes=changes or {},
    )
