"""Issue part 3 and 4 through the real management command: `townhall patterns check` prints
every problem as `file:line:col: CODE message` and exits 1; `test` runs scenarios; `schema`
writes the JSON Schema; and the Django system check covers the installed library.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from townhall.patterns.checks import patterns_library_check
from townhall.patterns.tests.factories import DATA, LIBRARY

_LINE = re.compile(r"^(?P<file>.+):(?P<line>\d+):(?P<column>\d+): (?P<code>PAT\d{3}) \S")


def run(*args: str) -> tuple[str, int]:
    out = io.StringIO()
    try:
        call_command("patterns", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def test_three_mistakes_are_all_reported_each_with_its_line() -> None:
    output, status = run("check", str(DATA / "three_mistakes.yaml"))
    assert status == 1
    found = [_LINE.match(line) for line in output.splitlines()]
    assert all(found), output
    assert [(m["line"], m["column"], m["code"]) for m in found if m] == [
        ("31", "13", "PAT301"),
        ("38", "13", "PAT201"),
        ("44", "27", "PAT206"),
    ]
    assert all(m["file"].endswith("three_mistakes.yaml") for m in found if m)


def test_the_library_passes_check_and_test() -> None:
    output, status = run("check")
    assert status == 0, output
    output, status = run("test")
    assert status == 0, output
    assert output.strip().endswith("0 error(s)")


def test_a_failing_scenario_fails_the_test_command(tmp_path: Path) -> None:
    folder = tmp_path / "report-a-pothole"
    shutil.copytree(LIBRARY / "report-a-pothole", folder)
    scenarios = folder / "scenarios.yaml"
    text = scenarios.read_text(encoding="utf-8").replace(
        "path: [danger, emergency]", "path: [danger, road_type]"
    )
    scenarios.write_text(text, encoding="utf-8")
    output, status = run("test", str(folder))
    assert status == 1
    [line] = output.splitlines()
    assert " PAT603 " in line
    assert line.split(":")[1] == str(text.splitlines().index("    path: [danger, road_type]") + 1)


def test_a_folder_needs_its_notes_and_scenarios(tmp_path: Path) -> None:
    folder = tmp_path / "report-a-pothole"
    folder.mkdir()
    shutil.copy(LIBRARY / "report-a-pothole" / "pattern.yaml", folder / "pattern.yaml")
    output, status = run("check", str(tmp_path))
    assert status == 1
    assert sorted(line.split()[1] for line in output.splitlines()) == ["PAT003", "PAT003"]


def test_schema_check_matches_the_committed_file() -> None:
    output, status = run("schema", "--check")
    assert status == 0, output


def test_the_system_check_passes_for_the_bundled_library() -> None:
    assert patterns_library_check() == []


def test_the_system_check_reports_a_broken_library(tmp_path: Path) -> None:
    folder = tmp_path / "broken-example"
    folder.mkdir()
    shutil.copy(DATA / "three_mistakes.yaml", folder / "pattern.yaml")
    with override_settings(TOWNHALL_PATTERNS_DIR=tmp_path):
        messages = patterns_library_check()
    assert {message.id for message in messages} == {"patterns.E001"}
    assert len(messages) == 6  # three mistakes, the folder name, and two missing files
    assert all(message.hint for message in messages)


@pytest.mark.parametrize("missing", ["does-not-exist"])
def test_the_system_check_reports_a_missing_library(tmp_path: Path, missing: str) -> None:
    with override_settings(TOWNHALL_PATTERNS_DIR=tmp_path / missing):
        [message] = patterns_library_check()
    assert message.id == "patterns.E002"
