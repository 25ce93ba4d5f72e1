"""Publishing library patterns as immutable versions."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from townhall.core.actions import audit_record
from townhall.patterns.engine import Pattern
from townhall.patterns.engine.diagnostics import Diagnostic, Severity
from townhall.patterns.engine.scenarios import scenarios_run
from townhall.patterns.engine.values import JSON
from townhall.patterns.library import (
    NOTES_FILE,
    SCENARIOS_FILE,
    display_path,
    library_targets,
    target_load,
)
from townhall.patterns.models import ChangeType, PatternVersion
from townhall.patterns.versioning import (
    bump_declared,
    bump_is_enough,
    change_classify,
    version_parts,
)

PUBLISHED, UNCHANGED, REFUSED = "published", "unchanged", "refused"


@dataclass(frozen=True)
class PublishResult:
    outcome: str
    version: PatternVersion | None
    reasons: tuple[str, ...] = ()


def content_hash(data: JSON) -> str:
    """SHA-256 of the canonical JSON of a definition (sorted keys, no spaces)."""
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def changelog_for(*, notes: str, version: str) -> str:
    """The bullet for `version` under a "## Changelog" heading of notes.md, if there is one."""
    section = re.search(r"^##\s+Changelog\s*$(.*?)(?=^##\s|\Z)", notes, re.M | re.S)
    if section:
        for line in section.group(1).splitlines():
            match = re.match(
                rf"^\s*[-*]\s*\*{{0,2}}{re.escape(version)}\*{{0,2}}\s*[:—–-]\s*(.+)$", line
            )
            if match:
                return match.group(1).strip()
    return f"Published {version}."


def _latest(pattern_id: str) -> PatternVersion | None:
    return (
        PatternVersion.objects.filter(pattern_id=pattern_id)
        .order_by("-major", "-minor", "-patch")
        .first()
    )


def pattern_version_publish(
    *, pattern: Pattern, data: JSON, source: str, scenarios: str = "", notes: str = ""
) -> PublishResult:
    """Store a checked pattern as a published version, or say why not.

    Publishing the same id and version again with the same content changes nothing; with
    different content it is refused (a published version never changes). A new version must be
    higher than the latest, and its number must declare at least the change the diff requires.
    """
    spec = pattern.spec
    digest = content_hash(data)
    with transaction.atomic():
        existing = PatternVersion.objects.filter(pattern_id=spec.id, version=spec.version).first()
        if existing is not None:
            if existing.content_hash == digest:
                return PublishResult(UNCHANGED, existing)
            return PublishResult(
                REFUSED,
                existing,
                (
                    f"{spec.id} {spec.version} is already published with different content: "
                    "raise the version",
                ),
            )
        latest = _latest(spec.id)
        change_type = ChangeType.INITIAL
        if latest is not None:
            if version_parts(spec.version) < version_parts(latest.version):
                return PublishResult(
                    REFUSED,
                    None,
                    (f"{spec.version} is lower than the latest published {latest.version}",),
                )
            required = change_classify(
                old=latest.definition, new=data if isinstance(data, dict) else {}
            )
            declared = bump_declared(old_version=latest.version, new_version=spec.version)
            if not bump_is_enough(declared=declared, required=required.kind):
                return PublishResult(
                    REFUSED,
                    None,
                    (
                        f"{spec.version} declares a {declared} change from {latest.version}, "
                        f"but the change is {required.kind}",
                        *required.reasons,
                    ),
                )
            change_type = ChangeType(declared)
        major, minor, patch = version_parts(spec.version)
        version = PatternVersion.objects.create(
            pattern_id=spec.id,
            version=spec.version,
            major=major,
            minor=minor,
            patch=patch,
            title=spec.title.en,
            summary=spec.summary.en,
            tags=list(spec.tags),
            lgsl_codes=list(spec.lgsl),
            languages=list(spec.languages),
            owner=spec.owner,
            definition=data,
            source=source,
            scenarios=scenarios,
            notes=notes,
            content_hash=digest,
            change_type=change_type,
            changelog=changelog_for(notes=notes, version=spec.version),
        )
        audit_record(
            actor=None,
            action="pattern.published",
            summary=f"Published {spec.id} {spec.version} ({change_type.label.lower()})",
            target=version,
        )
    return PublishResult(PUBLISHED, version)


@dataclass
class LibraryEntry:
    """One pattern folder's publication: its problems (then nothing is published) or result."""

    name: str
    problems: list[Diagnostic] = field(default_factory=list)
    result: PublishResult | None = None


def library_publish(*, paths: Iterable[Path]) -> list[LibraryEntry]:
    """Check every pattern folder, run its scenarios, and publish the ones with no problems.

    A pattern with any check error or failing scenario is not published: sharing must never
    break a council that adopts the new version.
    """
    entries: list[LibraryEntry] = []
    for target in library_targets(paths):
        name = target.folder.name if target.folder is not None else str(target.path)
        loaded, problems = target_load(target)
        entry = LibraryEntry(name=name, problems=_errors(problems))
        entries.append(entry)
        if loaded is None or loaded.pattern is None or target.folder is None or entry.problems:
            continue
        scenarios = _read(target.folder / SCENARIOS_FILE)
        _count, failures = scenarios_run(
            pattern=loaded.pattern,
            text=scenarios,
            filename=display_path(target.folder / SCENARIOS_FILE),
        )
        entry.problems = _errors(failures)
        if entry.problems:
            continue
        entry.result = pattern_version_publish(
            pattern=loaded.pattern,
            data=loaded.data,
            source=target.path.read_text(encoding="utf-8"),
            scenarios=scenarios,
            notes=_read(target.folder / NOTES_FILE),
        )
    return entries


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _errors(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return [d for d in diagnostics if d.severity is Severity.ERROR]
