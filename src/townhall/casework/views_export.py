"""Exports of the filtered inbox (CSV and XLSX) and downloads of the files residents attached.

Both carry residents' personal data out of Townhall, so both are audited, and both answer 404 to
staff of any other organisation (the submission or list is fetched within the member's own).

Spreadsheet programs run a cell that begins with `=`, `+`, `-` or `@` (and tab or carriage return,
which some treat the same) as a formula, and residents write what they like: every such text cell
gets a leading `'`, which shows the text as typed and runs nothing (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterable, Iterator
from typing import Any, cast

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from townhall.casework.actions import (
    status_label,
    submission_export_record,
    submission_file_download_record,
)
from townhall.casework.constants import EXPORT_MAX_ROWS
from townhall.casework.queries import (
    InboxFilters,
    service_list_for_inbox,
    submission_export_rows,
    submission_files,
    submission_get,
)
from townhall.casework.views import inbox_filters_read
from townhall.identity.queries import get_membership_for_user
from townhall.identity.views._common import current_user, staff_required
from townhall.tenancy.constants import Permission
from townhall.tenancy.models import Membership, Organisation

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = [
    "Reference",
    "Service",
    "Submitted",
    "Status",
    "Outcome",
    "Assigned to",
    "Channel",
    "Language",
    "Answers",
]
# Where the runner keeps a sent submission's files (runner.uploads.SUBMISSIONS_FOLDER; casework may
# not import the runner). A file answer pointing anywhere else is refused: answers can arrive
# through the API, and a ref must never reach another submission's files.
SUBMISSIONS_FOLDER = "submissions"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _as_response(response: HttpResponseBase) -> HttpResponse:
    # The staff gates are typed for HttpResponse; Django serves any HttpResponseBase (streamed
    # and file responses are not HttpResponse subclasses).
    return cast(HttpResponse, response)


def cell_neutralise(value: str) -> str:
    """The text as a spreadsheet will show it but never run it."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def export_rows(*, organisation: Organisation, filters: InboxFilters) -> Iterator[list[str]]:
    """The header and one row per submission, every cell neutralised."""
    services = service_list_for_inbox(organisation=organisation).select_related("pattern_version")
    names = {s.pk: s.name or s.pattern_version.title for s in services}
    yield HEADER
    for submission in submission_export_rows(
        organisation=organisation, filters=filters, limit=EXPORT_MAX_ROWS
    ):
        answers = "; ".join(
            f"{row.get('label', '')}: {' / '.join(str(line) for line in row.get('lines', []))}"
            for row in submission.summary
            if isinstance(row, dict)
        )
        cells = [
            submission.reference,
            names.get(submission.service_id, ""),
            timezone.localtime(submission.submitted_at).strftime("%Y-%m-%d %H:%M"),
            status_label(status=submission.status, outcome="", language="en"),
            submission.get_outcome_display() if submission.outcome else "",
            submission.assignee.email if submission.assignee else "",
            submission.get_channel_display(),
            submission.language,
            answers,
        ]
        yield [cell_neutralise(str(cell)) for cell in cells]


class _Echo:
    """A file-like object csv.writer writes to, returning each line for streaming."""

    def write(self, value: str) -> str:
        return value


def _csv_stream(rows: Iterable[list[str]]) -> Iterator[str]:
    # The byte order mark tells Excel the file is UTF-8, so Welsh letters (ŵ, ŷ) survive.
    yield "\ufeff"
    writer = csv.writer(_Echo())
    for row in rows:
        yield writer.writerow(row)


def _export_start(
    request: HttpRequest, org_slug: str, file_format: str
) -> tuple[Membership, InboxFilters]:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_SUBMISSIONS
    )
    _, filters = inbox_filters_read(request, membership)
    if filters is None:
        raise Http404("Invalid filters: correct them on the inbox page.")
    submission_export_record(
        organisation=membership.organisation,
        actor=current_user(request),
        filters=filters,
        file_format=file_format,
    )
    return membership, filters


def _filename(membership: Membership, extension: str) -> str:
    return f"{membership.organisation.slug}-submissions-{timezone.localdate():%Y-%m-%d}.{extension}"


@never_cache
@staff_required
@require_GET
def export_csv(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership, filters = _export_start(request, org_slug, "csv")
    # Streamed: the rows are read in chunks as they are sent, so memory stays flat.
    response = StreamingHttpResponse(
        _csv_stream(export_rows(organisation=membership.organisation, filters=filters)),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{_filename(membership, "csv")}"'
    return _as_response(response)


@never_cache
@staff_required
@require_GET
def export_xlsx(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership, filters = _export_start(request, org_slug, "xlsx")
    # Write-only mode keeps openpyxl's memory to the current row; the file itself is built in
    # memory, bounded by EXPORT_MAX_ROWS.
    workbook = Workbook(write_only=True)
    sheet: Any = workbook.create_sheet("Submissions")
    for row in export_rows(organisation=membership.organisation, filters=filters):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(membership, "xlsx")}"'
    return response


@never_cache
@staff_required
@require_GET
def file_download(
    request: HttpRequest, org_slug: str, submission_id: uuid.UUID, index: int
) -> HttpResponse:
    """One attached file, as a download (never shown inline: it is whatever a resident sent)."""
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_SUBMISSIONS
    )
    submission = submission_get(organisation=membership.organisation, submission_id=submission_id)
    files = submission_files(submission=submission)
    if not 0 <= index < len(files):
        raise Http404("No such file.")
    file = files[index]
    path = str(file["ref"])
    if not path.startswith(f"{SUBMISSIONS_FOLDER}/{submission.reference}/") or ".." in path:
        raise Http404("No such file.")
    try:
        content = default_storage.open(path)
    except FileNotFoundError:
        raise Http404("The file is no longer stored.") from None
    name = str(file.get("name") or "file")
    submission_file_download_record(submission=submission, actor=current_user(request), name=name)
    response = FileResponse(
        content,
        as_attachment=True,
        filename=name,
        content_type=str(file.get("content_type") or "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return _as_response(response)
