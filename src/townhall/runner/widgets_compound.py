"""Questions of several inputs: UK address, name in two parts, location, and file upload."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from markupsafe import escape

from townhall.patterns.engine.schema_questions import (
    FileQuestion,
    LocationQuestion,
    NameQuestion,
    QuestionBase,
)
from townhall.runner.widgets_base import FieldContext, Heading, Widget, text_input


def fieldset(
    question: QuestionBase,
    ctx: FieldContext,
    name: str,
    heading: Heading,
    children: list[Widget],
    *,
    own_error: bool = True,
) -> list[Widget]:
    """A question of several inputs. `own_error` is False when the question-level error belongs
    to one of the inputs (a location's description) rather than to the group."""
    error = ctx.error(name) if own_error else None
    hint = ctx.hint(question.hint)
    described = [
        part for part, shown in ((f"{name}-hint", hint), (f"{name}-error", error)) if shown
    ]
    return [
        {
            "macro": "fieldset",
            "params": {
                "legend": heading.legend(ctx.render(question.label)),
                "describedBy": " ".join(described),
            },
            "hint": hint,
            "hint_id": f"{name}-hint",
            "error": error,
            "error_id": f"{name}-error",
            "has_error": bool(ctx.errors_under(name)),
            "children": children,
        }
    ]


def part(ctx: FieldContext, name: str, label: str, *, classes: str = "", **options: Any) -> Widget:
    params = {
        "id": name,
        "name": name,
        "label": {"text": label},
        "value": ctx.value(name),
        "errorMessage": ctx.error(name),
        "classes": classes,
        **options,
    }
    return {"macro": "input", "params": params}


def address_widgets(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    children = [
        part(ctx, f"{name}-line1", _("Address line 1"), autocomplete="address-line1"),
        part(ctx, f"{name}-line2", _("Address line 2 (optional)"), autocomplete="address-line2"),
        part(
            ctx,
            f"{name}-town",
            _("Town or city"),
            classes="govuk-!-width-two-thirds",
            autocomplete="address-level2",
        ),
        part(ctx, f"{name}-county", _("County (optional)"), classes="govuk-!-width-two-thirds"),
        part(
            ctx,
            f"{name}-postcode",
            _("Postcode"),
            classes="govuk-input--width-10",
            autocomplete="postal-code",
        ),
    ]
    uprn = ctx.value(f"{name}-uprn")
    if ctx.current(
        f"{name}-uprn"
    ):  # from an address lookup; kept so changing another part does not lose it
        children.append({"macro": "hidden", "name": f"{name}-uprn", "value": uprn})
    return fieldset(question, ctx, name, heading, children)


def name_widgets(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    assert isinstance(question, NameQuestion)  # noqa: S101 - dispatched by type
    if question.parts == "full":
        return text_input(question, ctx, name, heading, autocomplete="name", spellcheck=False)
    children = [
        part(ctx, f"{name}-given", _("First name"), autocomplete="given-name", spellcheck=False),
        part(ctx, f"{name}-family", _("Last name"), autocomplete="family-name", spellcheck=False),
    ]
    return fieldset(question, ctx, name, heading, children)


def location_widgets(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    assert isinstance(question, LocationQuestion)  # noqa: S101 - dispatched by type
    if question.coordinates == "none":
        return text_input(question, ctx, name, heading)
    description = {
        "macro": "textarea",
        "params": {
            "id": name,
            "name": name,
            "label": {"text": _("Description of the location")},
            "value": ctx.value(name),
            "errorMessage": ctx.error(name),
            "rows": 3,
        },
    }
    optional = question.coordinates == "optional"
    point = {
        "macro": "fieldset",
        "params": {
            "legend": {
                "text": _("Map point (optional)") if optional else _("Map point"),
                "classes": "govuk-fieldset__legend--s",
            },
            "describedBy": f"{name}-point-hint",
        },
        "hint": {"html": escape(_("In decimal degrees, for example 52.24131 and -3.37906"))},
        "hint_id": f"{name}-point-hint",
        "error": None,
        "has_error": False,
        "children": [
            part(
                ctx,
                f"{name}-latitude",
                _("Latitude"),
                classes="govuk-input--width-10",
                inputmode="decimal",
                spellcheck=False,
                errorMessage=ctx.error(f"{name}-latitude"),
            ),
            part(
                ctx,
                f"{name}-longitude",
                _("Longitude"),
                classes="govuk-input--width-10",
                inputmode="decimal",
                spellcheck=False,
            ),
        ],
    }
    # The question-level error belongs to the description, the coordinates' to latitude.
    return fieldset(question, ctx, name, heading, [description, point], own_error=False)


def file_widgets(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    assert isinstance(question, FileQuestion)  # noqa: S101 - dispatched by type
    params = {
        "id": name,
        "name": name,
        "label": heading.label(ctx.render(question.label)),
        "hint": ctx.hint(question.hint),
        "errorMessage": ctx.error(name),
        "multiple": question.max_files > 1,
        "attributes": {"accept": ",".join(f".{extension}" for extension in question.accept)},
    }
    return [{"macro": "fileUpload", "params": params}]
