"""GOV.UK Design System error messages, in English and Welsh.

Each message follows the Design System's wording for its component, with "[whatever it is]"
filled from the question's `subject`. A pattern may override any message by key (`errors:`).

Placeholders: `{subject}` as written (English) or as the object of a verb (Welsh, soft mutation:
"Rhowch ddyddiad"); `{Subject}` with a capital letter; `{i_subject}` after "Mae’n rhaid i" (Welsh,
contracted or mutated: "i’ch enw", "i ddyddiad"); `{subject_plain}` exactly as written.
"""

from __future__ import annotations

from collections.abc import Mapping

from townhall.patterns.engine.formatting import capitalise, cy_after_i, cy_object
from townhall.patterns.engine.values import Language

_MUST = "Mae’n rhaid {i_subject}"

MESSAGES: dict[str, tuple[str, str]] = {
    "required.enter": ("Enter {subject}", "Rhowch {subject}"),
    "required.select": ("Select {subject}", "Dewiswch {subject}"),
    "required.yes_no": ("Select yes if {subject_plain}", "Dewiswch ‘{yes}’ os {subject_plain}"),
    "too_short": (
        "{Subject} must be {min} characters or more",
        _MUST + " fod yn {min} nod neu fwy",
    ),
    "too_long": ("{Subject} must be {max} characters or less", _MUST + " fod yn {max} nod neu lai"),
    "not_number": ("{Subject} must be a number", _MUST + " fod yn rhif"),
    "not_whole": ("{Subject} must be a whole number", _MUST + " fod yn rhif cyfan"),
    "too_small": ("{Subject} must be {min} or more", _MUST + " fod yn {min} neu fwy"),
    "too_big": ("{Subject} must be {max} or less", _MUST + " fod yn {max} neu lai"),
    "out_of_range": (
        "{Subject} must be between {min} and {max}",
        _MUST + " fod rhwng {min} a {max}",
    ),
    "not_money": (
        "{Subject} must be an amount of money, like 5 or 5.50",
        _MUST + " fod yn swm o arian, fel 5 neu 5.50",
    ),
    "incomplete": ("{Subject} must include a {missing}", _MUST + " gynnwys {missing}"),
    "year_digits": ("Year must include 4 numbers", "Mae’n rhaid i’r flwyddyn gynnwys 4 rhif"),
    "not_real": ("{Subject} must be a real date", _MUST + " fod yn ddyddiad go iawn"),
    "past": ("{Subject} must be in the past", _MUST + " fod yn y gorffennol"),
    "future": ("{Subject} must be in the future", _MUST + " fod yn y dyfodol"),
    "today_or_past": (
        "{Subject} must be today or in the past",
        _MUST + " fod heddiw neu yn y gorffennol",
    ),
    "today_or_future": (
        "{Subject} must be today or in the future",
        _MUST + " fod heddiw neu yn y dyfodol",
    ),
    "too_early": (
        "{Subject} must be the same as or after {date}",
        _MUST + " fod ar {date} neu ar ôl hynny",
    ),
    "too_late": (
        "{Subject} must be the same as or before {date}",
        _MUST + " fod ar {date} neu cyn hynny",
    ),
    "too_few_options": ("Select at least {min} options", "Dewiswch o leiaf {min} opsiwn"),
    "too_many_options": ("Select no more than {max} options", "Dewiswch {max} opsiwn ar y mwyaf"),
    "exclusive": (
        "Select {subject}, or select ‘{label}’",
        "Dewiswch {subject}, neu dewiswch ‘{label}’",
    ),
    "email.invalid": (
        "Enter an email address in the correct format, like name@example.com",
        "Rhowch gyfeiriad e-bost yn y fformat cywir, fel enw@enghraifft.com",
    ),
    "phone.invalid": (
        "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192",
        "Rhowch rif ffôn, fel 01632 960 001, 07700 900 982 neu +44 808 157 0192",
    ),
    "postcode.invalid": ("Enter a real postcode", "Rhowch god post go iawn"),
    "address.line1_required": (
        "Enter address line 1, typically the building and street",
        "Rhowch linell gyntaf y cyfeiriad, fel arfer yr adeilad a’r stryd",
    ),
    "address.town_required": ("Enter town or city", "Rhowch dref neu ddinas"),
    "address.postcode_required": ("Enter postcode", "Rhowch god post"),
    "name.given_required": ("Enter your first name", "Rhowch eich enw cyntaf"),
    "name.family_required": ("Enter your last name", "Rhowch eich cyfenw"),
    "file.wrong_type": (
        "The selected file must be a {types}",
        "Mae’n rhaid i’r ffeil a ddewiswyd fod yn {types}",
    ),
    "file.too_big": (
        "The selected file must be smaller than {size}",
        "Mae’n rhaid i’r ffeil a ddewiswyd fod yn llai na {size}",
    ),
    "file.empty": ("The selected file is empty", "Mae’r ffeil a ddewiswyd yn wag"),
    "file.too_many": (
        "You can only select up to {max} files at the same time",
        "Gallwch ddewis hyd at {max} ffeil ar yr un pryd yn unig",
    ),
    "location.coordinates_required": ("Select {subject} on the map", "Dewiswch {subject} ar y map"),
    "location.coordinates_invalid": (
        "The location must be in the UK",
        "Mae’n rhaid i’r lleoliad fod yn y DU",
    ),
    "group.too_few": ("Add at least {min} {items}", "Ychwanegwch o leiaf {min} {item}"),
    "group.too_many": (
        "You can only add up to {max} {items}",
        "Gallwch ychwanegu hyd at {max} {item} yn unig",
    ),
}

# Words the messages put into other messages ("must include a day and month").
WORDS: dict[str, tuple[str, str]] = {
    "day": ("day", "diwrnod"),
    "month": ("month", "mis"),
    "year": ("year", "blwyddyn"),
    "and": ("and", "a"),
    "yes": ("Yes", "Ie"),
    "no": ("No", "Na"),
    "not_provided": ("Not provided", "Heb ei ddarparu"),
    "map_point": ("Map point", "Pwynt ar y map"),
}


def word(key: str, language: Language) -> str:
    english, welsh = WORDS[key]
    return welsh if language == "cy" else english


def message_format(
    *, template: str, subject: str, language: Language, values: Mapping[str, str]
) -> str:
    """Fill a catalogue message for `subject` (the question's subject in `language`)."""
    english, welsh = MESSAGES[template]
    if language == "cy":
        forms = {
            "subject": cy_object(subject),
            "Subject": capitalise(subject),
            "i_subject": cy_after_i(subject),
            "subject_plain": subject,
        }
        text = welsh
    else:
        forms = {"subject": subject, "Subject": capitalise(subject), "subject_plain": subject}
        text = english
    return text.format_map({**forms, **values})
