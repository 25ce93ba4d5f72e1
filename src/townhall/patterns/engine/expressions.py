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
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
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
class ExpressionReads:
    """The answers and parameters an expression reads, by name: all its value can depend on
    (CEL has no clock, no I/O and no state, and our two functions are pure)."""

    answers: tuple[str, ...]
    params: tuple[str, ...]


class Activation(ABC):
    """What a condition can be given instead of the CEL maps themselves: the values it reads as
    they are (for the memo), and the maps only when it must really be evaluated. Making the maps
    converts every answer and parameter to CEL, which costs more than a remembered condition."""

    @abstractmethod
    def read_key(self, reads: ExpressionReads) -> tuple[Any, ...] | None:
        """A key of the values `reads` names, equal for two activations only if their maps give
        those names equal values; None when there is none (then nothing is remembered)."""

    @abstractmethod
    def maps(self) -> dict[str, celtypes.Value]:
        """`answers` and `params` as CEL maps."""


# Marks a memo key made by `Activation.read_key`, so it never equals one made from CEL maps.
_READ_KEY = object()

# Conditions remembered per expression before the memo starts again. A condition reads a few
# answers, mostly choices, so a few hundred combinations cover nearly every resident.
_MEMO_LIMIT = 512


@dataclass(frozen=True, slots=True)
class CompiledExpression:
    """A parsed and compiled expression, made once when a pattern is loaded.

    Conditions are pure functions of the few values they read, so `condition` remembers its
    result for each combination of them: celpy interprets an expression's tree on every call
    (a fifth of a millisecond each, and a journey's path evaluates every rule on the way), while
    the same "is it dangerous?" answer recurs for thousands of residents. `reads` is None when
    the expression uses `answers` or `params` as a whole, and then nothing is remembered.
    """

    source: str
    runner: celpy.Runner
    reads: ExpressionReads | None = None
    memo: dict[tuple[Any, ...], bool] = field(default_factory=dict, compare=False, repr=False)

    def evaluate(self, activation: dict[str, celtypes.Value]) -> celtypes.Value | None:
        """The value, or None if it cannot be evaluated with these answers."""
        try:
            result = self.runner.evaluate(activation)
        except Exception:  # Any evaluation failure means "no value", never a crash.
            return None
        if isinstance(result, CELEvalError):
            return None
        return result

    def condition(self, activation: dict[str, celtypes.Value] | Activation) -> bool:
        if isinstance(activation, Activation):
            read = activation.read_key(self.reads) if self.reads is not None else None
            key = None if read is None else (_READ_KEY, *read)
        else:
            key = self._memo_key(activation)
        if key is not None:
            known = self.memo.get(key)
            if known is not None:
                return known
        result = self.evaluate(
            activation.maps() if isinstance(activation, Activation) else activation
        )
        holds = isinstance(result, celtypes.BoolType) and bool(result)
        if key is not None:
            if len(self.memo) >= _MEMO_LIMIT:
                self.memo.clear()
            self.memo[key] = holds
        return holds

    def _memo_key(self, activation: dict[str, celtypes.Value]) -> tuple[Any, ...] | None:
        """The values this expression reads, with their types (so that true and 1 differ), or
        None when it cannot be remembered (it reads a whole map, or a list or map value)."""
        if self.reads is None:
            return None
        answers, params = activation["answers"], activation["params"]
        if not isinstance(answers, dict) or not isinstance(params, dict):
            return None
        # dict.get: celpy's MapType.get raises KeyError for a missing key, and an answer not
        # given is a value here (None) like any other.
        key: list[Any] = []
        for name in self.reads.answers:
            value = dict.get(answers, celtypes.StringType(name))
            key.append((type(value), value))
        for name in self.reads.params:
            value = dict.get(params, celtypes.StringType(name))
            key.append((type(value), value))
        try:
            hash(tuple(key))
        except TypeError:
            return None
        return tuple(key)


def expression_compile(
    source: str, tree: AstTree, *, reads: ExpressionReads | None = None
) -> CompiledExpression:
    """Compile a parsed expression; `reads` (from the type check) lets conditions be remembered."""
    # One environment per expression: celpy's Environment remembers its last program.
    runner = celpy.Environment().program(tree, functions=FUNCTIONS)
    return CompiledExpression(source=source, runner=runner, reads=reads)
