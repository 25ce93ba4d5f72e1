"""Issue part 3 (checks): the checker finds type errors in CEL conditions statically (a date
compared with a number…), unknown names in conditions and text, and reports every problem in a
file with its line and column — including inside block scalars and quoted expressions.
"""

from __future__ import annotations

import textwrap

import pytest

from townhall.patterns.engine import pattern_parse
from townhall.patterns.engine.formatting import cy_after_i, cy_object, cy_soft_mutate
from townhall.patterns.engine.loader import pattern_check_data
from townhall.patterns.engine.yamlsource import SourceMap
from townhall.patterns.tests.factories import pattern_data, question

PAGES = [
    question("date", "missed_on"),
    question("number", "bags"),
    question("number", "weight", decimal=True),
    question("money", "paid"),
    question("text", "name"),
    question("yes_no", "agreed"),
    question("checkboxes", "bins", options=[{"value": "a", "label": "A"}]),
    question("uk_address", "address"),
    question(
        "add_another",
        "vehicles",
        item_name="vehicle",
        item_name_plural="vehicles",
        questions=[question("text", "registration"), question("date", "since")],
    ),
]
PARAMETERS = {
    "fee": {"type": "money", "default": 100, "description": "Fee."},
    "cutoff": {"type": "date", "default": "2026-04-01", "description": "Cut-off."},
}


def codes_for(condition: str, *, fee: str | None = None) -> list[str]:
    """The codes reported for `condition` used as the last page's routing rule."""
    pages = [*PAGES, question("text", "last", next=[{"if": condition, "goto": "check_answers"}])]
    outcome = {
        "reference_prefix": "TST",
        "confirmation_title": "Sent",
        "what_happens_next": "Soon.",
    }
    if fee is not None:
        outcome["fee"] = fee
    data = pattern_data(pages=pages, parameters=PARAMETERS, outcome=outcome)
    loaded = pattern_check_data(data=data, source=SourceMap(filename="<test>"))
    return [d.code for d in loaded.diagnostics]


@pytest.mark.parametrize(
    "condition",
    [
        'answers.missed_on < date("2026-01-01")',
        "answers.missed_on < params.cutoff",
        'days_between(answers.missed_on, date("2026-04-01")) > 28',
        "answers.bags > 3 && answers.agreed",
        "answers.weight >= 2.5 || !has(answers.weight)",
        "answers.paid > params.fee",
        '"a" in answers.bins && size(answers.bins) == 1',
        'answers.name.startsWith("Dr") ? true : false',
        'answers.address.postcode == "CF10 1EP"',
        'answers.vehicles.exists(v, v.registration == "AB12" && v.since > date("2020-01-01"))',
        "answers.vehicles.all(v, size(v.registration) < 9)",
        "answers.missed_on.getFullYear() == 2026",
        "int(answers.weight) > 3",
    ],
)
def test_well_typed_conditions_pass(condition: str) -> None:
    assert codes_for(condition) == []


@pytest.mark.parametrize(
    ("condition", "code"),
    [
        ("answers.missed_on > 30", "PAT301"),
        ("answers.weight > 3", "PAT301"),
        ('answers.bags == "3"', "PAT301"),
        ("answers.name && answers.agreed", "PAT301"),
        ("answers.bins > 1", "PAT301"),
        ('date("1 April") < answers.missed_on', "PAT301"),
        ("answers.name", "PAT302"),
        ("answers.nope", "PAT201"),
        ("params.nope > 1", "PAT202"),
        ("today > answers.missed_on", "PAT203"),
        ('answers.name.matches("^A")', "PAT203"),
        ("answers.address.post_code", "PAT204"),
        ('answers.vehicles.exists(v, v.colour == "red")', "PAT204"),
        ("answers.bags >", "PAT304"),
        ("answers.bags > 1 and answers.agreed", "PAT304"),
    ],
)
def test_mistakes_in_conditions_have_their_code(condition: str, code: str) -> None:
    assert code in codes_for(condition)


