"""GOV.UK's "add another" without JavaScript: one fieldset per item, with Remove buttons; the
page adds or removes an item by posting back, and nothing is stored until the resident continues.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from markupsafe import Markup

from townhall.patterns.engine.schema_questions import AddAnotherQuestion
from townhall.runner.forms import FormValues
from townhall.runner.widgets import question_widgets
from townhall.runner.widgets_base import FieldContext, Heading, Widget


def group_items(values: FormValues, name: str) -> list[FormValues]:
    """The items of an "add another" question in posted order, each keyed by `<sub id>[-part]`."""
    pattern = re.compile(rf"^{re.escape(name)}-(\d{{1,3}})-(.+)$")
    items: dict[int, FormValues] = {}
    for key, value in values.items():
        match = pattern.match(key)
        if match:
            items.setdefault(int(match[1]), {})[match[2]] = value
    return [items[index] for index in sorted(items)]


def group_values(items: list[FormValues], name: str) -> FormValues:
    """Items numbered from 0 again, as form values."""
    return {
        f"{name}-{index}-{key}": value
        for index, item in enumerate(items)
        for key, value in item.items()
    }


def add_another_widgets(
    question: AddAnotherQuestion, ctx: FieldContext, name: str, items: int
) -> list[Widget]:
    """One fieldset per item (`Vehicle 1`, `Vehicle 2` …) with its questions and a Remove button."""
    item_name = ctx.render(question.item_name)
    widgets: list[Widget] = []
    for index in range(items):
        number = index + 1
        children: list[Widget] = []
        for sub in question.questions:
            children += question_widgets(
                sub, ctx, name=f"{name}-{index}-{sub.id}", heading=Heading("s")
            )
        remove = Markup('{} <span class="govuk-visually-hidden">{} {}</span>').format(
            _("Remove"), item_name, number
        )
        children.append(
            {
                "macro": "button",
                "params": {
                    "html": remove,
                    "name": "action",
                    "value": f"remove-{index}",
                    "classes": "govuk-button--secondary govuk-!-margin-bottom-4",
                },
            }
        )
        widgets.append(
            {
                "macro": "fieldset",
                "id": f"{name}-{index}",
                "params": {
                    "legend": {
                        "text": f"{item_name[:1].upper()}{item_name[1:]} {number}",
                        "classes": "govuk-fieldset__legend--m",
                    }
                },
                "hint": None,
                "error": None,
                "has_error": False,
                "children": children,
            }
        )
    return widgets
