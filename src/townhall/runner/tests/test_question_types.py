"""Runner (issue 4): every question type renders with its GOV.UK component, posts the inputs the
engine reads, and links each error to its field; "add another" and file uploads work without
JavaScript; the declaration comes before sending. Walks the engine's every-question-type pattern."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.patterns.tests.factories import DATA
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import answer, base_url, location, main, start, text_of
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory
from townhall.submissions.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture
def every_type(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from townhall.patterns.engine import pattern_parse

    path = DATA / "every_question_type.yaml"
    data = pattern_parse(text=path.read_text(encoding="utf-8"), filename=str(path)).data
    version = PatternVersionFactory.create(data=data)
    return ServiceFactory.create(live=True, pattern_version=version, slug="every-type")


def _ok(response, page_id: str) -> str:
    assert response.status_code == 302, (page_id, text_of(main(response))[:500])
    return str(response["Location"])


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_every_question_type_to_the_confirmation(client, every_type):
    service = every_type
    base = base_url(service)
    steps: list[tuple[str, dict[str, Any], str]] = [
        ("full_name", {"full_name": "Ann Jones"}, 'autocomplete="name"'),
        ("over_18", {"over_18": "yes"}, 'id="over_18"'),
        (
            "date_of_birth",
            {"date_of_birth-day": "4", "date_of_birth-month": "June", "date_of_birth-year": "1990"},
            'id="date_of_birth-month"',
        ),
        ("nickname", {"nickname": ""}, 'id="nickname"'),
        ("bags", {"bags": "3"}, 'inputmode="numeric"'),
        ("weight", {"weight": "2.5"}, "govuk-input__suffix"),
        ("amount", {"amount": "£12.50"}, "govuk-input__prefix"),
        ("contact", {"contact": "post"}, 'id="contact-2"'),
        (
            "address",
            {"address-line1": "1 High St", "address-town": "Brecon", "address-postcode": "ld3 7aa"},
            'id="address-postcode"',
        ),
        ("postcode", {"postcode": "sw1a1aa"}, 'autocomplete="postal-code"'),
        ("interests", {"interests": ["recycling", "garden"]}, 'data-behaviour="exclusive"'),
        ("council", {"council": "swansea"}, "<select"),
        (
            "where",
            {"where": "By the bus stop", "where-latitude": "51.6", "where-longitude": "-3.9"},
            'id="where-latitude"',
        ),
        ("details", {"details": "Line one\r\nLine two"}, 'data-module="govuk-character-count"'),
        ("evidence", {"evidence": _upload("letter.jpg", JPEG)}, 'type="file"'),
    ]
    start(client, service)
    for page_id, data, marker in steps:
        page = client.get(f"{base}{page_id}/")
        assert page.status_code == 200, page_id
        assert marker in main(page), page_id
        _ok(answer(client, service, page_id, data), page_id)

    # "Add another" without JavaScript: add an item, remove one, then continue.
    page = main(client.get(f"{base}vehicles/"))
    assert 'id="vehicles-0-registration"' in page
    assert 'value="add" name="action"' in page
    assert 'value="remove-0" name="action"' in page
    added = answer(
        client, service, "vehicles", {"vehicles-0-registration": "AB12 CDE", "action": "add"}
    )
    assert added.status_code == 200
    assert 'id="vehicles-1-registration"' in main(added)
    assert 'value="AB12 CDE"' in main(added)
    two = {
        "vehicles-0-registration": "ZZ99 ZZZ",
        "vehicles-1-registration": "AB12 CDE",
        "vehicles-1-since-day": "1",
        "vehicles-1-since-month": "1",
        "vehicles-1-since-year": "2020",
    }
    removed = answer(client, service, "vehicles", {**two, "action": "remove-0"})
    assert 'id="vehicles-1-registration"' not in main(removed)
    assert 'value="AB12 CDE"' in main(removed)
    kept = {k.replace("vehicles-1-", "vehicles-0-"): v for k, v in two.items() if "-1-" in k}
    assert _ok(answer(client, service, "vehicles", kept), "vehicles").endswith("/check-answers/")

    check = text_of(main(client.get(f"{base}check-answers/")))
    for shown in ("Ann Jones", "4 June 1990", "£12.50", "1 High St", "SW1A 1AA", "letter.jpg"):
        assert shown in check
    # With a declaration, check answers continues to it, and the declaration sends.
    declaration = location(client.post(f"{base}check-answers/"))
    assert declaration.endswith("/declaration/")
    page = text_of(main(client.get(declaration)))
    assert "Now send your application" in page
    assert "I confirm this is true." in page
    assert location(client.post(declaration)).endswith("/confirmation/")
    submission = Submission.objects.get()
    assert submission.reference.startswith("EVT-")
    answers = submission.answers
    assert answers["amount"] == 1250
    assert answers["date_of_birth"] == "1990-06-04"
    assert answers["vehicles"] == [{"registration": "AB12 CDE", "since": "2020-01-01"}]
    [evidence] = answers["evidence"]
    assert evidence["content_type"] == "image/jpeg"
    # Sent files move under the submission's reference (test_uploads.py covers the move).
    assert evidence["ref"].startswith(f"submissions/{submission.reference}/")
    assert "You will pay £25 per vehicle." in text_of(main(client.get(f"{base}confirmation/")))


@pytest.fixture
def at_page(client, every_type):
    """Answer the every-type pattern up to a page, by writing the journey's answers."""

    def go(page_id: str, **answers) -> str:
        start(client, every_type)
        Journey.objects.update(answers=answers)
        return f"{base_url(every_type)}{page_id}/"

    return go


