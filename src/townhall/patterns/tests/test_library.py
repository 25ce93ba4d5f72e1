"""Conventions 6 and 10, issue part 4: every pattern in the library (patterns/) has its three
files, passes the checker, and its scenarios pass through the engine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from townhall.patterns.library import FOLDER_FILES, library_test
from townhall.patterns.tests.factories import LIBRARY

FOLDERS = sorted(
    path for path in LIBRARY.iterdir() if path.is_dir() and not path.name.startswith(".")
)


def test_the_library_is_not_empty() -> None:
    assert FOLDERS


@pytest.mark.parametrize("folder", FOLDERS, ids=[folder.name for folder in FOLDERS])
def test_pattern_checks_and_its_scenarios_pass(folder: Path) -> None:
    assert sorted(name for name in FOLDER_FILES if (folder / name).is_file()) == sorted(
        FOLDER_FILES
    )
    report = library_test([folder])
    assert [d.format() for d in report.diagnostics] == []
    assert report.scenarios >= 3
