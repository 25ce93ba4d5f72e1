"""Organisation names as search sees them: pure functions shared by the register import and search.

`search_text` is stored on each organisation so "find an organisation" is a few `LIKE` filters
over ~560 short rows, the same on SQLite and PostgreSQL. Its layout is

    ^official name^short name^ |alternative one|alternative two|

with every name normalised (`normalise`). Each query word is matched as a substring anywhere;
the delimiters, which normalised text never contains, let search rank a whole-name match:
`^cardiff^` is an exact official or short name, `|cardiff council|` an exact alternative name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.text import slugify

PRIMARY = "^"
ALTERNATIVE = "|"

_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces: "Telford & Wrekin" → "telford and wrekin".

    Accents are folded ("Ynys Môn" → "ynys mon") because people type without them, apostrophes
    are dropped ("King's Lynn" → "kings lynn") and other punctuation separates words
    ("Stoke-on-Trent" → "stoke on trent", "St. Helens" → "st helens").
    """
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    folded = _APOSTROPHES.sub("", folded.replace("&", " and "))
    return _NOT_WORD.sub(" ", folded).strip()


def clean_alternative_names(
    names: Iterable[str], *, official_name: str, short_name: str
) -> list[str]:
    """Alternative names without blanks, without repeats (ignoring case and punctuation), and
    without the official and short names, in first-seen order and casing."""
    seen = {normalise(official_name), normalise(short_name)}
    kept: list[str] = []
    for name in names:
        name = " ".join(name.split())
        key = normalise(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    return kept


def search_text_for(
    *, official_name: str, short_name: str, alternative_names: Iterable[str]
) -> str:
    """The stored `search_text` of an organisation (layout in the module docstring)."""
    primary = dict.fromkeys(n for n in (normalise(official_name), normalise(short_name)) if n)
    alternative = dict.fromkeys(n for n in map(normalise, alternative_names) if n)
    text = PRIMARY + PRIMARY.join(primary) + PRIMARY
    if alternative:
        text += " " + ALTERNATIVE + ALTERNATIVE.join(alternative) + ALTERNATIVE
    return text


def slug_for(name: str) -> str:
    """A URL slug for a name: "Devon & Cornwall Police" → "devon-and-cornwall-police"."""
    return slugify(name.replace("&", " and "))
