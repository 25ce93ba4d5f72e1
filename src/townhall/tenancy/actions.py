"""Writes to organisations."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from townhall.core.actions import audit_record
from townhall.tenancy.models import Organisation
from townhall.tenancy.names import search_text_for
from townhall.tenancy.register import (
    ParsedRegister,
    RegisterRow,
    RowError,
    assign_slugs,
    check_references,
)


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        return f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"


class RegisterImportError(Exception):
    """The register has errors: nothing was imported."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s) in the register")
        self.errors = errors


def organisation_register_import(*, register: ParsedRegister) -> ImportResult:
    """Create and update organisations from the register, all or nothing.

    Raises `RegisterImportError` with every error (the parser's, then unknown references and
    slug clashes) before anything is written. Organisations are matched by `register_key`: new
    ones are created with a slug that never changes, changed ones updated, identical ones left
    alone. Organisations missing from the files are left as they are. One audit entry records
    the run.
    """
    with transaction.atomic():
        keys = {row.register_key for row in register.rows}
        for row in register.rows:
            keys.update(row.successor_keys)
            keys.update([row.parent_key] if row.parent_key else [])
        candidate_slugs = {row.slug for row in register.rows}
        # The rows' organisations and those they refer to, whichever are already stored.
        stored = Organisation.objects.filter(register_key__in=keys)
        stored_by_key = {organisation.register_key: organisation for organisation in stored}
        key_of_slug = dict(
            Organisation.objects.filter(slug__in=candidate_slugs).values_list(
                "slug", "register_key"
            )
        )
        slugs, slug_errors = assign_slugs(
            rows=register.rows,
            slug_of_key={key: organisation.slug for key, organisation in stored_by_key.items()},
            key_of_slug=key_of_slug,
        )
        errors = [
            *register.errors,
            *check_references(register=register, known_keys=set(stored_by_key)),
            *slug_errors,
        ]
        if errors:
            order = {path: index for index, path in enumerate(register.paths)}
            errors.sort(key=lambda e: (order.get(e.path, -1), e.line or 0))
            raise RegisterImportError(errors)
        result, changes = _apply(register.rows, stored_by_key, slugs)
        audit_record(
            actor=None,
            action="organisation.register_imported",
            summary=f"Imported the organisation register: {result.summary()}",
            changes={"files": [Path(p).name for p in register.paths], **changes},
        )
    return result


def _apply(
    rows: list[RegisterRow], stored: dict[str, Organisation], slugs: dict[str, str]
) -> tuple[ImportResult, dict[str, Any]]:
    now = timezone.now()
    organisations = dict(stored)
    created: list[Organisation] = []
    changed: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        values = row.organisation_fields()
        values["search_text"] = search_text_for(
            official_name=row.official_name,
            short_name=row.short_name,
            alternative_names=row.alternative_names,
        )
        organisation = stored.get(row.register_key)
        if organisation is None:
            organisation = Organisation(register_key=row.register_key, slug=slugs[row.register_key])
            created.append(organisation)
            organisations[row.register_key] = organisation
        for name, value in values.items():
            if getattr(organisation, name) != value:
                setattr(organisation, name, value)
                changed[row.register_key].append(name)
    # Primary keys are made in Python (uuid4), so relations can be set before anything is saved;
    # foreign keys are checked at commit, so the order rows are inserted in does not matter.
    for row in rows:
        organisation = organisations[row.register_key]
        parent = organisations[row.parent_key].pk if row.parent_key else None
        if organisation.parent_id != parent:
            organisation.parent_id = parent
            changed[row.register_key].append("parent")
    successors_changed = _successor_changes(rows, organisations)
    for key in successors_changed:
        changed[key].append("successors")

    created_keys = {organisation.register_key for organisation in created}
    updated = [organisations[key] for key in changed if key not in created_keys]
    Organisation.objects.bulk_create(created)
    for organisation in updated:
        organisation.updated_at = now
    fields = {name for key, names in changed.items() if key not in created_keys for name in names}
    fields = (fields - {"successors"}) | {"updated_at"}
    Organisation.objects.bulk_update(updated, sorted(fields))
    _store_successors(successors_changed)

    result = ImportResult(
        created=len(created),
        updated=len(updated),
        unchanged=len(rows) - len(created) - len(updated),
    )
    changes = {
        "created": sorted(created_keys),
        "updated": {
            organisation.register_key: changed[organisation.register_key]
            for organisation in updated
        },
    }
    return result, changes


def _successor_changes(
    rows: list[RegisterRow], organisations: dict[str, Organisation]
) -> dict[str, tuple[uuid.UUID, set[uuid.UUID]]]:
    """Rows whose successors are not those stored: register key → (id, wanted successor ids)."""
    through = Organisation.successors.through
    ids = [organisations[row.register_key].pk for row in rows]
    stored: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for from_id, to_id in through.objects.filter(from_organisation_id__in=ids).values_list(
        "from_organisation_id", "to_organisation_id"
    ):
        stored[from_id].add(to_id)
    changes = {}
    for row in rows:
        organisation_id = organisations[row.register_key].pk
        wanted = {organisations[key].pk for key in row.successor_keys}
        if wanted != stored.get(organisation_id, set()):
            changes[row.register_key] = (organisation_id, wanted)
    return changes


def _store_successors(changes: dict[str, tuple[uuid.UUID, set[uuid.UUID]]]) -> None:
    through = Organisation.successors.through
    through.objects.filter(from_organisation_id__in=[i for i, _ in changes.values()]).delete()
    through.objects.bulk_create(
        through(from_organisation_id=organisation_id, to_organisation_id=successor_id)
        for organisation_id, successors in changes.values()
        for successor_id in successors
    )
