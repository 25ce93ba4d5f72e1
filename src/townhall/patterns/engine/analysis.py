"""Checks that need the whole pattern: ids, bounds, references, expression types, text, Welsh.

Each check reports every problem it finds with its own stable code (docs/patterns.md lists them),
positioned at the key or value it is about. Expressions are parsed, type checked and compiled
here, once, for the `Pattern` built from them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from pydantic import BaseModel

from townhall.patterns.engine.cel_types import BOOL, DATE, DOUBLE, DYN, INT, STRING, CelType
from townhall.patterns.engine.diagnostics import Diagnostic, Severity
from townhall.patterns.engine.expressions import (
    CompiledExpression,
    ExpressionReads,
    ExpressionSyntaxError,
    expression_compile,
    expression_parse,
)
from townhall.patterns.engine.graph import GraphFacts
from townhall.patterns.engine.kinds import kind_for
from townhall.patterns.engine.kinds.dates import date_bound
from townhall.patterns.engine.schema import (
    ChoiceParameter,
    ExitPage,
    MoneyParameter,
    NumberParameter,
    PatternSpec,
)
from townhall.patterns.engine.schema_common import Localised
from townhall.patterns.engine.schema_questions import (
    AddAnotherQuestion,
    CheckboxesQuestion,
    DateQuestion,
    LocationQuestion,
    LongTextQuestion,
    MoneyQuestion,
    NumberQuestion,
    QuestionBase,
    TextQuestion,
)
from townhall.patterns.engine.templates import template_placeholders
from townhall.patterns.engine.typecheck import expression_walk
from townhall.patterns.engine.values import CHECK_ANSWERS
from townhall.patterns.engine.yamlsource import DataPath, SourceMap

_PARAMETER_TYPES: dict[str, CelType] = {
    "text": STRING,
    "email": STRING,
    "url": STRING,
    "choice": STRING,
    "money": INT,
    "date": DATE,
    "boolean": BOOL,
}


def parameter_types(spec: PatternSpec) -> dict[str, CelType]:
    types: dict[str, CelType] = {}
    for name, parameter in spec.parameters.items():
        if isinstance(parameter, NumberParameter):
            types[name] = DOUBLE if parameter.decimal else INT
        else:
            types[name] = _PARAMETER_TYPES[parameter.type]
    return types


def dotted(path: DataPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass
class _Analysis:
    spec: PatternSpec
    source: SourceMap
    facts: GraphFacts
    problems: list[Diagnostic] = field(default_factory=list)
    compiled: dict[str, CompiledExpression] = field(default_factory=dict)

    def report(self, path: DataPath, code: str, message: str, *, key: bool = False) -> None:
        self.problems.append(self.source.diagnostic(path, code, message, key=key))

    def report_at(self, line: int, column: int, code: str, message: str) -> None:
        self.problems.append(Diagnostic(self.source.filename, line, column, code, message))


def pattern_analyse(
    spec: PatternSpec, source: SourceMap, facts: GraphFacts
) -> tuple[list[Diagnostic], dict[str, CompiledExpression]]:
    analysis = _Analysis(spec, source, facts)
    _check_ids(analysis)
    _check_questions(analysis)
    _check_parameters(analysis)
    _check_open311(analysis)
    _check_expressions(analysis)
    _check_texts(analysis)
    _check_welsh(analysis)
    return analysis.problems, analysis.compiled


def _check_ids(analysis: _Analysis) -> None:
    seen: dict[str, int] = {}
    for index, page in enumerate(analysis.spec.pages):
        path: DataPath = ("pages", index, "id")
        if page.id == CHECK_ANSWERS:
            analysis.report(
                path, "PAT114", f"'{CHECK_ANSWERS}' is reserved for the check-answers page"
            )
        if page.id in seen:
            analysis.report(
                path, "PAT110", f"duplicate page id '{page.id}' (also page {seen[page.id] + 1})"
            )
        seen.setdefault(page.id, index)
        if isinstance(page, AddAnotherQuestion):
            counts = Counter(sub.id for sub in page.questions)
            for number, sub in enumerate(page.questions):
                if counts[sub.id] > 1:
                    analysis.report(
                        (*path[:2], "questions", number, "id"),
                        "PAT110",
                        f"duplicate question id '{sub.id}' in '{page.id}'",
                    )
                if sub.next:
                    analysis.report(
                        (*path[:2], "questions", number, "next"),
                        "PAT116",
                        "questions inside add_another cannot route: put `next` on the page",
                        key=True,
                    )


def _questions_with_paths(spec: PatternSpec) -> Iterator[tuple[QuestionBase, DataPath]]:
    for index, page in enumerate(spec.pages):
        if isinstance(page, QuestionBase):
            yield page, ("pages", index)
            if isinstance(page, AddAnotherQuestion):
                for number, sub in enumerate(page.questions):
                    yield sub, ("pages", index, "questions", number)


def _bounds(low: object, high: object) -> bool:
    return isinstance(low, int | float) and isinstance(high, int | float) and low > high


def _check_questions(analysis: _Analysis) -> None:
    for question, path in _questions_with_paths(analysis.spec):
        kind = kind_for(question)
        for key in question.errors:
            if key not in kind.error_keys:
                known = ", ".join(sorted(kind.error_keys))
                analysis.report(
                    (*path, "errors", key),
                    "PAT115",
                    f"'{key}' is not an error of a {kind.type_name} question (it has: {known})",
                    key=True,
                )
        pairs: list[tuple[str, object, object]] = []
        if isinstance(question, TextQuestion | LongTextQuestion):
            pairs.append(("min_length", question.min_length, question.max_length))
        if isinstance(question, NumberQuestion | MoneyQuestion):
            pairs.append(("min", question.min, question.max))
        if isinstance(question, CheckboxesQuestion):
            pairs.append(("min_selected", question.min_selected, question.max_selected))
            pairs.append(("max_selected", question.max_selected, len(question.options)))
        if isinstance(question, AddAnotherQuestion):
            pairs.append(("min_items", question.min_items, question.max_items))
        if isinstance(question, DateQuestion):
            _check_date_bounds(analysis, question, path)
        for name, low, high in pairs:
            if _bounds(low, high):
                analysis.report(
                    (*path, name), "PAT113", f"{name} ({low}) is more than its maximum ({high})"
                )
        if hasattr(question, "options"):
            seen: set[str] = set()
            for number, option in enumerate(question.options):
                if option.value in seen:
                    analysis.report(
                        (*path, "options", number, "value"),
                        "PAT112",
                        f"duplicate option value '{option.value}'",
                    )
                seen.add(option.value)


def _check_date_bounds(analysis: _Analysis, question: DateQuestion, path: DataPath) -> None:
    # Two fixed dates, or two relative ones (`today`, `today+14d`), can be compared whatever the
    # day; a fixed date against a relative one cannot.
    any_day = dt.date(2000, 1, 1)
    resolved: dict[str, dt.date] = {}
    for name in ("earliest", "latest"):
        bound = getattr(question, name)
        if bound is None:
            continue
        try:
            resolved[name] = date_bound(bound, any_day)
        except ValueError:
            analysis.report((*path, name), "PAT105", f"{name}: '{bound}' is not a real date")
    relative = {getattr(question, name).startswith("today") for name in resolved}
    if len(resolved) == 2 and len(relative) == 1 and resolved["earliest"] > resolved["latest"]:
        analysis.report(
            (*path, "earliest"),
            "PAT113",
            f"earliest ({question.earliest}) is after latest ({question.latest})",
        )


def _check_parameters(analysis: _Analysis) -> None:
    for name, parameter in analysis.spec.parameters.items():
        if (
            isinstance(parameter, ChoiceParameter)
            and parameter.default is not None
            and parameter.default not in parameter.choices
        ):
            analysis.report(
                ("parameters", name, "default"),
                "PAT210",
                f"default '{parameter.default}' is not one of {', '.join(parameter.choices)}",
            )
        if (
            isinstance(parameter, NumberParameter | MoneyParameter)
            and isinstance(parameter.default, float)
            and not getattr(parameter, "decimal", False)
        ):
            analysis.report(
                ("parameters", name, "default"), "PAT103", "default must be a whole number"
            )


def _check_open311(analysis: _Analysis) -> None:
    report = analysis.spec.open311
    if report is None:
        return
    pages = {page.id: page for page in analysis.spec.pages}
    wanted: dict[str, tuple[tuple[type[QuestionBase], ...], str]] = {
        "location": ((LocationQuestion,), "location"),
        "description": ((LongTextQuestion, TextQuestion), "long_text or text"),
    }
    for role, (types, names) in wanted.items():
        question_id = getattr(report, role)
        page = pages.get(question_id)
        if not isinstance(page, types):
            analysis.report(
                ("open311", role),
                "PAT208",
                f"open311 {role} must name a {names} question, not '{question_id}'",
            )


def _available(analysis: _Analysis, path: DataPath, *, include_self: bool) -> frozenset[str] | None:
    """The questions whose answers can exist at `path`; None means any question."""
    if path[:1] != ("pages",) or len(path) < 2:
        return (
            None
            if path[:1] in (("check_answers",), ("declaration",), ("outcome",))
            else frozenset()
        )
    page = analysis.spec.pages[int(path[1])]
    before = analysis.facts.ancestors.get(page.id, frozenset())
    return before | {page.id} if include_self else before


def _answer_types(spec: PatternSpec) -> dict[str, CelType]:
    return {
        page.id: kind_for(page).cel_type(page)
        for page in spec.pages
        if isinstance(page, QuestionBase)
    }


def _expressions(spec: PatternSpec) -> Iterator[tuple[DataPath, str, str]]:
    for index, page in enumerate(spec.pages):
        if isinstance(page, ExitPage):
            continue
        for number, rule in enumerate(page.next):
            if rule.when is not None:
                yield ("pages", index, "next", number, "if"), rule.when, "condition"
    if spec.outcome.fee is not None:
        yield ("outcome", "fee"), spec.outcome.fee, "fee"


def _check_expressions(analysis: _Analysis) -> None:
    answers, params = _answer_types(analysis.spec), parameter_types(analysis.spec)
    for path, text, role in _expressions(analysis.spec):
        try:
            tree = expression_parse(text)
        except ExpressionSyntaxError as error:
            analysis.report_at(
                *analysis.source.locate(path, error.line, error.column), "PAT304", str(error)
            )
            continue
        kind, walk = expression_walk(tree=tree, source=text, answers=answers, params=params)
        problems, references = walk.problems, walk.references
        for problem in problems:
            analysis.report_at(
                *analysis.source.locate(path, problem.line, problem.column),
                problem.code,
                problem.message,
            )
        available = _available(analysis, path, include_self=True)
        for reference in references:
            if available is not None and reference.question_id not in available:
                analysis.report_at(
                    *analysis.source.locate(path, reference.line, reference.column),
                    "PAT209",
                    f"answers.{reference.question_id} cannot have been given before this page",
                )
        if role == "condition" and kind not in (BOOL, DYN):
            analysis.report(
                path, "PAT302", f"a condition must be true or false, but this is {kind}"
            )
        if role == "fee" and kind not in (INT, DYN):
            analysis.report(
                path, "PAT303", f"the fee must be a whole number of pence (int), but this is {kind}"
            )
        if not problems and text not in analysis.compiled:
            reads = (
                None
                if walk.reads_whole_map
                else ExpressionReads(
                    answers=tuple(sorted({r.question_id for r in references})),
                    params=tuple(sorted(walk.parameters_read)),
                )
            )
            analysis.compiled[text] = expression_compile(text, tree, reads=reads)


def localised_texts(value: object, path: DataPath = ()) -> Iterator[tuple[DataPath, Localised]]:
    """Every text in the pattern, with its path."""
    if isinstance(value, Localised):
        yield path, value
    elif isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            yield from localised_texts(getattr(value, name), (*path, info.alias or name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from localised_texts(item, (*path, index))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from localised_texts(item, (*path, key))


def _text_path(analysis: _Analysis, path: DataPath, language: str) -> DataPath:
    with_language = (*path, language)
    return with_language if with_language in analysis.source.values else path


def _check_texts(analysis: _Analysis) -> None:
    answers = set(_answer_types(analysis.spec))
    params = set(analysis.spec.parameters)
    for path, text in localised_texts(analysis.spec):
        available = _available(analysis, path, include_self=False)
        for language, content in (("en", text.en), ("cy", text.cy)):
            if content is None:
                continue
            text_path = _text_path(analysis, path, language)
            for placeholder in template_placeholders(content):
                line = content.count("\n", 0, placeholder.start) + 1
                column = placeholder.start - (content.rfind("\n", 0, placeholder.start) + 1) + 1
                where = analysis.source.locate(text_path, line, column)
                shown = content[placeholder.start : placeholder.end]
                if not placeholder.valid or path[:1] == ("parameters",):
                    analysis.report_at(
                        *where,
                        "PAT207",
                        f"malformed placeholder {shown}: write "
                        "{{ params.name }} or {{ answers.question_id }}",
                    )
                elif placeholder.scope == "params" and placeholder.name not in params:
                    analysis.report_at(
                        *where, "PAT206", f"unknown parameter '{placeholder.name}' in {shown}"
                    )
                elif placeholder.scope == "answers" and placeholder.name not in answers:
                    analysis.report_at(
                        *where, "PAT206", f"unknown question id '{placeholder.name}' in {shown}"
                    )
                elif (
                    placeholder.scope == "answers"
                    and available is not None
                    and placeholder.name not in available
                ):
                    analysis.report_at(
                        *where,
                        "PAT209",
                        f"{shown} cannot have been answered before {dotted(path)} is shown",
                    )


def _check_welsh(analysis: _Analysis) -> None:
    welsh = "cy" in analysis.spec.languages
    stray: list[DataPath] = []
    written = analysis.source.values
    for path, text in localised_texts(analysis.spec):
        if welsh and not text.cy:
            analysis.report(
                _text_path(analysis, path, "en"),
                "PAT501",
                f"{dotted(path)} has no Welsh (cy) text, and the pattern declares Welsh",
            )
        # Defaults (the check-answers title…) are bilingual; only Welsh someone wrote counts.
        if not welsh and text.cy and path in written:
            stray.append(path)
    if stray:
        first = stray[0]
        analysis.problems.append(
            Diagnostic(
                analysis.source.filename,
                *_line_column(analysis, first),
                "PAT502",
                f"Welsh text in {len(stray)} place(s), but `languages` does not include cy",
                Severity.WARNING,
            )
        )


def _line_column(analysis: _Analysis, path: DataPath) -> tuple[int, int]:
    position = analysis.source.position(path)
    return position.line, position.column
