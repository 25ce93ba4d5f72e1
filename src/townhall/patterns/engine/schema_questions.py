"""Question pages, one model per question type (following GOV.UK Design System components).

A question page asks one thing (GOV.UK's "one thing per page"): the page id is the question id and
the key of its answer. Types are told apart by `type`, which is also how editors complete them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from townhall.patterns.engine.schema_common import (
    MODEL_CONFIG,
    DateBound,
    Identifier,
    Option,
    Rule,
    Text,
)


class QuestionBase(BaseModel):
    model_config = MODEL_CONFIG

    id: Identifier = Field(description="The page id and the key of the answer.")
    label: Text = Field(description="The question, shown as the page heading.")
    hint: Text | None = None
    body: Text | None = Field(default=None, description="Guidance shown above the answer field.")
    subject: Text = Field(
        description=(
            "What is asked about, as error messages use it: 'Enter <subject>', "
            "'<Subject> must be a real date'. For example 'your date of birth'."
        )
    )
    summary_label: Text | None = Field(
        default=None, description="The key on the check-answers page; the label by default."
    )
    required: bool = True
    errors: dict[str, Text] = Field(
        default_factory=dict, description="Overrides of the standard error messages, by key."
    )
    next: list[Rule] = Field(
        default_factory=list,
        description="Routing rules, tried in order; without a match, the next page in the list.",
    )


class TextQuestion(QuestionBase):
    type: Literal["text"]
    min_length: int | None = Field(default=None, ge=1, le=10_000)
    max_length: int = Field(default=200, ge=1, le=10_000)
    autocomplete: str | None = Field(default=None, description="An HTML autocomplete token.")


class LongTextQuestion(QuestionBase):
    type: Literal["long_text"]
    min_length: int | None = Field(default=None, ge=1, le=100_000)
    max_length: int = Field(default=1200, ge=1, le=100_000)


class NumberQuestion(QuestionBase):
    type: Literal["number"]
    decimal: bool = Field(default=False, description="Allow decimals; whole numbers otherwise.")
    min: int | float | None = None
    max: int | float | None = None
    prefix: Text | None = None
    suffix: Text | None = None


class MoneyQuestion(QuestionBase):
    type: Literal["money"]
    min: int | None = Field(default=None, ge=0, description="In pence.")
    max: int | None = Field(default=None, ge=0, description="In pence.")


class DateQuestion(QuestionBase):
    type: Literal["date"]
    rule: Literal["any", "past", "future", "today_or_past", "today_or_future"] = "any"
    earliest: DateBound | None = Field(default=None, description="YYYY-MM-DD, today, today-30d")
    latest: DateBound | None = Field(default=None, description="YYYY-MM-DD, today, today+30d")


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]
    # Welsh has no single word for yes: the answer echoes the verb ("Oes", "Ydw", "Ydy").
    yes_label: Text | None = None
    no_label: Text | None = None


class RadiosQuestion(QuestionBase):
    type: Literal["radios"]
    options: list[Option] = Field(min_length=2)


class CheckboxesQuestion(QuestionBase):
    type: Literal["checkboxes"]
    options: list[Option] = Field(min_length=1)
    min_selected: int | None = Field(default=None, ge=1)
    max_selected: int | None = Field(default=None, ge=1)


class SelectQuestion(QuestionBase):
    type: Literal["select"]
    options: list[Option] = Field(min_length=2)


class EmailQuestion(QuestionBase):
    type: Literal["email"]


class PhoneQuestion(QuestionBase):
    type: Literal["uk_phone"]


class PostcodeQuestion(QuestionBase):
    type: Literal["uk_postcode"]


class AddressQuestion(QuestionBase):
    type: Literal["uk_address"]


class NameQuestion(QuestionBase):
    type: Literal["name"]
    # GOV.UK's names pattern prefers one full-name field; two only when a service must have them.
    parts: Literal["full", "given_family"] = "full"


# The most any file question may allow: the runner stops reading an upload past these.
FILE_MAX_SIZE_MB = 100
FILE_MAX_FILES = 20


class FileQuestion(QuestionBase):
    type: Literal["file"]
    accept: list[Annotated[str, Field(pattern=r"^[a-z0-9]{1,10}$")]] = Field(
        default_factory=lambda: ["jpg", "jpeg", "png", "pdf"],
        min_length=1,
        description="Allowed file extensions, lower case.",
    )
    max_size_mb: int = Field(default=10, ge=1, le=FILE_MAX_SIZE_MB)
    max_files: int = Field(default=1, ge=1, le=FILE_MAX_FILES)


class LocationQuestion(QuestionBase):
    type: Literal["location"]
    coordinates: Literal["none", "optional", "required"] = Field(
        default="optional", description="Whether a map point (latitude, longitude) is asked for."
    )


SubQuestion = Annotated[
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
    | LocationQuestion,
    Field(discriminator="type"),
]


class AddAnotherQuestion(QuestionBase):
    """GOV.UK's "add another" pattern: a repeating group of questions, asked once per item."""

    type: Literal["add_another"]
    item_name: Text = Field(description="One item, for example 'vehicle'.")
    item_name_plural: Text = Field(description="Several items, for example 'vehicles'.")
    questions: list[SubQuestion] = Field(min_length=1)
    min_items: int | None = Field(default=None, ge=0, le=100)
    max_items: int = Field(default=10, ge=1, le=100)


type Question = (
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
)

QUESTION_CLASSES: tuple[type[QuestionBase], ...] = (
    TextQuestion,
    LongTextQuestion,
    NumberQuestion,
    MoneyQuestion,
    DateQuestion,
    YesNoQuestion,
    RadiosQuestion,
    CheckboxesQuestion,
    SelectQuestion,
    EmailQuestion,
    PhoneQuestion,
    PostcodeQuestion,
    AddressQuestion,
    NameQuestion,
    FileQuestion,
    LocationQuestion,
    AddAnotherQuestion,
)
