"""Showing values to people, in English and Welsh, the GOV.UK way.

Also the small amount of Welsh grammar that error messages built from a question's `subject` need:
the object of a verb ("Rhowch …") and a noun after "i" ("Mae’n rhaid i …") take the soft
mutation, and "i" contracts with a following possessive or article ("i’ch", "i’r").
"""

from __future__ import annotations

import datetime as dt

from townhall.patterns.engine.values import Language

MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MONTHS_CY = [
    "Ionawr",
    "Chwefror",
    "Mawrth",
    "Ebrill",
    "Mai",
    "Mehefin",
    "Gorffennaf",
    "Awst",
    "Medi",
    "Hydref",
    "Tachwedd",
    "Rhagfyr",
]

# Soft mutation of initial consonants. Digraphs that never mutate (ch, ph, th, dd, ff, ng) are
# listed first so that "ch" is not read as "c".
_SOFT_MUTATION: tuple[tuple[str, str | None], ...] = (
    ("ch", None),
    ("ph", None),
    ("th", None),
    ("dd", None),
    ("ff", None),
    ("ng", None),
    ("ll", "l"),
    ("rh", "r"),
    ("p", "b"),
    ("t", "d"),
    ("c", "g"),
    ("b", "f"),
    ("d", "dd"),
    ("g", ""),
    ("m", "f"),
)
# Words that do not mutate at the start of an object phrase: possessives and articles (which
# block the mutation), and question words that open a clause ("Dewiswch ble mae’r twll").
_DETERMINERS = frozenset(
    {"eich", "ein", "ei", "eu", "fy", "dy", "y", "yr", "’r", "'r", "un"}
    | {"ble", "pa", "pam", "pryd", "sut", "beth", "pwy", "faint", "a", "os", "ydych", "yw", "ydy"}
)
# "i" + possessive or article contracts: i + eich = i’ch, i + y = i’r.
_AFTER_I = {"eich": "i’ch", "ein": "i’n", "ei": "i’w", "eu": "i’w", "fy": "i’m", "dy": "i’th"}
_AFTER_I.update({"y": "i’r", "yr": "i’r"})


def cy_soft_mutate(word: str) -> str:
    """Apply the Welsh soft mutation to one word ("cyfeiriad" → "gyfeiriad")."""
    lower = word.lower()
    for source, target in _SOFT_MUTATION:
        if lower.startswith(source):
            if target is None:
                return word
            rest = word[len(source) :]
            if word[:1].isupper():
                return capitalise(target + rest)
            return target + rest
    return word


def cy_object(phrase: str) -> str:
    """A phrase as the object of a verb: "Rhowch ddyddiad", but "Rhowch eich enw"."""
    first, _, rest = phrase.partition(" ")
    if not first or first.lower() in _DETERMINERS or first[:1].isdigit():
        return phrase
    return " ".join(filter(None, (cy_soft_mutate(first), rest)))


def cy_after_i(phrase: str) -> str:
    """A phrase after the preposition "i": "i’ch enw", "i’r disgrifiad", "i ddyddiad"."""
    first, _, rest = phrase.partition(" ")
    contracted = _AFTER_I.get(first.lower())
    if contracted is not None:
        return f"{contracted} {rest}".rstrip()
    return f"i {cy_object(phrase)}"


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def date_display(value: dt.date, language: Language) -> str:
    """GOV.UK style dates: "4 June 2026", "4 Mehefin 2026"."""
    months = MONTHS_CY if language == "cy" else MONTHS_EN
    return f"{value.day} {months[value.month - 1]} {value.year}"


def money_display(pence: int) -> str:
    """GOV.UK style: "£75" for whole pounds, "£75.50" otherwise, with thousands separators."""
    sign = "-" if pence < 0 else ""
    pounds, remainder = divmod(abs(pence), 100)
    if remainder:
        return f"{sign}£{pounds:,}.{remainder:02d}"
    return f"{sign}£{pounds:,}"


def number_display(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def file_size_display(megabytes: int) -> str:
    return f"{megabytes}MB"


def list_display(items: list[str], language: Language, *, conjunction: str = "or") -> str:
    """ "JPG, PNG or PDF" / "JPG, PNG neu PDF"."""
    word = {"or": {"en": "or", "cy": "neu"}, "and": {"en": "and", "cy": "a"}}[conjunction][language]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {word} {items[-1]}"
