"""The inbox and a submission's page, with its status, assignment and note forms.

Reads need VIEW_SUBMISSIONS (every role); writes need HANDLE_SUBMISSIONS (caseworkers, admins).
`get_membership_for_user` answers 404 to anyone outside the organisation and 403 to a member whose
role lacks the permission; every submission is then fetched within that organisation, so another
organisation's submission id is a 404 too.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from markupsafe import Markup, escape

from townhall.casework.actions import (
    CaseworkError,
    note_add,
    status_label,
    submission_assign,
    submission_status_change,
)
from townhall.casework.forms import AssignForm, InboxFilterForm, NoteForm, StatusChangeForm
from townhall.casework.queries import (
    UNASSIGNED,
    Cursor,
    InboxFilters,
    assignable_member_list,
    inbox_page,
    service_list_for_inbox,
    submission_files,
    submission_get,
    submission_history,
    submission_notes,
)
from townhall.identity.models import User
from townhall.identity.queries import get_membership_for_user
from townhall.identity.views._common import (
    current_user,
    form_errors,
    render_staff,
    staff_required,
    when,
)
from townhall.services.models import Service
from townhall.submissions.constants import Outcome, SubmissionStatus
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Permission
from townhall.tenancy.models import Membership

STATUS_TAG_CLASSES = {
    SubmissionStatus.RECEIVED: "govuk-tag--blue",
    SubmissionStatus.IN_PROGRESS: "govuk-tag--yellow",
    SubmissionStatus.CLOSED: "govuk-tag--grey",
}
PAGING_PARAMS = ("after", "before")


def render_casework(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    membership: Membership,
    status: int = 200,
) -> HttpResponse:
    """A casework page in the staff layout."""
    full = {"status_tag": status_tag, **context}
    return render_staff(
        request, template, full, membership=membership, status=status, app="casework"
    )


def status_tag(submission: Submission) -> dict[str, str]:
    """govukTag parameters for a submission's status (and outcome once closed)."""
    text = status_label(status=submission.status, outcome=submission.outcome, language="en")
    return {"text": text, "classes": STATUS_TAG_CLASSES[SubmissionStatus(submission.status)]}


def inbox_filters_read(
    request: HttpRequest,
    membership: Membership,
    *,
    services: list[Service] | None = None,
    members: list[User] | None = None,
) -> tuple[InboxFilterForm, InboxFilters | None]:
    """The filter form bound to the query string, and the filters (None when they are invalid).
    Pass the organisation's services and assignable members when the caller has them already."""
    organisation = membership.organisation
    form = InboxFilterForm(
        request.GET,
        services=services
        if services is not None
        else list(service_list_for_inbox(organisation=organisation)),
        members=members
        if members is not None
        else assignable_member_list(organisation=organisation),
    )
    return form, form.filters() if form.is_valid() else None


def _query(params: QueryDict, **changes: str) -> str:
    kept = {k: v for k, v in params.items() if k not in PAGING_PARAMS and v}
    kept.update(changes)
    return f"?{urlencode(kept)}" if kept else ""


def _date_items(
    form: InboxFilterForm, prefix: str, field_errors: dict[str, Any]
) -> list[dict[str, str]]:
    error = " govuk-input--error" if f"{prefix}_day" in field_errors else ""
    return [
        {
            "name": f"{prefix}_{part}",
            # The error summary links to `<prefix>_day`: the first field to correct.
            "id": f"{prefix}_{part}",
            "label": label,
            "classes": f"govuk-input--width-{width}{error}",
            "value": str(form.data.get(f"{prefix}_{part}", "")),
        }
        for part, label, width in (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))
    ]


