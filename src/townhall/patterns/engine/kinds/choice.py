"""Questions answered by choosing: yes/no, radios, select and checkboxes."""

from __future__ import annotations

from typing import ClassVar

from townhall.patterns.engine.cel_types import BOOL, STRING, CelType, list_of
from townhall.patterns.engine.kinds.base import (
    Context,
    QuestionKind,
    raw_list,
    raw_text,
    register,
)
from townhall.patterns.engine.schema_common import Option
from townhall.patterns.engine.schema_questions import (
    CheckboxesQuestion,
    RadiosQuestion,
    SelectQuestion,
    YesNoQuestion,
)
from townhall.patterns.engine.values import Answer, FieldError, RawInput


def _option_label(options: list[Option], value: object, context: Context) -> str:
    for option in options:
        if option.value == value:
            return context.render(option.label)
    return str(value)


@register
class YesNoKind(QuestionKind[YesNoQuestion]):
    type_name = "yes_no"
    model = YesNoQuestion
    error_keys: ClassVar = frozenset({"required"})

    def labels(self, question: YesNoQuestion, context: Context) -> tuple[str, str]:
        yes = context.render(question.yes_label) if question.yes_label else context.word("yes")
        no = context.render(question.no_label) if question.no_label else context.word("no")
        return yes, no

    def validate(
        self, question: YesNoQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name)
        if text in ("yes", "no"):
            return text == "yes", []
        if question.required:
            yes, _ = self.labels(question, context)
            return None, [
                context.error(question, name, "required", template="required.yes_no", yes=yes)
            ]
        return None, []

    def cel_type(self, question: YesNoQuestion) -> CelType:
        return BOOL

    def display(self, question: YesNoQuestion, value: Answer, context: Context) -> list[str]:
        yes, no = self.labels(question, context)
        if isinstance(value, bool):
            return [yes if value else no]
        return [str(value)] if value is not None else []


class _SingleChoiceKind[Q: RadiosQuestion | SelectQuestion](QuestionKind[Q]):
    error_keys: ClassVar = frozenset({"required"})

    def validate(
        self, question: Q, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name)
        # A value that is not an option can only come from a tampered form: treat it as no answer.
        if any(option.value == text for option in question.options):
            return text, []
        if question.required:
            return None, [context.error(question, name, "required", template="required.select")]
        return None, []

    def cel_type(self, question: Q) -> CelType:
        return STRING

    def display(self, question: Q, value: Answer, context: Context) -> list[str]:
        return [_option_label(question.options, value, context)] if value is not None else []


@register
class RadiosKind(_SingleChoiceKind[RadiosQuestion]):
    type_name = "radios"
    model = RadiosQuestion


@register
class SelectKind(_SingleChoiceKind[SelectQuestion]):
    type_name = "select"
    model = SelectQuestion


@register
class CheckboxesKind(QuestionKind[CheckboxesQuestion]):
    type_name = "checkboxes"
    model = CheckboxesQuestion
    error_keys: ClassVar = frozenset({"required", "too_few", "too_many", "exclusive"})

    def validate(
        self, question: CheckboxesQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        chosen = set(raw_list(raw, name))
        # Keep the options' order, whatever order the browser sent them in.
        selected = [option for option in question.options if option.value in chosen]
        if not selected:
            if question.required:
                return None, [context.error(question, name, "required", template="required.select")]
            return [], []
        exclusive = [option for option in selected if option.exclusive]
        if exclusive and len(selected) > 1:
            label = context.render(exclusive[0].label)
            return None, [context.error(question, name, "exclusive", label=label)]
        count = len(selected)
        low, high = question.min_selected, question.max_selected
        if low is not None and count < low and not exclusive:
            return None, [
                context.error(question, name, "too_few", template="too_few_options", min=str(low))
            ]
        if high is not None and count > high:
            return None, [
                context.error(
                    question, name, "too_many", template="too_many_options", max=str(high)
                )
            ]
        return [option.value for option in selected], []

    def cel_type(self, question: CheckboxesQuestion) -> CelType:
        return list_of(STRING)

    def display(self, question: CheckboxesQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, list):
            return [_option_label(question.options, item, context) for item in value]
        return [str(value)] if value is not None else []
