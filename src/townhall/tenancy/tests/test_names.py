"""Register import and search: names are normalised so "cardiff" finds "City of Cardiff Council"
and punctuation, "&" and accents do not stop a match (foundation issue: find an organisation)."""

from __future__ import annotations

import pytest

from townhall.tenancy.names import (
    clean_alternative_names,
    normalise,
    search_text_for,
    slug_for,
)


@pytest.mark.parametrize(
    ("name", "normalised"),
    [
        ("City of Cardiff Council", "city of cardiff council"),
        ("Telford & Wrekin Council", "telford and wrekin council"),
        ("Stoke-on-Trent", "stoke on trent"),
        ("St. Helens", "st helens"),
        ("King's Lynn and West Norfolk", "kings lynn and west norfolk"),
        ("King’s Lynn", "kings lynn"),
        ("Ynys Môn", "ynys mon"),
        ("  Armagh City,  Banbridge and Craigavon ", "armagh city banbridge and craigavon"),
        ("", ""),
    ],
)
def test_normalise(name: str, normalised: str) -> None:
    assert normalise(name) == normalised


def test_alternative_names_lose_repeats_and_the_official_and_short_names() -> None:
    names = [
        "Cardiff",
        "Caerdydd",
        "The City of Cardiff Council",
        "caerdydd",
        "cardiff",
        "Cardiff Council",
        "city of cardiff council",
        "",
    ]
    cleaned = clean_alternative_names(
        names, official_name="City of Cardiff Council", short_name="Cardiff"
    )
    assert cleaned == ["Caerdydd", "The City of Cardiff Council", "Cardiff Council"]


def test_search_text_marks_whole_names() -> None:
    text = search_text_for(
        official_name="City of Cardiff Council",
        short_name="Cardiff",
        alternative_names=["Caerdydd", "Cardiff Council"],
    )
    assert text == "^city of cardiff council^cardiff^ |caerdydd|cardiff council|"


def test_search_text_without_alternative_names() -> None:
    text = search_text_for(
        official_name="Kent Police", short_name="Kent Police", alternative_names=[]
    )
    assert text == "^kent police^"


def test_slugs_spell_out_ampersands() -> None:
    assert slug_for("Devon & Cornwall Police") == "devon-and-cornwall-police"
    assert slug_for("st.-helens") == "st-helens"