@never_cache
@staff_required
@require_GET
def inbox(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_SUBMISSIONS
    )
    organisation = membership.organisation
    services = list(
        service_list_for_inbox(organisation=organisation)
        .select_related("pattern_version")
        .defer("pattern_version__definition")
    )
    service_names = {s.pk: s.name or s.pattern_version.title for s in services}
    members = assignable_member_list(organisation=organisation)
    form, filters = inbox_filters_read(request, membership, services=services, members=members)
    error_list, field_errors = form_errors(form, first_field="service")
    page = None
    if filters is not None:
        page = inbox_page(
            organisation=organisation,
            filters=filters,
            after=Cursor.decode(request.GET.get("after", "")),
            before=Cursor.decode(request.GET.get("before", "")),
        )
    pagination: dict[str, Any] = {}
    if page is not None and page.previous_cursor is not None:
        pagination["previous"] = {"href": _query(request.GET, before=page.previous_cursor.encode())}
    if page is not None and page.next_cursor is not None:
        pagination["next"] = {"href": _query(request.GET, after=page.next_cursor.encode())}
    export_query = _query(request.GET)
    return render_casework(
        request,
        "inbox.html",
        {
            "wide": True,
            "form": form,
            "error_list": error_list,
            "field_errors": field_errors,
            "rows": page.rows if page else [],
            "base": reverse("casework:inbox", args=[org_slug]),
            "service_names": service_names,
            "service_items": [{"value": "", "text": "All services"}]
            + [{"value": str(s.pk), "text": service_names[s.pk]} for s in services],
            "status_items": [{"value": "", "text": "Any status"}]
            + [{"value": value, "text": str(label)} for value, label in SubmissionStatus.choices],
            "assignee_items": [
                {"value": "", "text": "Anyone"},
                {"value": UNASSIGNED, "text": "Nobody"},
            ]
            + [{"value": str(user.pk), "text": user.full_name or user.email} for user in members],
            "date_items": {
                prefix: _date_items(form, prefix, field_errors) for prefix in ("from", "to")
            },
            "pagination": pagination or None,
            "export_csv": reverse("casework:export-csv", args=[org_slug]) + export_query,
            "export_xlsx": reverse("casework:export-xlsx", args=[org_slug]) + export_query,
            "when": when,
        },
        membership=membership,
        status=200 if filters is not None else 400,
    )


def _lines_html(lines: Any) -> Markup:
    """An answer's lines, escaped, one per line (as check answers showed them)."""
    return Markup("<br>").join(escape(str(line)) for line in lines or [])


def _detail(
    request: HttpRequest,
    membership: Membership,
    submission: Submission,
    *,
    status_form: StatusChangeForm | None = None,
    assign_form: AssignForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    error_list: list[dict[str, str]] = []
    field_errors: dict[str, Any] = {}
    for form, first in ((status_form, "status"), (assign_form, "assignee"), (note_form, "text")):
        if form is not None and form.is_bound:
            errors, fields = form_errors(form, first_field=first)
            error_list += errors
            field_errors.update(fields)
    organisation_slug = membership.organisation.slug
    files = submission_files(submission=submission)
    members = assignable_member_list(organisation=membership.organisation)
    chosen_status = status_form.data.get("status") if status_form else submission.status
    chosen_outcome = status_form.data.get("outcome") if status_form else submission.outcome
    return render_casework(
        request,
        "detail.html",
        {
            "wide": True,
            "submission": submission,
            "service_name": submission.service.title_for("en"),
            "submitted": when(submission.submitted_at),
            "summary_rows": [
                {
                    "key": {"text": row.get("label", "")},
                    "value": {"html": _lines_html(row.get("lines", []))},
                }
                for row in submission.summary
                if isinstance(row, dict)
            ],
            "files": [
                {
                    "name": str(file.get("name") or "file"),
                    "size": file.get("size"),
                    "href": reverse(
                        "casework:file", args=[organisation_slug, submission.pk, index]
                    ),
                }
                for index, file in enumerate(files)
            ],
            "history": [
                {
                    "when": when(change.at),
                    "who": change.actor_email or "Townhall",
                    "text": status_label(
                        status=change.to_status, outcome=change.outcome, language="en"
                    ),
                    "note": change.public_note,
                }
                for change in submission_history(submission=submission)
            ],
            "notes": [
                {"when": when(note.created_at), "who": note.author_email, "text": note.text}
                for note in submission_notes(submission=submission)
            ],
            "can_handle": membership.has_permission(Permission.HANDLE_SUBMISSIONS),
            "status_values": list(SubmissionStatus.choices),
            "outcome_values": list(Outcome.choices),
            "chosen_status": chosen_status,
            "chosen_outcome": chosen_outcome,
            "public_note": status_form.data.get("public_note", "") if status_form else "",
            "note_text": note_form.data.get("text", "") if note_form else "",
            "assignee_items": [{"value": "", "text": "Nobody"}]
            + [
                {
                    "value": str(user.pk),
                    "text": user.full_name or user.email,
                    "selected": user.pk == submission.assignee_id,
                }
                for user in members
            ],
            "error_list": error_list,
            "field_errors": field_errors,
        },
        membership=membership,
        status=status,
    )


@never_cache
@staff_required
@require_GET
def detail(request: HttpRequest, org_slug: str, submission_id: uuid.UUID) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_SUBMISSIONS
    )
    submission = submission_get(organisation=membership.organisation, submission_id=submission_id)
    return _detail(request, membership, submission)


