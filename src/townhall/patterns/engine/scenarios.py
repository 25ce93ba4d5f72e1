"""Scenarios: journeys written down in `scenarios.yaml` and replayed through the engine.

Each scenario posts raw input page by page, exactly as the web runner would (validate, store,
prune), and then compares the path, the check-answers summary and the outcome with what the
file expects. A step may expect validation errors instead, to pin the GOV.UK wording.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, ValidationError

from townhall.patterns.engine.diagnostics import Diagnostic
from townhall.patterns.engine.journey import (
    FeeUnavailable,
    answers_prune,
    outcome_compute,
    page_validate,
    path_compute,
    summary_build,
)
from townhall.patterns.engine.loader import diagnostics_sorted, schema_diagnostic
from townhall.patterns.engine.parameters import params_resolve
from townhall.patterns.engine.pattern import Pattern
from townhall.patterns.engine.schema_common import MODEL_CONFIG, Identifier, IsoDate
from townhall.patterns.engine.values import JSON, RawValue, UploadedFile
from townhall.patterns.engine.yamlsource import DataPath, SourceMap, yaml_parse

# Scenarios run on a fixed day unless they say otherwise, so "must be in the past" never flakes.
DEFAULT_TODAY = "2026-01-15"


class FileInput(BaseModel):
    model_config = MODEL_CONFIG

    name: str
    size: int
    content_type: str = ""
    ref: str = ""


type InputValue = str | list[str] | list[FileInput]


class ExpectedError(BaseModel):
    model_config = MODEL_CONFIG

    field: str
    message: str


class Step(BaseModel):
    model_config = MODEL_CONFIG

    page: Identifier
    input: str | list[str] | dict[str, InputValue] | None = Field(
        default=None,
        description="Text for the page's main field, a list for checkboxes, or input by name "
        "(`day:` is short for `<page>-day`).",
    )
    errors: list[ExpectedError] | None = Field(
        default=None, description="The errors this input must give; the step then stores nothing."
    )


class ExpectedRow(BaseModel):
    model_config = MODEL_CONFIG

    label: str
    value: str | list[str]


class ExpectedOutcome(BaseModel):
    model_config = MODEL_CONFIG

    reference_prefix: str | None = None
    fee_pence: int | None = None
    what_happens_next: str | None = None


class Scenario(BaseModel):
    model_config = MODEL_CONFIG

    name: Annotated[str, StringConstraints(min_length=1)]
    language: Literal["en", "cy"] = "en"
    today: IsoDate = DEFAULT_TODAY
    params: dict[str, JSON] = Field(default_factory=dict)
    steps: list[Step] = Field(min_length=1)
    path: list[str] | None = None
    answers: dict[str, JSON] | None = None
    summary: list[ExpectedRow] | None = None
    outcome: ExpectedOutcome | None = None


class ScenarioFile(BaseModel):
    model_config = MODEL_CONFIG

    pattern: str
    scenarios: list[Scenario] = Field(min_length=1)


def _raw_input(step: Step) -> dict[str, RawValue]:
    value = step.input
    if value is None:
        return {}
    if isinstance(value, str | list):
        return {step.page: value}
    raw: dict[str, RawValue] = {}
    for name, item in value.items():
        key = (
            name if name == step.page or name.startswith(f"{step.page}-") else f"{step.page}-{name}"
        )
        if isinstance(item, list) and item and isinstance(item[0], FileInput):
            raw[key] = [
                UploadedFile(f.name, f.size, f.content_type, f.ref)
                for f in item
                if isinstance(f, FileInput)
            ]
        else:
            raw[key] = item  # type: ignore[assignment]
    return raw


class _Run:
    def __init__(
        self, pattern: Pattern, scenario: Scenario, path: DataPath, source: SourceMap
    ) -> None:
        self.pattern, self.scenario, self.path, self.source = pattern, scenario, path, source
        self.problems: list[Diagnostic] = []

    def fail(self, where: DataPath, code: str, message: str) -> None:
        self.problems.append(
            self.source.diagnostic(
                (*self.path, *where), code, f"scenario '{self.scenario.name}': {message}"
            )
        )

    def run(self) -> list[Diagnostic]:
        scenario, pattern = self.scenario, self.pattern
        resolved = params_resolve(pattern=pattern, values=scenario.params)
        if not resolved.ok:
            problems = "; ".join(f"{name} {error}" for name, error in resolved.errors.items())
            self.fail(("params",), "PAT601", f"parameters: {problems}")
            return self.problems
        params, language = resolved.values, scenario.language
        today = dt.date.fromisoformat(scenario.today)
        answers: dict[str, JSON] = {}
        for number, step in enumerate(scenario.steps):
            where: DataPath = ("steps", number)
            path = path_compute(pattern=pattern, answers=answers, params=params)
            if step.page not in path:
                self.fail(
                    (*where, "page"), "PAT606", f"page '{step.page}' is not on the path {path}"
                )
                return self.problems
            result = page_validate(
                pattern=pattern,
                page_id=step.page,
                raw=_raw_input(step),
                params=params,
                language=language,
                today=today,
                answers=answers,
            )
            got = [(error.field, error.message) for error in result.errors]
            if step.errors is not None:
                expected = [(error.field, error.message) for error in step.errors]
                if got != expected:
                    self.fail(
                        (*where, "errors"), "PAT602", f"expected errors {expected}, got {got}"
                    )
                continue
            if not result.ok:
                self.fail(where, "PAT601", f"page '{step.page}' did not validate: {got}")
                return self.problems
            answers = answers_prune(
                pattern=pattern, answers={**answers, **result.values}, params=params
            )
        self._compare_end(answers, params)
        return self.problems

    def _compare_end(self, answers: Mapping[str, JSON], params: Mapping[str, JSON]) -> None:
        scenario, pattern, language = self.scenario, self.pattern, self.scenario.language
        path = path_compute(pattern=pattern, answers=answers, params=params)
        if scenario.path is not None and path != scenario.path:
            self.fail(("path",), "PAT603", f"expected path {scenario.path}, got {path}")
        if scenario.answers is not None and dict(answers) != scenario.answers:
            self.fail(
                ("answers",), "PAT603", f"expected answers {scenario.answers}, got {dict(answers)}"
            )
        if scenario.summary is not None:
            rows = summary_build(pattern=pattern, answers=answers, params=params, language=language)
            got = [(row.label, list(row.lines)) for row in rows]
            expected = [
                (row.label, [row.value] if isinstance(row.value, str) else row.value)
                for row in scenario.summary
            ]
            if got != expected:
                self.fail(("summary",), "PAT604", f"expected summary {expected}, got {got}")
        if scenario.outcome is not None:
            self._compare_outcome(scenario.outcome, answers, params)

    def _compare_outcome(
        self, expected: ExpectedOutcome, answers: Mapping[str, JSON], params: Mapping[str, JSON]
    ) -> None:
        try:
            outcome = outcome_compute(
                pattern=self.pattern,
                answers=answers,
                params=params,
                language=self.scenario.language,
            )
        except FeeUnavailable:
            self.fail(
                ("outcome",), "PAT605", "the fee expression cannot be evaluated with these answers"
            )
            return
        checks = {
            "reference_prefix": (expected.reference_prefix, outcome.reference_prefix),
            "fee_pence": (expected.fee_pence, outcome.fee_pence),
            "what_happens_next": (expected.what_happens_next, outcome.what_happens_next),
        }
        for name, (want, got) in checks.items():
            if name in expected.model_fields_set and want != got:
                self.fail(("outcome", name), "PAT605", f"expected {name} {want!r}, got {got!r}")


def scenarios_run(*, pattern: Pattern, text: str, filename: str) -> tuple[int, list[Diagnostic]]:
    """Run every scenario in a scenarios.yaml text; the number run and the problems found."""
    data, source, problems = yaml_parse(text=text, filename=filename)
    if problems:
        return 0, list(diagnostics_sorted(problems))
    try:
        scenario_file = ScenarioFile.model_validate(data)
    except ValidationError as error:
        return 0, list(
            diagnostics_sorted(
                [schema_diagnostic(e, data, source) for e in error.errors(include_url=False)]
            )
        )
    if scenario_file.pattern != pattern.id:
        return 0, [
            source.diagnostic(
                ("pattern",),
                "PAT111",
                f"scenarios are for '{scenario_file.pattern}', not '{pattern.id}'",
            )
        ]
    found: list[Diagnostic] = []
    for index, scenario in enumerate(scenario_file.scenarios):
        found.extend(_Run(pattern, scenario, ("scenarios", index), source).run())
    return len(scenario_file.scenarios), list(diagnostics_sorted(found))
