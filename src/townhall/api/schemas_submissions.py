"""Request and response shapes of an organisation's submissions and its event feed (`/api/v1/`)."""

from __future__ import annotations

import datetime
import uuid
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import field_validator

from townhall.api.schemas import NO_NUL, REFERENCE, SLUG
from townhall.submissions.constants import Channel, Outcome, SubmissionStatus

# One answer as a web form posts it: the main field's text, a list (checkboxes), or an object of
# the page's form fields (`{"day": "3", "month": "4", "year": "2026"}`). See api/intake.py.
type RawAnswer = str | int | float | list[str] | dict[str, str | int | float | list[str]] | None


class SubmissionIn(Schema):
    answers: dict[str, RawAnswer] = Field(
        description="Answers by question id, as the service's web form would post them: text, a "
        "list of texts (checkboxes), or an object of the page's fields (`day`, `month`, `year`; "
        "`latitude`…). Questions the answers do not lead to must be left out.",
        examples=[{"danger": "no", "location": {"location": "Outside 14 High Street"}}],
    )
    language: Literal["en", "cy"] = "en"
    channel: Literal["assisted", "api"] = Field(
        default="api",
        description="`assisted`: staff (a contact centre) sending on a resident's behalf; "
        "`api`: another system.",
    )
    declaration: bool = Field(
        default=False,
        description="For a service with a declaration: the resident agreed to it.",
    )


class SummaryRowOut(Schema):
    question_id: str
    label: str
    lines: list[str]


class SubmissionOut(Schema):
    """A submission as lists show it: no answers."""

    reference: str
    service: str = Field(description="The service's slug.")
    status: SubmissionStatus
    outcome: Outcome | Literal[""]
    channel: Channel
    language: str
    submitted_at: datetime.datetime
    closed_at: datetime.datetime | None


class SubmissionCreatedOut(SubmissionOut):
    """What `POST` answers: the submission and the summary the answers make."""

    summary: list[SummaryRowOut]


class SubmissionDetailOut(SubmissionCreatedOut):
    """One submission with its typed answers (dates as ISO strings, money in pence)."""

    pattern: str = Field(description="`<pattern id>@<version>` the answers were given on.")
    answers: dict[str, Any]


class SubmissionPage(Schema):
    items: list[SubmissionOut]
    next: str | None = Field(description="The cursor of the next page; null on the last.")


class SubmissionFilters(Schema):
    """The list's query parameters; they combine."""

    service: str | None = Field(
        default=None, max_length=100, pattern=SLUG, description="A service's slug."
    )
    status: SubmissionStatus | None = None
    submitted_since: datetime.datetime | None = Field(
        default=None, description="Submitted at or after this moment (ISO 8601; UTC if no offset)."
    )
    submitted_until: datetime.datetime | None = Field(
        default=None, description="Submitted before this moment."
    )
    reference: str | None = Field(default=None, max_length=20, pattern=REFERENCE)
    cursor: str | None = Field(
        default=None, max_length=200, pattern=NO_NUL, description="`next` from the previous page."
    )
    limit: int = Field(default=50, ge=1, le=100)

    @field_validator("submitted_since", "submitted_until", mode="before")
    @classmethod
    def _iso_8601(cls, value: Any) -> Any:
        # Pydantic would also read a number as Unix time: the document promises ISO 8601 only.
        if isinstance(value, str):
            try:
                return datetime.datetime.fromisoformat(value)
            except ValueError:
                raise ValueError("Enter a date and time in ISO 8601") from None
        return value


class StatusChangeIn(Schema):
    status: SubmissionStatus
    outcome: Outcome | Literal[""] = Field(default="", description="Required when closing.")
    public_note: str = Field(
        default="", max_length=2000, description="Sent to the resident with the new status."
    )


class NoteIn(Schema):
    text: str = Field(max_length=10000, description="Internal: never shown to the resident.")


class NoteOut(Schema):
    id: uuid.UUID
    created_at: datetime.datetime


class EventQuery(Schema):
    since: str = Field(default="", max_length=40, description="`next` from the previous page.")
    limit: int = Field(default=50, ge=1, le=100)


class EventOut(Schema):
    id: uuid.UUID = Field(description="Unique; the `webhook-id` of the same event's webhook.")
    cursor: str = Field(description="Ask for events `since` this one.")
    type: str = Field(description="`submission.created` or `submission.status_changed`.")
    created_at: datetime.datetime
    data: dict[str, Any] = Field(
        description="reference, service (slug), status, outcome, channel; for a status change, "
        "`previous` status and outcome. Never personal data."
    )


class EventPage(Schema):
    items: list[EventOut]
    next: str = Field(
        description="Poll again with `since` set to this; an empty page gives back the cursor "
        "it was asked with."
    )
