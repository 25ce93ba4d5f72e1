"""Uploads (issue 4): file uploads are limited server-side by size, count and type (by content, not
only by extension) with GOV.UK error messages on the page, never a 400 or 413; an upload over the
limits is never kept, so a 1 GB upload lands neither on disk nor in memory; files are stored
through Django's storage under the journey and move under the submission's reference when it is
sent (a failed send loses none); a preview's files are deleted. End to end through the web layer.
S3-compatible storage: test_uploads_s3.py."""

from __future__ import annotations

import re
import tempfile
import tracemalloc
from pathlib import Path

import pytest
from django.core.files import temp as django_temp
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from townhall.patterns.engine.schema_questions import FILE_MAX_FILES, FILE_MAX_SIZE_MB
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import location, main, start, text_of
from townhall.runner.tests.upload_support import (
    ELF,
    EXE,
    HTML,
    JPEG,
    MB,
    PDF,
    PNG,
    SpoolSpy,
    StreamedBody,
    evidence_service,
    post_streamed,
    service_url,
    stored_files,
    stored_plain,
)
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

WRONG_TYPE = "The selected file must be a JPG, PNG or PDF"
TOO_BIG = "The selected file must be smaller than 1MB"


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def evidence(db):
    return evidence_service(live=True)


@pytest.fixture
def spool_spy(monkeypatch):
    SpoolSpy.made = []
    monkeypatch.setattr(tempfile, "SpooledTemporaryFile", SpoolSpy)
    return SpoolSpy


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    # Browsers send whatever type the name suggests: the claim is never trusted.
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def _refused(response, message: str) -> None:
    assert response.status_code == 200
    page = main(response)
    assert message in text_of(page)
    assert 'href="#evidence"' in page  # the error summary links to the file input
    assert 'class="govuk-error-message"' in page


def test_a_file_is_stored_under_the_journey_and_moves_to_the_submission(
    client, evidence, django_capture_on_commit_callbacks
):
    start(client, evidence)
    url = service_url(evidence, "evidence")
    assert location(client.post(url, {"evidence": _upload("Letter from landlord.pdf", PDF)}))
    journey = Journey.objects.get()
    [answer] = journey.answers["evidence"]
    assert answer["name"] == "Letter from landlord.pdf"
    assert answer["content_type"] == "application/pdf"
    assert re.fullmatch(rf"journeys/{journey.pk}/[0-9a-f]{{32}}\.pdf", answer["ref"])
    assert stored_plain(answer["ref"]) == PDF

    with django_capture_on_commit_callbacks(execute=True):
        assert location(client.post(service_url(evidence, "check-answers"))).endswith(
            "/confirmation/"
        )
    submission = Submission.objects.get()
    [sent] = submission.answers["evidence"]
    name = answer["ref"].rsplit("/", 1)[1]
    assert sent == {**answer, "ref": f"submissions/{submission.reference}/{name}"}
    assert stored_plain(sent["ref"]) == PDF
    # The journey's copy went once the submission was committed.
    assert stored_files() == [sent["ref"]]


def test_two_files_are_stored_and_moved(client, evidence, django_capture_on_commit_callbacks):
    start(client, evidence)
    files = [_upload("front.jpg", JPEG), _upload("back.png", PNG)]
    location(client.post(service_url(evidence, "evidence"), {"evidence": files}))
    assert [f["name"] for f in Journey.objects.get().answers["evidence"]] == [
        "front.jpg",
        "back.png",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(service_url(evidence, "check-answers"))
    reference = Submission.objects.get().reference
    assert [Path(p).parent.as_posix() for p in stored_files()] == [f"submissions/{reference}"] * 2


@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("photo.jpg", HTML, id="web page renamed .jpg"),
        pytest.param("letter.pdf", HTML, id="web page renamed .pdf"),
        pytest.param("photo.jpg", EXE, id="Windows program renamed .jpg"),
        pytest.param("scan.pdf", ELF, id="Linux program renamed .pdf"),
        pytest.param("photo.png", JPEG, id="a JPG named .png"),
        pytest.param("notes.txt", b"Just some text", id="an extension not accepted"),
    ],
)
def test_a_file_whose_content_is_not_an_accepted_type_is_refused(client, evidence, name, content):
    start(client, evidence)
    response = client.post(service_url(evidence, "evidence"), {"evidence": _upload(name, content)})
    _refused(response, WRONG_TYPE)
    assert stored_files() == []
    assert Journey.objects.get().answers == {}


