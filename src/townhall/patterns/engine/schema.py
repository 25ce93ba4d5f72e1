"""The pattern format, defined once: these models validate `pattern.yaml` and generate the JSON
Schema that editors use for completion (docs/pattern.schema.json).

The models check shape and types only. Everything that needs to see the pattern as a whole
(references, expression types, routing, Welsh) is in `analysis.py` and `graph.py`, so each problem
gets its own stable code.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from townhall.patterns.engine.schema_common import (
    MODEL_CONFIG,
    Expression,
    Identifier,
    IsoDate,
    Localised,
    Rule,
    Text,
)
from townhall.patterns.engine.schema_questions import (
    AddAnotherQuestion,
    AddressQuestion,
    CheckboxesQuestion,
    DateQuestion,
    EmailQuestion,
    FileQuestion,
    LocationQuestion,
    LongTextQuestion,
    MoneyQuestion,
    NameQuestion,
    NumberQuestion,
    PhoneQuestion,
    PostcodeQuestion,
    RadiosQuestion,
    SelectQuestion,
    TextQuestion,
    YesNoQuestion,
)

FORMAT_VERSION = 1
SCHEMA_ID = "https://townhall.example/schemas/pattern.schema.json"


class ContentPage(BaseModel):
    """A page that tells the user something and asks nothing (an interruption card, guidance)."""

    model_config = MODEL_CONFIG

    id: Identifier
    type: Literal["content"]
    title: Text
    body: Text
    button: Text | None = None
    next: list[Rule] = Field(default_factory=list)


class ExitPage(BaseModel):
    """A page that ends the journey: "You cannot use this service because …"."""

    model_config = MODEL_CONFIG

    id: Identifier
    type: Literal["exit"]
    title: Text
    body: Text


Page = Annotated[
    TextQuestion
    | LongTextQuestion
    | NumberQuestion
    | MoneyQuestion
    | DateQuestion
    | YesNoQuestion
    | RadiosQuestion
    | CheckboxesQuestion
    | SelectQuestion
    | EmailQuestion
    | PhoneQuestion
    | PostcodeQuestion
    | AddressQuestion
    | NameQuestion
    | FileQuestion
    | LocationQuestion
    | AddAnotherQuestion
    | ContentPage
    | ExitPage,
    Field(discriminator="type"),
]


class ParameterBase(BaseModel):
    model_config = MODEL_CONFIG

    description: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="What the adopting organisation should set, in plain English."
    )
    required: bool = Field(
        default=True, description="Whether an organisation must set it (ignored with a default)."
    )


class TextParameter(ParameterBase):
    type: Literal["text"]
    default: Text | None = None


class NumberParameter(ParameterBase):
    type: Literal["number"]
    decimal: bool = False
    default: int | float | None = None


class MoneyParameter(ParameterBase):
    type: Literal["money"]
    default: int | None = Field(default=None, ge=0, description="In pence.")


class DateParameter(ParameterBase):
    type: Literal["date"]
    default: IsoDate | None = None


class EmailParameter(ParameterBase):
    type: Literal["email"]
    default: Annotated[str, StringConstraints(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")] | None = None


class UrlParameter(ParameterBase):
    type: Literal["url"]
    default: Annotated[str, StringConstraints(pattern=r"^https://\S+$")] | None = None


class BooleanParameter(ParameterBase):
    type: Literal["boolean"]
    default: bool | None = None


class ChoiceParameter(ParameterBase):
    type: Literal["choice"]
    choices: list[Annotated[str, StringConstraints(min_length=1)]] = Field(min_length=1)
    default: str | None = None


Parameter = Annotated[
    TextParameter
    | NumberParameter
    | MoneyParameter
    | DateParameter
    | EmailParameter
    | UrlParameter
    | BooleanParameter
    | ChoiceParameter,
    Field(discriminator="type"),
]


class StartPage(BaseModel):
    model_config = MODEL_CONFIG

    title: Text | None = Field(default=None, description="The pattern's title by default.")
    body: Text
    before_you_start: Text | None = None


def _text(en: str, cy: str) -> Localised:
    return Localised(en=en, cy=cy)


class CheckAnswersPage(BaseModel):
    model_config = MODEL_CONFIG

    title: Text = Field(
        default_factory=lambda: _text(
            "Check your answers before sending your application",
            "Gwiriwch eich atebion cyn anfon eich cais",
        )
    )


class Declaration(BaseModel):
    model_config = MODEL_CONFIG

    title: Text = Field(
        default_factory=lambda: _text("Now send your application", "Nawr anfonwch eich cais")
    )
    body: Text
    button: Text = Field(default_factory=lambda: _text("Accept and send", "Derbyn ac anfon"))


class Outcome(BaseModel):
    model_config = MODEL_CONFIG

    reference_prefix: Annotated[str, StringConstraints(pattern=r"^[A-Z]{2,5}$")]
    fee: Expression | None = Field(
        default=None, description="A CEL expression giving the fee in pence (an int)."
    )
    confirmation_title: Text
    confirmation_body: Text | None = None
    what_happens_next: Text


class Open311(BaseModel):
    """Marks an Open311-style report: which questions give its location and its description."""

    model_config = MODEL_CONFIG

    location: Identifier
    description: Identifier


def _english_only() -> list[Literal["en", "cy"]]:
    return ["en"]


class PatternSpec(BaseModel):
    """A service pattern: metadata, parameters, pages with routing, and the outcome."""

    model_config = MODEL_CONFIG

    format: Literal[1] = Field(description="The version of this file format.")
    id: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$", max_length=60)]
    title: Text
    summary: Text
    version: Annotated[str, StringConstraints(pattern=r"^\d+\.\d+\.\d+$")] = Field(
        description="Semantic version: MAJOR.MINOR.PATCH."
    )
    owner: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="The organisation that maintains the pattern."
    )
    licence: Annotated[str, StringConstraints(min_length=1)] = Field(
        description="An SPDX identifier or OGL-UK-3.0."
    )
    lgsl: list[Annotated[int, Field(ge=1)]] = Field(
        default_factory=list,
        description="LGSL service codes, only where verified against the LGA's list.",
    )
    tags: list[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]*$")]] = Field(
        default_factory=list
    )
    languages: list[Literal["en", "cy"]] = Field(default_factory=_english_only, min_length=1)
    identity_assurance: Literal["none"] = Field(
        default="none", description="Reserved: the identity assurance level the service needs."
    )
    open311: Open311 | None = None
    parameters: dict[Identifier, Parameter] = Field(default_factory=dict)
    start: StartPage
    pages: list[Page] = Field(min_length=1)
    check_answers: CheckAnswersPage = Field(default_factory=CheckAnswersPage)
    declaration: Declaration | None = None
    outcome: Outcome

    @field_validator("languages")
    @classmethod
    def _english_first(cls, value: list[str]) -> list[str]:
        if "en" not in value:
            raise ValueError("must include en: every pattern is written in English first")
        if len(set(value)) != len(value):
            raise ValueError("must not repeat a language")
        return value


def pattern_json_schema() -> dict[str, Any]:
    """The JSON Schema of pattern.yaml, as committed in docs/pattern.schema.json."""
    schema = PatternSpec.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def pattern_json_schema_text() -> str:
    return json.dumps(pattern_json_schema(), indent=2, ensure_ascii=False) + "\n"
