"""Feedback after the confirmation page: GOV.UK's five-point satisfaction question and an optional
comment, stored per service with nothing that links it to the resident or their submission.

A finished journey may give feedback once; a second post goes to the thank-you page and stores
nothing. A preview's feedback is never stored.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from townhall.runner.actions import journey_feedback_give
from townhall.runner.forms_resident import FeedbackForm
from townhall.runner.rendering import page_title
from townhall.runner.session import Runner, runner_for_journey, runner_for_service
from townhall.runner.widgets_base import character_count_texts
from townhall.submissions.constants import FEEDBACK_COMMENT_MAX_CHARS, Satisfaction

_METHODS = ["GET", "HEAD", "POST"]


@never_cache
@require_http_methods(_METHODS)
def feedback(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_journey(request, organisation_slug, service_slug, finished_ok=True)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    journey = runner.journey
    assert journey is not None  # noqa: S101 - runner_for_journey loaded it
    if not journey.is_finished:
        # Check answers sends an unfinished journey on to the page it needs next.
        return redirect(runner.url("check-answers"))
    if journey.feedback_given:
        return redirect(runner.url("feedback-thanks"))
    form = FeedbackForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        journey_feedback_give(
            journey=journey,
            rating=form.rating_value(),
            comment=form.cleaned_data["comment"],
            language=runner.language,
        )
        return redirect(runner.url("feedback-thanks"))
    return _feedback_page(runner, form)


@never_cache
@require_safe
def thanks(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_service(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    title = _("Thank you for your feedback")
    return render(
        request,
        "runner/feedback_thanks.html",
        runner.context(title=page_title(runner, title), heading=title),
    )


def _feedback_page(runner: Runner, form: FeedbackForm) -> HttpResponse:
    errors = {name: str(messages[0]) for name, messages in form.errors.items()}
    error_list = [
        {"text": errors[name], "href": f"#{name}"}
        for name in ("rating", "comment")
        if name in errors
    ]
    title = _("Give feedback")
    data = form.data if form.is_bound else {}
    return render(
        runner.request,
        "runner/feedback.html",
        runner.context(
            title=page_title(runner, title, errors=bool(errors)),
            heading=title,
            back_href=runner.url("confirmation"),
            form_action=runner.url("feedback"),
            rating=_rating_params(str(data.get("rating", "")), errors.get("rating")),
            comment=_comment_params(str(data.get("comment", "")), errors.get("comment")),
            error_list=error_list,
        ),
    )


def _rating_params(current: str, error: str | None) -> dict[str, Any]:
    """govukRadios: GOV.UK's satisfaction question, "Very satisfied" first."""
    return {
        "idPrefix": "rating",
        "name": "rating",
        "fieldset": {
            "legend": {
                "text": _("Overall, how did you feel about the service you received today?"),
                "classes": "govuk-fieldset__legend--m",
            }
        },
        "items": [
            {
                "value": str(choice.value),
                "text": str(choice.label),
                "checked": current == str(choice.value),
            }
            for choice in Satisfaction
        ],
        "errorMessage": {"text": error} if error else None,
    }


def _comment_params(value: str, error: str | None) -> dict[str, Any]:
    """govukCharacterCount for the optional comment (texts as on the runner's long text answers)."""
    return {
        "id": "comment",
        "name": "comment",
        "label": {
            "text": _("How could we improve this service? (optional)"),
            "classes": "govuk-label--m",
        },
        "hint": {
            "text": _(
                "Do not include any personal or financial information, for example your "
                "National Insurance or credit card numbers."
            )
        },
        "value": value,
        "errorMessage": {"text": error} if error else None,
        "maxlength": FEEDBACK_COMMENT_MAX_CHARS,
        "rows": 6,
        **character_count_texts(),
    }
