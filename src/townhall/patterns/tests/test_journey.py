"""Issue part 2 (engine, journeys): routing with CEL conditions (skip, branch, exit), the path the
answers imply, pruning answers a changed answer made irrelevant, the check-answers summary, the
outcome with its fee, parameters, and patterns rebuilt from stored JSON. No database is used.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from townhall.patterns.engine import (
    CHECK_ANSWERS,
    FeeUnavailable,
    JourneyEnded,
    PageNotFound,
    PatternInvalid,
    answers_prune,
    outcome_compute,
    params_resolve,
    path_compute,
    pattern_from_data,
    route_next,
    summary_build,
    text_render,
)
from townhall.patterns.tests.factories import (
    every_type_pattern,
    pattern_build,
    pattern_data,
    question,
)

PARAMS = {"helpline": "01632 960 003"}
COMPLETE: dict[str, Any] = {
    "full_name": {"full": "Ada Lovelace"},
    "over_18": True,
    "date_of_birth": "1990-03-07",
    "nickname": None,
    "bags": 2,
    "weight": 3.5,
    "amount": 1250,
    "contact": "email",
    "email": "ada@example.com",
    "interests": ["recycling"],
    "council": "cardiff",
    "where": {"description": "By the bridge", "latitude": None, "longitude": None},
    "details": "Overflowing.",
    "evidence": [],
    "vehicles": [{"registration": "AB12 CDE", "since": "2020-01-01"}],
}


@pytest.fixture(scope="module")
def pattern():
    return every_type_pattern()


class TestRouting:
    def test_a_rule_branches(self, pattern) -> None:
        answers = {**COMPLETE, "contact": "phone"}
        assert (
            route_next(pattern=pattern, page_id="contact", answers=answers, params=PARAMS)
            == "phone"
        )

    def test_the_last_rule_without_if_is_the_default(self, pattern) -> None:
        answers = {**COMPLETE, "contact": "post"}
        assert (
            route_next(pattern=pattern, page_id="contact", answers=answers, params=PARAMS)
            == "address"
        )

    def test_without_rules_the_next_page_in_order_skipping_exit_pages(self, pattern) -> None:
        # over_18's only rule does not apply; the page after it is an exit page, which is skipped.
        assert (
            route_next(pattern=pattern, page_id="over_18", answers=COMPLETE, params=PARAMS)
            == "date_of_birth"
        )

    def test_an_exit(self, pattern) -> None:
        answers = {**COMPLETE, "over_18": False}
        assert (
            route_next(pattern=pattern, page_id="over_18", answers=answers, params=PARAMS)
            == "too_young"
        )

    def test_a_condition_on_a_missing_answer_is_false(self, pattern) -> None:
        assert (
            route_next(pattern=pattern, page_id="over_18", answers={}, params=PARAMS)
            == "date_of_birth"
        )

    def test_conditions_see_parameters(self, pattern) -> None:
        answers = {**COMPLETE, "bags": 7}
        assert (
            route_next(pattern=pattern, page_id="bags", answers=answers, params=PARAMS)
            == "too_many"
        )
        assert (
            route_next(pattern=pattern, page_id="bags", answers=answers, params={"max_bags": 10})
            == "weight"
        )

    def test_list_macros_over_add_another_items(self, pattern) -> None:
        answers = {**COMPLETE, "vehicles": [{"registration": "EXIT"}]}
        assert (
            route_next(pattern=pattern, page_id="vehicles", answers=answers, params=PARAMS)
            == "too_young"
        )
        assert (
            route_next(pattern=pattern, page_id="vehicles", answers=COMPLETE, params=PARAMS)
            == CHECK_ANSWERS
        )

    def test_no_page_after_an_end(self, pattern) -> None:
        with pytest.raises(JourneyEnded):
            route_next(pattern=pattern, page_id="too_young", answers={}, params=PARAMS)
        with pytest.raises(JourneyEnded):
            route_next(pattern=pattern, page_id=CHECK_ANSWERS, answers={}, params=PARAMS)
        with pytest.raises(PageNotFound):
            route_next(pattern=pattern, page_id="no_such_page", answers={}, params=PARAMS)


class TestPath:
    def test_complete_answers_reach_check_answers(self, pattern) -> None:
        path = path_compute(pattern=pattern, answers=COMPLETE, params=PARAMS)
        assert path == [
            "full_name",
            "over_18",
            "date_of_birth",
            "nickname",
            "bags",
            "weight",
            "amount",
            "contact",
            "email",
            "interests",
            "council",
            "where",
            "details",
            "evidence",
            "vehicles",
            CHECK_ANSWERS,
        ]

    def test_the_path_stops_at_the_first_unanswered_question(self, pattern) -> None:
        answers = {key: COMPLETE[key] for key in ("full_name", "over_18")}
        assert path_compute(pattern=pattern, answers=answers, params=PARAMS) == [
            "full_name",
            "over_18",
            "date_of_birth",
        ]

    def test_content_pages_are_passed_through(self, pattern) -> None:
        answers = {**COMPLETE, "bags": 9}
        path = path_compute(pattern=pattern, answers=answers, params=PARAMS)
        assert path[4:7] == ["bags", "too_many", "weight"]

    def test_an_exit_ends_the_path(self, pattern) -> None:
        answers = {**COMPLETE, "over_18": False}
        assert path_compute(pattern=pattern, answers=answers, params=PARAMS) == [
            "full_name",
            "over_18",
            "too_young",
        ]

    def test_a_blank_optional_answer_counts_as_answered(self, pattern) -> None:
        assert "weight" in path_compute(
            pattern=pattern, answers={**COMPLETE, "weight": None}, params=PARAMS
        )


class TestPrune:
    def test_answers_on_an_abandoned_branch_are_dropped(self, pattern) -> None:
        answers = {**COMPLETE, "contact": "post", "address": {"line1": "1 High St"}}
        changed = {**answers, "contact": "email"}
        pruned = answers_prune(pattern=pattern, answers=changed, params=PARAMS)
        assert "address" not in pruned
        assert pruned["email"] == "ada@example.com"

    def test_answers_after_a_new_unanswered_question_are_kept(self, pattern) -> None:
        answers = {**COMPLETE, "contact": "phone"}  # the phone page is new and unanswered
        pruned = answers_prune(pattern=pattern, answers=answers, params=PARAMS)
        assert pruned["interests"] == ["recycling"]
        assert "email" not in pruned

    def test_an_exit_drops_everything_after_it(self, pattern) -> None:
        pruned = answers_prune(
            pattern=pattern, answers={**COMPLETE, "over_18": False}, params=PARAMS
        )
        assert pruned == {"full_name": COMPLETE["full_name"], "over_18": False}

    def test_unknown_keys_are_dropped_and_inputs_untouched(self, pattern) -> None:
        answers = {**COMPLETE, "not_a_question": 1, "too_many": "x"}
        before = copy.deepcopy(answers)
        pruned = answers_prune(pattern=pattern, answers=answers, params=PARAMS)
        assert "not_a_question" not in pruned
        assert "too_many" not in pruned
        assert answers == before


class TestSummary:
    def test_rows_follow_the_path(self, pattern) -> None:
        rows = summary_build(pattern=pattern, answers=COMPLETE, params=PARAMS, language="en")
        assert [row.question_id for row in rows][:4] == [
            "full_name",
            "over_18",
            "date_of_birth",
            "nickname",
        ]
        shown = {row.question_id: (row.label, row.lines, row.change_page) for row in rows}
        assert shown["date_of_birth"] == (
            "What is your date of birth?",
            ("7 March 1990",),
            "date_of_birth",
        )
        assert shown["nickname"][1] == ("Not provided",)
        assert shown["amount"][1] == ("£12.50",)
        assert shown["weight"][1] == ("3.5 kg",)
        assert shown["vehicles"][1] == ("AB12 CDE, 1 January 2020",)
        assert shown["details"][0] == "Tell us more, Ada Lovelace"

    def test_welsh(self, pattern) -> None:
        rows = summary_build(pattern=pattern, answers=COMPLETE, params=PARAMS, language="cy")
        shown = {row.question_id: (row.label, row.lines) for row in rows}
        assert shown["date_of_birth"] == ("Beth yw eich dyddiad geni?", ("7 Mawrth 1990",))
        assert shown["over_18"][1] == ("Ydw",)
        assert shown["nickname"][1] == ("Heb ei ddarparu",)
        assert shown["interests"][1] == ("Ailgylchu",)


class TestOutcome:
    def test_fee_from_answers_and_parameters(self, pattern) -> None:
        answers = {**COMPLETE, "vehicles": [{"registration": "A"}, {"registration": "B"}]}
        outcome = outcome_compute(pattern=pattern, answers=answers, params=PARAMS, language="en")
        assert (outcome.reference_prefix, outcome.fee_pence) == ("EVT", 5000)
        assert outcome.what_happens_next == "You will pay £25 per vehicle."
        outcome = outcome_compute(
            pattern=pattern, answers=answers, params={"fee": 1050}, language="cy"
        )
        assert outcome.fee_pence == 2100
        assert outcome.what_happens_next == "Byddwch yn talu £10.50 am bob cerbyd."

    def test_a_fee_that_cannot_be_computed_is_refused(self, pattern) -> None:
        with pytest.raises(FeeUnavailable):
            outcome_compute(pattern=pattern, answers={}, params=PARAMS, language="en")

    def test_no_fee(self) -> None:
        pattern = pattern_build(pages=[question("text")])
        assert (
            outcome_compute(pattern=pattern, answers={}, params={}, language="en").fee_pence is None
        )


class TestParameters:
    def test_defaults_are_filled_in(self, pattern) -> None:
        result = params_resolve(pattern=pattern, values={})
        assert result.ok
        assert result.values == {"fee": 2500, "max_bags": 6}

    def test_wrong_values_are_reported_by_name(self, pattern) -> None:
        result = params_resolve(
            pattern=pattern, values={"fee": 12.5, "max_bags": "six", "colour": "red"}
        )
        assert result.errors == {
            "colour": "is not a parameter of this pattern",
            "fee": "must be an amount in pence (a whole number, 0 or more)",
            "max_bags": "must be a whole number",
        }

    def test_a_required_parameter_must_be_set(self) -> None:
        pattern = pattern_build(
            pages=[question("text")],
            parameters={"phone": {"type": "text", "description": "The phone number."}},
        )
        assert params_resolve(pattern=pattern, values={}).errors == {"phone": "must be set"}
        assert params_resolve(pattern=pattern, values={"phone": {"en": "0300", "cy": "0300"}}).ok

    def test_text_placeholders(self, pattern) -> None:
        start = pattern.spec.start.body
        assert (
            text_render(pattern=pattern, text=start, answers={}, params={}, language="en")
            == "Costs £25."
        )
        assert (
            text_render(pattern=pattern, text=start, answers={}, params={"fee": 99}, language="cy")
            == "Mae’n costio £0.99."
        )


class TestStoredPatterns:
    def test_a_pattern_round_trips_through_json(self, pattern) -> None:
        stored = json.loads(pattern.spec.model_dump_json(by_alias=True, exclude_none=True))
        rebuilt = pattern_from_data(data=stored)
        assert path_compute(pattern=rebuilt, answers=COMPLETE, params=PARAMS) == path_compute(
            pattern=pattern, answers=COMPLETE, params=PARAMS
        )
        assert rebuilt.spec == pattern.spec

    def test_invalid_stored_data_is_refused(self) -> None:
        data = pattern_data(pages=[question("text", next=[{"goto": "nowhere"}])])
        with pytest.raises(PatternInvalid) as raised:
            pattern_from_data(data=data)
        assert [d.code for d in raised.value.diagnostics] == ["PAT205"]

    def test_loaded_patterns_are_immutable(self, pattern) -> None:
        with pytest.raises(Exception, match="frozen"):
            pattern.spec.pages[0].label.en = "Changed"
