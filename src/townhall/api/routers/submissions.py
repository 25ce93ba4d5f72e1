"""An organisation's submissions, with an API key: create (validated by the pattern engine, with
`Idempotency-Key`), list, read, change status, add notes.

Everything is scoped to the key's organisation; another organisation's services and submissions
answer 404, never 403. The list pages by keyset on (submitted_at, id), newest first, with the
condition written as `submitted_at <= t AND (submitted_at < t OR id < i)` so the database starts
its walk of a `submission_*_time` index at the cursor (api/pagination.py's OR-form cannot bound
the range); the cursor is casework's, since the inbox pages the same way.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Mapping
from typing import Annotated, Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router, Status
from ninja.errors import ValidationError
from ninja.params.functions import Path as PathParam
from ninja.responses import NinjaJSONEncoder

from townhall.api.auth import ApiKeyAuth, api_key_of
from townhall.api.intake import IntakeError, submission_intake
from townhall.api.problems import problem
from townhall.api.schemas import REFERENCE, SLUG, Problem
from townhall.api.schemas_submissions import (
    NoteIn,
    NoteOut,
    StatusChangeIn,
    SubmissionCreatedOut,
    SubmissionDetailOut,
    SubmissionFilters,
    SubmissionIn,
    SubmissionOut,
    SubmissionPage,
)
from townhall.casework.actions import (
    CaseworkError,
    actor_for_audit,
    note_add,
    submission_status_change,
)
from townhall.casework.queries import Cursor
from townhall.identity.models import ApiKey
from townhall.services.constants import ServiceState
from townhall.services.models import Service
from townhall.submissions.constants import Channel
from townhall.submissions.idempotency import (
    IdempotencyKeyInProgress,
    IdempotencyKeyInvalid,
    IdempotencyKeyReused,
    idempotent_create,
    request_hash,
    validate_idempotency_key,
)
from townhall.submissions.models import Submission

# Path parameters are checked before any query: a NUL byte, say, never reaches PostgreSQL.
Reference = Annotated[str, PathParam(pattern=REFERENCE, max_length=20)]
ServiceSlug = Annotated[str, PathParam(pattern=SLUG, max_length=100)]

router = Router(tags=["Submissions"])

READ = ApiKeyAuth(scope="read")
WRITE = ApiKeyAuth(scope="write")
AUTH_ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 429: Problem}
IDEMPOTENCY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"


# --- Shaping ------------------------------------------------------------------------------------


def _submission(submission: Submission) -> dict[str, Any]:
    """The fields every shape has; none is personal data (this is what idempotency stores)."""
    return {
        "reference": submission.reference,
        "service": submission.service.slug,
        "status": submission.status,
        "outcome": submission.outcome,
        "channel": submission.channel,
        "language": submission.language,
        "submitted_at": submission.submitted_at,
        "closed_at": submission.closed_at,
    }


def _as_json(body: Mapping[str, Any]) -> dict[str, Any]:
    """`body` as the API writes it (times as ninja writes them), so a stored first response
    replays byte for byte."""
    loaded: dict[str, Any] = json.loads(json.dumps(body, cls=NinjaJSONEncoder))
    return loaded


def _summary(submission: Submission) -> list[dict[str, Any]]:
    rows: Any = submission.summary  # decrypted JSON (typed as text by django-stubs)
    return [
        {"question_id": row["question_id"], "label": row["label"], "lines": list(row["lines"])}
        for row in rows
    ]


def _detail(submission: Submission) -> dict[str, Any]:
    answers: Any = submission.answers
    version = submission.pattern_version
    return {
        **_submission(submission),
        "summary": _summary(submission),
        "pattern": f"{version.pattern_id}@{version.version}",
        "answers": dict(answers),
    }


def _json(status: int, body: Mapping[str, Any], headers: Mapping[str, str]) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder), status=status, content_type="application/json"
    )
    for name, value in headers.items():
        response[name] = value
    return response


# --- Lookups, scoped to the key's organisation ----------------------------------------------------


def _live_service(api_key: ApiKey, slug: str) -> Service | None:
    return (
        Service.objects.select_related("organisation", "pattern_version")
        .filter(organisation_id=api_key.organisation_id, slug=slug, state=ServiceState.LIVE)
        .first()
    )


def _submission_of(api_key: ApiKey, reference: str) -> Submission | None:
    return (
        Submission.objects.select_related("service", "pattern_version")
        .filter(organisation_id=api_key.organisation_id, reference=reference.strip().upper())
        .first()
    )


def _not_found(request: HttpRequest, what: str) -> HttpResponse:
    return problem(request=request, status=404, title="Not found", detail=f"No such {what}.")


# --- Create -------------------------------------------------------------------------------------


@router.post(
    "/services/{service_slug}/submissions",
    auth=WRITE,
    response={
        201: SubmissionCreatedOut,
        400: Problem,
        404: Problem,
        409: Problem,
        422: Problem,
        **AUTH_ERRORS,
    },
    operation_id="submission_create",
    openapi_extra={
        "parameters": [
            {
                "in": "header",
                "name": IDEMPOTENCY_HEADER,
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
                "description": "Any unique value (a UUID): a retry with the same key and body "
                "within 24 hours gets the first response instead of a second submission.",
            }
        ]
    },
    summary="Send a submission to a live service",
    description="Validated exactly as the service's web pages validate a resident's answers "
    "(errors point at question ids). Send `Idempotency-Key` to make retries safe: the same key "
    "and body within 24 hours answer the first response again (with `Idempotent-Replayed: "
    "true`); the same key with another body is refused (422).",
)
def submission_create_endpoint(
    request: HttpRequest, service_slug: ServiceSlug, payload: SubmissionIn
) -> HttpResponse:
    api_key = api_key_of(request)
    service = _live_service(api_key, service_slug)
    if service is None:
        return _not_found(request, "live service")
    today = timezone.localdate()

    def create() -> tuple[int, Mapping[str, Any], str]:
        submission = submission_intake(
            service=service,
            raw_answers=payload.answers,
            language=payload.language,
            channel=Channel(payload.channel),
            today=today,
            declaration=payload.declaration,
            actor=actor_for_audit(api_key),
        )
        return 201, _as_json(_submission(submission)), submission.reference

    try:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            status, body, reference = create()
            replayed = False
        else:
            outcome = idempotent_create(
                organisation_id=api_key.organisation_id,
                key=validate_idempotency_key(key),
                fingerprint=request_hash(
                    method=request.method or "POST",
                    path=request.path,
                    body=json.loads(request.body or b"null"),
                ),
                now=timezone.now(),
                create=create,
            )
            status, body, reference = outcome.status, outcome.body, outcome.reference
            replayed = outcome.replayed
    except IntakeError as error:
        return problem(
            request=request,
            status=422,
            title="The answers cannot be accepted",
            detail="Correct the answers named in `errors`.",
            errors=error.errors,
        )
    except IdempotencyKeyInvalid:
        return problem(
            request=request,
            status=400,
            title="Invalid Idempotency-Key",
            detail="Send 1 to 255 printable ASCII characters without spaces, such as a UUID.",
        )
    except IdempotencyKeyReused:
        return problem(
            request=request,
            status=422,
            title="Idempotency-Key reused",
            detail="This Idempotency-Key was used with a different request.",
        )
    except IdempotencyKeyInProgress:
        return problem(
            request=request,
            status=409,
            title="Request in progress",
            detail="A request with this Idempotency-Key has not finished: retry shortly.",
        )
    # The summary holds answers, so it is never stored with the key: it is read back from the
    # submission, which never changes it.
    submission = _submission_of(api_key, reference)
    if submission is None:
        return _not_found(request, "submission")
    headers = {"Location": reverse("api-v1:submission_get", kwargs={"reference": reference})}
    if replayed:
        headers[REPLAYED_HEADER] = "true"
    # In the schema's field order: a stored body comes back from jsonb with its keys reordered.
    ordered = {name: body[name] for name in SubmissionOut.model_fields if name in body}
    return _json(status, {**ordered, "summary": _summary(submission)}, headers)


# --- Read ---------------------------------------------------------------------------------------


def _aware(moment: datetime.datetime | None) -> datetime.datetime | None:
    if moment is not None and timezone.is_naive(moment):
        return timezone.make_aware(moment, datetime.UTC)
    return moment


@router.get(
    "/submissions",
    auth=READ,
    response={200: SubmissionPage, 422: Problem, **AUTH_ERRORS},
    operation_id="submission_list",
    summary="List the organisation's submissions, newest first",
    description="Filters combine. Pages by cursor: pass `next` as `cursor` for the next page.",
)
def submission_list(request: HttpRequest, filters: Query[SubmissionFilters]) -> dict[str, Any]:
    api_key = api_key_of(request)
    rows = (
        Submission.objects.filter(organisation_id=api_key.organisation_id)
        .select_related("service")
        .defer("answers", "summary")  # large, encrypted, and not in a list
    )
    if filters.service:
        # By id, so the (organisation, service, -submitted_at, -id) index serves the page.
        service_ids = Service.objects.filter(
            organisation_id=api_key.organisation_id, slug=filters.service
        ).values_list("id", flat=True)
        rows = rows.filter(service_id__in=list(service_ids))
    if filters.status:
        rows = rows.filter(status=filters.status)
    if (since := _aware(filters.submitted_since)) is not None:
        rows = rows.filter(submitted_at__gte=since)
    if (until := _aware(filters.submitted_until)) is not None:
        rows = rows.filter(submitted_at__lt=until)
    if filters.reference:
        rows = rows.filter(reference=filters.reference.strip().upper())
    if filters.cursor:
        after = Cursor.decode(filters.cursor)
        if after is None:
            raise ValidationError(
                [{"loc": ("query", "cursor"), "msg": "Not a valid cursor: use `next` from a page."}]
            )
        rows = rows.filter(
            Q(submitted_at__lte=after.submitted_at)
            & (Q(submitted_at__lt=after.submitted_at) | Q(id__lt=after.id))
        )
    limit = filters.limit
    page = list(rows.order_by("-submitted_at", "-id")[: limit + 1])
    items = page[:limit]
    return {
        "items": [_submission(submission) for submission in items],
        "next": Cursor.of(items[-1]).encode() if len(page) > limit else None,
    }


@router.get(
    "/submissions/{reference}",
    auth=READ,
    response={200: SubmissionDetailOut, 404: Problem, 422: Problem, **AUTH_ERRORS},
    operation_id="submission_get",
    summary="One submission, with its answers and the summary the resident saw",
    url_name="submission_get",
)
def submission_get(request: HttpRequest, reference: Reference) -> Any:
    submission = _submission_of(api_key_of(request), reference)
    if submission is None:
        return _not_found(request, "submission")
    return Status(200, _detail(submission))


# --- Casework -----------------------------------------------------------------------------------


@router.post(
    "/submissions/{reference}/status",
    auth=WRITE,
    response={200: SubmissionDetailOut, 400: Problem, 404: Problem, 422: Problem, **AUTH_ERRORS},
    operation_id="submission_status_change",
    summary="Change a submission's status",
    description="received → in_progress → closed (with an outcome); reopening is allowed. The "
    "resident is emailed the new status and `public_note` when they gave an address.",
)
def submission_status_endpoint(
    request: HttpRequest, reference: Reference, payload: StatusChangeIn
) -> Any:
    api_key = api_key_of(request)
    submission = _submission_of(api_key, reference)
    if submission is None:
        return _not_found(request, "submission")
    try:
        submission_status_change(
            submission=submission,
            actor=api_key,
            status=payload.status,
            outcome=payload.outcome,
            public_note=payload.public_note,
        )
    except CaseworkError as error:
        field = "outcome" if "outcome" in str(error).lower() else "status"
        return problem(
            request=request,
            status=422,
            title="The status cannot be changed",
            detail=str(error),
            errors=[{"field": field, "message": str(error)}],
        )
    return Status(200, _detail(submission))


@router.post(
    "/submissions/{reference}/notes",
    auth=WRITE,
    response={201: NoteOut, 400: Problem, 404: Problem, 422: Problem, **AUTH_ERRORS},
    operation_id="submission_note_add",
    summary="Add an internal note to a submission",
    description="Internal notes are for staff: never sent or shown to the resident.",
)
def submission_note_endpoint(request: HttpRequest, reference: Reference, payload: NoteIn) -> Any:
    api_key = api_key_of(request)
    submission = _submission_of(api_key, reference)
    if submission is None:
        return _not_found(request, "submission")
    try:
        note = note_add(submission=submission, actor=api_key, text=payload.text)
    except CaseworkError as error:
        return problem(
            request=request,
            status=422,
            title="The note cannot be added",
            detail=str(error),
            errors=[{"field": "text", "message": str(error)}],
        )
    return Status(201, {"id": note.pk, "created_at": note.created_at})
