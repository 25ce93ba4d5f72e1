"""Register import (foundation issue): the real register gives 382 current principal councils,
the combined authorities and the GLA, 48 police forces and 42 ICBs; abolished councils are kept
inactive and linked to their successors; re-importing is idempotent and updates changed rows."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from townhall.core.models import AuditEntry
from townhall.tenancy.actions import ImportResult, organisation_register_import
from townhall.tenancy.constants import Nation, OrganisationKind
from townhall.tenancy.models import Organisation
from townhall.tenancy.register import BUNDLED_FILES, read_register

pytestmark = pytest.mark.django_db

COUNCILS_CSV = BUNDLED_FILES[0]


def _import(*paths: Path) -> ImportResult:
    return organisation_register_import(register=read_register(list(paths) or BUNDLED_FILES))


def _active(kind: OrganisationKind) -> int:
    return Organisation.objects.filter(kind=kind, is_active=True).count()


def test_the_real_register_has_every_organisation(real_register: ImportResult) -> None:
    assert real_register == ImportResult(created=560, updated=0, unchanged=0)
    assert _active(OrganisationKind.COUNCIL) == 382
    assert _active(OrganisationKind.COMBINED_AUTHORITY) == 15  # 14 combined authorities + the GLA
    assert _active(OrganisationKind.POLICE_FORCE) == 48
    assert _active(OrganisationKind.NHS_BODY) == 42
    former = Organisation.objects.filter(is_active=False)
    assert former.count() == 73
    assert set(former.values_list("kind", flat=True)) == {OrganisationKind.COUNCIL}


def test_principal_councils_by_nation(real_register: ImportResult) -> None:
    councils = Organisation.objects.filter(kind=OrganisationKind.COUNCIL, is_active=True)
    assert councils.filter(nation=Nation.WALES).count() == 22
    assert councils.filter(nation=Nation.SCOTLAND).count() == 32
    assert councils.filter(nation=Nation.NORTHERN_IRELAND).count() == 11
    assert councils.filter(nation=Nation.ENGLAND).count() == 317


def test_cardiff(real_register: ImportResult) -> None:
    cardiff = Organisation.objects.get(register_key="la:CRF")
    assert cardiff.official_name == "City of Cardiff Council"
    assert cardiff.short_name == "Cardiff"
    assert cardiff.gss_code == "W06000015"
    assert cardiff.nation == Nation.WALES
    assert cardiff.slug == "cardiff"
    assert cardiff.kind == OrganisationKind.COUNCIL
    assert cardiff.type_code == "WPA"
    assert cardiff.alternative_names == [
        "Caerdydd",
        "The City of Cardiff Council",
        "Cardiff Council",
    ]
    assert "caerdydd" in cardiff.search_text


def test_the_gla_and_combined_authorities(real_register: ImportResult) -> None:
    gla = Organisation.objects.get(register_key="la:GLA")
    assert gla.kind == OrganisationKind.COMBINED_AUTHORITY
    assert gla.type_code == "SRA"
    assert gla.slug == "greater-london-authority"
    combined = Organisation.objects.filter(type_code="COMB", is_active=True)
    assert combined.count() == 14
    assert set(combined.values_list("kind", flat=True)) == {OrganisationKind.COMBINED_AUTHORITY}


def test_a_district_has_its_parent_county(real_register: ImportResult) -> None:
    adur = Organisation.objects.select_related("parent").get(register_key="la:ADU")
    assert adur.parent is not None
    assert adur.parent.official_name == "West Sussex County Council"
    assert adur in adur.parent.children.all()


def test_an_abolished_council_links_to_its_successors(real_register: ImportResult) -> None:
    taunton = Organisation.objects.get(register_key="la:TAU")
    assert not taunton.is_active
    assert str(taunton.end_date) == "2019-03-31"
    assert [o.register_key for o in taunton.successors.all()] == ["la:SWT"]
    cumbria = Organisation.objects.get(register_key="la:CMA")
    assert {o.official_name for o in cumbria.successors.all()} == {
        "Cumberland Council",
        "Westmorland and Furness Council",
    }
    cumberland = Organisation.objects.get(register_key="la:CBD")
    assert cumbria in cumberland.predecessors.all()


def test_police_forces_and_integrated_care_boards(real_register: ImportResult) -> None:
    dyfed_powys = Organisation.objects.get(register_key="police:dyfed-powys")
    assert dyfed_powys.nation == Nation.WALES
    assert dyfed_powys.gss_code == "W15000004"
    btp = Organisation.objects.get(register_key="police:btp")
    assert btp.nation == Nation.UK
    assert btp.type_code == "SPF"
    devon = Organisation.objects.get(register_key="icb:E54000037")
    assert devon.short_name == "NHS Devon"
    assert devon.other_code == "QJK"
    assert devon.slug == "nhs-devon-integrated-care-board"
    assert "Devon ICB" in devon.alternative_names


def test_place_name_slugs_go_to_current_councils(real_register: ImportResult) -> None:
    slugs = dict(Organisation.objects.values_list("register_key", "slug"))
    # The abolished county councils had the gov.uk slugs "somerset" and "north-yorkshire".
    assert slugs["la:SMT"] == "somerset"
    assert slugs["la:SOM"] == "somerset-county-council"
    assert slugs["la:NYE"] == "north-yorkshire"
    assert slugs["la:NYK"] == "north-yorkshire-county-council"
    assert slugs["la:SHN"] == "st-helens"  # gov.uk's "st.-helens" is not a URL slug
    assert slugs["police:devon-and-cornwall"] == "devon-and-cornwall-police"
    assert len(set(slugs.values())) == len(slugs)


def test_each_import_is_audited(real_register: ImportResult) -> None:
    entry = AuditEntry.objects.filter(action="organisation.register_imported").latest("occurred_at")
    assert entry.actor_id is None
    assert (
        entry.summary == "Imported the organisation register: created 560, updated 0, unchanged 0"
    )
    assert entry.changes["files"] == [path.name for path in BUNDLED_FILES]
    assert "la:CRF" in entry.changes["created"]


def test_importing_again_changes_nothing(real_register: ImportResult) -> None:
    before = {
        o["register_key"]: o
        for o in Organisation.objects.values("register_key", "id", "slug", "updated_at")
    }
    assert _import() == ImportResult(created=0, updated=0, unchanged=560)
    after = {
        o["register_key"]: o
        for o in Organisation.objects.values("register_key", "id", "slug", "updated_at")
    }
    assert after == before
    # 48 abolished councils have a successor; Cumbria and Northamptonshire have two each.
    assert Organisation.successors.through.objects.count() == 50


def test_a_changed_row_is_updated_and_keeps_its_slug(
    real_register: ImportResult, tmp_path: Path
) -> None:
    with COUNCILS_CSV.open(encoding="utf-8", newline="") as source:
        rows = list(csv.DictReader(source))
    for row in rows:
        if row["local-authority-code"] == "CRF":
            row["official-name"] = "Cardiff Council"
            row["gov-uk-slug"] = "caerdydd"
        if row["local-authority-code"] == "ADU":
            row["county-la"] = ""
    changed = tmp_path / "councils.csv"
    with changed.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    cardiff_id = Organisation.objects.get(register_key="la:CRF").pk

    assert _import(changed) == ImportResult(created=0, updated=2, unchanged=468)

    cardiff = Organisation.objects.get(register_key="la:CRF")
    assert cardiff.pk == cardiff_id
    assert cardiff.official_name == "Cardiff Council"
    assert cardiff.slug == "cardiff"
    assert cardiff.search_text.startswith("^cardiff council^cardiff^")
    assert Organisation.objects.get(register_key="la:ADU").parent is None
    entry = AuditEntry.objects.filter(action="organisation.register_imported").latest("occurred_at")
    assert entry.changes["updated"] == {
        "la:ADU": ["parent"],
        # "Cardiff Council" was an alternative name: it is the official name now.
        "la:CRF": ["official_name", "alternative_names", "search_text"],
    }
