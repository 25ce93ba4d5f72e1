"""GOV.UK's "add another" pattern: a repeating group of questions with a minimum and maximum count.

The web layer asks one item at a time and keeps the items; it posts them all back indexed,
`<id>-<n>-<sub id>` (and `<id>-<n>-<sub id>-day` for a date inside an item), and the engine
validates the whole list so the rules (min/max count, each item's answers) live in one place.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from celpy import celtypes

from townhall.patterns.engine.cel_types import CelType, list_of, record
from townhall.patterns.engine.kinds.base import (
    Context,
    QuestionKind,
    kind_for,
    mapping_of,
    register,
)
from townhall.patterns.engine.schema_questions import AddAnotherQuestion
from townhall.patterns.engine.values import JSON, Answer, FieldError, RawInput

# Only the first few hundred items can be real; a larger index is someone probing the form.
_INDEX = re.compile(r"^(\d{1,3})-")


def item_indexes(question: AddAnotherQuestion, raw: RawInput, name: str) -> list[int]:
    """The item numbers posted, in order, that have at least one non-empty value."""
    prefix = f"{name}-"
    found: set[int] = set()
    for key, value in raw.items():
        if not isinstance(key, str) or not key.startswith(prefix):
            continue
        match = _INDEX.match(key[len(prefix) :])
        if match and _has_content(value):
            found.add(int(match[1]))
    return sorted(found)


def _has_content(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | tuple):
        return any(_has_content(item) if isinstance(item, str) else True for item in value)
    return False


@register
class AddAnotherKind(QuestionKind[AddAnotherQuestion]):
    type_name = "add_another"
    model = AddAnotherQuestion
    error_keys: ClassVar = frozenset({"too_few", "too_many"})

    def minimum(self, question: AddAnotherQuestion) -> int:
        if question.min_items is not None:
            return question.min_items
        return 1 if question.required else 0

    def fields(self, question: AddAnotherQuestion, name: str) -> list[str]:
        return [
            field
            for sub in question.questions
            for field in kind_for(sub).fields(sub, f"{name}-0-{sub.id}")
        ]

    def validate(
        self, question: AddAnotherQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        indexes = item_indexes(question, raw, name)
        if len(indexes) > question.max_items:
            words = self._words(question, context, question.max_items)
            return None, [
                context.error(
                    question,
                    name,
                    "too_many",
                    template="group.too_many",
                    max=str(question.max_items),
                    **words,
                )
            ]
        items: list[JSON] = []
        errors: list[FieldError] = []
        for index in indexes:
            item: dict[str, JSON] = {}
            for sub in question.questions:
                value, sub_errors = kind_for(sub).validate(
                    sub, raw, context, f"{name}-{index}-{sub.id}"
                )
                errors.extend(sub_errors)
                item[sub.id] = value
            items.append(item)
        if errors:
            return None, errors
        if len(items) < self.minimum(question):
            words = self._words(question, context, self.minimum(question))
            return None, [
                context.error(
                    question,
                    name,
                    "too_few",
                    template="group.too_few",
                    min=str(self.minimum(question)),
                    **words,
                )
            ]
        return items, []

    def _words(self, question: AddAnotherQuestion, context: Context, count: int) -> dict[str, str]:
        # English: "1 vehicle", "2 vehicles". Welsh counts with the singular: "2 cerbyd".
        singular = context.render(question.item_name)
        plural = singular if count == 1 else context.render(question.item_name_plural)
        return {"items": plural, "item": singular}

    def cel_type(self, question: AddAnotherQuestion) -> CelType:
        fields = {sub.id: kind_for(sub).cel_type(sub) for sub in question.questions}
        return list_of(record(**fields))

    def display(self, question: AddAnotherQuestion, value: Answer, context: Context) -> list[str]:
        if not isinstance(value, list):
            return [str(value)] if value is not None else []
        lines = []
        for item in value:
            if not isinstance(item, dict):
                lines.append(str(item))
                continue
            parts = []
            for sub in question.questions:
                sub_value = item.get(sub.id)
                if sub_value is not None:
                    parts.extend(kind_for(sub).display(sub, sub_value, context))
            lines.append(", ".join(parts))
        return lines

    def to_cel(self, question: AddAnotherQuestion, value: Answer) -> celtypes.Value:
        if not isinstance(value, list):
            raise ValueError("expected a list of items")
        items: list[Any] = []
        for item in value:
            answers = mapping_of(item)
            converted: dict[celtypes.StringType, celtypes.Value] = {}
            for sub in question.questions:
                sub_value = answers.get(sub.id)
                if sub_value is not None:
                    converted[celtypes.StringType(sub.id)] = kind_for(sub).to_cel(sub, sub_value)
            items.append(celtypes.MapType(converted))
        return celtypes.ListType(items)
