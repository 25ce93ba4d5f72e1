"""Reading the next page off the stored answers' path routes exactly as the engine does.

An answer POST stores the answers (which computes their path while pruning) and then needs the
next page: `flow.next_page` reads it off that path instead of routing again. For every step of
every scenario of every shipped pattern, that must be the page `route_next` chooses.
"""

from __future__ import annotations

import datetime as dt

import pytest

from townhall.patterns.engine import page_validate
from townhall.patterns.engine.journey import answers_prune_with_path, route_next
from townhall.patterns.engine.parameters import params_resolve
from townhall.patterns.engine.scenarios import _raw_input
from townhall.patterns.engine.values import JSON
from townhall.patterns.tests.factories import LIBRARY, pattern_load
from townhall.runner import flow
from townhall.runner.tests.test_page_cache import PATTERN_IDS, _scenarios


@pytest.mark.parametrize("pattern_id", PATTERN_IDS)
def test_next_page_from_the_stored_path_is_the_routed_page(pattern_id: str) -> None:
    pattern = pattern_load(LIBRARY / pattern_id / "pattern.yaml")
    compared = 0
    for scenario in _scenarios(pattern_id):
        params = params_resolve(pattern=pattern, values=scenario.params).values
        answers: dict[str, JSON] = {}
        for step in scenario.steps:
            if step.errors is not None or pattern.is_end(step.page):
                continue
            result = page_validate(
                pattern=pattern,
                page_id=step.page,
                raw=_raw_input(step),
                params=params,
                language=scenario.language,
                today=dt.date.fromisoformat(scenario.today),
                answers=answers,
            )
            if not result.ok:
                continue
            answers, path = answers_prune_with_path(
                pattern=pattern, answers={**answers, **result.values}, params=params
            )
            read = flow.next_page(
                pattern=pattern, page_id=step.page, answers=answers, params=params, path=path
            )
            routed = route_next(pattern=pattern, page_id=step.page, answers=answers, params=params)
            assert read == routed, (scenario.name, step.page)
            compared += 1
    assert compared > 0
