"""Limits on uploads, applied while the request body is read, before any view code sees it.

Django's own handlers keep every uploaded byte (in memory, then in a temporary file), so a 1 GB
upload would land on disk before the engine could refuse it. `LimitedUploadHandler` keeps a file
only while it stays within the largest size any file question allows, and all the files of one
request only within `TOWNHALL_UPLOAD_MAX_REQUEST_MB`. Past either limit it keeps nothing more of
that file except how many bytes arrived and its first few KB (to tell its type by content): the
engine then refuses it with the GOV.UK message ("The selected file must be smaller than 10MB") on
the page itself, never with a 400 or 413 page. The rest of the body is still read (and thrown
away), because a server that stops reading an upload leaves the browser showing a connection
error instead of that page; the load balancer's own body limit stops anything truly abusive.

Each question's own limits (size, count, types) are the engine's to apply; these are the ceilings
that keep a request's memory and disk use small whatever a pattern says.

Only question pages install it (`with_upload_limits`); every other page reads forms through
`NoFilesUploadHandler` (FILE_UPLOAD_HANDLERS), which keeps no file at all.
"""

from __future__ import annotations

import functools
import io
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from townhall.patterns.engine.schema_questions import FILE_MAX_FILES, FILE_MAX_SIZE_MB

MB = 1024 * 1024
# Enough for every signature puremagic knows (the longest offsets are within the first few KB).
SNIFF_BYTES = 8192
# Room in a request's body for what is not file content: the form's other fields (Django refuses
# more than DATA_UPLOAD_MAX_MEMORY_SIZE of those) and the multipart headers of each part.
_FORM_OVERHEAD_BYTES = 64 * 1024


@dataclass(frozen=True, slots=True)
class UploadLimits:
    file_bytes: int
    request_bytes: int
    # One more than any question allows, so the engine still sees "too many files".
    files: int
    # The size a file not kept is reported as, at least: more than any question allows, so the
    # engine refuses it even when the request limit dropped it below its question's own limit.
    refused_bytes: int


def upload_limits() -> UploadLimits:
    request_bytes = int(settings.TOWNHALL_UPLOAD_MAX_REQUEST_MB) * MB
    return UploadLimits(
        file_bytes=min(FILE_MAX_SIZE_MB * MB, request_bytes),
        request_bytes=request_bytes,
        files=FILE_MAX_FILES + 1,
        refused_bytes=FILE_MAX_SIZE_MB * MB + 1,
    )


class OversizedUpload(UploadedFile[bytes]):
    """A file that was too big to keep: its first bytes (to tell its type) and a size over every
    question's limit, so the engine always refuses it. It is never stored (see `upload_store`)."""

    def __init__(self, *, name: str, content_type: str, head: bytes, size: int) -> None:
        super().__init__(
            file=io.BytesIO(head), name=name, content_type=content_type, size=size, charset=None
        )


class LimitedUploadHandler(FileUploadHandler):
    """The only upload handler of a runner page: keeps each file in memory up to
    FILE_UPLOAD_MAX_MEMORY_SIZE, then in an anonymous temporary file (gone when closed), and stops
    keeping it at the limits."""

    def __init__(self, request: HttpRequest, limits: UploadLimits) -> None:
        super().__init__(request)
        self.limits = limits
        self._kept_bytes = 0  # every kept file's bytes in this request
        self._files = 0
        self._refuse_all = False
        self._spool: tempfile.SpooledTemporaryFile[bytes] | None = None
        self._head = bytearray()
        self._seen = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],
        content_length: int,
        boundary: object,
        encoding: str | None = None,
    ) -> None:
        # A body this big cannot hold files within the request limit: keep none of them, so
        # nothing of a 1 GB upload is written anywhere, not even the first 100MB.
        self._refuse_all = content_length > self.limits.request_bytes + _FORM_OVERHEAD_BYTES

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self._files += 1
        if self._files > self.limits.files:
            raise SkipFile  # read past, never kept: the engine already has too many to refuse
        self._seen = 0
        self._head = bytearray()
        self._spool = (
            None
            if self._refuse_all
            # Not a `with`: the file outlives this call, as the upload; Django closes it after the
            # request, or `receive_data_chunk` and `upload_interrupted` do.
            else tempfile.SpooledTemporaryFile(  # noqa: SIM115
                max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
            )
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._seen += len(raw_data)
        if len(self._head) < SNIFF_BYTES:
            self._head += raw_data[: SNIFF_BYTES - len(self._head)]
        if self._spool is None:
            return
        if (
            self._seen > self.limits.file_bytes
            or self._kept_bytes + len(raw_data) > self.limits.request_bytes
        ):
            # Too big: free what was kept (memory, or a temporary file that vanishes on close).
            self._kept_bytes -= self._spool.tell()
            self._spool.close()
            self._spool = None
            return
        self._spool.write(raw_data)
        self._kept_bytes += len(raw_data)

    def file_complete(self, file_size: int) -> UploadedFile[bytes]:
        name, content_type = self.file_name or "", self.content_type or ""
        if self._spool is None:
            return OversizedUpload(
                name=name,
                content_type=content_type,
                head=bytes(self._head),
                size=max(self._seen, self.limits.refused_bytes),
            )
        spool, self._spool = self._spool, None
        spool.seek(0)
        return UploadedFile(
            file=spool,
            name=name,
            content_type=content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )

    def upload_interrupted(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None


class NoFilesUploadHandler(FileUploadHandler):
    """Every other page's handler (FILE_UPLOAD_HANDLERS): no other form takes files, so none is
    kept, and a large upload posted anywhere else costs no memory or disk either."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def with_upload_limits[**P](
    view: Callable[P, HttpResponse],
) -> Callable[P, HttpResponse]:
    """Read the view's form through `LimitedUploadHandler`.

    Upload handlers must be set before anything reads the form, and CsrfViewMiddleware reads it
    (for the token) before the view runs; so, as Django's documentation does it, the view is
    exempt from the middleware and checked by `csrf_protect` inside, after the handler is in place.
    It stays exactly as protected.
    """
    protected = csrf_protect(view)

    @functools.wraps(view)
    def wrapped(*args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        request = args[0]
        assert isinstance(request, HttpRequest)  # noqa: S101 - a view's first argument
        if request.method == "POST":
            request.upload_handlers = [LimitedUploadHandler(request, upload_limits())]
        return protected(*args, **kwargs)

    return csrf_exempt(wrapped)
