"""Test support for uploads: a file-question service, file contents of known types, a request body
generated as it is read (a 1 GB upload without 1 GB in memory), and a spy on what the upload
handler keeps."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from townhall.core.crypto import decrypt_bytes
from townhall.patterns.tests.factories import question
from townhall.runner.tests.helpers import base_url
from townhall.services.models import Service
from townhall.services.tests.factories import PatternVersionFactory, ServiceFactory

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< >>\n%%EOF\n"
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
MB = 1024 * 1024


def evidence_service(**state: Any) -> Service:
    """A service whose one question takes up to 2 JPG, PNG or PDF files of at most 1MB each."""
    evidence = question(
        "file",
        "evidence",
        label="Upload your evidence",
        subject="a file",
        accept=["jpg", "png", "pdf"],
        max_files=2,
        max_size_mb=1,
    )
    version = PatternVersionFactory.create(pages=[evidence])
    return ServiceFactory.create(pattern_version=version, slug="evidence", **state)


def stored(ref: str) -> Path:
    """Where the filesystem storage keeps a file."""
    return Path(settings.MEDIA_ROOT) / ref


def stored_plain(ref: str) -> bytes:
    """A stored file's content as staff would download it (decrypted), after checking that
    what lies on disk is not that content: uploads are encrypted at rest (ADR 0009)."""
    on_disk = stored(ref).read_bytes()
    plain = decrypt_bytes(on_disk)
    assert plain[:32] not in on_disk
    return plain


def stored_files() -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


class StreamedBody(io.RawIOBase):
    """A multipart/form-data body with one file of `size` bytes, made as it is read: its content
    is `head` then zeros, so the test itself never holds the file."""

    BOUNDARY = "townhall-streamed-upload"
    _ZEROS = bytes(64 * 1024)

    def __init__(self, *, field: str, filename: str, head: bytes, size: int) -> None:
        super().__init__()
        disposition = f'form-data; name="{field}"; filename="{filename}"'
        self._prefix = (
            f"--{self.BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode() + head
        self._suffix = f"\r\n--{self.BOUNDARY}--\r\n".encode()
        self._zeros = size - len(head)
        self.length = len(self._prefix) + self._zeros + len(self._suffix)
        self._position = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        wanted = self.length - self._position if size is None or size < 0 else size
        parts = []
        while wanted > 0 and self._position < self.length:
            piece = self._piece(wanted)
            parts.append(piece)
            wanted -= len(piece)
            self._position += len(piece)
        return b"".join(parts)

    def _piece(self, wanted: int) -> bytes:
        at = self._position
        if at < len(self._prefix):
            return self._prefix[at : at + wanted]
        at -= len(self._prefix)
        if at < self._zeros:
            return self._ZEROS[: min(wanted, self._zeros - at, len(self._ZEROS))]
        at -= self._zeros
        return self._suffix[at : at + wanted]


def post_streamed(client: Client, url: str, body: StreamedBody) -> Any:
    """POST `body` through the whole Django stack, as a browser would send it."""
    return client.request(
        REQUEST_METHOD="POST",
        PATH_INFO=url,
        CONTENT_TYPE=f"multipart/form-data; boundary={StreamedBody.BOUNDARY}",
        CONTENT_LENGTH=str(body.length),
        **{"wsgi.input": body},
    )


class SpoolSpy(tempfile.SpooledTemporaryFile):  # type: ignore[type-arg]
    """Records how many bytes each file the upload handler keeps ever held."""

    made: list[SpoolSpy] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.most = 0
        SpoolSpy.made.append(self)

    def write(self, data: Any) -> int:
        written = super().write(data)
        self.most = max(self.most, self.tell())
        return written


def service_url(service: Service, page_id: str = "") -> str:
    return f"{base_url(service)}{page_id}/" if page_id else base_url(service)
