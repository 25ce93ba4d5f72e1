"""Issue "must show": property-based tests of the engine (hypothesis). Arbitrary raw input never
crashes validation; arbitrary answers never crash routing, pruning or the summary; and every
journey made of valid answers ends at the check-answers page or an exit page.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from townhall.patterns.engine import (
    CHECK_ANSWERS,
    FeeUnavailable,
    JourneyEnded,
    Pattern,
    answers_prune,
    outcome_compute,
    page_validate,
    path_compute,
    route_next,
    summary_build,
)
from townhall.patterns.engine.schema import ExitPage
from townhall.patterns.engine.values import LANGUAGES as LANGUAGE_CODES
from townhall.patterns.engine.values import Language
from townhall.patterns.tests.factories import every_type_pattern, pothole_pattern
from townhall.patterns.tests.strategies import JSON_VALUE, raw_input_for, valid_raw

PATTERNS: dict[str, Pattern] = {"every_type": every_type_pattern(), "pothole": pothole_pattern()}
PARAMS: dict[str, dict[str, Any]] = {
    "every_type": {},
    "pothole": {"emergency_phone": "01632 960 001", "trunk_road_contact": "the agent"},
}
# Few examples each, so the whole patterns suite stays well under a minute on two cores; the
# database is off so runs leave no files behind.
FAST = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2060, 12, 31))
LANGUAGES: st.SearchStrategy[Language] = st.sampled_from(LANGUAGE_CODES)


@pytest.mark.parametrize("name", list(PATTERNS))
@FAST
@given(data=st.data(), language=LANGUAGES, today=DAYS)
def test_arbitrary_input_never_crashes_validation(
    name: str, data: st.DataObject, language: Language, today: dt.date
) -> None:
    pattern = PATTERNS[name]
    question = data.draw(st.sampled_from(list(pattern.questions())))
    raw = data.draw(raw_input_for(question))
    result = page_validate(
        pattern=pattern,
        page_id=question.id,
        raw=raw,
        params=PARAMS[name],
        language=language,
        today=today,
    )
    assert bool(result.values) != bool(result.errors)
    json.dumps(result.values)  # answers are JSON
    assert all(error.message and error.field.startswith(question.id) for error in result.errors)


@pytest.mark.parametrize("name", list(PATTERNS))
@FAST
@given(data=st.data(), language=LANGUAGES)
def test_arbitrary_answers_never_crash_routing_or_the_summary(
    name: str, data: st.DataObject, language: Language
) -> None:
    pattern = PATTERNS[name]
    keys = [*pattern.order, "not_a_question"]
    answers = data.draw(st.dictionaries(st.sampled_from(keys), JSON_VALUE, max_size=len(keys)))
    params = {
        **PARAMS[name],
        **data.draw(
            st.dictionaries(
                st.sampled_from(["fee", "max_bags", "inspection_days"]), JSON_VALUE, max_size=2
            )
        ),
    }
    path = path_compute(pattern=pattern, answers=answers, params=params)
    assert path[0] == pattern.first_page
    assert pattern.is_end(path[-1]) or path[-1] not in answers
    for page_id in path:
        if not pattern.is_end(page_id):
            assert route_next(pattern=pattern, page_id=page_id, answers=answers, params=params) in {
                *pattern.order,
                CHECK_ANSWERS,
            }
    pruned = answers_prune(pattern=pattern, answers=answers, params=params)
    assert set(pruned) <= set(answers)
    summary_build(pattern=pattern, answers=answers, params=params, language=language)
    with contextlib.suppress(FeeUnavailable):
        outcome_compute(pattern=pattern, answers=answers, params=params, language=language)


@pytest.mark.parametrize("name", list(PATTERNS))
@FAST
@given(data=st.data(), language=LANGUAGES, today=DAYS)
def test_every_journey_ends_at_check_answers_or_an_exit_page(
    name: str, data: st.DataObject, language: Language, today: dt.date
) -> None:
    pattern, params = PATTERNS[name], PARAMS[name]
    answers: dict[str, Any] = {}
    for _ in range(len(pattern.order) + 1):
        path = path_compute(pattern=pattern, answers=answers, params=params)
        last = path[-1]
        if pattern.is_end(last):
            assert last == CHECK_ANSWERS or isinstance(pattern.page(last), ExitPage)
            with pytest.raises(JourneyEnded):
                route_next(pattern=pattern, page_id=last, answers=answers, params=params)
            return
        question = pattern.question(last)
        assert question is not None
        raw = data.draw(valid_raw(question, question.id, today))
        result = page_validate(
            pattern=pattern, page_id=last, raw=raw, params=params, language=language, today=today
        )
        assert result.ok, (raw, result.errors)
        answers = answers_prune(
            pattern=pattern, answers={**answers, **result.values}, params=params
        )
    pytest.fail(f"the journey did not end: {path}")
