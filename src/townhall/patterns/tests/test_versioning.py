"""Patterns, versions: the change type a diff requires (removing or renaming a question or
narrowing validation is major; adding is minor; words only is a patch). Pure: no database."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from townhall.patterns.engine.loader import pattern_parse
from townhall.patterns.versioning import (
    MAJOR,
    MINOR,
    PATCH,
    SAME,
    bump_declared,
    bump_is_enough,
    change_classify,
)

POTHOLE = Path(__file__).resolve().parents[4] / "patterns" / "report-a-pothole" / "pattern.yaml"


@pytest.fixture(scope="module")
def pothole() -> dict[str, Any]:
    loaded = pattern_parse(text=POTHOLE.read_text(encoding="utf-8"), filename=str(POTHOLE))
    assert isinstance(loaded.data, dict)
    return loaded.data


def _page(data: dict[str, Any], page_id: str) -> dict[str, Any]:
    return next(p for p in data["pages"] if p["id"] == page_id)


def test_identical_definitions_are_the_same(pothole: dict[str, Any]) -> None:
    assert change_classify(old=pothole, new=copy.deepcopy(pothole)).kind == SAME


def test_changing_words_only_is_a_patch(pothole: dict[str, Any]) -> None:
    new = copy.deepcopy(pothole)
    _page(new, "road_type")["label"] = {"en": "Where is it?", "cy": "Ble mae e?"}
    new["version"] = "1.0.1"
    assert change_classify(old=pothole, new=new).kind == PATCH


def test_removing_a_question_is_major_and_names_it(pothole: dict[str, Any]) -> None:
    new = copy.deepcopy(pothole)
    new["pages"] = [p for p in new["pages"] if p["id"] != "size"]
    change = change_classify(old=pothole, new=new)
    assert change.kind == MAJOR
    assert any("'size'" in reason for reason in change.reasons)


def test_renaming_a_question_is_major(pothole: dict[str, Any]) -> None:
    new = copy.deepcopy(pothole)
    _page(new, "size")["id"] = "pothole_size"
    assert change_classify(old=pothole, new=new).kind == MAJOR


def test_removing_an_option_narrows_validation(pothole: dict[str, Any]) -> None:
    new = copy.deepcopy(pothole)
    page = _page(new, "road_type")
    page["options"] = [o for o in page["options"] if o["value"] != "cycle_path"]
    change = change_classify(old=pothole, new=new)
    assert change.kind == MAJOR
    assert "cycle_path" in " ".join(change.reasons)


def test_adding_an_option_is_minor(pothole: dict[str, Any]) -> None:
    new = copy.deepcopy(pothole)
    _page(new, "road_type")["options"].append({"value": "car_park", "label": "Car park"})
    assert change_classify(old=pothole, new=new).kind == MINOR


@pytest.mark.parametrize(
    ("key", "old", "new", "kind"),
    [
        ("max_length", 500, 300, MAJOR),
        ("max_length", 300, 500, MINOR),
        ("min", 1, 2, MAJOR),
        ("min", 2, 1, MINOR),
    ],
)
def test_bounds_narrowed_are_major_and_widened_are_minor(
    pothole: dict[str, Any], key: str, old: int, new: int, kind: str
) -> None:
    before, after = copy.deepcopy(pothole), copy.deepcopy(pothole)
    _page(before, "description")[key] = old
    _page(after, "description")[key] = new
    assert change_classify(old=before, new=after).kind == kind


def test_an_optional_question_made_required_is_major(pothole: dict[str, Any]) -> None:
    before, after = copy.deepcopy(pothole), copy.deepcopy(pothole)
    _page(before, "description")["required"] = False
    _page(after, "description")["required"] = True
    assert change_classify(old=before, new=after).kind == MAJOR


def test_parameters_removed_or_new_without_default_are_major(pothole: dict[str, Any]) -> None:
    removed = copy.deepcopy(pothole)
    del removed["parameters"]["emergency_phone"]
    assert change_classify(old=pothole, new=removed).kind == MAJOR
    added = copy.deepcopy(pothole)
    added["parameters"]["new_contact"] = {"type": "text", "description": "x"}
    assert change_classify(old=pothole, new=added).kind == MAJOR
    defaulted = copy.deepcopy(pothole)
    defaulted["parameters"]["new_days"] = {"type": "number", "default": 3, "description": "x"}
    assert change_classify(old=pothole, new=defaulted).kind == MINOR


def test_declared_bumps_and_whether_they_are_enough() -> None:
    assert bump_declared(old_version="1.2.3", new_version="2.0.0") == MAJOR
    assert bump_declared(old_version="1.2.3", new_version="1.3.0") == MINOR
    assert bump_declared(old_version="1.2.3", new_version="1.2.4") == PATCH
    assert bump_is_enough(declared=MAJOR, required=MINOR)
    assert not bump_is_enough(declared=MINOR, required=MAJOR)
    assert not bump_is_enough(declared=PATCH, required=MINOR)