def test_an_empty_file_is_refused(client, evidence):
    start(client, evidence)
    response = client.post(service_url(evidence, "evidence"), {"evidence": _upload("a.jpg", b"")})
    _refused(response, "The selected file is empty")
    assert stored_files() == []


def test_a_file_over_the_questions_limit_is_refused(client, evidence):
    start(client, evidence)
    big = JPEG + bytes(MB + 1 - len(JPEG))
    response = client.post(service_url(evidence, "evidence"), {"evidence": _upload("b.jpg", big)})
    _refused(response, TOO_BIG)
    assert stored_files() == []


def test_a_file_of_exactly_the_limit_is_accepted(client, evidence):
    start(client, evidence)
    exact = JPEG + bytes(MB - len(JPEG))
    response = client.post(service_url(evidence, "evidence"), {"evidence": _upload("b.jpg", exact)})
    assert location(response).endswith("/check-answers/")
    assert Journey.objects.get().answers["evidence"][0]["size"] == MB


def test_too_many_files_are_refused(client, evidence):
    start(client, evidence)
    files = [_upload(f"{n}.jpg", JPEG) for n in range(3)]
    response = client.post(service_url(evidence, "evidence"), {"evidence": files})
    _refused(response, "You can only select up to 2 files at the same time")
    assert stored_files() == []


def test_files_past_the_most_any_question_allows_are_not_even_kept(client, evidence, spool_spy):
    start(client, evidence)
    files = [_upload(f"{n}.jpg", JPEG) for n in range(30)]
    response = client.post(service_url(evidence, "evidence"), {"evidence": files})
    _refused(response, "You can only select up to 2 files at the same time")
    assert len(spool_spy.made) == FILE_MAX_FILES + 1


def test_a_file_past_the_handlers_limit_stops_being_kept(client, evidence, spool_spy, monkeypatch):
    """The handler keeps at most the largest size any question allows (made 2MB here, so the test
    moves little data) and then drops the file; the engine refuses it with the question's limit."""
    monkeypatch.setattr("townhall.runner.upload_handlers.FILE_MAX_SIZE_MB", 2)
    start(client, evidence)
    huge = JPEG + bytes(5 * MB)
    response = client.post(service_url(evidence, "evidence"), {"evidence": _upload("h.jpg", huge)})
    _refused(response, TOO_BIG)
    [spool] = spool_spy.made
    assert 0 < spool.most <= 2 * MB
    assert spool.closed
    assert stored_files() == []


