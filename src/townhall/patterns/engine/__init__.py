"""The pattern engine: pure Python (no Django, no I/O), used by every entry point.

Load a pattern once (`pattern_parse` from YAML text, `pattern_from_data` from stored JSON), then
call the journey functions with answers and parameters; they never keep state between calls.
"""

from townhall.patterns.engine.diagnostics import CODES, Diagnostic, Severity
from townhall.patterns.engine.journey import (
    FeeUnavailable,
    JourneyEnded,
    answers_prune,
    answers_prune_with_path,
    outcome_compute,
    page_validate,
    path_compute,
    route_next,
    summary_build,
    text_render,
)
from townhall.patterns.engine.loader import (
    PatternInvalid,
    PatternLoad,
    pattern_from_data,
    pattern_parse,
)
from townhall.patterns.engine.parameters import params_resolve
from townhall.patterns.engine.pattern import PageNotFound, Pattern
from townhall.patterns.engine.scenarios import scenarios_run
from townhall.patterns.engine.schema import PatternSpec, pattern_json_schema
from townhall.patterns.engine.values import (
    CHECK_ANSWERS,
    Answers,
    FieldError,
    Language,
    Outcome,
    PageResult,
    ParamsResult,
    ParamValues,
    RawInput,
    SummaryRow,
    UploadedFile,
)

__all__ = [
    "CHECK_ANSWERS",
    "CODES",
    "Answers",
    "Diagnostic",
    "FeeUnavailable",
    "FieldError",
    "JourneyEnded",
    "Language",
    "Outcome",
    "PageNotFound",
    "PageResult",
    "ParamValues",
    "ParamsResult",
    "Pattern",
    "PatternInvalid",
    "PatternLoad",
    "PatternSpec",
    "RawInput",
    "Severity",
    "SummaryRow",
    "UploadedFile",
    "answers_prune",
    "answers_prune_with_path",
    "outcome_compute",
    "page_validate",
    "params_resolve",
    "path_compute",
    "pattern_from_data",
    "pattern_json_schema",
    "pattern_parse",
    "route_next",
    "scenarios_run",
    "summary_build",
    "text_render",
]
