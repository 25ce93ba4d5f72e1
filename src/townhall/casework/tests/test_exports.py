"""Issue 5, points 3 and 6: CSV and XLSX exports of the filtered list neutralise formula cells
(the CSV-injection test), carry a BOM so Excel reads UTF-8 and Welsh survives, and are audited;
attached files download only for the organisation's staff, as attachments, never sniffed."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from openpyxl import load_workbook

from townhall.casework.tests.factories import CaseworkSubmissionFactory, world
from townhall.casework.views_export import cell_neutralise
from townhall.core.models import AuditEntry
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", '=HYPERLINK("http://evil")']


def _hostile_world():
    w = world(
        summary=[
            {"question_id": "q", "label": f"Question {i}", "lines": [value]}
            for i, value in enumerate(DANGEROUS)
        ]
    )
    CaseworkSubmissionFactory.create(
        service=w.service,
        summary=[
            {"question_id": "where", "label": "=Where", "lines": ["Ffordd Pen-y-bryn, Llŷn ŵ"]}
        ],
    )
    return w


@pytest.mark.parametrize("value", [*DANGEROUS, "\tx", "\rx"])
def test_formula_starts_are_neutralised(value):
    assert cell_neutralise(value) == f"'{value}"


@pytest.mark.parametrize("value", ["Pothole", "1+2", "", "a=b", "Llŷn"])
def test_ordinary_text_is_unchanged(value):
    assert cell_neutralise(value) == value


def _csv(client, w, **params):
    response = client.get(reverse("casework:export-csv", args=[w.organisation.slug]), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def test_csv_has_a_bom_welsh_and_no_live_formulas(staff_client):
    w = _hostile_world()
    raw = _csv(staff_client(w.member(Role.VIEWER)), w)
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "Llŷn ŵ" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Reference"
    cells = [cell for row in rows[1:] for cell in row]
    assert not [cell for cell in cells if cell[:1] in {"=", "+", "-", "@"}]
    answers = " ".join(row[-1] for row in rows[1:])
    for value in DANGEROUS:
        assert value in answers  # still readable, inside a neutralised cell
    assert AuditEntry.objects.filter(action="submission.export").count() == 1


def test_xlsx_cells_are_text_not_formulas(staff_client):
    w = _hostile_world()
    # A dangerous value at the start of a cell on its own: the reference-like filter shows all.
    CaseworkSubmissionFactory.create(service=w.service, reference="=CMD-0001-XXXX")
    response = staff_client(w.member(Role.VIEWER)).get(
        reverse("casework:export-xlsx", args=[w.organisation.slug])
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    values = [cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert "'=CMD-0001-XXXX" in values
    assert all(cell.data_type == "s" for row in sheet.iter_rows() for cell in row if cell.value)
    assert any("Llŷn ŵ" in str(value) for value in values)


def test_exports_follow_the_filters(staff_client):
    w = world()
    closed = CaseworkSubmissionFactory.create(
        service=w.service, status="closed", outcome="rejected", closed_at=w.submission.submitted_at
    )
    text = _csv(staff_client(w.member(Role.VIEWER)), w, status="closed").decode("utf-8-sig")
    assert closed.reference in text
    assert w.submission.reference not in text


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = world()
    path = default_storage.save(
        f"submissions/{w.submission.reference}/a1.pdf", ContentFile(b"%PDF-1.4 data")
    )
    w.submission.answers = {
        **w.submission.answers,
        "evidence": [
            {"name": "Llythyr ŵ.pdf", "size": 13, "content_type": "application/pdf", "ref": path}
        ],
        # Answers from the API could name any path: only the submission's own folder is served.
        "forged": {
            "name": "x",
            "size": 1,
            "content_type": "text/plain",
            "ref": "journeys/other/x.txt",
        },
    }
    w.submission.save()
    return w


def test_files_download_as_attachments_with_their_names(stored, staff_client):
    w = stored
    url = reverse("casework:file", args=[w.organisation.slug, w.submission.pk, 0])
    response = staff_client(w.member(Role.VIEWER)).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 data"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=utf-8''Llythyr%20%C5%B5.pdf" in response["Content-Disposition"]
    assert AuditEntry.objects.filter(action="submission.file_download").count() == 1
    page = staff_client(w.member(Role.VIEWER)).get(
        reverse("casework:detail", args=[w.organisation.slug, w.submission.pk])
    )
    assert url in page.content.decode()


def test_files_outside_the_submission_or_out_of_range_are_404(stored, staff_client):
    w = stored
    client = staff_client(w.member(Role.ADMIN))
    for index in (1, 2, 99):
        url = reverse("casework:file", args=[w.organisation.slug, w.submission.pk, index])
        assert client.get(url).status_code == 404
    other = world()
    url = reverse("casework:file", args=[other.organisation.slug, w.submission.pk, 0])
    assert staff_client(other.member(Role.ADMIN)).get(url).status_code == 404
