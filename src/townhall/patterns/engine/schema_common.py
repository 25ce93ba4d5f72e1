"""Building blocks of the pattern format shared by questions, pages and the pattern itself."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints

# Strict: YAML's `1.0` must not quietly become the text "1.0", nor "5" the number 5. Forbid extra
# keys so a misspelt field is an error (PAT102) rather than silently ignored. Frozen: a loaded
# pattern is shared by every request that uses it and must never change underneath them.
MODEL_CONFIG = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

# Question and page ids are CEL identifiers (`answers.road_type`), so they use underscores.
Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
OptionValue = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$")]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
# A date bound: an ISO date, `today`, or `today` plus or minus a number of days (`today+14d`).
DateBound = Annotated[str, StringConstraints(pattern=r"^(\d{4}-\d{2}-\d{2}|today([+-]\d{1,5}d)?)$")]
Expression = Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Localised(BaseModel):
    """Text in English and, where the pattern declares Welsh, in Welsh."""

    model_config = MODEL_CONFIG

    en: Annotated[str, StringConstraints(min_length=1)]
    cy: Annotated[str, StringConstraints(min_length=1)] | None = None

    def get(self, language: str) -> str:
        """The text in `language`, falling back to English (the checker makes sure Welsh exists)."""
        if language == "cy" and self.cy:
            return self.cy
        return self.en


def _text_input(value: object) -> object:
    # A bare string is English only; storing every text as Localised means the Welsh check, the
    # renderer and the database all see one shape.
    if isinstance(value, str):
        return {"en": value}
    if not isinstance(value, dict):
        raise ValueError("must be text, or a mapping with `en:` and `cy:` text")
    return value


Text = Annotated[Localised, BeforeValidator(_text_input, json_schema_input_type=str | Localised)]


class Rule(BaseModel):
    """One routing rule: go to `goto` if the CEL condition `if` holds (or always, without `if`)."""

    model_config = MODEL_CONFIG

    when: Expression | None = Field(
        default=None, alias="if", description="A CEL condition over `answers` and `params`."
    )
    goto: Identifier = Field(description="A page id, or `check_answers`.")


class Option(BaseModel):
    """A choice in radios, checkboxes or a select."""

    model_config = MODEL_CONFIG

    value: OptionValue
    label: Text
    hint: Text | None = None
    exclusive: bool = Field(
        default=False,
        description="Checkboxes only: a 'none of these' option that cannot be combined.",
    )
