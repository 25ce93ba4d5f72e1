"""Reads from the shared kernel. Always scoped: audit entries are read per organisation."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from townhall.core.models import AuditEntry


def audit_entry_list(*, organisation_id: uuid.UUID) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(organisation_id=organisation_id).order_by("-occurred_at")
