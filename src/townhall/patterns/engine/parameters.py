"""Checking the parameters an adopting organisation sets against the pattern's declarations."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from townhall.patterns.engine.journey import params_with_defaults
from townhall.patterns.engine.pattern import Pattern
from townhall.patterns.engine.schema import (
    BooleanParameter,
    ChoiceParameter,
    DateParameter,
    EmailParameter,
    MoneyParameter,
    NumberParameter,
    Parameter,
    TextParameter,
    UrlParameter,
)
from townhall.patterns.engine.values import JSON, ParamsResult


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _parameter_error(parameter: Parameter, value: JSON) -> str | None:
    if isinstance(parameter, TextParameter):
        if isinstance(value, str) and value.strip():
            return None
        if (
            isinstance(value, dict)
            and isinstance(value.get("en"), str)
            and set(value) <= {"en", "cy"}
        ):
            return None
        return "must be text, or a mapping of en and cy text"
    if isinstance(parameter, NumberParameter):
        if not _is_number(value) or (not parameter.decimal and isinstance(value, float)):
            return "must be a number" if parameter.decimal else "must be a whole number"
        return None
    if isinstance(parameter, MoneyParameter):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            return "must be an amount in pence (a whole number, 0 or more)"
        return None
    if isinstance(parameter, DateParameter):
        try:
            dt.date.fromisoformat(str(value))
        except ValueError:
            return "must be a date like 2026-04-01"
        return (
            None
            if isinstance(value, str) and len(value) == 10
            else "must be a date like 2026-04-01"
        )
    if isinstance(parameter, EmailParameter):
        ok = isinstance(value, str) and re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", value)
        return None if ok else "must be an email address"
    if isinstance(parameter, UrlParameter):
        ok = isinstance(value, str) and re.fullmatch(r"https://\S+", value)
        return None if ok else "must be a web address starting https://"
    if isinstance(parameter, BooleanParameter):
        return None if isinstance(value, bool) else "must be true or false"
    if isinstance(parameter, ChoiceParameter):
        return (
            None if value in parameter.choices else f"must be one of {', '.join(parameter.choices)}"
        )
    return None  # pragma: no cover - the union is exhaustive


def params_resolve(*, pattern: Pattern, values: Mapping[str, JSON]) -> ParamsResult:
    """Check an organisation's parameter values and fill in defaults; errors by parameter name."""
    errors: dict[str, str] = {}
    for name in values:
        if name not in pattern.spec.parameters:
            errors[name] = "is not a parameter of this pattern"
    resolved = params_with_defaults(
        pattern=pattern, params={k: v for k, v in values.items() if k in pattern.spec.parameters}
    )
    for name, parameter in pattern.spec.parameters.items():
        if name not in resolved:
            if parameter.required:
                errors[name] = "must be set"
            continue
        problem = _parameter_error(parameter, resolved[name])
        if problem is not None:
            errors[name] = problem
    return ParamsResult(values=resolved, errors=errors)
