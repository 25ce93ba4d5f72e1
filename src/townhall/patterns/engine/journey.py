"""The engine's journey functions: validate a page, route, compute the path, summarise, prune.

Every entry point (the web runner, the API, Open311) calls these and nothing else, so a pattern's
rules are applied in exactly one place. They are pure: the same pattern, answers, parameters,
language and day always give the same result, and nothing is stored between calls.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from celpy import celtypes

from townhall.patterns.engine.expressions import Activation, ExpressionReads
from townhall.patterns.engine.formatting import date_display, money_display, number_display
from townhall.patterns.engine.graph import reachable_from
from townhall.patterns.engine.kinds import Context, kind_for
from townhall.patterns.engine.kinds.base import json_to_cel_strict
from townhall.patterns.engine.kinds.dates import date_to_cel
from townhall.patterns.engine.messages import word
from townhall.patterns.engine.pattern import Pattern
from townhall.patterns.engine.schema import ContentPage, ExitPage, NumberParameter
from townhall.patterns.engine.schema_common import Localised
from townhall.patterns.engine.schema_questions import QuestionBase
from townhall.patterns.engine.templates import template_render
from townhall.patterns.engine.values import (
    CHECK_ANSWERS,
    JSON,
    Answers,
    Language,
    Outcome,
    PageResult,
    ParamValues,
    RawInput,
    SummaryRow,
)

# Showing an answer never depends on the day; validation is the only thing that needs `today`.
_ANY_DAY = dt.date.min


class JourneyEnded(ValueError):
    """Routing was asked for the page after an end (check answers or an exit page)."""


class FeeUnavailable(ValueError):
    """The fee expression cannot be evaluated with these answers: take no payment."""


def params_with_defaults(*, pattern: Pattern, params: ParamValues) -> dict[str, JSON]:
    values: dict[str, JSON] = {}
    for name, parameter in pattern.spec.parameters.items():
        if name in params and params[name] is not None:
            values[name] = params[name]
        elif parameter.default is not None:
            default = parameter.default
            values[name] = (
                default.model_dump(exclude_none=True) if isinstance(default, Localised) else default
            )
    return values


def _param_display(pattern: Pattern, name: str, value: JSON, language: Language) -> str:
    parameter = pattern.spec.parameters[name]
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    if parameter.type == "money" and isinstance(value, int):
        return money_display(value)
    if parameter.type == "date" and isinstance(value, str):
        try:
            return date_display(dt.date.fromisoformat(value), language)
        except ValueError:
            return value
    if parameter.type == "boolean" and isinstance(value, bool):
        return word("yes" if value else "no", language)
    if (
        parameter.type == "number"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return number_display(value)
    return "" if value is None else str(value)


def text_render(
    *,
    pattern: Pattern,
    text: Localised | None,
    answers: Answers,
    params: ParamValues,
    language: Language,
) -> str:
    """A pattern text in `language`, with `{{ params.x }}` and `{{ answers.y }}` filled in."""
    if text is None:
        return ""
    values = params_with_defaults(pattern=pattern, params=params)
    return _Renderer(pattern, answers, values, language).render(text)


class _Renderer:
    def __init__(
        self, pattern: Pattern, answers: Answers, params: Mapping[str, JSON], language: Language
    ) -> None:
        self.pattern, self.answers, self.params, self.language = pattern, answers, params, language

    def render(self, text: Localised) -> str:
        return template_render(text.get(self.language), resolve=self._resolve)

    def _resolve(self, scope: str, name: str) -> str:
        if scope == "params":
            if name not in self.pattern.spec.parameters:
                return ""
            return _param_display(self.pattern, name, self.params.get(name), self.language)
        value = self.answers.get(name)
        question = self.pattern.pages.get(name)
        if value is None or not isinstance(question, QuestionBase):
            return ""
        # A placeholder is rendered inside another text: templates inside answers are not expanded.
        context = Context(name, self.language, _ANY_DAY, lambda text: text.get(self.language))
        return ", ".join(kind_for(question).display(question, value, context))

    def context(self, question_id: str, today: dt.date) -> Context:
        return Context(question_id, self.language, today, self.render)


def page_validate(
    *,
    pattern: Pattern,
    page_id: str,
    raw: RawInput,
    params: ParamValues,
    language: Language,
    today: dt.date,
    answers: Answers | None = None,
) -> PageResult:
    """Validate one page's raw form input into typed values, or GOV.UK-worded errors.

    `today` is passed in (rather than read from the clock) so validation is deterministic.
    Pages that ask nothing (content, exit) always validate, with no values.
    """
    question = pattern.question(page_id)
    if question is None:
        return PageResult(values={}, errors=())
    renderer = _Renderer(
        pattern, answers or {}, params_with_defaults(pattern=pattern, params=params), language
    )
    value, errors = kind_for(question).validate(
        question, raw, renderer.context(page_id, today), page_id
    )
    if errors:
        return PageResult(values={}, errors=tuple(errors))
    return PageResult(values={page_id: value}, errors=())


def _param_to_cel(pattern: Pattern, name: str, value: JSON) -> celtypes.Value:
    parameter = pattern.spec.parameters[name]
    if parameter.type == "date" and isinstance(value, str):
        return date_to_cel(dt.date.fromisoformat(value))
    if isinstance(parameter, NumberParameter) and isinstance(value, int | float):
        return (
            celtypes.DoubleType(float(value)) if parameter.decimal else celtypes.IntType(int(value))
        )
    if isinstance(value, dict):  # Localised text: conditions compare the English
        return celtypes.StringType(str(value.get("en", "")))
    return json_to_cel_strict(value)


def _activation(
    pattern: Pattern, answers: Answers, params: ParamValues
) -> dict[str, celtypes.Value]:
    """`answers` and `params` as CEL maps; an answer of the wrong shape is left out."""
    answer_map: dict[Any, celtypes.Value] = {}
    for question in pattern.questions():
        value = answers.get(question.id)
        if value is None:
            continue
        try:
            answer_map[celtypes.StringType(question.id)] = kind_for(question).to_cel(
                question, value
            )
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            continue
    param_map: dict[Any, celtypes.Value] = {}
    for name, value in params_with_defaults(pattern=pattern, params=params).items():
        try:
            param_map[celtypes.StringType(name)] = _param_to_cel(pattern, name, value)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError):
            continue
    return {"answers": celtypes.MapType(answer_map), "params": celtypes.MapType(param_map)}


# Answer and parameter values a remembered condition can be keyed by as they are: each becomes
# one CEL value, decided by the pattern alone (the memo belongs to one loaded pattern).
_SCALARS = (str, bool, int, float, type(None))


class _Values(Activation):
    """The answers and parameters one routing reads, made into CEL maps only if a condition is
    not remembered (`CompiledExpression.condition`)."""

    __slots__ = ("_answers", "_maps", "_param_values", "_params", "_pattern")

    def __init__(self, pattern: Pattern, answers: Answers, params: ParamValues) -> None:
        self._pattern, self._answers, self._params = pattern, answers, params
        self._param_values: dict[str, JSON] | None = None
        self._maps: dict[str, celtypes.Value] | None = None

    def read_key(self, reads: ExpressionReads) -> tuple[Any, ...] | None:
        key: list[Any] = []
        for name in reads.answers:
            value = self._answers.get(name)
            if not isinstance(value, _SCALARS):
                return None  # lists and maps are not remembered (as their CEL values are not)
            key.append((type(value), value))  # the type: true and 1 are different answers
        if reads.params:
            if self._param_values is None:
                self._param_values = params_with_defaults(
                    pattern=self._pattern, params=self._params
                )
            for name in reads.params:
                value = self._param_values.get(name)
                if not isinstance(value, _SCALARS):
                    return None
                key.append((type(value), value))
        return tuple(key)

    def maps(self) -> dict[str, celtypes.Value]:
        if self._maps is None:
            self._maps = _activation(self._pattern, self._answers, self._params)
        return self._maps


def _next(
    pattern: Pattern, page_id: str, activation: dict[str, celtypes.Value] | Activation
) -> str:
    page = pattern.page(page_id)
    if isinstance(page, ExitPage):
        raise JourneyEnded(page_id)
    assert isinstance(page, QuestionBase | ContentPage)  # noqa: S101 - the page union has three kinds
    for rule in page.next:
        if rule.when is None or pattern.expression(rule.when).condition(activation):
            return rule.goto
    return pattern.fallthrough[page_id]


def route_next(*, pattern: Pattern, page_id: str, answers: Answers, params: ParamValues) -> str:
    """The page after `page_id`: the first rule whose condition holds, else the next in order.

    A condition that cannot be evaluated (it uses an answer not given) counts as false.
    """
    if page_id == CHECK_ANSWERS:
        raise JourneyEnded(page_id)
    return _next(pattern, page_id, _Values(pattern, answers, params))


def path_compute(*, pattern: Pattern, answers: Answers, params: ParamValues) -> list[str]:
    """The pages the answers lead through, from the first page to check answers or an exit page,
    stopping early at the first question not yet answered (the page to ask next).
    """
    activation = _Values(pattern, answers, params)
    path: list[str] = []
    current = pattern.first_page
    while True:
        path.append(current)
        if pattern.is_end(current):
            return path
        if pattern.question(current) is not None and current not in answers:
            return path
        current = _next(pattern, current, activation)
        if current in path:  # impossible for a checked pattern; never loop forever
            return path


def answers_prune(*, pattern: Pattern, answers: Answers, params: ParamValues) -> dict[str, JSON]:
    """Drop answers that a changed earlier answer has made irrelevant.

    Kept: answers on the current path and, when the path stops at an unanswered question, answers
    to every page that can still follow it (they may be needed again). Everything else goes,
    including keys that are not questions of this pattern.
    """
    return answers_prune_with_path(pattern=pattern, answers=answers, params=params)[0]


def answers_prune_with_path(
    *, pattern: Pattern, answers: Answers, params: ParamValues
) -> tuple[dict[str, JSON], list[str]]:
    """`answers_prune`, and the path of the pruned answers (the same as the path of `answers`:
    a condition can only read answers given before its page, which pruning never drops), so a
    caller that needs both routes the journey once."""
    path = path_compute(pattern=pattern, answers=answers, params=params)
    keep = set(path)
    if not pattern.is_end(path[-1]):
        keep |= reachable_from(path[-1], pattern.successors)
    pruned = {
        key: value
        for key, value in answers.items()
        if key in keep and pattern.question(key) is not None
    }
    return pruned, path


def summary_build(
    *, pattern: Pattern, answers: Answers, params: ParamValues, language: Language
) -> list[SummaryRow]:
    """The check-answers rows for the questions on the path, in the order they were asked."""
    renderer = _Renderer(
        pattern, answers, params_with_defaults(pattern=pattern, params=params), language
    )
    rows: list[SummaryRow] = []
    for page_id in path_compute(pattern=pattern, answers=answers, params=params):
        question = pattern.pages.get(page_id)
        if not isinstance(question, QuestionBase) or page_id not in answers:
            continue
        value = answers[page_id]
        lines = (
            kind_for(question).display(question, value, renderer.context(page_id, _ANY_DAY))
            if value is not None
            else []
        )
        label = renderer.render(question.summary_label or question.label)
        rows.append(
            SummaryRow(page_id, label, tuple(lines) or (word("not_provided", language),), page_id)
        )
    return rows


def outcome_compute(
    *, pattern: Pattern, answers: Answers, params: ParamValues, language: Language
) -> Outcome:
    """The reference prefix, the fee in pence (None if the pattern charges none) and the
    confirmation texts. Raises FeeUnavailable if the fee expression cannot be evaluated.
    """
    spec = pattern.spec.outcome
    fee: int | None = None
    if spec.fee is not None:
        result = pattern.expression(spec.fee).evaluate(_activation(pattern, answers, params))
        if (
            not isinstance(result, celtypes.IntType)
            or isinstance(result, celtypes.BoolType)
            or result < 0
        ):
            raise FeeUnavailable(spec.fee)
        fee = int(result)
    renderer = _Renderer(
        pattern, answers, params_with_defaults(pattern=pattern, params=params), language
    )
    return Outcome(
        reference_prefix=spec.reference_prefix,
        fee_pence=fee,
        confirmation_title=renderer.render(spec.confirmation_title),
        confirmation_body=renderer.render(spec.confirmation_body) if spec.confirmation_body else "",
        what_happens_next=renderer.render(spec.what_happens_next),
    )
