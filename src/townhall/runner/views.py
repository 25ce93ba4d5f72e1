"""Resident pages at /<organisation>/<service>/: start, questions, check answers, declaration,
confirmation, session ended.

Each view parses the request, asks the engine, stores through an action and redirects (POST,
redirect, GET). Which page a resident may see and where they go next is decided by the engine
(through `flow.py`); nothing about a pattern's rules is decided here.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from townhall.patterns.engine import (
    CHECK_ANSWERS,
    FeeUnavailable,
    PageNotFound,
    outcome_compute,
    page_validate,
    summary_build,
)
from townhall.patterns.engine.schema import ContentPage, ExitPage
from townhall.patterns.engine.schema_questions import AddAnotherQuestion, FileQuestion
from townhall.runner import flow
from townhall.runner.actions import (
    journey_answers_store,
    journey_is_idle,
    journey_preview_send,
    journey_start,
    journey_submit,
)
from townhall.runner.constants import RETURN_PARAM, RETURN_TO_CHECK_ANSWERS
from townhall.runner.forms import form_values_from_answer, form_values_from_post, raw_from_post
from townhall.runner.queries import ServiceNotAvailable, journey_get
from townhall.runner.rendering import (
    form_action,
    page_title,
    question_context,
    runner_render,
    summary_rows,
)
from townhall.runner.session import (
    Runner,
    idle_seconds,
    journey_pointer_get,
    journey_pointer_set,
    runner_for_journey,
    runner_for_service,
)
from townhall.runner.text import body_html
from townhall.runner.upload_handlers import with_upload_limits
from townhall.runner.uploads import upload_describe, upload_store
from townhall.runner.views_not_available import service_not_available
from townhall.runner.widgets_group import group_items, group_values

_METHODS = ["GET", "HEAD", "POST"]
# Every redirect goes to an address the runner built, so it is an HttpResponseRedirect directly:
# `django.shortcuts.redirect()` first tries an address as a URL name, a failed `reverse()` that
# cost more than the rest of making the response.


@never_cache
@require_http_methods(_METHODS)
def start(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    try:
        runner = runner_for_service(request, organisation_slug, service_slug)
    except ServiceNotAvailable as unpublished:
        return service_not_available(request, unpublished.service)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    if request.method == "POST":
        return _journey_begin(runner)
    start_page = runner.pattern.spec.start
    title = runner.text(start_page.title) if start_page.title else runner.service_name
    return runner_render(
        runner,
        "runner/start.html",
        runner.context(
            title=page_title(runner, title),
            heading=title,
            body_html=body_html(runner.text(start_page.body)),
            before_you_start_html=body_html(runner.text(start_page.before_you_start))
            if start_page.before_you_start
            else "",
            contact_details=runner.service.contact_details,
        ),
    )


def _journey_begin(runner: Runner) -> HttpResponse:
    """Carry on with an unfinished journey; otherwise start a new one."""
    pointer = journey_pointer_get(runner.request, runner.access)
    journey = (
        journey_get(
            service=runner.service,
            journey_id=pointer.journey_id,
            preview=runner.access.preview,
            key=pointer.key,
        )
        if pointer is not None
        else None
    )
    response = HttpResponseRedirect(runner.page_url(runner.pattern.first_page))
    if (
        journey is None
        or journey.is_finished
        or journey_is_idle(journey=journey, idle_seconds=idle_seconds())
    ):
        journey, key = journey_start(
            service=runner.service, preview=runner.access.preview, language=runner.language
        )
        journey_pointer_set(response, runner.access, journey, key)
    return response


@with_upload_limits  # uploads: limits set before the form is read (and CSRF checked after)
@never_cache
@require_http_methods(_METHODS)
def page(
    request: HttpRequest, organisation_slug: str, service_slug: str, page_id: str
) -> HttpResponse:
    runner = runner_for_journey(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    try:
        page_model = runner.pattern.page(page_id)
    except PageNotFound:
        raise Http404("No such page in this service.") from None
    path = flow.journey_path(pattern=runner.pattern, answers=runner.answers, params=runner.params)
    target = flow.redirect_target(path=path, page_id=page_id)
    if target is not None:
        return HttpResponseRedirect(runner.page_url(target))
    change = request.GET.get(RETURN_PARAM) == RETURN_TO_CHECK_ANSWERS
    previous = flow.previous_page(path=path, page_id=page_id)
    back_href = (
        runner.url("check-answers")
        if change
        else runner.page_url(previous)
        if previous
        else runner.url("start")
    )
    if isinstance(page_model, ExitPage):
        return _content_page(runner, page_model, back_href=back_href, is_exit=True)
    if request.method == "POST":
        if isinstance(page_model, ContentPage):
            return _continue(runner, page_id, path=path, change=change)
        return _question_post(runner, page_id, path=path, change=change, back_href=back_href)
    if isinstance(page_model, ContentPage):
        return _content_page(runner, page_model, back_href=back_href, is_exit=False)
    question = runner.pattern.question(page_id)
    assert question is not None  # noqa: S101 - every page is a question, content or exit page
    values = form_values_from_answer(question, runner.answers.get(page_id), page_id)
    context = question_context(runner, question, values=values, back_href=back_href, change=change)
    return runner_render(runner, "runner/question.html", context)


def _content_page(
    runner: Runner, page_model: ContentPage | ExitPage, *, back_href: str, is_exit: bool
) -> HttpResponse:
    title = runner.text(page_model.title)
    button = runner.text(page_model.button) if isinstance(page_model, ContentPage) else ""
    return runner_render(
        runner,
        "runner/content.html",
        runner.context(
            title=page_title(runner, title),
            heading=title,
            body_html=body_html(runner.text(page_model.body)),
            button=button or _("Continue"),
            is_exit=is_exit,
            back_href=runner.slots.text(back_href),
            form_action=form_action(runner),
        ),
    )


def _question_post(
    runner: Runner, page_id: str, *, path: list[str], change: bool, back_href: str
) -> HttpResponse:
    request = runner.request
    question = runner.pattern.question(page_id)
    assert question is not None  # noqa: S101 - `page` checked that it is a question
    assert runner.journey is not None  # noqa: S101 - runner_for_journey loaded it
    raw = raw_from_post(request.POST)
    action = request.POST.get("action", "")
    if isinstance(question, AddAnotherQuestion) and action.startswith(("add", "remove-")):
        return _add_another_redisplay(runner, question, action, back_href=back_href, change=change)
    uploads = request.FILES.getlist(page_id) if isinstance(question, FileQuestion) else []
    described = upload_describe(uploads)
    if described:
        raw[page_id] = described
    elif isinstance(question, FileQuestion) and runner.answers.get(page_id):
        raw[page_id] = runner.answers[page_id]  # no new files: keep the ones already uploaded
    result = page_validate(
        pattern=runner.pattern,
        page_id=page_id,
        raw=raw,
        params=runner.params,
        language=runner.language,
        today=timezone.localdate(),
        answers=runner.answers,
    )
    if not result.ok:
        context = question_context(
            runner,
            question,
            values=form_values_from_post(raw),
            errors=result.errors,
            back_href=back_href,
            change=change,
        )
        return runner_render(runner, "runner/question.html", context)
    values = dict(result.values)
    if described:
        values[page_id] = upload_store(
            journey_id=runner.journey.pk, uploads=uploads, described=described
        )
    new_path = journey_answers_store(
        journey=runner.journey,
        pattern=runner.pattern,
        params=runner.params,
        values=values,
        language=runner.language,
    )
    return _continue(runner, page_id, path=path, change=change, new_path=new_path)


def _add_another_redisplay(
    runner: Runner, question: AddAnotherQuestion, action: str, *, back_href: str, change: bool
) -> HttpResponse:
    """ "Add another" and "Remove" work without JavaScript: the page comes back with one item more
    or less, and nothing is stored until the resident continues."""
    items = group_items(form_values_from_post(raw_from_post(runner.request.POST)), question.id)
    if action == "add":
        items = [*items, {}] if len(items) < question.max_items else items
    else:
        index = action.removeprefix("remove-")
        if index.isdigit() and int(index) < len(items):
            del items[int(index)]
    context = question_context(
        runner,
        question,
        values=group_values(items, question.id),
        back_href=back_href,
        change=change,
        items=len(items),
    )
    return runner_render(runner, "runner/question.html", context)


def _continue(
    runner: Runner,
    page_id: str,
    *,
    path: list[str],
    change: bool,
    new_path: list[str] | None = None,
) -> HttpResponse:
    """After a valid answer: the next page, or back to check answers after a "Change".

    `path` is the route before the answer (the pages the resident has seen); `new_path` the route
    of the stored answers, when the caller has it."""
    if change:
        target = flow.next_page_after_change(
            pattern=runner.pattern,
            page_id=page_id,
            answers=runner.answers,
            params=runner.params,
            seen=path,
        )
        if not runner.pattern.is_end(target):
            return HttpResponseRedirect(
                f"{runner.page_url(target)}?{RETURN_PARAM}={RETURN_TO_CHECK_ANSWERS}"
            )
        return HttpResponseRedirect(runner.page_url(target))
    target = flow.next_page(
        pattern=runner.pattern,
        page_id=page_id,
        answers=runner.answers,
        params=runner.params,
        path=new_path,
    )
    return HttpResponseRedirect(runner.page_url(target))


def _path_incomplete(runner: Runner) -> HttpResponse | None:
    """A redirect to the page to answer next, unless every answer needed is there."""
    path = flow.journey_path(pattern=runner.pattern, answers=runner.answers, params=runner.params)
    return None if path[-1] == CHECK_ANSWERS else HttpResponseRedirect(runner.page_url(path[-1]))


@never_cache
@require_http_methods(_METHODS)
def check_answers(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_journey(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    if (response := _path_incomplete(runner)) is not None:
        return response
    declaration = runner.pattern.spec.declaration
    if request.method == "POST":
        return HttpResponseRedirect(runner.url("declaration")) if declaration else _send(runner)
    rows = summary_build(
        pattern=runner.pattern,
        answers=runner.answers,
        params=runner.params,
        language=runner.language,
    )
    path = flow.journey_path(pattern=runner.pattern, answers=runner.answers, params=runner.params)
    title = runner.text(runner.pattern.spec.check_answers.title)
    return runner_render(
        runner,
        "runner/check_answers.html",
        runner.context(
            title=page_title(runner, title),
            heading=title,
            rows=summary_rows(runner, rows),
            has_declaration=declaration is not None,
            back_href=runner.page_url(path[-2]) if len(path) > 1 else runner.url("start"),
        ),
    )


@never_cache
@require_http_methods(_METHODS)
def declaration(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_journey(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    spec = runner.pattern.spec.declaration
    if spec is None:
        raise Http404("This service has no declaration.")
    if (response := _path_incomplete(runner)) is not None:
        return response
    if request.method == "POST":
        return _send(runner)
    title = runner.text(spec.title)
    return runner_render(
        runner,
        "runner/declaration.html",
        runner.context(
            title=page_title(runner, title),
            heading=title,
            body_html=body_html(runner.text(spec.body)),
            button=runner.text(spec.button),
            back_href=runner.url("check-answers"),
        ),
    )


def _send(runner: Runner) -> HttpResponse:
    assert runner.journey is not None  # noqa: S101 - runner_for_journey loaded it
    if runner.access.preview:
        journey_preview_send(journey=runner.journey)
    else:
        journey_submit(
            journey=runner.journey,
            pattern=runner.pattern,
            params=runner.params,
            language=runner.language,
        )
    return HttpResponseRedirect(runner.url("confirmation"))


@never_cache
@require_safe
def confirmation(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_journey(request, organisation_slug, service_slug, finished_ok=True)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    journey = runner.journey
    assert journey is not None  # noqa: S101 - runner_for_journey loaded it
    if not journey.is_finished:
        return _path_incomplete(runner) or HttpResponseRedirect(runner.url("check-answers"))
    submission = journey.submission
    if submission is not None:
        # Sent answers moved to the submission; put them back (in memory only) so the texts'
        # placeholders can use them. A preview keeps its answers on the journey.
        journey.answers = submission.answers
    answers = journey.answers
    try:
        outcome = outcome_compute(
            pattern=runner.pattern, answers=answers, params=runner.params, language=runner.language
        )
        title, body, next_text = (
            outcome.confirmation_title,
            outcome.confirmation_body,
            outcome.what_happens_next,
        )
    except FeeUnavailable:
        # No payments yet: the texts do not depend on the fee, so show them anyway.
        spec = runner.pattern.spec.outcome
        title, body, next_text = (
            runner.text(spec.confirmation_title),
            runner.text(spec.confirmation_body),
            runner.text(spec.what_happens_next),
        )
    return runner_render(
        runner,
        "runner/confirmation.html",
        runner.context(
            title=page_title(runner, title),
            heading=title,
            reference=runner.slots.text(submission.reference) if submission is not None else "",
            body_html=body_html(body) if body else "",
            what_happens_next_html=body_html(next_text),
        ),
    )


@never_cache
@require_safe
def session_ended(request: HttpRequest, organisation_slug: str, service_slug: str) -> HttpResponse:
    runner = runner_for_service(request, organisation_slug, service_slug)
    if isinstance(runner, HttpResponseRedirect):
        return runner
    minutes = max(idle_seconds() // 60, 1)
    return runner_render(
        runner,
        "runner/session_ended.html",
        runner.context(title=page_title(runner, _("Your session has ended")), minutes=minutes),
    )