def test_the_fee_must_be_pence() -> None:
    assert codes_for("true", fee="params.fee * size(answers.bins)") == []
    assert codes_for("true", fee="2.5") == ["PAT303"]


def test_every_problem_in_a_file_is_reported_with_its_position() -> None:
    text = textwrap.dedent(
        """\
        format: 1
        id: three-problems
        title: Three problems
        summary: Several mistakes in one file.
        version: 1.0.0
        owner: Townhall
        licence: OGL-UK-3.0
        start:
          body: |-
            First line.
            Call {{ params.phone }}.
        pages:
          - id: missed_on
            type: date
            label: When?
            subject: the date
            next:
              - if: "answers.bags > 1 || answers.missed_on > 30"
                goto: check_answers
        outcome:
          reference_prefix: TST
          confirmation_title: Sent
          what_happens_next: Soon.
        """
    )
    loaded = pattern_parse(text=text, filename="three.yaml")
    found = [(d.line, d.column, d.code) for d in loaded.diagnostics]
    # The placeholder is on the second line of a literal block; both expression problems are
    # placed at their own column inside the quoted expression.
    assert found == [(11, 10, "PAT206"), (18, 14, "PAT201"), (18, 34, "PAT301")]


def test_schema_problems_are_all_reported_at_once() -> None:
    text = textwrap.dedent(
        """\
        format: 1
        id: Bad_Id
        title: Broken
        version: 1
        owner: Townhall
        licence: OGL-UK-3.0
        start: {body: Start.}
        pages:
          - {id: a, type: txt, label: A, subject: a}
          - {id: b, type: text, label: B, subject: b, colour: red}
        outcome: {reference_prefix: TST, confirmation_title: Sent, what_happens_next: Soon.}
        """
    )
    loaded = pattern_parse(text=text, filename="schema.yaml")
    found = [(d.line, d.code) for d in loaded.diagnostics]
    assert found == [(1, "PAT101"), (2, "PAT105"), (4, "PAT103"), (9, "PAT104"), (10, "PAT102")]
    assert "summary" in loaded.diagnostics[0].message


def test_the_folder_name_must_match_the_id() -> None:
    text = "format: 1\nid: wrong\ntitle: T\nsummary: S\nversion: 1.0.0\nowner: O\nlicence: MIT\n"
    text += "start: {body: B}\npages: [{id: a, type: text, label: A, subject: a}]\n"
    text += "outcome: {reference_prefix: TST, confirmation_title: C, what_happens_next: W}\n"
    loaded = pattern_parse(text=text, filename="x/pattern.yaml", expected_id="right")
    assert [(d.code, d.line) for d in loaded.diagnostics] == [("PAT111", 2)]


def test_welsh_grammar_helpers() -> None:
    assert [
        cy_soft_mutate(word) for word in ("cyfeiriad", "Tref", "gardd", "llun", "rhif", "chwaraeon")
    ] == [
        "gyfeiriad",
        "Dref",
        "ardd",
        "lun",
        "rif",
        "chwaraeon",
    ]
    assert cy_object("cod post") == "god post"
    assert cy_object("eich enw") == "eich enw"
    assert cy_after_i("eich enw llawn") == "i’ch enw llawn"
    assert cy_after_i("y disgrifiad") == "i’r disgrifiad"
    assert cy_after_i("disgrifiad o’r twll") == "i ddisgrifiad o’r twll"


@pytest.mark.parametrize(
    ("earliest", "latest", "codes"),
    [
        ("2026-02-30", None, ["PAT105"]),
        ("2026-05-01", "2026-04-01", ["PAT113"]),
        ("today", "today-3d", ["PAT113"]),
        ("today", "2020-01-01", []),  # depends on the day: not decidable when checking
        ("today-30d", "today", []),
    ],
)
def test_date_bounds(earliest: str, latest: str | None, codes: list[str]) -> None:
    data = pattern_data(pages=[question("date", earliest=earliest, latest=latest)])
    loaded = pattern_check_data(data=data, source=SourceMap(filename="<test>"))
    assert [d.code for d in loaded.diagnostics] == codes
