"""The three register CSV formats, and how their columns become `Organisation` fields.

Each format is told apart by a column only it has:

* Local authorities (`local-authority-code`; mySociety's UK local authority names and codes).
  `register_key` is `la:<local-authority-code>`. Types COMB (the 14 combined authorities) and SRA
  (the Greater London Authority) become `combined_authority`: England's devolution legislation
  groups the GLA with the combined authorities as "strategic authorities", the GLA is not a
  principal council, and keeping it out of `council` keeps "382 current principal councils" true.
  Its own type (SRA, "Strategic regional authority") is kept in `type_code`, and it is still found
  by name whatever the kind filter. Every other type is a `council`. `current-authority` False means
  abolished: imported inactive, with `replaced-by` (one code or several, comma-separated) as
  successors and `county-la` as the parent county.
* Police forces (`force_id`). `police:<force_id>`. "Great Britain" and "United Kingdom" forces
  (British Transport Police, CNC, MDP) get the nation `uk`; `pfa_ons_name` becomes an alternative
  name.
* NHS integrated care boards (`ods_code`). `icb:<gss_code>`, nation England; the short name drops
  " Integrated Care Board" ("NHS Devon", as the boards call themselves) and "Devon ICB" is an
  alternative name.

A format's `parse` turns one record into `RegisterRow` field values, noting what is wrong with it
in `Cells.problems`. No database, no files.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from townhall.tenancy.constants import Nation, OrganisationKind
from townhall.tenancy.names import slug_for

GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")
_LA_CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,15}$")
_FORCE_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ODS_CODE = re.compile(r"^[A-Z0-9]{3,5}$")
# Only the ISO form the register uses: date.fromisoformat alone would also take "20230401".
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MAX_NAME = 200
MAX_SLUG = 100

LA_TYPE_KINDS = {
    "CC": OrganisationKind.COUNCIL,
    "CTY": OrganisationKind.COUNCIL,
    "LBO": OrganisationKind.COUNCIL,
    "MD": OrganisationKind.COUNCIL,
    "NID": OrganisationKind.COUNCIL,
    "NMD": OrganisationKind.COUNCIL,
    "SCO": OrganisationKind.COUNCIL,
    "UA": OrganisationKind.COUNCIL,
    "WPA": OrganisationKind.COUNCIL,
    "COMB": OrganisationKind.COMBINED_AUTHORITY,
    "SRA": OrganisationKind.COMBINED_AUTHORITY,
}
_NATIONS = {
    "England": Nation.ENGLAND,
    "Wales": Nation.WALES,
    "Scotland": Nation.SCOTLAND,
    "Northern Ireland": Nation.NORTHERN_IRELAND,
}
_POLICE_NATIONS = {**_NATIONS, "Great Britain": Nation.UK, "United Kingdom": Nation.UK}
# The first letter of a GSS code is the nation it belongs to.
_GSS_NATIONS = {
    "E": Nation.ENGLAND,
    "W": Nation.WALES,
    "S": Nation.SCOTLAND,
    "N": Nation.NORTHERN_IRELAND,
}
_FORCE_TYPES = {
    "territorial": ("TPF", "Territorial police force"),
    "special (national)": ("SPF", "Special police force"),
}
_ICB_SUFFIX = " Integrated Care Board"


class Cells:
    """One CSV record by column name, collecting what is wrong with it."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self.values = values
        self.problems: list[str] = []

    def text(self, column: str, *, required: bool = False, max_length: int = _MAX_NAME) -> str:
        value = " ".join(self.values.get(column, "").split())
        if required and not value:
            self.problems.append(f"{column} is missing")
        elif len(value) > max_length:
            self.problems.append(f"{column} is longer than {max_length} characters")
        return value

    def matching(self, column: str, pattern: re.Pattern[str], what: str, *, required: bool) -> str:
        value = self.text(column, required=required)
        if value and not pattern.match(value):
            self.problems.append(f'{column} "{value}" is not {what}')
        return value

    def gss_code(self, column: str, *, required: bool = False) -> str:
        what = "a GSS code (a letter E, W, S, N or K and 8 digits, like W06000015)"
        return self.matching(column, GSS_CODE, what, required=required)

    def date(self, column: str) -> date | None:
        value = self.text(column)
        if not value:
            return None
        try:
            if _ISO_DATE.match(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.problems.append(f'{column} "{value}" is not a date in the form YYYY-MM-DD')
        return None

    def boolean(self, column: str, *, true: str, false: str, required: bool = False) -> bool:
        value = self.text(column, required=required)
        if value.lower() == true.lower():
            return True
        if value and value.lower() != false.lower():
            self.problems.append(f'{column} "{value}" is not {true} or {false}')
        return False

    def choice[T](self, column: str, choices: Mapping[str, T]) -> T | None:
        value = self.text(column, required=True)
        if value and value not in choices:
            known = ", ".join(choices)
            self.problems.append(f'{column} "{value}" is not one of {known}')
        return choices.get(value)


def _codes(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code.strip() for code in value.split(",") if code.strip()))


def _split_alternative_names(value: str) -> list[str]:
    # Names are comma-separated, but names may contain ", " ("Bristol, City of"): a separator
    # is a comma with no space after it.
    return re.split(r",(?!\s)", value)