def _handler(
    request: HttpRequest, org_slug: str, submission_id: uuid.UUID
) -> tuple[Membership, Submission]:
    """The membership and submission for a write. The submission is fetched before the role is
    checked, so another organisation's id is a 404 for every role, as for reads."""
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_SUBMISSIONS
    )
    submission = submission_get(organisation=membership.organisation, submission_id=submission_id)
    if not membership.has_permission(Permission.HANDLE_SUBMISSIONS):
        raise PermissionDenied("Only caseworkers and admins change submissions.")
    return membership, submission


@never_cache
@staff_required
@require_POST
def status_change(request: HttpRequest, org_slug: str, submission_id: uuid.UUID) -> HttpResponse:
    membership, submission = _handler(request, org_slug, submission_id)
    form = StatusChangeForm(request.POST)
    if form.is_valid():
        try:
            submission_status_change(
                submission=submission,
                actor=current_user(request),
                status=form.cleaned_data["status"],
                outcome=form.cleaned_data["outcome"],
                public_note=form.cleaned_data["public_note"],
            )
        except CaseworkError as error:
            form.add_error("status", str(error))
        else:
            messages.success(
                request, f"{submission.reference} is now {status_tag(submission)['text']}"
            )
            return redirect("casework:detail", org_slug, submission.pk)
    return _detail(request, membership, submission, status_form=form, status=400)


@never_cache
@staff_required
@require_POST
def assign(request: HttpRequest, org_slug: str, submission_id: uuid.UUID) -> HttpResponse:
    membership, submission = _handler(request, org_slug, submission_id)
    form = AssignForm(
        request.POST, members=assignable_member_list(organisation=membership.organisation)
    )
    if form.is_valid():
        try:
            submission_assign(
                submission=submission, actor=current_user(request), assignee=form.chosen_user()
            )
        except CaseworkError as error:
            form.add_error("assignee", str(error))
        else:
            messages.success(request, "The assignee was changed")
            return redirect("casework:detail", org_slug, submission.pk)
    return _detail(request, membership, submission, assign_form=form, status=400)


@never_cache
@staff_required
@require_POST
def note_create(request: HttpRequest, org_slug: str, submission_id: uuid.UUID) -> HttpResponse:
    membership, submission = _handler(request, org_slug, submission_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(
                submission=submission, actor=current_user(request), text=form.cleaned_data["text"]
            )
        except CaseworkError as error:
            form.add_error("text", str(error))
        else:
            messages.success(request, "Your note was added")
            return redirect("casework:detail", org_slug, submission.pk)
    return _detail(request, membership, submission, note_form=form, status=400)
