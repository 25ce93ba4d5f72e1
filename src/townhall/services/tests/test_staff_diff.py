"""Issue 5, point 2: the readable diff between two versions (pages, questions and parameters
added, removed or changed, with the change type), and where each parameter appears."""

from __future__ import annotations

from townhall.patterns.tests.factories import pattern_data, question
from townhall.services.diff import definition_diff, parameter_usage, parameters_carried
from townhall.services.tests.factories import library_data

PARAMS = {"fee": {"type": "money", "description": "The fee.", "default": 100}}


def _data(pages, parameters=PARAMS, version="1.0.0"):
    return pattern_data(pages=pages, parameters=parameters, version=version)


def test_pages_questions_and_parameters_added_removed_and_changed():
    old = _data(
        [
            question("text", "name", label="What is your name?"),
            question("text", "gone", label="Going?"),
            {
                "id": "people",
                "type": "add_another",
                "label": "People",
                "questions": [question("text", "who", label="Who?")],
            },
        ]
    )
    new = _data(
        [
            question("text", "name", label="What is your full name?"),
            question("text", "added", label="New?"),
            {
                "id": "people",
                "type": "add_another",
                "label": "People",
                "questions": [question("text", "age", label="How old?")],
            },
        ],
        parameters={**PARAMS, "zone": {"type": "text", "description": "The zone."}},
        version="2.0.0",
    )
    diff = definition_diff(old=old, new=new, old_version="1.0.0", new_version="2.0.0")
    assert diff.change_type == "major"
    assert [(i.id, i.name) for i in diff.pages_added] == [("added", "New?")]
    assert [i.id for i in diff.pages_removed] == ["gone"]
    assert [(i.id, i.changes) for i in diff.pages_changed] == [("name", ("question text",))]
    assert [i.id for i in diff.questions_added] == ["people.age"]
    assert [i.id for i in diff.questions_removed] == ["people.who"]
    assert [(i.id, i.name) for i in diff.parameters_added] == [("zone", "The zone.")]
    assert any("'gone' was removed" in reason for reason in diff.reasons)
    headings = [heading for heading, _items in diff.sections]
    assert headings[0] == "Pages added"
    assert "New parameters" in headings


def test_a_wording_change_is_a_patch_with_nothing_listed_but_the_page():
    old = _data([question("text", "name", label="Name?")])
    new = _data([question("text", "name", label="Your name?")], version="1.0.1")
    diff = definition_diff(old=old, new=new, old_version="1.0.0", new_version="1.0.1")
    assert diff.change_type == "patch"
    assert [i.id for i in diff.pages_changed] == ["name"]
    assert not diff.parameters_added


def test_values_of_retyped_or_removed_parameters_are_not_carried():
    old = {"parameters": {"a": {"type": "text"}, "b": {"type": "money"}, "c": {"type": "text"}}}
    new = {"parameters": {"a": {"type": "text"}, "b": {"type": "number"}}}
    carried = parameters_carried(old=old, new=new, values={"a": "x", "b": 1, "c": "y"})
    assert carried == {"a": "x"}


def test_parameter_usage_names_the_pages_that_use_each_parameter():
    usage = parameter_usage(definition=library_data("report-a-pothole"))
    assert "the start page" in usage["emergency_phone"]
    assert any(place.startswith("'") for place in usage["trunk_road_contact"])
    assert usage["inspection_days"] == ["the confirmation page"]
