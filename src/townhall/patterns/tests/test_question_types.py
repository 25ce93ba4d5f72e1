"""Issue part 2 (engine, validation): typed-in question types (text, long text, number, money,
date) turn raw form input into a typed answer or GOV.UK Design System errors, in English and Welsh.
"""

from __future__ import annotations

import pytest

from townhall.patterns.tests.factories import check, messages, question, raw

NAME = {
    "label": "What is your full name?",
    "subject": {"en": "your full name", "cy": "eich enw llawn"},
}


class TestText:
    page = question("text", "full_name", max_length=35, **NAME)

    def test_blank_required_answer_says_enter(self) -> None:
        assert messages(check(self.page, raw(full_name="  "))) == [
            ("full_name", "Enter your full name")
        ]

    def test_too_long_counts_characters(self) -> None:
        result = check(self.page, raw(full_name="x" * 36))
        assert messages(result) == [("full_name", "Your full name must be 35 characters or less")]

    def test_whitespace_is_collapsed_and_stored(self) -> None:
        assert check(self.page, raw(full_name="  Ada   Lovelace ")).values == {
            "full_name": "Ada Lovelace"
        }

    def test_optional_blank_answer_is_none(self) -> None:
        page = {**self.page, "required": False}
        assert check(page, raw()).values == {"full_name": None}

    def test_minimum_length(self) -> None:
        page = {**self.page, "min_length": 3}
        assert messages(check(page, raw(full_name="Al"))) == [
            ("full_name", "Your full name must be 3 characters or more")
        ]

    def test_welsh_messages_contract_i_with_a_possessive(self) -> None:
        assert messages(check(self.page, raw(), language="cy")) == [
            ("full_name", "Rhowch eich enw llawn")
        ]
        result = check(self.page, raw(full_name="x" * 36), language="cy")
        assert messages(result) == [
            ("full_name", "Mae’n rhaid i’ch enw llawn fod yn 35 nod neu lai")
        ]


def test_long_text_counts_a_line_break_as_one_character() -> None:
    page = question("long_text", "details", max_length=5, subject="more detail")
    assert check(page, raw(details="ab\r\ncd")).values == {"details": "ab\ncd"}
    assert messages(check(page, raw(details="abc\r\ndef"))) == [
        ("details", "More detail must be 5 characters or less")
    ]


class TestNumber:
    page = question(
        "number", "bags", min=1, max=6, subject={"en": "the number of bags", "cy": "nifer y bagiau"}
    )

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("", "Enter the number of bags"),
            ("three", "The number of bags must be a number"),
            ("2.5", "The number of bags must be a whole number"),
            ("9", "The number of bags must be between 1 and 6"),
            ("1e5", "The number of bags must be a number"),
            ("9" * 40, "The number of bags must be a number"),
        ],
    )
    def test_errors(self, typed: str, message: str) -> None:
        assert messages(check(self.page, raw(bags=typed))) == [("bags", message)]

    def test_one_bound_says_or_more_or_less(self) -> None:
        assert messages(check({**self.page, "max": None}, raw(bags="0"))) == [
            ("bags", "The number of bags must be 1 or more")
        ]
        assert messages(check({**self.page, "min": None}, raw(bags="7"))) == [
            ("bags", "The number of bags must be 6 or less")
        ]

    def test_commas_and_spaces_are_ignored(self) -> None:
        page = {**self.page, "max": 5000}
        assert check(page, raw(bags=" 1,000 ")).values == {"bags": 1000}

    def test_decimal(self) -> None:
        page = question("number", "weight", decimal=True, subject="the weight")
        assert check(page, raw(weight="2.5")).values == {"weight": 2.5}

    def test_welsh(self) -> None:
        result = check(self.page, raw(bags="9"), language="cy")
        assert messages(result) == [("bags", "Mae’n rhaid i nifer y bagiau fod rhwng 1 a 6")]
        result = check(self.page, raw(bags=""), language="cy")
        assert messages(result) == [("bags", "Rhowch nifer y bagiau")]


class TestMoney:
    page = question("money", "paid", max=100000, subject="the amount you paid")

    def test_pounds_and_pence_become_pence(self) -> None:
        assert check(self.page, raw(paid="£ 234.5")).values == {"paid": 23450}
        assert check(self.page, raw(paid="12")).values == {"paid": 1200}

    def test_more_than_two_decimal_places_is_not_money(self) -> None:
        assert messages(check(self.page, raw(paid="12.345"))) == [
            ("paid", "The amount you paid must be an amount of money, like 5 or 5.50")
        ]

    def test_bounds_are_shown_as_money(self) -> None:
        assert messages(check(self.page, raw(paid="1000.01"))) == [
            ("paid", "The amount you paid must be £1,000 or less")
        ]


