"""Save and come back later: a resident leaves a journey and gets a single-use link by email.

- `save` is where a question page's "Save and come back later" button posts (a `formaction`).
  It keeps nothing from that page: storing only valid answers would show errors on a page the
  resident is trying to leave, and storing invalid ones would break the rule that a journey holds
  only answers the engine accepted. The email page says so, and the link brings the resident back
  to that same page (the first unanswered one).
- `save_email` asks for an address, emails the link (the address is passed to the email task and
  stored nowhere) and takes the journey out of this browser's session, so the next person at a
  shared computer cannot carry on with it. The "sent" page is the POST's response, so the address
  need not be kept for a redirect.
- `resume` is the emailed link. GET only shows a "Continue your application" button: email
  scanners that open links must not use them up. POST uses the link and attaches the journey to
  this browser, at the first unanswered page (or check answers).
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from townhall.identity.sign_in import rate_limit_hit
from townhall.patterns.engine.formatting import date_display
from townhall.runner import flow
from townhall.runner.actions import (
    SaveLinkUnusableError,
    save_link_create,
    save_link_expiry,
    save_link_use,
)
from townhall.runner.constants import (
    SAVE_EMAILS_PER_ADDRESS,
    SAVE_EMAILS_PER_IP,
    SaveLinkState,
)
from townhall.runner.forms_resident import SaveEmailForm
from townhall.runner.queries import save_link_get_by_token, save_link_state
from townhall.runner.rendering import page_title
from townhall.runner.session import (
    Runner,
    journey_pointer_clear,
    journey_pointer_get,
    journey_pointer_set,
    runner_for_journey,
    runner_for_service,
)
from townhall.services.engine_cache import pattern_for_version_id

_METHODS = ["GET", "HEAD", "POST"]


@never_cache
@require_http_methods(_METHODS)
def save(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_journey(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    _no_previews(runner)
    if request.method == "POST":
        # From a question page: its fields are ignored (see the module's docstring).
        return redirect(runner.url("save"))
    return _email_page(runner, SaveEmailForm())


@sensitive_post_parameters("email")
@never_cache
@require_http_methods(_METHODS)
def save_email(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    loaded = runner_for_service(request, organisation_slug, service_slug)
    if isinstance(loaded, HttpResponseRedirect):
        return loaded
    if request.method != "POST":
        return redirect(loaded.url("save"))
    if journey_pointer_get(request, loaded.access) is None:
        # A refreshed "sent" page posts again, after the journey has left this browser: it is
        # saved, not ended, so send the resident to the start rather than "session ended".
        return redirect(loaded.url("start"))
    runner = runner_for_journey(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    _no_previews(runner)
    assert runner.journey is not None  # noqa: S101 - runner_for_journey loaded it
    form = SaveEmailForm(request.POST)
    if not form.is_valid():
        return _email_page(runner, form)
    email: str = form.cleaned_data["email"]
    if _too_many_emails(request, email):
        minutes = max(int(settings.TOWNHALL_SIGN_IN_LOCKOUT_SECONDS) // 60, 1)
        form.add_error(
            "email",
            _("You have asked for too many links. Wait %(minutes)s minutes, then try again.")
            % {"minutes": minutes},
        )
        return _email_page(runner, form)
    link = save_link_create(journey=runner.journey, email=email, language=runner.language)
    title = _("Check your email")
    response = render(
        request,
        "runner/save_sent.html",
        runner.context(
            title=page_title(runner, title),
            heading=title,
            email=email,
            last_day=date_display(timezone.localdate(link.expires_at), runner.language),
        ),
    )
    journey_pointer_clear(request, response, runner.access, runner.journey)
    return response


def _too_many_emails(request: HttpRequest, email: str) -> bool:
    by_address = rate_limit_hit(
        kind="save-email", value=email.strip().lower(), limit=SAVE_EMAILS_PER_ADDRESS
    )
    by_ip = rate_limit_hit(
        kind="save-ip", value=request.META.get("REMOTE_ADDR", ""), limit=SAVE_EMAILS_PER_IP
    )
    return by_address or by_ip


@never_cache
@require_http_methods(_METHODS)
def resume(
    request: HttpRequest, organisation_slug: str, service_slug: str, token: str
) -> HttpResponse:
    runner = runner_for_service(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    # Editors previewing a service that is not live never see residents' saved journeys.
    link = (
        None
        if runner.access.preview
        else save_link_get_by_token(service=runner.service, token=token)
    )
    if link is None:
        return _unusable(runner, None)
    state = save_link_state(link=link)
    if state is not SaveLinkState.USABLE:
        return _unusable(runner, state)
    if request.method != "POST":
        title = _("Continue your application")
        return render(
            request,
            "runner/resume.html",
            runner.context(title=page_title(runner, title), heading=title),
        )
    try:
        journey, key = save_link_use(link=link)
    except SaveLinkUnusableError as error:
        return _unusable(runner, error.state)
    pattern = pattern_for_version_id(journey.pattern_version_id)
    path = flow.journey_path(pattern=pattern, answers=journey.answers, params=runner.params)
    # The journey's new key: nothing this browser held before opens it.
    response = redirect(runner.page_url(path[-1]))
    journey_pointer_set(response, runner.access, journey, key)
    return response


def _no_previews(runner: Runner) -> None:
    # An editor's preview is thrown away, never saved: the button is not shown there either.
    if runner.access.preview:
        raise Http404("Previews cannot be saved.")


def _email_page(runner: Runner, form: SaveEmailForm) -> HttpResponse:
    path = flow.journey_path(pattern=runner.pattern, answers=runner.answers, params=runner.params)
    title = _("Save and come back later")
    errors = [str(message) for message in form.errors.get("email", [])]
    return render(
        runner.request,
        "runner/save.html",
        runner.context(
            title=page_title(runner, title, errors=bool(errors)),
            heading=title,
            back_href=runner.page_url(path[-1]),
            form_action=runner.url("save-email"),
            email=form.data.get("email", ""),
            email_error=errors[0] if errors else "",
            error_list=[{"text": errors[0], "href": "#email"}] if errors else [],
            last_day=date_display(
                timezone.localdate(save_link_expiry(days=settings.TOWNHALL_SAVE_RETURN_DAYS)),
                runner.language,
            ),
        ),
    )


_UNUSABLE: dict[SaveLinkState | None, tuple[Promise, Promise, int]] = {
    None: (
        gettext_lazy("This link is not valid"),
        gettext_lazy("Check you copied the entire link from the email."),
        404,
    ),
    SaveLinkState.USED: (
        gettext_lazy("This link has already been used"),
        gettext_lazy(
            "Each link works once. If you saved your application again, use the link in the "
            "most recent email."
        ),
        410,
    ),
    SaveLinkState.EXPIRED: (
        gettext_lazy("This link has expired"),
        gettext_lazy(
            "We only keep saved answers for a limited time, to keep your information secure."
        ),
        410,
    ),
}


def _unusable(runner: Runner, state: SaveLinkState | None) -> HttpResponse:
    heading, body, status = _UNUSABLE[state]
    return render(
        runner.request,
        "runner/resume_unusable.html",
        runner.context(title=page_title(runner, str(heading)), heading=heading, body=body),
        status=status,
    )
