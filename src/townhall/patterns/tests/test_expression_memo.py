"""Remembered conditions give exactly what evaluating them afresh gives.

A condition's result is remembered per combination of the answers and parameters it reads
(`ExpressionReads`, from the type check). If the type check missed something an expression
reads, two residents with different answers would share a result: these tests would catch it.
"""

from __future__ import annotations

from typing import Any

import pytest
from celpy import celtypes
from hypothesis import given
from hypothesis import strategies as st

from townhall.patterns.engine.expressions import CompiledExpression
from townhall.patterns.engine.journey import _activation, _Values
from townhall.patterns.tests.factories import LIBRARY, pattern_build, pattern_load, question
from townhall.patterns.tests.strategies import JSON_VALUE
from townhall.patterns.tests.test_properties import FAST, PARAMS, PATTERNS


def _fresh(expression: CompiledExpression, activation: dict[str, Any]) -> bool:
    result = expression.evaluate(activation)
    return isinstance(result, celtypes.BoolType) and bool(result)


@pytest.mark.parametrize("name", list(PATTERNS))
@FAST
@given(data=st.data())
def test_a_remembered_condition_is_the_evaluated_one(name: str, data: st.DataObject) -> None:
    pattern = PATTERNS[name]
    keys = list(pattern.order)
    for _round in range(3):  # later rounds meet what earlier ones remembered
        answers = data.draw(st.dictionaries(st.sampled_from(keys), JSON_VALUE, max_size=len(keys)))
        activation = _activation(pattern, answers, PARAMS[name])
        for expression in pattern.expressions.values():
            assert expression.condition(activation) == _fresh(expression, activation)


@pytest.mark.parametrize("name", list(PATTERNS))
@FAST
@given(data=st.data())
def test_a_condition_given_the_raw_values_is_the_evaluated_one(
    name: str, data: st.DataObject
) -> None:
    """Routing hands conditions the answers as they are (`_Values`), making CEL maps only for a
    condition not remembered; remembered or not, by either key, the result is the evaluated one."""
    pattern = PATTERNS[name]
    keys = list(pattern.order)
    for _round in range(3):
        answers = data.draw(st.dictionaries(st.sampled_from(keys), JSON_VALUE, max_size=len(keys)))
        activation = _activation(pattern, answers, PARAMS[name])
        for expression in pattern.expressions.values():
            fresh = _fresh(expression, activation)
            assert expression.condition(_Values(pattern, answers, PARAMS[name])) == fresh
            assert expression.condition(activation) == fresh


def test_raw_values_are_remembered_by_type_and_converted_only_when_needed() -> None:
    pattern = pattern_build(
        pages=[
            question("yes_no", "a"),
            {**question("yes_no", "c"), "next": [{"when": "answers.a == true", "goto": "a_end"}]},
            {"id": "a_end", "type": "exit", "title": "Stop", "body": "Stopped."},
        ]
    )
    expression = pattern.expression("answers.a == true")
    given_yes = _Values(pattern, {"a": True}, {})
    assert expression.condition(given_yes) is True
    assert expression.condition(_Values(pattern, {"a": 1}, {})) is False  # 1 is not true
    remembered = _Values(pattern, {"a": True}, {})
    assert expression.condition(remembered) is True
    assert remembered._maps is None  # answered from the memo: nothing converted to CEL


def test_library_conditions_say_what_they_read() -> None:
    """Every condition in the shipped library is remembered (none reads a whole map)."""
    for path in sorted(LIBRARY.glob("*/pattern.yaml")):
        pattern = pattern_load(path)
        for source, expression in pattern.expressions.items():
            assert expression.reads is not None, (path.parent.name, source)
            for name in expression.reads.answers:
                assert name in source, (path.parent.name, source)


def _routed(when: str) -> CompiledExpression:
    pattern = pattern_build(
        pages=[
            question("yes_no", "a"),
            question("text", "b"),
            {**question("yes_no", "c"), "next": [{"when": when, "goto": "a_end"}]},
            {"id": "a_end", "type": "exit", "title": "Stop", "body": "Stopped."},
        ],
        parameters={"limit": {"type": "number", "default": 3, "description": "Limit"}},
    )
    return pattern.expression(when)


def test_reads_are_the_named_answers_and_parameters() -> None:
    reads = _routed("answers.a == true && size(answers.b) > params.limit").reads
    assert reads is not None
    assert reads.answers == ("a", "b")
    assert reads.params == ("limit",)


def test_an_expression_reading_a_whole_map_is_never_remembered() -> None:
    expression = _routed('"b" in answers')
    assert expression.reads is None
    answers = {celtypes.StringType("b"): celtypes.StringType("x")}
    activation: dict[str, celtypes.Value] = {
        "answers": celtypes.MapType(answers),
        "params": celtypes.MapType({}),
    }
    assert expression.condition(activation) is True
    assert expression.condition({**activation, "answers": celtypes.MapType({})}) is False
    assert expression.memo == {}


def test_the_same_answer_under_different_parameters_is_evaluated_again() -> None:
    """Two councils run one pattern version with different parameter values."""
    expression = _routed("size(answers.b) > params.limit")
    answers = celtypes.MapType({celtypes.StringType("b"): celtypes.StringType("four")})

    def under(limit: int) -> bool:
        params = celtypes.MapType({celtypes.StringType("limit"): celtypes.IntType(limit)})
        return expression.condition({"answers": answers, "params": params})

    assert under(3) is True
    assert under(5) is False
    assert under(3) is True
