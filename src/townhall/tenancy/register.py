"""The organisation register in CSV: read and check every row, without touching the database.

`register_formats` says how each of the three registers' columns become organisations. Here:
reading files, checking every row and the references between rows, and proposing slugs (fixed once,
when an organisation is created; see `assign_slugs`). Errors are `RowError`s, `path:line: what is
wrong`, line being the physical line in the file where the row starts (the header is line 1), so
quoted multi-line cells do not throw the count off.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from townhall.tenancy.constants import RESERVED_SLUGS, Nation, OrganisationKind
from townhall.tenancy.names import clean_alternative_names
from townhall.tenancy.register_formats import FORMATS, MAX_SLUG, Cells, RegisterFormat

DATA_DIR = Path(__file__).resolve().parent / "data"
BUNDLED_FILES = (
    DATA_DIR / "uk_local_authorities_current.csv",
    DATA_DIR / "uk_police_forces.csv",
    DATA_DIR / "nhs_integrated_care_boards_2023.csv",
)


@dataclass(frozen=True, slots=True)
class RowError:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class RegisterRow:
    """One organisation as the register describes it, checked and ready to store."""

    path: str
    line: int
    register_key: str
    # The slug a new organisation takes (see `assign_slugs`).
    slug: str
    kind: OrganisationKind
    official_name: str
    short_name: str
    alternative_names: tuple[str, ...]
    gss_code: str
    other_code: str
    type_code: str
    type_name: str
    nation: Nation
    region: str
    is_active: bool
    start_date: date | None
    end_date: date | None
    parent_key: str | None
    successor_keys: tuple[str, ...]

    def organisation_fields(self) -> dict[str, Any]:
        """Plain `Organisation` field values (no slug, no relations), as the model stores them."""
        return {
            "kind": self.kind.value,
            "official_name": self.official_name,
            "short_name": self.short_name,
            "alternative_names": list(self.alternative_names),
            "gss_code": self.gss_code,
            "other_code": self.other_code,
            "type_code": self.type_code,
            "type_name": self.type_name,
            "nation": self.nation.value,
            "region": self.region,
            "is_active": self.is_active,
            "start_date": self.start_date,
            "end_date": self.end_date,
        }


@dataclass
class ParsedRegister:
    paths: list[str] = field(default_factory=list)
    rows: list[RegisterRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    # Every register key named by a row, even a row with errors: references to it are not
    # reported again as unknown.
    keys_seen: set[str] = field(default_factory=set)


def read_register(paths: Sequence[Path]) -> ParsedRegister:
    """Read and check register files. Paths are reported as given."""
    sources: list[tuple[str, str | bytes]] = []
    errors: list[RowError] = []
    for path in paths:
        try:
            sources.append((str(path), path.read_bytes()))
        except OSError as exc:
            errors.append(RowError(str(path), None, f"cannot read the file: {exc.strerror}"))
    register = parse_register(sources)
    register.errors[:0] = errors
    return register


def parse_register(sources: Sequence[tuple[str, str | bytes]]) -> ParsedRegister:
    """Check every row of every (path, content) source, collecting all errors."""
    register = ParsedRegister()
    first_seen: dict[str, tuple[str, int]] = {}
    for path, content in sources:
        register.paths.append(path)
        text = _decode(path, content, register)
        if text is not None:
            _parse_file(path, text, register, first_seen)
    return register


def _decode(path: str, content: str | bytes, register: ParsedRegister) -> str | None:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        register.errors.append(RowError(path, line, "is not UTF-8 text"))
        return None


def _parse_file(
    path: str, text: str, register: ParsedRegister, first_seen: dict[str, tuple[str, int]]
) -> None:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [column.strip() for column in next(reader, [])]
        register_format = next((f for f in FORMATS if f.identifying_column in header), None)
        if register_format is None:
            *others, last = [f'"{f.identifying_column}"' for f in FORMATS]
            message = (
                "the header is not a known register's: "
                f"it needs a {', '.join(others)} or {last} column"
            )
            register.errors.append(RowError(path, 1, message))
            return
        missing = [c for c in register_format.required_columns if c not in header]
        if missing:
            message = (
                f"the {register_format.name} register needs the column(s) {', '.join(missing)}"
            )
            register.errors.append(RowError(path, 1, message))
            return
        previous_end = reader.line_num
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                message = f"has {len(record)} fields but the header has {len(header)}"
                register.errors.append(RowError(path, line, message))
                continue
            _parse_row(
                register_format,
                path,
                line,
                dict(zip(header, record, strict=True)),
                register,
                first_seen,
            )
    except csv.Error as exc:
        register.errors.append(RowError(path, reader.line_num, f"is not valid CSV: {exc}"))


def _parse_row(
    register_format: RegisterFormat,
    path: str,
    line: int,
    values: dict[str, str],
    register: ParsedRegister,
    first_seen: dict[str, tuple[str, int]],
) -> None:
    cells = Cells(values)
    fields = register_format.parse(cells)
    key = fields["register_key"]
    if key.partition(":")[2]:  # A row without its code has no key to remember.
        register.keys_seen.add(key)
        if key in first_seen:
            seen_path, seen_line = first_seen[key]
            where = f"line {seen_line}" if seen_path == path else f"{seen_path}:{seen_line}"
            cells.problems.append(f"{key} is already on {where}")
        else:
            first_seen[key] = (path, line)
    if len(fields["slug"]) > MAX_SLUG:
        cells.problems.append(f"the web address made from the name is over {MAX_SLUG} characters")
    register.errors.extend(RowError(path, line, problem) for problem in cells.problems)
    if not cells.problems:
        fields["alternative_names"] = tuple(
            clean_alternative_names(
                fields["alternative_names"],
                official_name=fields["official_name"],
                short_name=fields["short_name"],
            )
        )
        register.rows.append(RegisterRow(path=path, line=line, **fields))


def check_references(*, register: ParsedRegister, known_keys: set[str]) -> list[RowError]:
    """Parent counties and successors must be in the files or already in the database."""
    known = register.keys_seen | known_keys
    errors = []
    for row in register.rows:
        if row.parent_key and row.parent_key not in known:
            code = row.parent_key.removeprefix("la:")
            errors.append(
                RowError(row.path, row.line, f'county-la "{code}" is not in the register')
            )
        for key in row.successor_keys:
            if key not in known:
                code = key.removeprefix("la:")
                message = f'replaced-by "{code}" is not in the register'
                errors.append(RowError(row.path, row.line, message))
    return errors


def assign_slugs(
    *,
    rows: Sequence[RegisterRow],
    slug_of_key: Mapping[str, str],
    key_of_slug: Mapping[str, str],
) -> tuple[dict[str, str], list[RowError]]:
    """The slug of every row's organisation: the stored one for organisations already stored
    (`slug_of_key`: register key → slug), the row's own for new ones.

    A slug is a public address for ever, so a new slug that is reserved, already stored for
    another organisation (`key_of_slug`: slug → register key) or wanted by two rows is an error,
    not a silent "-2".
    """
    slugs: dict[str, str] = {}
    claimed: dict[str, RegisterRow] = {}
    errors = []
    for row in rows:
        key, slug = row.register_key, row.slug
        if key in slug_of_key:
            slugs[key] = slug_of_key[key]
            continue
        problem = None
        if not slug:
            problem = "the name gives an empty web address"
        elif slug in RESERVED_SLUGS:
            problem = f'the web address "{slug}" is reserved for Townhall’s own pages'
        elif key_of_slug.get(slug, key) != key:
            problem = f'the web address "{slug}" is already used by {key_of_slug[slug]}'
        elif slug in claimed:
            other = claimed[slug]
            where = f"line {other.line}" if other.path == row.path else f"{other.path}:{other.line}"
            problem = f'the web address "{slug}" is also wanted by {other.register_key} on {where}'
        if problem:
            errors.append(RowError(row.path, row.line, problem))
        else:
            claimed[slug] = row
            slugs[key] = slug
    return slugs, errors
