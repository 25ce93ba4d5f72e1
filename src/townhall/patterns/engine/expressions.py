"""CEL, the expression language of routing conditions and fees: parsing, compiling, evaluating.

CEL (Common Expression Language, cel.dev) is a standard, side-effect free, non-Turing-complete
language with a maintained pure-Python implementation (celpy). Expressions see two maps,
`answers` and `params`, and two functions of ours, `date("YYYY-MM-DD")` and `days_between(a, b)`.
There is no eval, no attribute access to Python objects and no I/O.

At run time an expression that cannot be evaluated (an answer that was never given, a division by
zero) is not a crash: conditions treat it as false, and the fee is reported as unavailable.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import celpy
from celpy import celtypes
from celpy.celparser import CELParseError
from celpy.evaluation import CELEvalError

from townhall.patterns.engine.kinds.dates import date_to_cel
from townhall.patterns.engine.typecheck_calls import AstTree


class ExpressionSyntaxError(ValueError):
    def __init__(self, message: str, *, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def _date(text: celtypes.Value) -> celtypes.TimestampType:
    return date_to_cel(dt.date.fromisoformat(str(text)))


def _days_between(first: celtypes.Value, second: celtypes.Value) -> celtypes.IntType:
    if not isinstance(first, dt.datetime) or not isinstance(second, dt.datetime):
        raise TypeError("days_between() needs two dates")
    return celtypes.IntType((second - first).days)


FUNCTIONS: dict[str, Any] = {"date": _date, "days_between": _days_between}


def _syntax_hint(source: str) -> str:
    if re.search(r"(?<![=!<>])=(?!=)", source):
        return " (compare with ==, not =)"
    if re.search(r"\b(and|or|not)\b", source):
        return " (CEL writes && for and, || for or, ! for not)"
    return ""


def expression_parse(source: str) -> AstTree:
    """Parse CEL text; raise ExpressionSyntaxError with a 1-based line and column."""
    try:
        return celpy.Environment().compile(source)
    except CELParseError as error:
        line, column = error.line or 1, error.column or 1
        lines = source.splitlines() or [""]
        at = lines[min(line, len(lines)) - 1][column - 1 : column + 11].strip()
        found = f" at '{at}'" if at else " at the end"
        raise ExpressionSyntaxError(
            f"CEL syntax error{found}{_syntax_hint(source)}", line=line, column=column
        ) from None


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A parsed and compiled expression, made once when a pattern is loaded."""

    source: str
    runner: celpy.Runner

    def evaluate(self, activation: dict[str, celtypes.Value]) -> celtypes.Value | None:
        """The value, or None if it cannot be evaluated with these answers."""
        try:
            result = self.runner.evaluate(activation)
        except Exception:  # Any evaluation failure means "no value", never a crash.
            return None
        if isinstance(result, CELEvalError):
            return None
        return result

    def condition(self, activation: dict[str, celtypes.Value]) -> bool:
        result = self.evaluate(activation)
        return isinstance(result, celtypes.BoolType) and bool(result)


def expression_compile(source: str, tree: AstTree) -> CompiledExpression:
    # One environment per expression: celpy's Environment remembers its last program.
    runner = celpy.Environment().program(tree, functions=FUNCTIONS)
    return CompiledExpression(source=source, runner=runner)
