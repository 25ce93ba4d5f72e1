"""Issue part 2 (engine, validation): chosen, contact, file, location and "add another"
questions turn raw form input into a typed answer or GOV.UK Design System errors, in English and
Welsh, and a pattern may override any message.
"""

from __future__ import annotations

from typing import Any

import pytest

from townhall.patterns.engine import UploadedFile
from townhall.patterns.tests.factories import check, messages, question, raw


class TestChoices:
    radios = question(
        "radios",
        "bin",
        subject={"en": "which bin was missed", "cy": "pa fin a fethwyd"},
        options=[
            {"value": "general", "label": {"en": "General", "cy": "Cyffredinol"}},
            {"value": "garden", "label": {"en": "Garden", "cy": "Gardd"}},
        ],
    )

    def test_radios(self) -> None:
        assert check(self.radios, raw(bin="garden")).values == {"bin": "garden"}
        assert messages(check(self.radios, raw(bin="tampered"))) == [
            ("bin", "Select which bin was missed")
        ]
        assert messages(check(self.radios, raw(), language="cy")) == [
            ("bin", "Dewiswch pa fin a fethwyd")
        ]

    def test_select(self) -> None:
        page = {**self.radios, "type": "select"}
        assert check(page, raw(bin=["general"])).values == {"bin": "general"}

    def test_yes_no_uses_the_question_s_welsh_answer(self) -> None:
        page = question(
            "yes_no",
            "over_18",
            subject={"en": "you are 18 or over", "cy": "ydych chi’n 18 oed neu’n hŷn"},
            yes_label={"en": "Yes", "cy": "Ydw"},
            no_label={"en": "No", "cy": "Nac ydw"},
        )
        assert check(page, raw(over_18="no")).values == {"over_18": False}
        assert messages(check(page, raw())) == [("over_18", "Select yes if you are 18 or over")]
        assert messages(check(page, raw(), language="cy")) == [
            ("over_18", "Dewiswch ‘Ydw’ os ydych chi’n 18 oed neu’n hŷn")
        ]

    checkboxes = question(
        "checkboxes",
        "bins",
        subject="the bins",
        min_selected=2,
        max_selected=3,
        options=[{"value": v, "label": v.title()} for v in ("a", "b", "c", "d")]
        + [{"value": "none", "label": "None of these", "exclusive": True}],
    )

    def test_checkboxes_keep_option_order_and_ignore_unknown_values(self) -> None:
        assert check(self.checkboxes, raw(bins=["c", "a", "zzz"])).values == {"bins": ["a", "c"]}

    def test_checkbox_counts(self) -> None:
        assert messages(check(self.checkboxes, raw(bins=["a"]))) == [
            ("bins", "Select at least 2 options")
        ]
        assert messages(check(self.checkboxes, raw(bins=["a", "b", "c", "d"]))) == [
            ("bins", "Select no more than 3 options")
        ]
        assert messages(check(self.checkboxes, raw())) == [("bins", "Select the bins")]

    def test_exclusive_option_stands_alone(self) -> None:
        assert check(self.checkboxes, raw(bins=["none"])).values == {"bins": ["none"]}
        assert messages(check(self.checkboxes, raw(bins=["a", "none"]))) == [
            ("bins", "Select the bins, or select ‘None of these’")
        ]

    def test_optional_checkboxes_store_an_empty_list(self) -> None:
        assert check({**self.checkboxes, "required": False}, raw()).values == {"bins": []}