def test_a_1_gb_upload_lands_neither_on_disk_nor_in_memory(client, evidence, spool_spy):
    """The body is bigger than TOWNHALL_UPLOAD_MAX_REQUEST_MB, so no file of it is kept at all:
    it is read (so the browser gets the page, not a broken connection) and thrown away."""
    start(client, evidence)
    body = StreamedBody(field="evidence", filename="holiday.jpg", head=JPEG, size=1024 * MB)
    tracemalloc.start()
    try:
        response = post_streamed(client, service_url(evidence, "evidence"), body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _refused(response, TOO_BIG)
    assert spool_spy.made == []  # nothing was written anywhere, not even to a temporary file
    assert peak < 16 * MB, f"{peak / MB:.1f}MB held while reading a 1GB upload"
    assert stored_files() == []


def test_a_file_over_the_largest_limit_is_dropped_at_that_limit(
    client, evidence, spool_spy, settings
):
    """With a request limit above it, the 100MB file limit is what stops a 150MB file."""
    settings.TOWNHALL_UPLOAD_MAX_REQUEST_MB = 1000
    start(client, evidence)
    body = StreamedBody(field="evidence", filename="video.jpg", head=JPEG, size=150 * MB)
    response = post_streamed(client, service_url(evidence, "evidence"), body)
    _refused(response, TOO_BIG)
    [spool] = spool_spy.made
    assert 99 * MB < spool.most <= FILE_MAX_SIZE_MB * MB
    assert stored_files() == []


def test_forms_with_uploads_still_need_a_csrf_token(evidence):
    browser = Client(enforce_csrf_checks=True)
    token = _csrf_token(browser.get(service_url(evidence)))
    browser.post(service_url(evidence), {"csrfmiddlewaretoken": token})
    url = service_url(evidence, "evidence")
    assert browser.post(url, {"evidence": _upload("a.jpg", JPEG)}).status_code == 403
    assert stored_files() == []
    token = _csrf_token(browser.get(url))
    data = {"csrfmiddlewaretoken": token, "evidence": _upload("a.jpg", JPEG)}
    assert location(browser.post(url, data)).endswith("/check-answers/")


def _csrf_token(response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found is not None
    return found.group(1)


def test_other_forms_keep_no_files(rf):
    form = {"email": "a@example.com", "photo": _upload("a.jpg", JPEG)}
    request = rf.post("/staff/sign-in/", form)
    assert request.POST["email"] == "a@example.com"
    assert not request.FILES


def test_a_big_file_posted_to_another_page_is_thrown_away_unread(evidence, monkeypatch):
    """The start page's CSRF check reads the form: Django's own handlers would have written this
    file to a temporary file first."""
    temporary: list[str] = []
    real = django_temp.NamedTemporaryFile

    def spy(*args, **kwargs):
        temporary.append("made")
        return real(*args, **kwargs)

    # Where Django's TemporaryFileUploadHandler gets its temporary files.
    monkeypatch.setattr(django_temp, "NamedTemporaryFile", spy)
    browser = Client(enforce_csrf_checks=True)
    token = _csrf_token(browser.get(service_url(evidence)))
    big = _upload("big.jpg", JPEG + bytes(3 * MB))
    response = browser.post(service_url(evidence), {"csrfmiddlewaretoken": token, "evidence": big})
    assert location(response).endswith("/evidence/")
    assert temporary == []


def test_a_failed_send_keeps_the_journeys_files_and_leaves_no_copies(client, evidence, monkeypatch):
    start(client, evidence)
    client.post(service_url(evidence, "evidence"), {"evidence": _upload("a.jpg", JPEG)})
    [before] = stored_files()

    def fail(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("townhall.runner.actions.submission_answers_set", fail)
    with pytest.raises(RuntimeError):
        client.post(service_url(evidence, "check-answers"))
    assert not Submission.objects.exists()
    assert stored_files() == [before]
    assert Journey.objects.get().answers["evidence"][0]["ref"] == before


def test_a_second_send_does_not_move_the_files_again(
    client, evidence, django_capture_on_commit_callbacks
):
    start(client, evidence)
    client.post(service_url(evidence, "evidence"), {"evidence": _upload("a.jpg", JPEG)})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(service_url(evidence, "check-answers"))
        client.post(service_url(evidence, "check-answers"))
    [sent] = Submission.objects.get().answers["evidence"]
    assert stored_files() == [sent["ref"]]


def test_a_previews_files_are_deleted_when_it_is_sent(
    staff_client, django_capture_on_commit_callbacks
):
    draft = evidence_service()
    membership = MembershipFactory.create(organisation=draft.organisation, role=Role.EDITOR)
    editor = staff_client(membership.user)
    start(editor, draft)
    editor.post(service_url(draft, "evidence"), {"evidence": _upload("a.jpg", JPEG)})
    assert len(stored_files()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert location(editor.post(service_url(draft, "check-answers"))).endswith("/confirmation/")
    assert not Submission.objects.exists()
    assert stored_files() == []
