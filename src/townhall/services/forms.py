"""Staff forms for services: adopting a pattern version, changing a service, upgrading it.

One field per pattern parameter, typed from the parameter's type, labelled with where it appears
in the journey. The forms only turn text into typed values; whether the values suit the pattern
is decided by `validate_service` (the same check as the command line and the platform console),
whose problems `errors_add` puts back on the fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from townhall.patterns.engine import Pattern
from townhall.patterns.engine.schema import (
    BooleanParameter,
    ChoiceParameter,
    DateParameter,
    EmailParameter,
    MoneyParameter,
    NumberParameter,
    Parameter,
    TextParameter,
    UrlParameter,
)
from townhall.patterns.engine.values import JSON
from townhall.services.constants import (
    DEFAULT_RETENTION_DAYS,
    MAX_RETENTION_DAYS,
    MIN_RETENTION_DAYS,
    SLUG_MAX_LENGTH,
)
from townhall.services.validators import validate_service_slug

PARAM_PREFIX = "param__"
WELSH_SUFFIX = "__cy"
# Staff addresses below /staff/<org>/services/ that a service slug would hide.
STAFF_WORDS = frozenset({"adopt"})
_YES_NO = [("yes", "Yes"), ("no", "No")]


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize()


def _money_text(pence: JSON) -> str:
    return f"{Decimal(int(pence)) / 100:.2f}" if isinstance(pence, int) else ""


class ParametersForm(forms.Form):
    """A field for each of `names` (all the pattern's parameters when None), prefilled from
    `values`. `cleaned_parameters()` gives the typed values, leaving out blanks so the pattern's
    defaults apply."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        pattern: Pattern,
        usage: Mapping[str, list[str]],
        values: Mapping[str, JSON] | None = None,
        names: Collection[str] | None = None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(data, initial=initial)
        self.pattern = pattern
        self.bilingual = "cy" in pattern.spec.languages
        self.parameter_names: list[str] = []
        values = values or {}
        for name, parameter in pattern.spec.parameters.items():
            if names is not None and name not in names:
                continue
            self.parameter_names.append(name)
            self._field_add(name, parameter, usage.get(name, []), values.get(name))

    def _field_add(
        self, name: str, parameter: Parameter, places: list[str], value: JSON | None
    ) -> None:
        required = parameter.required and parameter.default is None
        hint = parameter.description.strip()
        if places:
            hint += f" Used on: {'; '.join(places)}."
        if parameter.default is not None:
            shown = parameter.default
            if isinstance(parameter, MoneyParameter):
                shown = f"£{_money_text(parameter.default)}"
            elif not isinstance(shown, str | int | float | bool):
                shown = "as the pattern sets it"
            hint += f" Leave blank for the default ({shown})."
        field: forms.Field
        initial: Any = value
        if isinstance(parameter, TextParameter):
            field = forms.CharField(required=required, max_length=2000)
            if isinstance(value, dict):
                initial = value.get("en", "")
                if self.bilingual:
                    self.initial.setdefault(f"{PARAM_PREFIX}{name}{WELSH_SUFFIX}", value.get("cy"))
            if self.bilingual:
                welsh = forms.CharField(required=False, max_length=2000)
                welsh.label = f"{_label(name)} in Welsh"
                self.fields[f"{PARAM_PREFIX}{name}{WELSH_SUFFIX}"] = welsh
        elif isinstance(parameter, MoneyParameter):
            field = forms.DecimalField(
                required=required, min_value=0, decimal_places=2, max_digits=10
            )
            initial = _money_text(value) if value is not None else None
        elif isinstance(parameter, NumberParameter):
            field = (
                forms.FloatField(required=required)
                if parameter.decimal
                else forms.IntegerField(required=required)
            )
        elif isinstance(parameter, DateParameter):
            field = forms.DateField(required=required, input_formats=["%Y-%m-%d"])
            hint += " For example, 2026-04-01."
        elif isinstance(parameter, EmailParameter):
            field = forms.EmailField(required=required)
        elif isinstance(parameter, UrlParameter):
            field = forms.URLField(required=required, assume_scheme="https")
        elif isinstance(parameter, BooleanParameter):
            field = forms.ChoiceField(required=required, choices=_YES_NO)
            initial = {True: "yes", False: "no"}.get(value) if isinstance(value, bool) else None
        else:
            assert isinstance(parameter, ChoiceParameter)  # noqa: S101 - the union is exhaustive
            field = forms.ChoiceField(
                required=required, choices=[(c, c) for c in parameter.choices]
            )
        field.label = _label(name)
        field.help_text = hint
        field.error_messages["required"] = f"Enter {_label(name).lower()}"
        self.fields[f"{PARAM_PREFIX}{name}"] = field
        if initial is not None:
            self.initial.setdefault(f"{PARAM_PREFIX}{name}", initial)

    def cleaned_parameters(self) -> dict[str, JSON]:
        """The typed values of a valid form (blank ones left out: the engine's defaults apply)."""
        values: dict[str, JSON] = {}
        for name in self.parameter_names:
            parameter = self.pattern.spec.parameters[name]
            value = self.cleaned_data.get(f"{PARAM_PREFIX}{name}")
            if value in (None, ""):
                continue
            if isinstance(parameter, TextParameter):
                welsh = self.cleaned_data.get(f"{PARAM_PREFIX}{name}{WELSH_SUFFIX}")
                values[name] = {"en": value, "cy": welsh} if welsh else value
            elif isinstance(parameter, MoneyParameter):
                values[name] = int(Decimal(value) * 100)  # pence, as the format stores money
            elif isinstance(parameter, DateParameter):
                assert isinstance(value, dt.date)  # noqa: S101 - DateField gives dates
                values[name] = value.isoformat()
            elif isinstance(parameter, BooleanParameter):
                values[name] = value == "yes"
            else:
                values[name] = value
        return values

    def errors_add(self, error: ValidationError) -> None:
        """Put `validate_service`'s problems on the fields they are about."""
        problems = (
            error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        )
        for field, messages in problems.items():
            for message in messages:
                if field == "parameters":
                    name, _, problem = message.partition(": ")
                    target = f"{PARAM_PREFIX}{name}"
                    if target in self.fields:
                        self.add_error(target, f"{_label(name)} {problem}")
                    else:
                        self.add_error(None, message)
                else:
                    self.add_error(field if field in self.fields else None, message)


class ServiceForm(ParametersForm):
    """Adopting (with `slug`) or changing (without: a service's address never changes) a
    service: what the organisation sets, then the pattern's parameters."""

    name = forms.CharField(label="Service name (optional)", required=False, max_length=200)
    name_cy = forms.CharField(
        label="Service name in Welsh (optional)", required=False, max_length=200
    )
    contact_details = forms.CharField(
        label="Contact details",
        help_text="How residents can reach the team, for example a phone number and opening "
        "hours. Shown on the start page and when the service is not available.",
        max_length=2000,
    )
    team_email = forms.EmailField(
        label="Team email address", help_text="Where the team is told about new submissions."
    )
    retention_days = forms.IntegerField(
        label="Keep submissions for (days)",
        min_value=MIN_RETENTION_DAYS,
        max_value=MAX_RETENTION_DAYS,
        initial=DEFAULT_RETENTION_DAYS,
        help_text=f"Between {MIN_RETENTION_DAYS} and {MAX_RETENTION_DAYS} days. "
        "Submissions older than this are deleted.",
    )

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        with_slug: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(data, **kwargs)
        if with_slug:
            slug = forms.CharField(
                label="Web address",
                help_text="The last part of the service's address, like report-a-pothole. "
                "It cannot be changed later.",
                max_length=SLUG_MAX_LENGTH,
            )
            self.fields = {"slug": slug, **self.fields}
        if not self.bilingual:
            del self.fields["name_cy"]

    def cleaned_settings(self) -> dict[str, Any]:
        """What `service_create` and `service_update` take from a valid form, by keyword."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "name_cy": data.get("name_cy", ""),
            "parameters": self.cleaned_parameters(),
            "contact_details": data["contact_details"],
            "team_email": data["team_email"],
            "retention_days": data["retention_days"],
        }

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"].strip()
        problems = validate_service_slug(slug)
        if slug in STAFF_WORDS:
            problems.append(f"The slug {slug!r} is reserved for Townhall's own pages")
        if problems:
            raise ValidationError(problems)
        return slug


def field_items(form: forms.Form, field_errors: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Each field as the options of its GOV.UK macro (`kind` says which: input or radios)."""
    items: list[dict[str, Any]] = []
    for bound in form:
        field = bound.field
        value = bound.value()
        options: dict[str, Any] = {
            "id": bound.name,
            "name": bound.name,
            "label": {"text": str(field.label), "classes": "govuk-label--s"},
            "hint": {"text": str(field.help_text)} if field.help_text else None,
            "errorMessage": field_errors.get(bound.name),
        }
        if isinstance(field, forms.ChoiceField):
            options["kind"] = "radios"
            options["fieldset"] = {
                "legend": {"text": str(field.label), "classes": "govuk-fieldset__legend--s"}
            }
            options["idPrefix"] = bound.name
            # The forms here only make flat (value, text) choices.
            choices: list[tuple[Any, Any]] = list(field.choices)  # type: ignore[arg-type]
            options["items"] = [
                {"value": choice, "text": str(text), "checked": str(value) == str(choice)}
                for choice, text in choices
            ]
        else:
            options["kind"] = "input"
            options["value"] = "" if value is None else str(value)
            if isinstance(field, forms.DecimalField):
                options["prefix"] = {"text": "£"}
                options["classes"] = "govuk-input--width-10"
                options["inputmode"] = "decimal"
            elif isinstance(field, forms.IntegerField):
                options["classes"] = "govuk-input--width-10"
                options["inputmode"] = "numeric"
            elif isinstance(field, forms.EmailField):
                options["type"] = "email"
                options["spellcheck"] = False
        items.append(options)
    return items


def parameter_display(*, pattern: Pattern, name: str, value: JSON) -> str:
    """A stored parameter value as staff read it: pounds, yes or no, English and Welsh."""
    parameter = pattern.spec.parameters.get(name)
    if isinstance(parameter, MoneyParameter) and isinstance(value, int):
        return f"£{_money_text(value)}"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict):
        return " / ".join(f"{text} ({language})" for language, text in value.items())
    return str(value)
