"""Hypothesis strategies: arbitrary input and answers, and valid input for every question type."""

from __future__ import annotations

import datetime as dt
import string
from typing import Any

from hypothesis import strategies as st

from townhall.patterns.engine.kinds import kind_for
from townhall.patterns.engine.kinds.dates import date_bound
from townhall.patterns.engine.schema_questions import (
    AddAnotherQuestion,
    CheckboxesQuestion,
    DateQuestion,
    FileQuestion,
    LocationQuestion,
    MoneyQuestion,
    NameQuestion,
    NumberQuestion,
    QuestionBase,
    RadiosQuestion,
    SelectQuestion,
    TextQuestion,
)
from townhall.patterns.engine.values import UploadedFile

# Strings that reach the interesting branches of the validators more often than random text.
_TRICKY = st.sampled_from(
    [
        *("", " ", "0", "-1", "31", "13", "2", "02", "2020", "99999", "feb", "Chwefror", "1e9"),
        *("£5.5", "12.345", "yes", "no", "SW1A 1AA", "01632 960 001", "a@b.co", "1,000", "\r\n"),
        "{{ x }}",
    ]
)
_TEXT = st.one_of(_TRICKY, st.text(max_size=40))
_FILES = st.lists(
    st.fixed_dictionaries(
        {"name": st.text(max_size=12), "size": st.integers(-5, 2**40)},
        optional={"content_type": st.text(max_size=12), "ref": st.text(max_size=5)},
    ),
    max_size=4,
)
RAW_VALUE = st.one_of(
    _TEXT,
    st.lists(_TEXT, max_size=4),
    _FILES,
    st.integers(),
    st.none(),
    st.builds(UploadedFile, st.text(max_size=8), st.integers(-1, 10**9), st.text(max_size=8)),
)
JSON_VALUE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_TEXT, children, max_size=3),
    max_leaves=8,
)


def raw_input_for(question: QuestionBase) -> st.SearchStrategy[dict[str, Any]]:
    """Arbitrary input under the names the question reads, plus a few it does not."""
    names = kind_for(question).fields(question, question.id)
    names += [question.id, f"{question.id}-0-x", f"{question.id}-999-{question.id}", "other"]
    return st.dictionaries(st.sampled_from(names), RAW_VALUE, max_size=len(names))


def _letters(minimum: int, maximum: int) -> st.SearchStrategy[str]:
    return st.text(
        alphabet=string.ascii_letters, min_size=max(minimum, 1), max_size=max(maximum, 1)
    )


def _date_range(question: DateQuestion, today: dt.date) -> tuple[int, int]:
    low, high = dt.date(1900, 1, 1).toordinal(), dt.date(2100, 12, 31).toordinal()
    now = today.toordinal()
    rule_bounds = {"past": (low, now - 1), "future": (now + 1, high)}
    rule_bounds |= {"today_or_past": (low, now), "today_or_future": (now, high)}
    low, high = rule_bounds.get(question.rule, (low, high))
    if question.earliest:
        low = max(low, date_bound(question.earliest, today).toordinal())
    if question.latest:
        high = min(high, date_bound(question.latest, today).toordinal())
    return low, high


@st.composite
def valid_raw(draw: st.DrawFn, question: QuestionBase, name: str, today: dt.date) -> dict[str, Any]:
    """Input that a resident could really type and the question must accept."""
    type_name = kind_for(question).type_name
    if isinstance(question, TextQuestion) or type_name == "long_text":
        maximum = min(getattr(question, "max_length", 30), 30)
        return {name: draw(_letters(getattr(question, "min_length", None) or 1, maximum))}
    if isinstance(question, NumberQuestion | MoneyQuestion):
        scale = 100 if isinstance(question, MoneyQuestion) else 1
        low = int(question.min if question.min is not None else -1000 * scale)
        high = int(question.max if question.max is not None else 1000 * scale)
        number = draw(st.integers(max(low, 0) if scale == 100 else low, high))
        return {name: f"{number // 100}.{number % 100:02d}" if scale == 100 else str(number)}
    if isinstance(question, DateQuestion):
        low, high = _date_range(question, today)
        day = dt.date.fromordinal(draw(st.integers(low, high)))
        return {
            f"{name}-day": str(day.day),
            f"{name}-month": str(day.month),
            f"{name}-year": str(day.year),
        }
    if type_name == "yes_no":
        return {name: draw(st.sampled_from(["yes", "no"]))}
    if isinstance(question, RadiosQuestion | SelectQuestion):
        return {name: draw(st.sampled_from([option.value for option in question.options]))}
    if isinstance(question, CheckboxesQuestion):
        plain = [option.value for option in question.options if not option.exclusive]
        low = question.min_selected or (1 if question.required else 0)
        high = min(question.max_selected or len(plain), len(plain))
        return {
            name: draw(st.lists(st.sampled_from(plain), min_size=low, max_size=high, unique=True))
        }
    if type_name == "email":
        return {name: draw(st.sampled_from(["ada@example.com", "a.b+c@council.gov.uk"]))}
    if type_name == "uk_phone":
        return {name: draw(st.sampled_from(["01632 960 001", "+44 7700 900982", "020 7946 0000"]))}
    if type_name == "uk_postcode":
        return {name: draw(st.sampled_from(["CF10 1EP", "sw1a1aa", "LL57 2DG"]))}
    if type_name == "uk_address":
        return {
            f"{name}-line1": "1 High Street",
            f"{name}-town": "Brecon",
            f"{name}-postcode": "LD3 7AA",
        }
    if isinstance(question, NameQuestion):
        if question.parts == "full":
            return {name: draw(_letters(1, 20))}
        return {f"{name}-given": draw(_letters(1, 10)), f"{name}-family": draw(_letters(1, 10))}
    if isinstance(question, FileQuestion):
        count = draw(st.integers(1 if question.required else 0, question.max_files))
        extension = draw(st.sampled_from(question.accept))
        size = draw(st.integers(1, question.max_size_mb * 1024 * 1024))
        return {name: [UploadedFile(f"file{n}.{extension}", size, "") for n in range(count)]}
    if isinstance(question, LocationQuestion):
        point = {}
        if question.coordinates == "required" or (
            question.coordinates == "optional" and draw(st.booleans())
        ):
            point = {f"{name}-latitude": "52.41", f"{name}-longitude": "-4.08"}
        return {name: draw(_letters(1, 30)), **point}
    if isinstance(question, AddAnotherQuestion):
        minimum = kind_for(question).minimum(question)  # type: ignore[attr-defined]
        raw: dict[str, Any] = {}
        for index in range(draw(st.integers(max(minimum, 0), question.max_items))):
            for sub in question.questions:
                raw |= draw(valid_raw(sub, f"{name}-{index}-{sub.id}", today))
        return raw
    raise AssertionError(f"no valid input strategy for {type_name}")
