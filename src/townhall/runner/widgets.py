"""GOV.UK Frontend component options for each question type.

Each question becomes one or more widgets: `{"macro": <component>, "params": <its options>}`
(`runner/_fields.html` renders them with govuk-frontend-jinja). Input names and ids are the ones
the engine reads and names in its errors (`dob-day`, `address-postcode`), so each error summary
link lands on its field. One question per page: the question's label is the page heading.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from townhall.patterns.engine.messages import word
from townhall.patterns.engine.schema_questions import (
    CheckboxesQuestion,
    DateQuestion,
    LongTextQuestion,
    NumberQuestion,
    QuestionBase,
    RadiosQuestion,
    SelectQuestion,
    TextQuestion,
    YesNoQuestion,
)
from townhall.runner.widgets_base import (
    Builder,
    FieldContext,
    Heading,
    Widget,
    character_count_texts,
    text_input,
)
from townhall.runner.widgets_compound import (
    address_widgets,
    file_widgets,
    location_widgets,
    name_widgets,
)


def question_widgets(
    question: QuestionBase, ctx: FieldContext, *, name: str, heading: Heading
) -> list[Widget]:
    """The widgets for one question, with the inputs named as the engine expects."""
    builder = _BUILDERS.get(getattr(question, "type", ""), _text)
    return builder(question, ctx, name, heading)


def _text(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    options: dict[str, Any] = {}
    if isinstance(question, TextQuestion) and question.autocomplete:
        options["autocomplete"] = question.autocomplete
    return text_input(question, ctx, name, heading, **options)


def _email(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    return text_input(
        question, ctx, name, heading, type="email", autocomplete="email", spellcheck=False
    )


def _phone(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    return text_input(
        question,
        ctx,
        name,
        heading,
        type="tel",
        autocomplete="tel",
        classes="govuk-input--width-20",
    )


def _postcode(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    return text_input(
        question,
        ctx,
        name,
        heading,
        autocomplete="postal-code",
        spellcheck=False,
        classes="govuk-input--width-10",
    )


def _number(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    assert isinstance(question, NumberQuestion)  # noqa: S101 - dispatched by type
    prefix, suffix = ctx.render(question.prefix), ctx.render(question.suffix)
    return text_input(
        question,
        ctx,
        name,
        heading,
        inputmode="decimal" if question.decimal else "numeric",
        spellcheck=False,
        classes="govuk-input--width-10",
        prefix={"text": prefix} if prefix else None,
        suffix={"text": suffix} if suffix else None,
    )


def _money(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    return text_input(
        question,
        ctx,
        name,
        heading,
        inputmode="decimal",
        spellcheck=False,
        classes="govuk-input--width-10",
        prefix={"text": "£"},
    )


def _long_text(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    assert isinstance(question, LongTextQuestion)  # noqa: S101 - dispatched by type
    params = {
        "id": name,
        "name": name,
        "label": heading.label(ctx.render(question.label)),
        "hint": ctx.hint(question.hint),
        "value": ctx.value(name),
        "errorMessage": ctx.error(name),
        "maxlength": question.max_length,
        "rows": 8,
        **character_count_texts(),
    }
    return [{"macro": "characterCount", "params": params}]


def _date(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    assert isinstance(question, DateQuestion)  # noqa: S101 - dispatched by type
    whole = name in ctx.errors
    labels = {"day": _("Day"), "month": _("Month"), "year": _("Year")}
    widths = {"day": 2, "month": 2, "year": 4}
    items = [
        {
            "name": part,
            "label": labels[part],
            "value": ctx.value(f"{name}-{part}"),
            "inputmode": "numeric",
            "classes": f"govuk-input--width-{widths[part]}"
            + (" govuk-input--error" if whole or f"{name}-{part}" in ctx.errors else ""),
        }
        for part in ("day", "month", "year")
    ]
    params = {
        "id": name,
        "namePrefix": name,
        "fieldset": {"legend": heading.legend(ctx.render(question.label))},
        "hint": ctx.hint(question.hint),
        "errorMessage": ctx.error(name, f"{name}-day", f"{name}-month", f"{name}-year"),
        "items": items,
    }
    return [{"macro": "dateInput", "params": params}]


def _choice_items(
    options: list[Any], ctx: FieldContext, selected: list[str]
) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for option in options:
        if getattr(option, "exclusive", False):
            items.append({"divider": _("or")})
        item: dict[str, Any] = {
            "value": option.value,
            "text": ctx.render(option.label),
            "checked": option.value in selected,
        }
        if option.hint is not None:
            item["hint"] = {"text": ctx.render(option.hint)}
        if getattr(option, "exclusive", False):
            item["behaviour"] = "exclusive"
        items.append(item)
    return items


def _choices(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading
) -> list[Widget]:
    assert isinstance(question, RadiosQuestion | CheckboxesQuestion)  # noqa: S101
    params = {
        "name": name,
        "idPrefix": name,
        "fieldset": {"legend": heading.legend(ctx.render(question.label))},
        "hint": ctx.hint(question.hint),
        "errorMessage": ctx.error(name),
        "items": _choice_items(question.options, ctx, ctx.selected(name)),
    }
    macro = "radios" if isinstance(question, RadiosQuestion) else "checkboxes"
    return [{"macro": macro, "params": params}]


def _yes_no(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    assert isinstance(question, YesNoQuestion)  # noqa: S101 - dispatched by type
    current = ctx.current(name)
    yes = ctx.render(question.yes_label) or word("yes", ctx.language)
    no = ctx.render(question.no_label) or word("no", ctx.language)
    params = {
        "name": name,
        "idPrefix": name,
        "classes": "govuk-radios--inline",
        "fieldset": {"legend": heading.legend(ctx.render(question.label))},
        "hint": ctx.hint(question.hint),
        "errorMessage": ctx.error(name),
        "items": [
            {"value": "yes", "text": yes, "checked": current == "yes"},
            {"value": "no", "text": no, "checked": current == "no"},
        ],
    }
    return [{"macro": "radios", "params": params}]


def _select(question: QuestionBase, ctx: FieldContext, name: str, heading: Heading) -> list[Widget]:
    assert isinstance(question, SelectQuestion)  # noqa: S101 - dispatched by type
    current = ctx.current(name)
    items = [{"value": "", "text": _("Choose an option"), "selected": not current}]
    items += [
        {"value": o.value, "text": ctx.render(o.label), "selected": o.value == current}
        for o in question.options
    ]
    params = {
        "id": name,
        "name": name,
        "label": heading.label(ctx.render(question.label)),
        "hint": ctx.hint(question.hint),
        "errorMessage": ctx.error(name),
        "items": items,
    }
    return [{"macro": "select", "params": params}]


_BUILDERS: dict[str, Builder] = {
    "text": _text,
    "long_text": _long_text,
    "number": _number,
    "money": _money,
    "date": _date,
    "yes_no": _yes_no,
    "radios": _choices,
    "checkboxes": _choices,
    "select": _select,
    "email": _email,
    "uk_phone": _phone,
    "uk_postcode": _postcode,
    "uk_address": address_widgets,
    "name": name_widgets,
    "file": file_widgets,
    "location": location_widgets,
}
