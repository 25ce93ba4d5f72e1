"""Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2) with FixMyStreet's
`servicerequestupdates` and the `page`/`page_size` extension.

`jurisdiction_id` is an organisation's slug (an empty value counts as absent; then the api_key's
organisation is used, and a read without either is refused). `service_code` is a service's slug
and `service_request_id` a submission's reference. Creating goes through the REST API's intake
engine (validated as the web pages validate) into the same inbox, on channel `open311`, with an
api_key that can write, in the query string or the body, form-encoded or multipart.

Decisions: reads are public as the spec has them, but a request's `description` (the resident's
own words) is only returned to a key of the organisation; email and names are never returned.
Errors are the spec's list with 400, 403 or 404 (and 429 past the API's rate limit). A service
request is created at once, so its token is its reference.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from townhall.api.intake import NOT_ASKED, IntakeError, submission_intake
from townhall.api.open311 import queries
from townhall.api.open311.formats import (
    Format,
    datetime_text,
    error,
    methods_allowed,
    respond,
)
from townhall.api.open311.mapping import (
    Open311Request,
    attributes_build,
    email_question_id,
    raw_answers_build,
)
from townhall.casework.actions import actor_for_audit
from townhall.identity.actions import api_key_use_record
from townhall.identity.models import ApiKey
from townhall.identity.queries import api_key_authenticate
from townhall.patterns.engine import text_render
from townhall.submissions.constants import Channel
from townhall.submissions.models import Submission
from townhall.tenancy.models import Organisation

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-02T00:00:00+00:00"
ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")
# Control characters other than tab and newlines (a description may have several lines).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
BAD_KEY = "api_key is missing or not valid for this jurisdiction"
NO_JURISDICTION = "jurisdiction_id is required"


class Refusal(Exception):
    """An answer in the spec's error format."""

    def __init__(self, status: int, description: str | Sequence[str]) -> None:
        super().__init__(status)
        self.status = status
        self.description = description


def _clean(name: str, value: str) -> str:
    # PostgreSQL refuses NUL in text, so it never reaches a query: refused here with a 400.
    if CONTROL.search(value):
        raise Refusal(400, f"{name} must not contain control characters")
    return value.strip()


def _param(request: HttpRequest, name: str) -> str | None:
    """A field from the body or the query string; blank is absent."""
    for source in (request.POST, request.GET):
        value = source.get(name)
        if value is not None and value.strip():
            return _clean(name, value)
    return None


def _api_key(request: HttpRequest, *, scope: str) -> ApiKey | None:
    """The request's key (None when it sends none); Refusal for a bad or throttled one."""
    raw = _param(request, "api_key")
    if raw is None:
        return None
    api_key = api_key_authenticate(raw_key=raw)
    if api_key is None:
        raise Refusal(403, BAD_KEY)
    if api_key_use_record(api_key=api_key) is not None:
        raise Refusal(429, "Too many requests with this api_key: retry later")
    if not api_key.allows(scope):
        raise Refusal(403, "This api_key cannot create service requests")
    return api_key


def _organisation(request: HttpRequest, api_key: ApiKey | None) -> Organisation:
    jurisdiction = _param(request, "jurisdiction_id")
    if jurisdiction is None:
        if api_key is None:
            raise Refusal(400, NO_JURISDICTION)
        return api_key.organisation
    organisation = (
        queries.organisation_for_jurisdiction(jurisdiction_id=jurisdiction)
        if SLUG.match(jurisdiction.lower())
        else None
    )
    if organisation is None:
        raise Refusal(404, "No such jurisdiction_id")
    if api_key is not None and api_key.organisation_id != organisation.pk:
        raise Refusal(403, BAD_KEY)
    return organisation


def _handle(fmt: str, view: Any, *args: Any) -> HttpResponse:
    checked: Format = "xml" if fmt == "xml" else "json"
    try:
        response: HttpResponse = view(checked, *args)
    except Refusal as refusal:
        response = error(fmt=checked, status=refusal.status, description=refusal.description)
    return response


def _datetime(request: HttpRequest, name: str) -> dt.datetime | None:
    text = _param(request, name)
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Refusal(400, f"{name} must be a date and time in ISO 8601 (W3C) format") from None
    return timezone.make_aware(moment, dt.UTC) if timezone.is_naive(moment) else moment


def _number(request: HttpRequest, name: str, *, default: int, most: int) -> int:
    text = _param(request, name)
    if text is None:
        return default
    if not text.isdigit() or not 1 <= int(text) <= most:
        raise Refusal(400, f"{name} must be a whole number from 1 to {most}")
    return int(text)


def _list(request: HttpRequest, name: str) -> list[str]:
    text = _param(request, name) or ""
    return [part.strip() for part in text.split(",") if part.strip()]


# --- Discovery and services -----------------------------------------------------------------------