class TestContactDetails:
    def test_email(self) -> None:
        page = question("email", "email", subject="your email address")
        assert check(page, raw(email="ada@example.com")).values == {"email": "ada@example.com"}
        for bad in ("ada@", "ada@example", "a b@example.com", "ada..l@example.com"):
            assert messages(check(page, raw(email=bad))) == [
                ("email", "Enter an email address in the correct format, like name@example.com")
            ]

    @pytest.mark.parametrize(
        ("typed", "stored"),
        [
            ("01632 960 001", "+441632960001"),
            ("+44 (0)7700 900982", "+447700900982"),
            ("0044 7700-900-982", "+447700900982"),
        ],
    )
    def test_uk_phone_is_stored_in_international_format(self, typed: str, stored: str) -> None:
        page = question("uk_phone", "phone", subject="your phone number")
        assert check(page, raw(phone=typed)).values == {"phone": stored}

    def test_uk_phone_errors(self) -> None:
        page = question("uk_phone", "phone", subject="your phone number")
        message = "Enter a telephone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192"
        assert messages(check(page, raw(phone="12345"))) == [("phone", message)]
        welsh_message = "Rhowch rif ffôn, fel 01632 960 001, 07700 900 982 neu +44 808 157 0192"
        assert messages(check(page, raw(phone="12345"), language="cy")) == [
            ("phone", welsh_message)
        ]

    def test_uk_postcode(self) -> None:
        page = question("uk_postcode", "postcode", subject="a postcode")
        assert check(page, raw(postcode="cf10 1ep")).values == {"postcode": "CF10 1EP"}
        assert check(page, raw(postcode="sw1a1aa")).values == {"postcode": "SW1A 1AA"}
        assert messages(check(page, raw(postcode="ABC 123"))) == [
            ("postcode", "Enter a real postcode")
        ]
        assert messages(check(page, raw(postcode="ABC 123"), language="cy")) == [
            ("postcode", "Rhowch god post go iawn")
        ]

    def test_uk_address_reports_each_missing_part(self) -> None:
        page = question("uk_address", "address", subject="your address")
        assert messages(check(page, raw(address__line2="Flat 2"))) == [
            ("address-line1", "Enter address line 1, typically the building and street"),
            ("address-town", "Enter town or city"),
            ("address-postcode", "Enter postcode"),
        ]

    def test_uk_address(self) -> None:
        page = question("uk_address", "address", subject="your address")
        result = check(
            page,
            raw(
                address__line1="1 High Street",
                address__town="Brecon",
                address__postcode="ld3 7aa",
                address__uprn="10001234",
            ),
        )
        assert result.values == {
            "address": {
                "line1": "1 High Street",
                "line2": "",
                "town": "Brecon",
                "county": "",
                "postcode": "LD3 7AA",
                "uprn": "10001234",
            }
        }
        result = check(
            page,
            raw(
                address__line1="1 High Street", address__town="Brecon", address__postcode="nonsense"
            ),
            language="cy",
        )
        assert messages(result) == [("address-postcode", "Rhowch god post go iawn")]

    def test_name_in_two_parts(self) -> None:
        page = question("name", "applicant", parts="given_family", subject="your name")
        assert check(page, raw(applicant__given="Ada", applicant__family="Lovelace")).values == {
            "applicant": {"given": "Ada", "family": "Lovelace", "full": "Ada Lovelace"}
        }
        assert messages(check(page, raw(applicant__given="Ada"))) == [
            ("applicant-family", "Enter your last name")
        ]

    def test_full_name(self) -> None:
        page = question("name", "applicant", subject="your full name")
        assert check(page, raw(applicant="Ada Lovelace")).values == {
            "applicant": {"full": "Ada Lovelace"}
        }
        assert messages(check(page, raw(applicant="x" * 101))) == [
            ("applicant", "Full name must be 100 characters or less")
        ]


class TestFile:
    page = question(
        "file",
        "photos",
        subject={"en": "a photo", "cy": "llun"},
        accept=["jpg", "png"],
        max_files=2,
        max_size_mb=5,
    )

    def test_metadata_from_the_web_layer_is_stored(self) -> None:
        result = check(
            self.page, {"photos": [UploadedFile("hole.JPG", 1000, "image/jpeg", "ref-1")]}
        )
        assert result.values == {
            "photos": [
                {"name": "hole.JPG", "size": 1000, "content_type": "image/jpeg", "ref": "ref-1"}
            ]
        }

    @pytest.mark.parametrize(
        ("files", "message"),
        [
            ([], "Select a photo"),
            ([{"name": "a.gif", "size": 10}], "The selected file must be a JPG or PNG"),
            (
                [{"name": "a.jpg", "size": 10, "content_type": "application/x-msdownload"}],
                "The selected file must be a JPG or PNG",
            ),
            ([{"name": "a.jpg", "size": 0}], "The selected file is empty"),
            (
                [{"name": "a.jpg", "size": 6 * 1024 * 1024}],
                "The selected file must be smaller than 5MB",
            ),
            (
                [{"name": f"{n}.jpg", "size": 10} for n in range(3)],
                "You can only select up to 2 files at the same time",
            ),
        ],
    )
    def test_errors(self, files: list[dict[str, Any]], message: str) -> None:
        assert messages(check(self.page, {"photos": files})) == [("photos", message)]

    def test_welsh(self) -> None:
        assert messages(check(self.page, {"photos": []}, language="cy")) == [
            ("photos", "Dewiswch lun")
        ]
        result = check(self.page, {"photos": [{"name": "a.gif", "size": 10}]}, language="cy")
        assert messages(result) == [
            ("photos", "Mae’n rhaid i’r ffeil a ddewiswyd fod yn JPG neu PNG")
        ]


