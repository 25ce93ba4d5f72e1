"""Register import (foundation issue): every row is checked first; a malformed row is reported as
`file:line: what is wrong` (the physical line, header = 1) and nothing at all is imported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from townhall.core.models import AuditEntry
from townhall.tenancy.actions import RegisterImportError, organisation_register_import
from townhall.tenancy.models import Organisation
from townhall.tenancy.register import BUNDLED_FILES, read_register
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

# A consistent slice of the real register: Adur's county is West Sussex.
CODES = ["WSX", "ADU", "CRF", "ABE"]


def _real_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as source:
        reader = csv.DictReader(source)
        return list(reader.fieldnames or []), list(reader)


def _councils(tmp_path: Path, edits: dict[str, dict[str, str]] | None = None) -> Path:
    """The CODES rows of the real councils file, in that order (lines 2 to 5), with edits."""
    header, rows = _real_rows(BUNDLED_FILES[0])
    by_code = {row["local-authority-code"]: row for row in rows}
    chosen = [{**by_code[code], **(edits or {}).get(code, {})} for code in CODES]
    path = tmp_path / "councils.csv"
    with path.open("w", encoding="utf-8", newline="") as target:
        writer = csv.DictWriter(target, fieldnames=header)
        writer.writeheader()
        writer.writerows(chosen)
    return path


def _errors(*paths: Path) -> list[str]:
    with pytest.raises(RegisterImportError) as raised:
        organisation_register_import(register=read_register(list(paths)))
    return [str(error) for error in raised.value.errors]


def test_the_slice_imports(tmp_path: Path) -> None:
    organisation_register_import(register=read_register([_councils(tmp_path)]))
    assert Organisation.objects.count() == 4


@pytest.mark.parametrize(
    ("edits", "error"),
    [
        (
            {"CRF": {"gss-code": "W0600015"}},
            'councils.csv:4: gss-code "W0600015" is not a GSS code',
        ),
        ({"CRF": {"official-name": ""}}, "councils.csv:4: official-name is missing"),
        (
            {"ADU": {"nation": "Cymru"}},
            'councils.csv:3: nation "Cymru" is not one of England, Wales, Scotland',
        ),
        (
            {"ABE": {"start-date": "18/06/2005"}},
            'councils.csv:5: start-date "18/06/2005" is not a date in the form YYYY-MM-DD',
        ),
        (
            {"ABE": {"end-date": "2005-02-30"}},
            'councils.csv:5: end-date "2005-02-30" is not a date',
        ),
        (
            {"WSX": {"current-authority": "yes"}},
            'councils.csv:2: current-authority "yes" is not True or False',
        ),
        (
            {"WSX": {"local-authority-type": "XYZ"}},
            'councils.csv:2: local-authority-type "XYZ" is not one of',
        ),
        ({"ADU": {"county-la": "KEN"}}, 'councils.csv:3: county-la "KEN" is not in the register'),
        (
            {"ABE": {"current-authority": "False", "replaced-by": "ABD"}},
            'councils.csv:5: replaced-by "ABD" is not in the register',
        ),
        (
            {"CRF": {"gss-code": "E06000015"}},
            'councils.csv:4: gss-code "E06000015" belongs to another nation than Wales',
        ),
        ({"ABE": {"local-authority-code": "CRF"}}, "councils.csv:5: la:CRF is already on line 4"),
        (
            {"CRF": {"gov-uk-slug": "admin"}},
            'councils.csv:4: the web address "admin" is reserved',
        ),
        (
            {"ABE": {"gov-uk-slug": "cardiff"}},
            'councils.csv:5: the web address "cardiff" is also wanted by la:CRF on line 4',
        ),
    ],
)
def test_a_malformed_row_is_reported_and_nothing_is_imported(
    tmp_path: Path, edits: dict[str, dict[str, str]], error: str
) -> None:
    errors = _errors(_councils(tmp_path, edits))
    assert any(e.startswith(f"{tmp_path}/{error}") for e in errors), errors
    assert Organisation.objects.count() == 0
    assert not AuditEntry.objects.exists()


def test_every_error_in_every_file_is_reported_in_order(tmp_path: Path) -> None:
    councils = _councils(
        tmp_path, {"CRF": {"official-name": "", "gss-code": "nope"}, "ABE": {"nation": "Mars"}}
    )
    police = tmp_path / "police.csv"
    police.write_text(
        "force_id,name,force_type,nation,pfa_gss_code,pfa_ons_name,on_data_police_uk\n"
        "gwent,Gwent Police,territorial,Wales,W15000002,Gwent,yes\n"
        "Bad Id,,regional,Wales,,,maybe\n",
        encoding="utf-8",
    )
    errors = _errors(councils, police)
    assert [e.removeprefix(f"{tmp_path}/").split(": ")[0] for e in errors] == [
        "councils.csv:4",
        "councils.csv:4",
        "councils.csv:5",
        "police.csv:3",
        "police.csv:3",
        "police.csv:3",
        "police.csv:3",
    ]
    assert Organisation.objects.count() == 0


def test_line_numbers_count_lines_inside_quoted_cells(tmp_path: Path) -> None:
    # Lines: 1 header; 2-5 one record with line breaks in two quoted cells; 6 blank; 7 Kent.
    path = tmp_path / "police.csv"
    path.write_text(
        "force_id,name,force_type,nation,pfa_gss_code,pfa_ons_name,on_data_police_uk\n"
        'gwent,"Gwent\nPolice",territorial,Wales,W15000002,"Gwent,\n\nGwent",yes\n'
        "\n"
        "kent,Kent Police,territorial,Kent,E23000032,Kent,yes\n",
        encoding="utf-8",
    )
    assert _errors(path) == [
        f'{path}:7: nation "Kent" is not one of England, Wales, Scotland, Northern Ireland, '
        "Great Britain, United Kingdom"
    ]


def test_a_row_with_too_few_fields(tmp_path: Path) -> None:
    path = tmp_path / "icbs.csv"
    path.write_text(
        "gss_code,ods_code,name,nhs_england_region,nhs_england_region_ods_code\n"
        "E54000037,QJK,NHS Devon Integrated Care Board\n",
        encoding="utf-8",
    )
    assert _errors(path) == [f"{path}:2: has 3 fields but the header has 5"]


def test_a_file_that_is_not_a_register(tmp_path: Path) -> None:
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("name,code\nKent,KEN\n", encoding="utf-8")
    short = tmp_path / "short.csv"
    short.write_text("force_id,name\nkent,Kent Police\n", encoding="utf-8")
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(
        "gss_code,ods_code,name,nhs_england_region\nE54000037,QJK,Ynys M\xf4n,\n".encode("latin-1")
    )
    missing = tmp_path / "missing.csv"
    assert _errors(unknown, short, latin1, missing) == [
        f"{missing}: cannot read the file: No such file or directory",
        f'{unknown}:1: the header is not a known register\'s: it needs a "local-authority-code", '
        '"force_id" or "ods_code" column',
        f"{short}:1: the police forces register needs the column(s) force_type, nation, "
        "pfa_gss_code, pfa_ons_name",
        f"{latin1}:2: is not UTF-8 text",
    ]


def test_existing_organisations_are_untouched_when_the_import_fails(tmp_path: Path) -> None:
    cardiff = OrganisationFactory.create(
        register_key="la:CRF", slug="cardiff", official_name="Old name"
    )
    errors = _errors(_councils(tmp_path, {"ABE": {"gss-code": "bad"}}))
    assert len(errors) == 1
    cardiff.refresh_from_db()
    assert cardiff.official_name == "Old name"
    assert Organisation.objects.count() == 1


def test_a_slug_taken_by_another_organisation_is_an_error(tmp_path: Path) -> None:
    OrganisationFactory.create(register_key="demo:cardiff", slug="cardiff")
    assert _errors(_councils(tmp_path)) == [
        f'{tmp_path}/councils.csv:4: the web address "cardiff" is already used by demo:cardiff'
    ]


def test_references_may_be_to_organisations_already_stored(tmp_path: Path) -> None:
    OrganisationFactory.create(register_key="la:KEN", slug="kent")
    path = _councils(tmp_path, {"ADU": {"county-la": "KEN"}})
    result = organisation_register_import(register=read_register([path]))
    assert result.created == 4
    adur = Organisation.objects.select_related("parent").get(register_key="la:ADU")
    assert adur.parent is not None
    assert adur.parent.slug == "kent"


def test_the_command_reports_file_and_line_and_exits_with_status_1(tmp_path: Path) -> None:
    path = _councils(tmp_path, {"CRF": {"gss-code": "W0600015"}})
    stderr = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("organisations", "import", str(path), stderr=stderr)
    assert raised.value.returncode == 1
    assert "nothing was imported" in str(raised.value)
    assert stderr.getvalue().startswith(f'{path}:4: gss-code "W0600015" is not a GSS code')
    assert Organisation.objects.count() == 0


def test_the_command_imports_and_summarises(tmp_path: Path) -> None:
    stdout = io.StringIO()
    call_command("organisations", "import", str(_councils(tmp_path)), stdout=stdout)
    assert stdout.getvalue() == "created 4, updated 0, unchanged 0\n"


def test_the_command_without_files_imports_the_bundled_register() -> None:
    stdout = io.StringIO()
    call_command("organisations", "import", stdout=stdout)
    assert stdout.getvalue() == "created 560, updated 0, unchanged 0\n"
