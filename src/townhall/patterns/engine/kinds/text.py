"""Single-field questions: text, long text, email, UK telephone, UK postcode, number and money."""

from __future__ import annotations

import re
from typing import ClassVar

from celpy import celtypes

from townhall.patterns.engine.cel_types import DOUBLE, INT, STRING, CelType
from townhall.patterns.engine.formatting import money_display, number_display
from townhall.patterns.engine.kinds.base import Context, QuestionKind, raw_text, register
from townhall.patterns.engine.schema_questions import (
    EmailQuestion,
    LongTextQuestion,
    MoneyQuestion,
    NumberQuestion,
    PhoneQuestion,
    PostcodeQuestion,
    QuestionBase,
    TextQuestion,
)
from townhall.patterns.engine.values import Answer, FieldError, RawInput

# Long enough for any real number or amount; stops a 5,000-digit "number" reaching int().
_MAX_NUMBER_CHARS = 30


def _blank(question: QuestionBase, context: Context, name: str) -> tuple[Answer, list[FieldError]]:
    if question.required:
        return None, [context.error(question, name, "required", template="required.enter")]
    return None, []


def _lines(value: Answer) -> list[str]:
    return [str(value)] if value is not None else []


@register
class TextKind(QuestionKind[TextQuestion]):
    type_name = "text"
    model = TextQuestion
    error_keys: ClassVar = frozenset({"required", "too_short", "too_long"})

    def validate(
        self, question: TextQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        # One line of text: collapse runs of whitespace, as a browser's input would.
        text = " ".join(raw_text(raw, name).split())
        return _length_checked(question, text, context, name)

    def cel_type(self, question: TextQuestion) -> CelType:
        return STRING

    def display(self, question: TextQuestion, value: Answer, context: Context) -> list[str]:
        return _lines(value)


def _length_checked(
    question: TextQuestion | LongTextQuestion, text: str, context: Context, name: str
) -> tuple[Answer, list[FieldError]]:
    if not text:
        return _blank(question, context, name)
    if len(text) > question.max_length:
        return None, [context.error(question, name, "too_long", max=f"{question.max_length:,}")]
    if question.min_length is not None and len(text) < question.min_length:
        return None, [context.error(question, name, "too_short", min=f"{question.min_length:,}")]
    return text, []


@register
class LongTextKind(QuestionKind[LongTextQuestion]):
    type_name = "long_text"
    model = LongTextQuestion
    error_keys: ClassVar = frozenset({"required", "too_short", "too_long"})

    def validate(
        self, question: LongTextQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        value: object = raw.get(name)
        text = value if isinstance(value, str) else raw_text(raw, name)
        # Browsers post textarea line breaks as CRLF; the character count counts them as one.
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        return _length_checked(question, text, context, name)

    def cel_type(self, question: LongTextQuestion) -> CelType:
        return STRING

    def display(self, question: LongTextQuestion, value: Answer, context: Context) -> list[str]:
        return str(value).split("\n") if value is not None else []


# Deliberately simple and linear-time: the only real test of an address is sending to it.
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,63}$"
)


@register
class EmailKind(QuestionKind[EmailQuestion]):
    type_name = "email"
    model = EmailQuestion
    error_keys: ClassVar = frozenset({"required", "invalid", "too_long"})

    def validate(
        self, question: EmailQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name)
        if not text:
            return _blank(question, context, name)
        if len(text) > 254:
            return None, [context.error(question, name, "too_long", max="254")]
        if not _EMAIL.match(text) or ".." in text:
            return None, [context.error(question, name, "invalid", template="email.invalid")]
        return text, []

    def cel_type(self, question: EmailQuestion) -> CelType:
        return STRING

    def display(self, question: EmailQuestion, value: Answer, context: Context) -> list[str]:
        return _lines(value)


_PHONE_PUNCTUATION = re.compile(r"[\s\-().]")


def phone_normalise(text: str) -> str | None:
    """A UK number in E.164 (+441632960001), or None. Accepts +44, 0044 and (0) forms."""
    digits = _PHONE_PUNCTUATION.sub("", text.replace("(0)", ""))
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if not re.fullmatch(r"0[1-9]\d{8,9}", digits):
        return None
    return "+44" + digits[1:]


@register
class PhoneKind(QuestionKind[PhoneQuestion]):
    type_name = "uk_phone"
    model = PhoneQuestion
    error_keys: ClassVar = frozenset({"required", "invalid"})

    def validate(
        self, question: PhoneQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name)
        if not text:
            return _blank(question, context, name)
        number = phone_normalise(text) if len(text) <= 30 else None
        if number is None:
            return None, [context.error(question, name, "invalid", template="phone.invalid")]
        return number, []

    def cel_type(self, question: PhoneQuestion) -> CelType:
        return STRING

    def display(self, question: PhoneQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, str) and value.startswith("+44"):
            return [phone_group("0" + value[3:])]
        return _lines(value)


