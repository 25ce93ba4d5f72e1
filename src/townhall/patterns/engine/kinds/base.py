"""The question-type registry: one `QuestionKind` per `type`, holding everything type-specific.

Adding a question type means adding its model in `schema_questions.py` and a kind here; the
validator, the summary, the CEL type checker and the runtime all find it through the registry.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from celpy import celtypes

from townhall.patterns.engine.cel_types import CelType
from townhall.patterns.engine.messages import message_format, word
from townhall.patterns.engine.schema_common import Localised
from townhall.patterns.engine.schema_questions import QuestionBase
from townhall.patterns.engine.values import Answer, FieldError, Language, RawInput


@dataclass(frozen=True, slots=True)
class Context:
    """What validating and showing an answer needs besides the question and the input."""

    question_id: str
    language: Language
    today: dt.date
    render: Callable[[Localised], str]

    def text(self, value: Localised | None) -> str:
        return self.render(value) if value is not None else ""

    def error(
        self,
        question: QuestionBase,
        field: str,
        key: str,
        *,
        template: str | None = None,
        **values: str,
    ) -> FieldError:
        """A FieldError with the pattern's override for `key`, or the GOV.UK message."""
        override = question.errors.get(key)
        if override is not None:
            message = self.render(override)
        else:
            message = message_format(
                template=template or key,
                subject=self.render(question.subject),
                language=self.language,
                values=values,
            )
        return FieldError(self.question_id, field, key, message)

    def word(self, key: str) -> str:
        return word(key, self.language)


class QuestionKind[Q: QuestionBase](ABC):
    """Validation, display and CEL typing for one question type."""

    type_name: ClassVar[str]
    model: ClassVar[type[QuestionBase]]
    # The keys a pattern may override in `errors:` for this type.
    error_keys: ClassVar[frozenset[str]]

    def fields(self, question: Q, name: str) -> list[str]:
        """The form input names this question reads (`name` is the question's input name)."""
        return [name]

    @abstractmethod
    def validate(
        self, question: Q, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        """The typed answer (None for a blank optional question), or errors."""

    @abstractmethod
    def cel_type(self, question: Q) -> CelType:
        """The static type of `answers.<id>` in expressions."""

    @abstractmethod
    def display(self, question: Q, value: Answer, context: Context) -> list[str]:
        """Lines for the check-answers summary (and text placeholders)."""

    def to_cel(self, question: Q, value: Answer) -> celtypes.Value:
        """The runtime CEL value of an answer; raises ValueError when it has the wrong shape."""
        return json_to_cel_strict(value)


_REGISTRY: dict[str, QuestionKind[Any]] = {}


def register[K: QuestionKind[Any]](kind_class: type[K]) -> type[K]:
    """Class decorator: adds one instance of the kind, refusing a second kind for the same type."""
    if kind_class.type_name in _REGISTRY:
        raise ValueError(f"question type {kind_class.type_name!r} is registered twice")
    _REGISTRY[kind_class.type_name] = kind_class()
    return kind_class


def kind_for(question: QuestionBase) -> QuestionKind[Any]:
    type_name = getattr(question, "type", "")
    return _REGISTRY[type_name]


def registered_types() -> frozenset[str]:
    return frozenset(_REGISTRY)


# -- Reading raw input defensively: a form, an API client or a fuzzer may send anything. ----------


def raw_text(raw: RawInput, name: str) -> str:
    """The text posted for `name`: the first of several values, "" for anything that is not text."""
    value: object = raw.get(name)
    if isinstance(value, list | tuple) and value:
        value = value[0]
    return value.strip() if isinstance(value, str) else ""


def raw_list(raw: RawInput, name: str) -> list[str]:
    value: object = raw.get(name)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def json_to_cel_strict(value: Answer) -> celtypes.Value:
    if isinstance(value, bool):
        return celtypes.BoolType(value)
    if isinstance(value, int):
        return celtypes.IntType(value)
    if isinstance(value, float):
        return celtypes.DoubleType(value)
    if isinstance(value, str):
        return celtypes.StringType(value)
    if isinstance(value, list):
        return celtypes.ListType([json_to_cel_strict(item) for item in value])
    if isinstance(value, dict):
        return celtypes.MapType(
            {
                celtypes.StringType(k): json_to_cel_strict(v)
                for k, v in value.items()
                if v is not None
            }
        )
    raise ValueError("no CEL value for null")


def expect_str(value: Answer) -> str:
    if not isinstance(value, str):
        raise ValueError("expected text")
    return value


def mapping_of(value: Answer) -> Mapping[str, Answer]:
    if not isinstance(value, dict):
        raise ValueError("expected an object")
    return value