def _council(cells: Cells) -> dict[str, Any]:
    code = cells.matching("local-authority-code", _LA_CODE, "a local authority code", required=True)
    official = cells.text("official-name", required=True)
    short = cells.text("nice-name") or official
    gss = cells.gss_code("gss-code")
    nation = cells.choice("nation", _NATIONS)
    type_code = cells.text("local-authority-type", required=True)
    kind = LA_TYPE_KINDS.get(type_code)
    if type_code and kind is None:
        cells.problems.append(
            f'local-authority-type "{type_code}" is not one of {", ".join(LA_TYPE_KINDS)}'
        )
    is_active = cells.boolean("current-authority", true="True", false="False", required=True)
    start, end = cells.date("start-date"), cells.date("end-date")
    successors = tuple(f"la:{c}" for c in _codes(cells.text("replaced-by", max_length=1000)))
    county = cells.text("county-la")
    if gss and nation and _GSS_NATIONS.get(gss[0], nation) != nation:
        cells.problems.append(
            f'gss-code "{gss}" belongs to another nation than {cells.text("nation")}'
        )
    if start and end and end < start:
        cells.problems.append("end-date is before start-date")
    if is_active and successors:
        cells.problems.append("a current authority (current-authority True) has replaced-by")
    if f"la:{code}" in successors or (county and county == code):
        cells.problems.append("the authority refers to itself")
    return {
        "register_key": f"la:{code}",
        "slug": _council_slug(cells.text("gov-uk-slug"), official, short, kind, is_active),
        "kind": kind,
        "official_name": official,
        "short_name": short,
        "alternative_names": _split_alternative_names(cells.text("alt-names", max_length=5000)),
        "gss_code": gss,
        "other_code": code,
        "type_code": type_code,
        "type_name": cells.text("local-authority-type-name", max_length=100),
        "nation": nation,
        "region": cells.text("region", max_length=100),
        "is_active": is_active,
        "start_date": start,
        "end_date": end,
        "parent_key": f"la:{county}" if county else None,
        "successor_keys": successors,
    }


def _council_slug(
    gov_uk_slug: str, official: str, short: str, kind: OrganisationKind | None, is_active: bool
) -> str:
    """A slug is an address people type, so place names go to current organisations.

    A current council takes its gov.uk slug, or else its short name's ("cardiff"). A former
    council takes its official name's ("somerset-county-council"): the gov.uk slugs "somerset"
    and "dorset" belong to abolished county councils, but someone typing /somerset/ wants
    today's Somerset Council. Strategic authorities take their official name's too
    ("greater-london-authority"): their short names ("North East", "West Midlands") are places
    that councils and police forces share.
    """
    if not is_active or kind == OrganisationKind.COMBINED_AUTHORITY:
        return slug_for(official)
    # gov.uk's slugs are not all valid URL segments ("st.-helens"), hence slug_for again.
    return slug_for(gov_uk_slug or short)


def _police_force(cells: Cells) -> dict[str, Any]:
    force_id = cells.matching("force_id", _FORCE_ID, "a force id like dyfed-powys", required=True)
    name = cells.text("name", required=True)
    force_type = cells.choice("force_type", _FORCE_TYPES)
    cells.boolean("on_data_police_uk", true="yes", false="no")
    type_code, type_name = force_type or ("", "")
    return {
        "register_key": f"police:{force_id}",
        "slug": slug_for(name),
        "kind": OrganisationKind.POLICE_FORCE,
        "official_name": name,
        "short_name": name,
        "alternative_names": [cells.text("pfa_ons_name")],
        "gss_code": cells.gss_code("pfa_gss_code"),
        "other_code": "",
        "type_code": type_code,
        "type_name": type_name,
        "nation": cells.choice("nation", _POLICE_NATIONS),
        "region": "",
        "is_active": True,
        "start_date": None,
        "end_date": None,
        "parent_key": None,
        "successor_keys": (),
    }


def _integrated_care_board(cells: Cells) -> dict[str, Any]:
    gss = cells.gss_code("gss_code", required=True)
    if gss and not gss.startswith("E54"):
        cells.problems.append(f'gss_code "{gss}" is not an integrated care board code (E54…)')
    ods = cells.matching("ods_code", _ODS_CODE, "an NHS ODS code", required=True)
    name = cells.text("name", required=True)
    short = name.removesuffix(_ICB_SUFFIX)
    place = short.removeprefix("NHS ")
    return {
        "register_key": f"icb:{gss}",
        "slug": slug_for(name),
        "kind": OrganisationKind.NHS_BODY,
        "official_name": name,
        "short_name": short,
        "alternative_names": [f"{short} ICB", f"{place} ICB", f"{place} Integrated Care Board"],
        "gss_code": gss,
        "other_code": ods,
        "type_code": "ICB",
        "type_name": "Integrated care board",
        "nation": Nation.ENGLAND,
        "region": cells.text("nhs_england_region", max_length=100),
        "is_active": True,
        "start_date": None,
        "end_date": None,
        "parent_key": None,
        "successor_keys": (),
    }


@dataclass(frozen=True)
class RegisterFormat:
    name: str
    identifying_column: str
    required_columns: tuple[str, ...]
    parse: Callable[[Cells], dict[str, Any]]


FORMATS = (
    RegisterFormat(
        "local authorities",
        "local-authority-code",
        (
            "local-authority-code", "official-name", "nice-name", "gss-code", "start-date",
            "end-date", "replaced-by", "nation", "region", "local-authority-type",
            "local-authority-type-name", "county-la", "alt-names", "current-authority",
            "gov-uk-slug",
        ),
        _council,
    ),
    RegisterFormat(
        "police forces",
        "force_id",
        ("force_id", "name", "force_type", "nation", "pfa_gss_code", "pfa_ons_name"),
        _police_force,
    ),
    RegisterFormat(
        "integrated care boards",
        "ods_code",
        ("gss_code", "ods_code", "name", "nhs_england_region"),
        _integrated_care_board,
    ),
)  # fmt: skip
