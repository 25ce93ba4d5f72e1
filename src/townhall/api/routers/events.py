"""The event feed: what happened to the organisation's submissions, for systems that poll.

`GET /events?since=<cursor>` answers the events after the cursor, oldest first, and a `next`
cursor to poll with. Events are numbered per organisation in commit order (submissions/events.py),
so a poller that always sends the last `next` it got sees every event exactly once. The cursor is
the event's number as text: clients should treat it as opaque.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.errors import ValidationError

from townhall.api.auth import ApiKeyAuth, api_key_of
from townhall.api.schemas import Problem
from townhall.api.schemas_submissions import EventPage, EventQuery
from townhall.submissions.events import event_list_after

router = Router(tags=["Events"])

_CURSOR_DIGITS = 18  # a BIGINT has 19 digits; no organisation will get near it


def _since(cursor: str) -> int:
    if not cursor:
        return 0
    if not cursor.isdigit() or len(cursor) > _CURSOR_DIGITS:
        raise ValidationError(
            [{"loc": ("query", "since"), "msg": "Not a valid cursor: use `next` from a page."}]
        )
    return int(cursor)


@router.get(
    "/events",
    auth=ApiKeyAuth(scope="read"),
    response={200: EventPage, 401: Problem, 403: Problem, 422: Problem, 429: Problem},
    operation_id="event_list",
    summary="Events of the organisation's submissions after a cursor, oldest first",
    description="Poll with `since` set to the `next` of the last page: an empty page gives back "
    "the same cursor. Without `since`, the feed starts at the organisation's first event.",
)
def event_list(request: HttpRequest, params: Query[EventQuery]) -> dict[str, Any]:
    after, limit = _since(params.since), params.limit
    events = list(
        event_list_after(
            organisation_id=api_key_of(request).organisation_id, after=after, limit=limit
        )
    )
    return {
        "items": [
            {
                "id": event.pk,
                "cursor": str(event.sequence),
                "type": event.event_type,
                "created_at": event.created_at,
                "data": event.data,
            }
            for event in events
        ],
        "next": str(events[-1].sequence) if events else str(after),
    }
