"""Patterns, versions: `townhall patterns publish` stores immutable, content-hashed versions,
refuses to change a published version, and checks the declared change type against the diff."""

from __future__ import annotations

import re
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from townhall.core.models import AuditEntry
from townhall.patterns.actions import changelog_for, content_hash
from townhall.patterns.models import ChangeType, ImmutableVersionError, PatternVersion

POTHOLE = Path(__file__).resolve().parents[4] / "patterns" / "report-a-pothole"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "report-a-pothole"
    shutil.copytree(POTHOLE, target)
    return target


def _publish(folder: Path) -> str:
    out = StringIO()
    call_command("patterns", "publish", str(folder), stdout=out)
    return out.getvalue()


def _edit(folder: Path, old: str, new: str, *, count: int = 1) -> None:
    path = folder / "pattern.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


DANGER_ONLY = """pattern: report-a-pothole
scenarios:
  - name: A dangerous pothole is reported by phone
    params: {emergency_phone: 01632 960 001, trunk_road_contact: the agent}
    steps:
      - page: danger
        input: "yes"
    path: [danger, emergency]
"""


def _refused(folder: Path) -> str:
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("patterns", "publish", str(folder), stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_publishing_twice_stores_one_version(folder: Path) -> None:
    assert "report-a-pothole 1.0.0: published (initial)" in _publish(folder)
    first = PatternVersion.objects.get()
    assert "report-a-pothole 1.0.0: unchanged" in _publish(folder)
    assert PatternVersion.objects.get().pk == first.pk
    assert first.content_hash == content_hash(first.definition)
    assert first.change_type == ChangeType.INITIAL
    assert AuditEntry.objects.filter(action="pattern.published").count() == 1


@pytest.mark.django_db
def test_changed_content_without_a_new_version_is_refused(folder: Path) -> None:
    _publish(folder)
    before = PatternVersion.objects.get()
    _edit(folder, "Is the pothole dangerous right now?", "Is the pothole dangerous now?")
    output = _refused(folder)
    assert "already published with different content: raise the version" in output
    assert PatternVersion.objects.get().content_hash == before.content_hash


@pytest.mark.django_db
def test_removing_a_question_in_a_minor_version_is_refused(folder: Path) -> None:
    _publish(folder)
    # Route past the `size` question and delete it: a major change.
    text = (folder / "pattern.yaml").read_text(encoding="utf-8")
    start = text.index("  - id: size\n")
    end = text.index("  - id: ", start + 10)
    (folder / "pattern.yaml").write_text(text[:start] + text[end:], encoding="utf-8")
    _edit(folder, "version: 1.0.0", "version: 1.1.0")
    (folder / "scenarios.yaml").write_text(DANGER_ONLY, encoding="utf-8")
    output = _refused(folder)
    assert "declares a minor change from 1.0.0, but the change is major" in output
    assert "'size'" in output
    assert PatternVersion.objects.count() == 1

    _edit(folder, "version: 1.1.0", "version: 2.0.0")
    assert "report-a-pothole 2.0.0: published (major)" in _publish(folder)


@pytest.mark.django_db
def test_a_words_only_patch_is_published(folder: Path) -> None:
    _publish(folder)
    _edit(folder, "Is the pothole dangerous right now?", "Is the pothole dangerous now?")
    _edit(folder, "version: 1.0.0", "version: 1.0.1")
    assert "report-a-pothole 1.0.1: published (patch)" in _publish(folder)


@pytest.mark.django_db
def test_a_pattern_with_problems_is_not_published(folder: Path) -> None:
    _edit(folder, "type: yes_no", "type: yes_or_no")
    output = _refused(folder)
    assert re.search(r"pattern\.yaml:\d+:\d+: PAT1\d\d", output)
    assert "not published: it has problems" in output
    assert not PatternVersion.objects.exists()


@pytest.mark.django_db
def test_a_stored_version_refuses_a_content_change(folder: Path) -> None:
    _publish(folder)
    version = PatternVersion.objects.get()
    version.definition = {**version.definition, "title": "Changed"}
    version.content_hash = content_hash(version.definition)
    with pytest.raises(ImmutableVersionError):
        version.save()


def test_changelog_comes_from_the_notes() -> None:
    notes = "# Notes\n\n## Changelog\n\n- 1.1.0: Asks whether the pothole is on a bus route.\n"
    assert (
        changelog_for(notes=notes, version="1.1.0") == "Asks whether the pothole is on a bus route."
    )
    assert changelog_for(notes=notes, version="2.0.0") == "Published 2.0.0."
