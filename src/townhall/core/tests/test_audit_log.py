"""Foundation: the audit log is append-only and records who, what, when and which organisation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest

from townhall.core.actions import audit_record
from townhall.core.models import AppendOnlyError, AuditEntry
from townhall.core.queries import audit_entry_list


@dataclass
class _Person:
    pk: uuid.UUID
    email: str


@pytest.mark.django_db
def test_an_entry_records_who_what_when_and_where() -> None:
    actor = _Person(pk=uuid.uuid4(), email="alex@council.example")
    organisation_id = uuid.uuid4()
    entry = audit_record(
        actor=actor,
        action="membership.role_changed",
        summary="Changed Sam's role from viewer to editor",
        organisation_id=organisation_id,
        target=actor,
        changes={"role": ["viewer", "editor"]},
    )
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.actor_id == actor.pk
    assert stored.actor_email == "alex@council.example"
    assert stored.organisation_id == organisation_id
    assert stored.occurred_at is not None
    assert stored.changes == {"role": ["viewer", "editor"]}
    assert stored.target_type == "_Person"


@pytest.mark.django_db
def test_entries_cannot_be_changed_or_deleted() -> None:
    entry = audit_record(actor=None, action="register.imported", summary="Imported 470")
    entry.summary = "Imported nothing"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(summary="x")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).summary == "Imported 470"


@pytest.mark.django_db
def test_an_organisation_reads_only_its_own_entries() -> None:
    ours, theirs = uuid.uuid4(), uuid.uuid4()
    audit_record(actor=None, action="a", summary="ours", organisation_id=ours)
    audit_record(actor=None, action="a", summary="theirs", organisation_id=theirs)
    audit_record(actor=None, action="a", summary="platform-wide")
    assert [e.summary for e in audit_entry_list(organisation_id=ours)] == ["ours"]