@methods_allowed("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    def view(fmt: Format) -> HttpResponse:
        body = {
            "changeset": CHANGESET,
            "contact": request.build_absolute_uri("/"),
            "key_service": request.build_absolute_uri("/staff/"),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": request.build_absolute_uri(request.path.rsplit("/", 1)[0] + "/"),
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        }
        return respond(fmt=fmt, root="discovery", item=None, body=body)

    return _handle(fmt, view)


def _service_entry(report: queries.ReportService) -> dict[str, Any]:
    service, pattern = report.service, report.pattern
    tags = list(pattern.spec.tags)
    attributes = attributes_build(pattern=pattern, params=service.parameters, language="en")
    return {
        "service_code": service.slug,
        "service_name": service.title_for("en"),
        "description": text_render(
            pattern=pattern,
            text=pattern.spec.summary,
            answers={},
            params=service.parameters,
            language="en",
        ),
        "metadata": bool(attributes),
        "type": "realtime",
        "keywords": ", ".join(tags),
        "group": tags[0] if tags else "",
    }


@methods_allowed("GET")
def service_list(request: HttpRequest, fmt: str) -> HttpResponse:
    def view(fmt: Format) -> HttpResponse:
        organisation = _organisation(request, _api_key(request, scope="read"))
        body = [_service_entry(r) for r in queries.report_service_list(organisation=organisation)]
        return respond(fmt=fmt, root="services", item="service", body=body)

    return _handle(fmt, view)


@methods_allowed("GET")
def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    def view(fmt: Format) -> HttpResponse:
        organisation = _organisation(request, _api_key(request, scope="read"))
        report = queries.report_service_get(organisation=organisation, slug=service_code)
        if report is None:
            raise Refusal(404, "No such service_code")
        attributes = [
            {
                "variable": a.variable,
                "code": a.code,
                "datatype": a.datatype,
                "required": a.required,
                "datatype_description": a.datatype_description,
                "order": a.order,
                "description": a.description,
                **({"values": [{"key": k, "name": n} for k, n in a.values]} if a.values else {}),
            }
            for a in attributes_build(
                pattern=report.pattern, params=report.service.parameters, language="en"
            )
        ]
        body = {"service_code": report.service.slug, "attributes": attributes}
        return respond(fmt=fmt, root="service_definition", item=None, body=body)

    return _handle(fmt, view)


# --- Service requests -----------------------------------------------------------------------------


def _open311_request(request: HttpRequest) -> Open311Request:
    attributes: dict[str, list[str]] = {}
    for source in (request.GET, request.POST):
        for key in source:
            match = ATTRIBUTE_KEY.match(key)
            if match:
                values = [_clean("attribute values", v) for v in source.getlist(key) if v.strip()]
                if values:
                    attributes[match.group(1)] = values
    return Open311Request(
        lat=_param(request, "lat") or "",
        long=_param(request, "long") or "",
        address_string=_param(request, "address_string") or "",
        description=_param(request, "description") or "",
        email=_param(request, "email") or "",
        attributes=attributes,
    )


def _intake_errors(report: queries.ReportService, errors: list[dict[str, str]]) -> list[str]:
    """The engine's errors named by the Open311 field the client sent."""
    mapping = report.pattern.spec.open311
    names = {}
    if mapping is not None:
        names = {mapping.location: "lat/long or address_string", mapping.description: "description"}
    return [
        f"{names.get(e['field'], 'attribute[' + e['field'] + ']')}: {e['message']}" for e in errors
    ]


def _create(request: HttpRequest, fmt: Format) -> HttpResponse:
    api_key = _api_key(request, scope="write")
    if api_key is None:
        raise Refusal(403, BAD_KEY)
    organisation = _organisation(request, api_key)
    service_code = _param(request, "service_code")
    if service_code is None:
        raise Refusal(400, "service_code is required")
    report = (
        queries.report_service_get(organisation=organisation, slug=service_code)
        if SLUG.match(service_code)
        else None
    )
    if report is None:
        raise Refusal(404, "No such service_code")
    fields = _open311_request(request)
    raw = raw_answers_build(pattern=report.pattern, request=fields)
    email_id = email_question_id(report.pattern)

    def intake(raw_answers: dict[str, Any]) -> Submission:
        return submission_intake(
            service=report.service,
            raw_answers=raw_answers,
            language="en",
            channel=Channel.OPEN311,
            today=timezone.localdate(),
            actor=actor_for_audit(api_key),
        )

    try:
        try:
            submission = intake(raw)
        except IntakeError as failure:
            # Open311's `email` is optional: where the route does not ask for one, leave it out.
            only_email = failure.errors == [{"field": email_id, "message": NOT_ASKED}]
            if not (only_email and email_id not in fields.attributes):
                raise
            submission = intake({k: v for k, v in raw.items() if k != email_id})
    except IntakeError as failure:
        raise Refusal(400, _intake_errors(report, failure.errors)) from None
    notice = text_render(
        pattern=report.pattern,
        text=report.pattern.spec.outcome.confirmation_title,
        answers={},
        params=report.service.parameters,
        language="en",
    )
    body = [
        {"service_request_id": submission.reference, "service_notice": notice, "account_id": None}
    ]
    return respond(fmt=fmt, root="service_requests", item="request", body=body, status=201)


def _location(submission: Submission, report: queries.ReportService | None) -> dict[str, Any]:
    mapping = report.pattern.spec.open311 if report is not None else None
    answers: Any = submission.answers
    value = answers.get(mapping.location) if mapping is not None else None
    if not isinstance(value, dict):
        return {"address": None, "lat": None, "long": None}
    return {
        "address": value.get("description") or None,
        "lat": value.get("latitude"),
        "long": value.get("longitude"),
    }


def _request_entry(
    submission: Submission, reports: dict[str, queries.ReportService], *, private: bool
) -> dict[str, Any]:
    report = reports.get(submission.service.slug)
    description = None
    if private and report is not None and report.pattern.spec.open311 is not None:
        answers: Any = submission.answers
        text = answers.get(report.pattern.spec.open311.description)
        description = text if isinstance(text, str) else None
    updated = getattr(submission, "last_change_at", None) or submission.submitted_at
    return {
        "service_request_id": submission.reference,
        "status": queries.open311_status(submission.status),
        "status_notes": getattr(submission, "last_public_note", None) or None,
        "service_name": submission.service.title_for("en"),
        "service_code": submission.service.slug,
        "description": description,
        "agency_responsible": submission.organisation.official_name,
        "service_notice": None,
        "requested_datetime": datetime_text(submission.submitted_at),
        "updated_datetime": datetime_text(updated),
        "expected_datetime": None,
        **_location(submission, report),
        "address_id": None,
        "zipcode": None,
        "media_url": None,
    }


def _requests_response(
    fmt: Format, submissions: list[Submission], reports: list[queries.ReportService], private: bool
) -> HttpResponse:
    by_slug = {r.service.slug: r for r in reports}
    body = [_request_entry(s, by_slug, private=private) for s in submissions]
    return respond(fmt=fmt, root="service_requests", item="request", body=body)


def _search(request: HttpRequest, fmt: Format) -> HttpResponse:
    api_key = _api_key(request, scope="read")
    organisation = _organisation(request, api_key)
    statuses = _list(request, "status")
    if any(s not in ("open", "closed") for s in statuses):
        raise Refusal(400, "status must be open, closed or both, separated by a comma")
    filters = queries.RequestFilters(
        references=_list(request, "service_request_id"),
        service_codes=_list(request, "service_code"),
        start=_datetime(request, "start_date"),
        end=_datetime(request, "end_date"),
        statuses=statuses,
        page=_number(request, "page", default=1, most=1_000_000),
        page_size=_number(
            request, "page_size", default=queries.MAX_PAGE_SIZE, most=queries.MAX_PAGE_SIZE
        ),
    )
    reports = queries.report_service_list(organisation=organisation)
    submissions = queries.request_search(
        organisation=organisation, services=reports, filters=filters
    )
    return _requests_response(fmt, submissions, reports, private=api_key is not None)


@csrf_exempt
@methods_allowed("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method == "POST":
        return _handle(fmt, lambda checked: _create(request, checked))
    return _handle(fmt, lambda checked: _search(request, checked))


@methods_allowed("GET")
def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    def view(fmt: Format) -> HttpResponse:
        api_key = _api_key(request, scope="read")
        organisation = _organisation(request, api_key)
        reports = queries.report_service_list(organisation=organisation)
        submission = queries.request_get(
            organisation=organisation, services=reports, reference=service_request_id
        )
        if submission is None:
            raise Refusal(404, "No such service_request_id")
        return _requests_response(fmt, [submission], reports, private=api_key is not None)

    return _handle(fmt, view)


@methods_allowed("GET")
def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    def view(fmt: Format) -> HttpResponse:
        organisation = _organisation(request, _api_key(request, scope="read"))
        reports = queries.report_service_list(organisation=organisation)
        submission = queries.request_get(
            organisation=organisation, services=reports, reference=token
        )
        if submission is None:
            raise Refusal(404, "No such token")
        body = [{"service_request_id": submission.reference, "token": token}]
        return respond(fmt=fmt, root="service_requests", item="request", body=body)

    return _handle(fmt, view)


@methods_allowed("GET")
def request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """FixMyStreet's extension: each status change, with the note sent to the resident."""

    def view(fmt: Format) -> HttpResponse:
        organisation = _organisation(request, _api_key(request, scope="read"))
        reports = queries.report_service_list(organisation=organisation)
        changes = queries.request_update_list(
            organisation=organisation,
            services=reports,
            start=_datetime(request, "start_date"),
            end=_datetime(request, "end_date"),
        )
        body = [
            {
                "update_id": str(change.pk),
                "service_request_id": change.submission.reference,
                "status": queries.open311_status(change.to_status),
                "updated_datetime": datetime_text(change.at),
                "description": change.public_note,
                "media_url": None,
            }
            for change in changes
        ]
        return respond(fmt=fmt, root="service_request_updates", item="request_update", body=body)

    return _handle(fmt, view)