class TestLocation:
    page = question("location", "where", subject="the location of the problem")

    def test_description_and_optional_point(self) -> None:
        result = check(
            self.page, raw(where="By the bridge", where__latitude="51.48", where__longitude="-3.18")
        )
        assert result.values == {
            "where": {"description": "By the bridge", "latitude": 51.48, "longitude": -3.18}
        }
        assert check(self.page, raw(where="By the bridge")).values == {
            "where": {"description": "By the bridge", "latitude": None, "longitude": None}
        }

    def test_point_outside_the_uk(self) -> None:
        result = check(
            self.page, raw(where="Paris", where__latitude="48.85", where__longitude="2.35")
        )
        assert messages(result) == [("where-latitude", "The location must be in the UK")]

    def test_required_point(self) -> None:
        result = check({**self.page, "coordinates": "required"}, raw(where="By the bridge"))
        assert messages(result) == [
            ("where-latitude", "Select the location of the problem on the map")
        ]


class TestAddAnother:
    page = question(
        "add_another",
        "vehicles",
        subject="a vehicle",
        item_name={"en": "vehicle", "cy": "cerbyd"},
        item_name_plural={"en": "vehicles", "cy": "cherbydau"},
        min_items=1,
        max_items=2,
        questions=[
            question("text", "registration", subject="the registration number", max_length=8),
            question("date", "since", subject="the date you got it", required=False),
        ],
    )

    def test_items_are_validated_by_index(self) -> None:
        result = check(
            self.page,
            raw(
                **{
                    "vehicles-0-registration": "AB12 CDE",
                    "vehicles-1-registration": "XY",
                    "vehicles-1-since-day": "1",
                    "vehicles-1-since-month": "2",
                    "vehicles-1-since-year": "2020",
                }
            ),
        )
        assert result.values == {
            "vehicles": [
                {"registration": "AB12 CDE", "since": None},
                {"registration": "XY", "since": "2020-02-01"},
            ]
        }

    def test_errors_name_the_item_field(self) -> None:
        result = check(self.page, raw(**{"vehicles-0-registration": "TOO LONG NUMBER"}))
        assert messages(result) == [
            ("vehicles-0-registration", "The registration number must be 8 characters or less")
        ]

    def test_counts(self) -> None:
        assert messages(check(self.page, raw())) == [("vehicles", "Add at least 1 vehicle")]
        many = raw(**{f"vehicles-{n}-registration": "AB" for n in range(3)})
        assert messages(check(self.page, many)) == [
            ("vehicles", "You can only add up to 2 vehicles")
        ]
        assert messages(check(self.page, many, language="cy")) == [
            ("vehicles", "Gallwch ychwanegu hyd at 2 cerbyd yn unig")
        ]

    def test_blank_items_are_ignored(self) -> None:
        result = check(
            self.page, raw(**{"vehicles-0-registration": "AB", "vehicles-1-registration": "  "})
        )
        assert result.values == {"vehicles": [{"registration": "AB", "since": None}]}


def test_a_pattern_overrides_a_message_in_both_languages() -> None:
    page = question(
        "text",
        "full_name",
        subject={"en": "your full name", "cy": "eich enw llawn"},
        errors={"required": {"en": "Tell us your name", "cy": "Dywedwch wrthym beth yw eich enw"}},
    )
    assert messages(check(page, raw())) == [("full_name", "Tell us your name")]
    assert messages(check(page, raw(), language="cy")) == [
        ("full_name", "Dywedwch wrthym beth yw eich enw")
    ]


def test_pages_that_ask_nothing_always_validate() -> None:
    page = {"id": "info", "type": "content", "title": "Before you start", "body": "Read this."}
    result = check(page, raw(anything="x"))
    assert result.ok
    assert result.values == {}
