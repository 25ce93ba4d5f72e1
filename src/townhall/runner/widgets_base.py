"""What every widget builder shares: the page's texts, values and errors, and how a question's
label appears (the page heading, hidden behind a separate heading, or small inside an item).

A widget is `{"macro": <GOV.UK component>, "params": <its options>}`; `runner/_fields.html` renders
it with govuk-frontend-jinja.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from markupsafe import Markup

from townhall.patterns.engine.schema_common import Localised
from townhall.patterns.engine.schema_questions import QuestionBase
from townhall.patterns.engine.values import Language
from townhall.runner.forms import FormValues
from townhall.runner.page_cache import Slots
from townhall.runner.text import inline_html

type Widget = dict[str, Any]

# Label and legend sizes: the page heading, or a question inside an "add another" item.
_LABEL = {"l": "govuk-label--l", "s": "govuk-label--s"}
_LEGEND = {"l": "govuk-fieldset__legend--l", "s": "govuk-fieldset__legend--s"}


@dataclass(frozen=True)
class FieldContext:
    """What every widget needs: the pattern's texts in the page's language, the values to show
    and the engine's errors by input name."""

    render: Callable[[Localised | None], str]
    language: Language
    values: FormValues
    errors: Mapping[str, str]
    slots: Slots

    def current(self, name: str) -> str:
        """The value of an input, for deciding what the page shows (which option is chosen)."""
        value = self.values.get(name, "")
        return value[0] if isinstance(value, list) and value else str(value) if value else ""

    def value(self, name: str) -> str:
        """The value of an input, to show in it: a per-request slot in the cached markup."""
        return self.slots.text(self.current(name))

    def selected(self, name: str) -> list[str]:
        value = self.values.get(name, [])
        return [value] if isinstance(value, str) else list(value)

    def error(self, *names: str) -> dict[str, str] | None:
        for name in names:
            if name in self.errors:
                return {
                    "text": self.slots.text(self.errors[name]),
                    "visuallyHiddenText": _("Error"),
                }
        return None

    def errors_under(self, name: str) -> list[str]:
        return [field for field in self.errors if field == name or field.startswith(f"{name}-")]

    def hint(self, text: Localised | None) -> dict[str, Markup] | None:
        rendered = self.render(text)
        return {"html": inline_html(rendered)} if rendered else None


@dataclass(frozen=True)
class Heading:
    """How a question's label appears: as the page heading ("l"), visually hidden because the page
    has its own heading above guidance ("hidden"), or as a small label inside an item ("s")."""

    style: str

    def label(self, text: str) -> dict[str, Any]:
        if self.style == "hidden":
            return {"text": text, "classes": "govuk-visually-hidden"}
        return {"text": text, "isPageHeading": self.style == "l", "classes": _LABEL[self.style]}

    def legend(self, text: str) -> dict[str, Any]:
        if self.style == "hidden":
            return {"text": text, "classes": "govuk-visually-hidden"}
        return {"text": text, "isPageHeading": self.style == "l", "classes": _LEGEND[self.style]}


# Builds the widgets of one question type: (question, context, input name, heading).
type Builder = Callable[[QuestionBase, FieldContext, str, Heading], list[Widget]]


def text_input(
    question: QuestionBase, ctx: FieldContext, name: str, heading: Heading, **options: Any
) -> list[Widget]:
    """One text-like input labelled with the question; `options` are govukInput's own."""
    params = {
        "id": name,
        "name": name,
        "label": heading.label(ctx.render(question.label)),
        "hint": ctx.hint(question.hint),
        "value": ctx.value(name),
        "errorMessage": ctx.error(name),
        **options,
    }
    return [{"macro": "input", "params": params}]


def character_count_texts() -> dict[str, Any]:
    """govukCharacterCount's texts in the page's language. The first is shown without JavaScript;
    the others are the enhancement's live count."""
    return {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": {
            "one": _("You have %{count} character remaining"),
            "other": _("You have %{count} characters remaining"),
        },
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {
            "one": _("You have %{count} character too many"),
            "other": _("You have %{count} characters too many"),
        },
    }