def phone_group(national: str) -> str:
    """A UK number spaced the way people write it: 020 7946 0000, 0121 496 0000, 07700 900982."""
    if len(national) != 11:
        return f"{national[:5]} {national[5:]}"
    if national.startswith("02"):
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if national[:3] in {"011"} or (national.startswith("01") and national[3] == "1"):
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if national[:2] in {"03", "08", "09"}:
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    return f"{national[:5]} {national[5:]}"


_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ][A-HK-Y]?[0-9][0-9A-HJKMNPR-Y]?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def postcode_normalise(text: str) -> str | None:
    """ "sw1a1aa" → "SW1A 1AA"; None unless it has the shape of a UK postcode."""
    compact = "".join(text.split()).upper()
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"


@register
class PostcodeKind(QuestionKind[PostcodeQuestion]):
    type_name = "uk_postcode"
    model = PostcodeQuestion
    error_keys: ClassVar = frozenset({"required", "invalid"})

    def validate(
        self, question: PostcodeQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name)
        if not text:
            return _blank(question, context, name)
        postcode = postcode_normalise(text) if len(text) <= 20 else None
        if postcode is None:
            return None, [context.error(question, name, "invalid", template="postcode.invalid")]
        return postcode, []

    def cel_type(self, question: PostcodeQuestion) -> CelType:
        return STRING

    def display(self, question: PostcodeQuestion, value: Answer, context: Context) -> list[str]:
        return _lines(value)


def _show(question: NumberQuestion | MoneyQuestion, amount: float) -> str:
    if isinstance(question, MoneyQuestion):
        return money_display(int(amount))
    return number_display(amount)


def _bounds_error(
    question: NumberQuestion | MoneyQuestion, value: float, context: Context, name: str
) -> list[FieldError]:
    low, high = question.min, question.max
    if low is not None and high is not None and not low <= value <= high:
        shown = {"min": _show(question, low), "max": _show(question, high)}
        return [context.error(question, name, "out_of_range", **shown)]
    if low is not None and value < low:
        return [context.error(question, name, "too_small", min=_show(question, low))]
    if high is not None and value > high:
        return [context.error(question, name, "too_big", max=_show(question, high))]
    return []


@register
class NumberKind(QuestionKind[NumberQuestion]):
    type_name = "number"
    model = NumberQuestion
    error_keys: ClassVar = frozenset(
        {"required", "not_number", "not_whole", "too_small", "too_big", "out_of_range"}
    )

    def validate(
        self, question: NumberQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name).replace(",", "").replace(" ", "")
        if not text:
            return _blank(question, context, name)
        if len(text) > _MAX_NUMBER_CHARS or not re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", text):
            return None, [context.error(question, name, "not_number")]
        number: int | float
        if question.decimal:
            number = float(text)
        elif re.fullmatch(r"-?\d+(\.0*)?", text):
            number = int(text.split(".")[0])
        else:
            return None, [context.error(question, name, "not_whole")]
        errors = _bounds_error(question, number, context, name)
        return (None, errors) if errors else (number, [])

    def cel_type(self, question: NumberQuestion) -> CelType:
        return DOUBLE if question.decimal else INT

    def display(self, question: NumberQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, int | float) and not isinstance(value, bool):
            prefix, suffix = context.text(question.prefix), context.text(question.suffix)
            return [f"{prefix}{number_display(value)}{' ' + suffix if suffix else ''}"]
        return _lines(value)

    def to_cel(self, question: NumberQuestion, value: Answer) -> celtypes.Value:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError("expected a number")
        return (
            celtypes.DoubleType(float(value)) if question.decimal else celtypes.IntType(int(value))
        )


@register
class MoneyKind(QuestionKind[MoneyQuestion]):
    type_name = "money"
    model = MoneyQuestion
    error_keys: ClassVar = frozenset(
        {"required", "not_money", "too_small", "too_big", "out_of_range"}
    )

    def validate(
        self, question: MoneyQuestion, raw: RawInput, context: Context, name: str
    ) -> tuple[Answer, list[FieldError]]:
        text = raw_text(raw, name).replace(",", "").replace(" ", "").removeprefix("£")
        if not text:
            return _blank(question, context, name)
        match = (
            re.fullmatch(r"(\d+)(?:\.(\d{1,2}))?", text) if len(text) <= _MAX_NUMBER_CHARS else None
        )
        if match is None:
            return None, [context.error(question, name, "not_money")]
        pence = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))
        errors = _bounds_error(question, pence, context, name)
        return (None, errors) if errors else (pence, [])

    def cel_type(self, question: MoneyQuestion) -> CelType:
        return INT

    def display(self, question: MoneyQuestion, value: Answer, context: Context) -> list[str]:
        if isinstance(value, int) and not isinstance(value, bool):
            return [money_display(value)]
        return _lines(value)
