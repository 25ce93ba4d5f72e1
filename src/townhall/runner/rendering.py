"""Template contexts for runner pages, built from the engine's results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from markupsafe import Markup, escape

from townhall.patterns.engine import FieldError, SummaryRow
from townhall.patterns.engine.schema_questions import AddAnotherQuestion, FileQuestion, QuestionBase
from townhall.runner.constants import RETURN_PARAM, RETURN_TO_CHECK_ANSWERS
from townhall.runner.forms import FormValues
from townhall.runner.page_cache import Slots, page_render
from townhall.runner.session import Runner
from townhall.runner.text import body_html
from townhall.runner.widgets import question_widgets
from townhall.runner.widgets_base import FieldContext, Heading
from townhall.runner.widgets_group import add_another_widgets, group_items


def page_title(runner: Runner, title: str, *, errors: bool = False) -> str:
    """ "Error: Question – Service" (the layout adds the organisation): GOV.UK's title pattern."""
    parts = [title] if title == runner.service_name else [title, runner.service_name]
    full = " – ".join(parts)
    return f"{_('Error:')} {full}" if errors else full


def error_list(errors: Sequence[FieldError], *, slots: Slots) -> list[dict[str, str]]:
    """The error summary's links, to the input each error belongs to."""
    return [{"text": slots.text(error.message), "href": f"#{error.field}"} for error in errors]


def runner_render(runner: Runner, template_name: str, context: dict[str, Any]) -> HttpResponse:
    """A runner page, through the page cache (the per-request parts are `runner.slots`)."""
    return page_render(runner.request, template_name, context, slots=runner.slots)


def form_action(runner: Runner) -> str:
    # The address with its query string: a per-request slot, so a made-up query string
    # cannot fill the page cache.
    return runner.slots.text(runner.request.get_full_path())


def first_errors(errors: Sequence[FieldError]) -> dict[str, str]:
    found: dict[str, str] = {}
    for error in errors:
        found.setdefault(error.field, error.message)
    return found


def question_context(
    runner: Runner,
    question: QuestionBase,
    *,
    values: FormValues,
    errors: Sequence[FieldError] = (),
    back_href: str,
    change: bool,
    items: int | None = None,
) -> dict[str, Any]:
    """The context of a question page: heading, guidance, widgets and errors. `items` is how many
    "add another" items to show (by default, as many as `values` has)."""
    ctx = FieldContext(
        render=runner.text,
        language=runner.language,
        values=values,
        errors=first_errors(errors),
        slots=runner.slots,
    )
    label = runner.text(question.label)
    body = runner.text(question.body)
    # The label is the page heading, unless guidance sits between the heading and the field.
    separate_heading = bool(body) or isinstance(question, AddAnotherQuestion)
    extra: dict[str, Any] = {}
    if isinstance(question, AddAnotherQuestion):
        count = items if items is not None else len(group_items(values, question.id))
        widgets = add_another_widgets(question, ctx, question.id, max(count, 1))
        extra = {
            "add_another": {
                "id": question.id,
                "hint": ctx.hint(question.hint),
                "error": ctx.error(question.id),
                "label": _("Add another %(item)s") % {"item": runner.text(question.item_name)},
            }
        }
    else:
        heading = Heading("hidden" if separate_heading else "l")
        widgets = question_widgets(question, ctx, name=question.id, heading=heading)
    if isinstance(question, FileQuestion):
        stored = runner.answers.get(question.id) or []
        extra["uploaded"] = [
            runner.slots.text(str(item.get("name", "")))
            for item in stored
            if isinstance(item, dict)
        ]
    return runner.context(
        title=page_title(runner, label, errors=bool(errors)),
        heading=label if separate_heading else "",
        body_html=body_html(body) if body else "",
        widgets=widgets,
        error_list=error_list(errors, slots=runner.slots),
        multipart=isinstance(question, FileQuestion),
        back_href=runner.slots.text(back_href),
        form_action=form_action(runner),
        change=change,
        **extra,
    )


def summary_rows(runner: Runner, rows: Sequence[SummaryRow]) -> list[dict[str, Any]]:
    """govukSummaryList rows, each with a "Change" link that comes back to check answers."""
    result = []
    for row in rows:
        lines = runner.slots.markup(Markup("<br>").join(escape(line) for line in row.lines))
        href = f"{runner.page_url(row.change_page)}?{RETURN_PARAM}={RETURN_TO_CHECK_ANSWERS}"
        result.append(
            {
                "key": {"text": row.label},
                "value": {"html": lines},
                "actions": {
                    "items": [{"href": href, "text": _("Change"), "visuallyHiddenText": row.label}]
                },
            }
        )
    return result
