"""Patterns, library pages: the public list with search and filters (tag, LGSL code,
organisation type), and a pattern's page with its journey, parameters, versions and notes."""

from __future__ import annotations

import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

LIBRARY = Path(__file__).resolve().parents[4] / "patterns"


@pytest.fixture
def published(tmp_path: Path) -> None:
    for pattern_id in (
        "report-a-pothole",
        "report-lost-property",
        "order-a-new-or-replacement-bin",
    ):
        shutil.copytree(LIBRARY / pattern_id, tmp_path / pattern_id)
    call_command("patterns", "publish", str(tmp_path), stdout=StringIO())


@pytest.mark.django_db
@pytest.mark.usefixtures("published")
def test_the_list_shows_every_published_pattern(client: Client) -> None:
    body = client.get("/patterns/").content.decode()
    assert "3 patterns" in body
    for title in ("Report a pothole", "Report lost property", "Order a new or replacement bin"):
        assert title in body


@pytest.mark.django_db
@pytest.mark.usefixtures("published")
@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("q=pothole", "Report a pothole", "Report lost property"),
        ("for=police_force", "Report lost property", "Report a pothole"),
        ("for=council", "Report a pothole", "Report lost property"),
        ("tag=roads", "Report a pothole", "Order a new or replacement bin"),
        ("lgsl=533", "Order a new or replacement bin", "Report a pothole"),
    ],
)
def test_search_and_filters(client: Client, query: str, shown: str, hidden: str) -> None:
    body = client.get(f"/patterns/?{query}").content.decode()
    assert shown in body
    assert hidden not in body


@pytest.mark.django_db
@pytest.mark.usefixtures("published")
def test_a_pattern_page_shows_its_journey_parameters_versions_and_notes(client: Client) -> None:
    body = client.get("/patterns/report-a-pothole/").content.decode()
    assert '<h1 class="govuk-heading-l">Report a pothole</h1>' in body
    assert "Is the pothole on a road, pavement or cycle path?" in body  # a question
    assert "Motorway or trunk road" in body  # an option
    assert "answers.road_type == &#34;trunk_road&#34;" in body  # a routing rule, as written
    assert "<code>emergency_phone</code>" in body  # a parameter
    assert "Must be set" in body
    assert "Version 1.0.0" in body
    assert "Initial version" in body
    assert "Design notes" in body


@pytest.mark.django_db
@pytest.mark.usefixtures("published")
def test_a_version_page_and_unknown_ids(client: Client) -> None:
    assert client.get("/patterns/report-a-pothole/1.0.0/").status_code == 200
    assert client.get("/patterns/report-a-pothole/9.9.9/").status_code == 404
    assert client.get("/patterns/no-such-pattern/").status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("published")
def test_the_welsh_page_shows_the_patterns_welsh_text(client: Client) -> None:
    body = client.get("/cy/patterns/report-a-pothole/").content.decode()
    assert '<html lang="cy"' in body
    assert "Rhoi gwybod am dwll yn y ffordd" in body
    assert "Ydy’r twll ar ffordd, palmant neu lwybr beicio?" in body


@pytest.mark.django_db
def test_raw_html_in_notes_is_escaped(client: Client, tmp_path: Path) -> None:
    folder = tmp_path / "report-a-pothole"
    shutil.copytree(LIBRARY / "report-a-pothole", folder)
    notes = folder / "notes.md"
    notes.write_text(notes.read_text() + "\n<script>alert(1)</script>\n", encoding="utf-8")
    call_command("patterns", "publish", str(tmp_path), stdout=StringIO())
    body = client.get("/patterns/report-a-pothole/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