BEFORE_EVIDENCE = {
    "full_name": {"full": "Ann"},
    "over_18": True,
    "date_of_birth": "1990-01-01",
    "nickname": None,
    "bags": 1,
    "weight": None,
    "amount": 100,
    "contact": "post",
    "address": {
        "line1": "1",
        "line2": "",
        "town": "T",
        "county": "",
        "postcode": "SW1A 1AA",
        "uprn": None,
    },
    "postcode": "SW1A 1AA",
    "interests": ["bulky"],
    "council": "cardiff",
    "where": {"description": "x", "latitude": None, "longitude": None},
    "details": "d",
}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("photo.jpg", PNG, "The selected file must be a PDF or JPG"),
        ("photo.jpg", EXE, "The selected file must be a PDF or JPG"),
        ("empty.jpg", b"", "The selected file is empty"),
    ],
)
def test_an_upload_is_checked_by_its_content_and_not_stored_if_refused(
    client, at_page, every_type, settings, name, content, message
):
    url = at_page("evidence", **BEFORE_EVIDENCE)
    response = client.post(url, {"evidence": _upload(name, content)})
    assert response.status_code == 200
    assert message in text_of(main(response))
    assert 'href="#evidence"' in main(response)
    assert not list(settings.MEDIA_ROOT.rglob("*.*"))


def test_continuing_without_a_new_file_keeps_the_uploaded_one(client, at_page, every_type):
    url = at_page("evidence", **BEFORE_EVIDENCE)
    _ok(client.post(url, {"evidence": _upload("letter.jpg", JPEG)}), "evidence")
    page = main(client.get(url))
    assert "letter.jpg" in page
    _ok(client.post(url, {}), "evidence")
    assert Journey.objects.get().answers["evidence"][0]["name"] == "letter.jpg"


def test_date_errors_link_to_the_part_that_is_wrong(client, at_page):
    url = at_page("date_of_birth", full_name={"full": "Ann"}, over_18=True)
    response = client.post(url, {"date_of_birth-day": "4", "date_of_birth-year": "1990"})
    page = main(response)
    assert "Date of birth must include a month" in text_of(page)
    assert 'href="#date_of_birth-month"' in page
    assert "govuk-date-input__input govuk-input--width-2 govuk-input--error" in page


def test_address_errors_link_to_each_part(client, at_page):
    url = at_page("address", **{k: BEFORE_EVIDENCE[k] for k in list(BEFORE_EVIDENCE)[:8]})
    response = client.post(url, {"address-line1": "", "address-town": "", "address-postcode": "x"})
    page = main(response)
    for field in ("address-line1", "address-town", "address-postcode"):
        assert f'href="#{field}"' in page
        assert f'id="{field}-error"' in page


def test_add_another_needs_an_item_and_says_so(client, at_page):
    answers = {**BEFORE_EVIDENCE, "evidence": []}
    url = at_page("vehicles", **answers)
    response = client.post(url, {})
    page = main(response)
    assert "Add at least 1 vehicle" in text_of(page)
    assert 'href="#vehicles"' in page
    assert 'id="vehicles"' in page


def test_a_welsh_date_page_has_welsh_part_labels(client, every_type, at_page):
    at_page("date_of_birth", full_name={"full": "Ann"}, over_18=True)
    page = main(client.get(f"{base_url(every_type, language='cy')}date_of_birth/"))
    assert "Diwrnod" in page
    assert "Beth yw eich dyddiad geni?" in page
