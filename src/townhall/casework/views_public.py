"""Residents checking the status of what they sent, in English or Welsh.

1. /status/ asks for the reference and the email address the resident gave. Whatever they enter,
   the next page says the same thing ("if the details match, we have sent a code"), so the form
   never reveals which references exist or whose they are.
2. /status/code/ takes the emailed code (a few tries per code, a few codes per hour). A right code
   proves the resident owns the submission for 30 minutes of this browser session.
3. /status/<reference>/ shows the status, the outcome and the notes staff wrote for the resident;
   never the internal notes or the answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from townhall.casework.actions import status_check_start, status_check_verify, status_label
from townhall.casework.constants import STATUS_SESSION_TTL
from townhall.casework.forms import StatusCodeForm, StatusLookupForm
from townhall.casework.queries import (
    submission_get_by_reference_for_resident,
    submission_history,
)
from townhall.identity.views._common import form_errors, when

# Session keys: the reference asked about, and the submission proven (with when it lapses).
ASKED = "casework_status_reference"
PROVEN = "casework_status_proven"


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    full: dict[str, Any] = {"error_list": [], "field_errors": {}}
    full.update(context)
    return render(request, f"casework/{template}", full, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def status_start(request: HttpRequest) -> HttpResponse:
    form = StatusLookupForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        reference = form.cleaned_data["reference"].strip().upper()
        submission = submission_get_by_reference_for_resident(reference=reference)
        if submission is not None:
            status_check_start(
                submission=submission,
                email=form.cleaned_data["email"],
                language=get_language() or "en",
            )
        # The same next step whether or not anything was sent.
        request.session[ASKED] = reference
        return redirect("casework-public:code")
    error_list, field_errors = form_errors(form, first_field="reference")
    return _render(
        request,
        "status_start.html",
        {
            "title": _("Check the status of your request"),
            "form": form,
            "error_list": error_list,
            "field_errors": field_errors,
        },
        status=400 if form.is_bound else 200,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def status_code(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(ASKED)
    if not reference:
        return redirect("casework-public:start")
    form = StatusCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        submission = submission_get_by_reference_for_resident(reference=reference)
        if submission is not None and status_check_verify(
            submission=submission, code=form.cleaned_data["code"]
        ):
            request.session[PROVEN] = {
                "submission_id": str(submission.pk),
                "until": (timezone.now() + STATUS_SESSION_TTL).isoformat(),
            }
            # A new session key: the proof should not ride on an identifier set before it.
            request.session.cycle_key()
            return redirect("casework-public:detail", submission.reference)
        form.add_error(
            "code",
            _("The code is not correct or has expired. Check the email or ask for a new code"),
        )
    error_list, field_errors = form_errors(form, first_field="code")
    return _render(
        request,
        "status_code.html",
        {
            "title": _("Check your email"),
            "form": form,
            "error_list": error_list,
            "field_errors": field_errors,
        },
        status=400 if form.is_bound else 200,
    )


def _proven_submission_id(request: HttpRequest) -> str | None:
    proven = request.session.get(PROVEN)
    if not isinstance(proven, dict):
        return None
    try:
        until = datetime.fromisoformat(str(proven.get("until")))
    except ValueError:
        return None
    if until <= timezone.now():
        return None
    return str(proven.get("submission_id"))


@never_cache
@require_GET
def status_detail(request: HttpRequest, reference: str) -> HttpResponse:
    submission = submission_get_by_reference_for_resident(reference=reference)
    if submission is None or _proven_submission_id(request) != str(submission.pk):
        # Unproven, lapsed or another submission: start again (the same for a reference that
        # does not exist, so this address reveals nothing either).
        return redirect("casework-public:start")
    language = get_language() or "en"
    updates = [
        {
            "when": when(change.at),
            "status": status_label(
                status=change.to_status, outcome=change.outcome, language=language
            ),
            "note": change.public_note,
        }
        for change in submission_history(submission=submission)
    ]
    return _render(
        request,
        "status_detail.html",
        {
            "title": _("The status of your request"),
            "reference": submission.reference,
            "service_name": submission.service.title_for(language),
            "submitted": when(submission.submitted_at),
            "status": status_label(
                status=submission.status, outcome=submission.outcome, language=language
            ),
            "updates": updates[::-1],
            "organisation_name": submission.organisation.official_name,
        },
    )
