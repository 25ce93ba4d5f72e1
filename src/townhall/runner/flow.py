"""Where a resident may be and where they go next, decided only by the pattern engine.

These functions only combine the engine's answers (`path_compute`, `route_next`): which page a
resident may see, the page behind the back link, and where a "Change" from check answers leads.
They keep no state and touch no database.
"""

from __future__ import annotations

from collections.abc import Collection

from townhall.patterns.engine import (
    CHECK_ANSWERS,
    Answers,
    ParamValues,
    Pattern,
    path_compute,
    route_next,
)
from townhall.patterns.engine.schema import ContentPage


def journey_path(*, pattern: Pattern, answers: Answers, params: ParamValues) -> list[str]:
    """The pages the answers lead through, ending at the page to show next (an unanswered
    question, an exit page or check answers)."""
    return path_compute(pattern=pattern, answers=answers, params=params)


def redirect_target(*, path: list[str], page_id: str) -> str | None:
    """None if `page_id` is on the path; otherwise the page to send the resident to instead
    (the first unanswered page, an exit page or check answers)."""
    return None if page_id in path else path[-1]


def previous_page(*, path: list[str], page_id: str) -> str | None:
    """The page before `page_id` on the path (None: the start page is before it)."""
    index = path.index(page_id) if page_id in path else len(path)
    return path[index - 1] if index > 0 else None


def next_page(
    *,
    pattern: Pattern,
    page_id: str,
    answers: Answers,
    params: ParamValues,
    path: list[str] | None = None,
) -> str:
    """The page after `page_id`. Given the path of these answers (which storing them has just
    computed), it is read off the path instead of routed again: the same page, because the path
    is made by routing each answered page in turn."""
    if path is not None and page_id in path:
        index = path.index(page_id)
        if index + 1 < len(path):
            return path[index + 1]
    return route_next(pattern=pattern, page_id=page_id, answers=answers, params=params)


def next_page_after_change(
    *,
    pattern: Pattern,
    page_id: str,
    answers: Answers,
    params: ParamValues,
    seen: Collection[str],
) -> str:
    """Where a valid answer given from check answers leads: back to check answers, unless the
    changed route now passes pages the resident has not seen.

    Answered questions are skipped; the walk stops at an unanswered question, at a content page
    that was not on the path before the change (`seen`), at an exit page or at check answers.
    """
    current = route_next(pattern=pattern, page_id=page_id, answers=answers, params=params)
    # A checked pattern has no cycles, so the walk ends within one visit per page.
    for _step in range(len(pattern.order) + 1):
        if pattern.is_end(current):
            return current
        if pattern.question(current) is not None and current not in answers:
            return current
        if isinstance(pattern.page(current), ContentPage) and current not in seen:
            return current
        current = route_next(pattern=pattern, page_id=current, answers=answers, params=params)
    return CHECK_ANSWERS  # pragma: no cover - unreachable for a checked pattern
