"""Issue "must show": a suite of deliberately broken pattern files, each expecting its error code
at its line. The first line of each file in broken/ says what it expects: `# expect: PAT301 at 18`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from townhall.patterns.engine import CODES, pattern_parse

BROKEN = sorted((Path(__file__).parent / "broken").glob("*.yaml"))
_EXPECT = re.compile(r"^# expect: (PAT\d{3}) at (\d+)$")


def expectation(path: Path) -> tuple[str, int]:
    first_line = path.read_text(encoding="utf-8").splitlines()[0]
    match = _EXPECT.match(first_line)
    assert match, f"{path.name} must start with '# expect: PATnnn at LINE'"
    return match[1], int(match[2])


def test_there_are_at_least_twenty_broken_files() -> None:
    assert len(BROKEN) >= 20


@pytest.mark.parametrize("path", BROKEN, ids=[path.stem for path in BROKEN])
def test_broken_file_reports_its_code_at_its_line(path: Path) -> None:
    code, line = expectation(path)
    loaded = pattern_parse(text=path.read_text(encoding="utf-8"), filename=path.name)
    assert loaded.pattern is None
    found = [(d.code, d.line) for d in loaded.diagnostics]
    assert (code, line) in found, f"expected {code} at line {line}, got {found}"


def test_every_pattern_file_code_has_a_broken_example() -> None:
    demonstrated = {expectation(path)[0] for path in BROKEN}
    # Checked elsewhere: a missing folder file, the folder name, a warning, and scenario codes.
    elsewhere = {"PAT003", "PAT111", "PAT502"} | {code for code in CODES if code.startswith("PAT6")}
    assert set(CODES) - elsewhere - demonstrated == set()