class TestDate:
    page = question(
        "date",
        "dob",
        rule="past",
        label="What is your date of birth?",
        subject={"en": "date of birth", "cy": "dyddiad geni"},
    )

    def test_valid_date_is_iso(self) -> None:
        assert check(self.page, raw(dob__day="7", dob__month="3", dob__year="1990")).values == {
            "dob": "1990-03-07"
        }

    def test_month_names_in_english_and_welsh(self) -> None:
        assert check(self.page, raw(dob__day="7", dob__month="Mar", dob__year="1990")).values == {
            "dob": "1990-03-07"
        }
        assert check(
            self.page, raw(dob__day="7", dob__month="Mawrth", dob__year="1990")
        ).values == {"dob": "1990-03-07"}

    @pytest.mark.parametrize(
        ("day", "month", "year", "field", "message"),
        [
            ("", "", "", "dob-day", "Enter date of birth"),
            ("7", "", "1990", "dob-month", "Date of birth must include a month"),
            ("", "", "1990", "dob-day", "Date of birth must include a day and month"),
            ("7", "3", "90", "dob-year", "Year must include 4 numbers"),
            ("31", "2", "1990", "dob-day", "Date of birth must be a real date"),
            ("7", "13", "1990", "dob-month", "Date of birth must be a real date"),
            ("15", "1", "2026", "dob-day", "Date of birth must be in the past"),
        ],
    )
    def test_gov_uk_messages(
        self, day: str, month: str, year: str, field: str, message: str
    ) -> None:
        result = check(self.page, raw(dob__day=day, dob__month=month, dob__year=year))
        assert messages(result) == [(field, message)]

    def test_welsh_messages_mutate_after_i(self) -> None:
        result = check(self.page, raw(dob__day="7", dob__year="1990"), language="cy")
        assert messages(result) == [("dob-month", "Mae’n rhaid i ddyddiad geni gynnwys mis")]
        result = check(
            self.page, raw(dob__day="31", dob__month="2", dob__year="1990"), language="cy"
        )
        assert messages(result) == [
            ("dob-day", "Mae’n rhaid i ddyddiad geni fod yn ddyddiad go iawn")
        ]

    @pytest.mark.parametrize(
        ("rule", "typed", "message"),
        [
            ("future", "2026-01-15", "Date of birth must be in the future"),
            ("today_or_past", "2026-01-16", "Date of birth must be today or in the past"),
            ("today_or_future", "2026-01-14", "Date of birth must be today or in the future"),
        ],
    )
    def test_rules_relative_to_today(self, rule: str, typed: str, message: str) -> None:
        year, month, day = typed.split("-")
        result = check(
            {**self.page, "rule": rule}, raw(dob__day=day, dob__month=month, dob__year=year)
        )
        assert messages(result) == [("dob-day", message)]

    def test_range_with_relative_bounds(self) -> None:
        page = {
            **self.page,
            "rule": "any",
            "earliest": "today",
            "latest": "today+14d",
            "subject": "the collection date",
        }
        result = check(page, raw(dob__day="30", dob__month="1", dob__year="2026"))
        assert messages(result) == [
            ("dob-day", "The collection date must be between 15 January 2026 and 29 January 2026")
        ]
        page["latest"] = None
        result = check(page, raw(dob__day="1", dob__month="1", dob__year="2026"))
        assert messages(result) == [
            ("dob-day", "The collection date must be the same as or after 15 January 2026")
        ]


@pytest.mark.parametrize(
    ("national", "shown"),
    [
        ("02079460000", "020 7946 0000"),
        ("01214960000", "0121 496 0000"),
        ("01134960000", "0113 496 0000"),
        ("03001234567", "0300 123 4567"),
        ("07700900982", "07700 900982"),
        ("01632960001", "01632 960001"),
        ("0169772345", "01697 72345"),
    ],
)
def test_phone_numbers_are_shown_spaced_as_people_write_them(national: str, shown: str) -> None:
    from townhall.patterns.engine.kinds.text import phone_group

    assert phone_group(national) == shown
