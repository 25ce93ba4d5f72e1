"""The pattern library on disk: finding pattern folders and files, checking and testing them.

This is the I/O side of `townhall patterns check|test` and of the system check; the engine
itself only ever sees text.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from townhall.patterns.engine.diagnostics import Diagnostic
from townhall.patterns.engine.loader import PatternLoad, pattern_parse
from townhall.patterns.engine.scenarios import scenarios_run

PATTERN_FILE = "pattern.yaml"
SCENARIOS_FILE = "scenarios.yaml"
NOTES_FILE = "notes.md"
FOLDER_FILES = (PATTERN_FILE, SCENARIOS_FILE, NOTES_FILE)


@dataclass(frozen=True, slots=True)
class Target:
    """A pattern file to check; `folder` is set when it is a library folder (pattern.yaml)."""

    path: Path
    folder: Path | None


@dataclass
class Report:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    patterns: int = 0
    scenarios: int = 0


def display_path(path: Path) -> str:
    """A path as a person typed it: relative to the working directory when it is inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def library_targets(paths: Iterable[Path]) -> list[Target]:
    """Pattern folders and loose pattern files named by `paths` (files, folders or a library)."""
    targets: list[Target] = []
    for path in paths:
        if path.is_file():
            folder = path.parent if path.name == PATTERN_FILE else None
            if path.name == SCENARIOS_FILE:
                path, folder = path.parent / PATTERN_FILE, path.parent
            targets.append(Target(path, folder))
        elif (path / PATTERN_FILE).is_file():
            targets.append(Target(path / PATTERN_FILE, path))
        elif path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_dir() and not child.name.startswith((".", "_")):
                    targets.append(Target(child / PATTERN_FILE, child))
                elif child.is_file() and child.suffix in (".yaml", ".yml"):
                    targets.append(Target(child, None))
        else:
            targets.append(Target(path, None))
    return targets


def _missing(path: Path, what: str) -> Diagnostic:
    return Diagnostic(display_path(path), 1, 1, "PAT003", what)


def target_load(target: Target) -> tuple[PatternLoad | None, list[Diagnostic]]:
    """Read and check one pattern; folder targets must also have scenarios and notes."""
    problems: list[Diagnostic] = []
    if target.folder is not None:
        for name in (SCENARIOS_FILE, NOTES_FILE):
            if not (target.folder / name).is_file():
                problems.append(_missing(target.folder / name, f"the pattern folder has no {name}"))
    try:
        text = target.path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        problems.append(_missing(target.path, f"cannot read the pattern: {error}"))
        return None, problems
    expected = target.folder.name if target.folder is not None else None
    loaded = pattern_parse(text=text, filename=display_path(target.path), expected_id=expected)
    return loaded, [*problems, *loaded.diagnostics]


def library_check(paths: Iterable[Path]) -> Report:
    report = Report()
    for target in library_targets(paths):
        _, problems = target_load(target)
        report.patterns += 1
        report.diagnostics.extend(problems)
    return report


def library_test(paths: Iterable[Path]) -> Report:
    """Check each pattern folder and run its scenarios."""
    report = Report()
    for target in library_targets(paths):
        loaded, problems = target_load(target)
        report.patterns += 1
        report.diagnostics.extend(problems)
        if target.folder is None:
            continue
        scenarios = target.folder / SCENARIOS_FILE
        if loaded is None or loaded.pattern is None:
            if scenarios.is_file():
                report.diagnostics.append(
                    Diagnostic(
                        display_path(scenarios), 1, 1, "PAT607", "not run: the pattern has errors"
                    )
                )
            continue
        if not scenarios.is_file():
            continue
        text = scenarios.read_text(encoding="utf-8")
        count, failures = scenarios_run(
            pattern=loaded.pattern, text=text, filename=display_path(scenarios)
        )
        report.scenarios += count
        report.diagnostics.extend(failures)
    return report
