"""Parameter values typed at a command line (`--param name=value`), turned into JSON by type."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from townhall.patterns.engine import Pattern
from townhall.patterns.engine.schema import (
    BooleanParameter,
    MoneyParameter,
    NumberParameter,
)
from townhall.patterns.engine.values import JSON

_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class ParameterTextError(ValueError):
    """`--param` text that is not `name=value`, or a value that cannot be read for its type."""


def parameter_values_from_text(*, pattern: Pattern, items: Iterable[str]) -> dict[str, JSON]:
    """`name=value` pairs as typed values: numbers and pence as numbers, yes/no as booleans,
    `{"en": …, "cy": …}` as Welsh and English text. Unknown names are kept (as text) so that the
    engine's check reports them with the others."""
    values: dict[str, JSON] = {}
    for item in items:
        name, separator, text = item.partition("=")
        name = name.strip()
        if not separator or not name:
            raise ParameterTextError(f"{item!r} is not name=value")
        values[name] = _typed(pattern, name, text.strip())
    return values


def _typed(pattern: Pattern, name: str, text: str) -> JSON:
    parameter = pattern.spec.parameters.get(name)
    if text.startswith("{"):
        try:
            parsed: JSON = json.loads(text)
        except json.JSONDecodeError as error:
            raise ParameterTextError(f"{name}: the JSON value is not valid ({error})") from None
        return parsed
    if isinstance(parameter, MoneyParameter):
        # Pence, as the pattern format stores money: 2500 is £25.
        if not re.fullmatch(r"\d+", text):
            raise ParameterTextError(f"{name}: give an amount in pence, like 2500 for £25")
        return int(text)
    if isinstance(parameter, NumberParameter):
        try:
            return float(text) if parameter.decimal else int(text)
        except ValueError:
            raise ParameterTextError(f"{name}: {text!r} is not a number") from None
    if isinstance(parameter, BooleanParameter):
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ParameterTextError(f"{name}: give true or false")
    return text
