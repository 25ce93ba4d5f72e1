"""Issue part 1: the JSON Schema in docs/ is the one the models generate (fails on drift), the
worked example in docs/patterns.md is a valid pattern whose scenarios pass, and every problem
code is documented there.
"""

from __future__ import annotations

import json
import re

from townhall.patterns.engine import CODES, pattern_json_schema, pattern_parse, scenarios_run
from townhall.patterns.tests.factories import REPOSITORY

DOCS = REPOSITORY / "docs"


def test_committed_json_schema_matches_the_models() -> None:
    committed = json.loads((DOCS / "pattern.schema.json").read_text(encoding="utf-8"))
    assert committed == pattern_json_schema(), (
        "run `townhall patterns schema` and commit the result"
    )


def _example(name: str) -> str:
    text = (DOCS / "patterns.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- example: {re.escape(name)} -->\n```yaml\n(.*?)\n```", text, re.DOTALL)
    assert match, f"docs/patterns.md has no example block for {name}"
    return match[1] + "\n"


def test_the_worked_example_is_a_valid_pattern_and_its_scenarios_pass() -> None:
    loaded = pattern_parse(text=_example("pattern.yaml"), filename="docs/patterns.md")
    assert loaded.pattern is not None, [d.format() for d in loaded.diagnostics]
    assert loaded.diagnostics == ()
    count, failures = scenarios_run(
        pattern=loaded.pattern, text=_example("scenarios.yaml"), filename="docs/patterns.md"
    )
    assert [d.format() for d in failures] == []
    assert count == 3


def test_every_problem_code_is_documented() -> None:
    text = (DOCS / "patterns.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| (PAT\d{3}) \|", text, re.MULTILINE))
    assert documented == set(CODES)
