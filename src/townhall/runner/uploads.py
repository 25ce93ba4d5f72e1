"""File questions: what the engine needs to know about uploaded files, and storing them.

The engine validates names, sizes and detected types; it never sees bytes. The type is detected
from the file's content (puremagic), not from what the browser claims, so a renamed executable is
refused as the wrong type. Files are stored only after the engine accepts them, under a path of
their own per journey. Hardening (virus scanning, size limits before the upload is read, moving
files to the submission) comes with the uploads work.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import puremagic
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from townhall.patterns.engine import UploadedFile as FileFacts
from townhall.patterns.engine.values import JSON

# Enough for every signature puremagic knows (the longest offsets are within the first few KB).
_SNIFF_BYTES = 8192
# Sent when nothing recognises the content: the engine then refuses it for any listed extension.
UNKNOWN_TYPE = "application/octet-stream"


def _detected_type(upload: UploadedFile[Any]) -> str:
    upload.seek(0)
    head = upload.read(_SNIFF_BYTES)
    upload.seek(0)
    if not head:
        return ""
    try:
        return puremagic.from_string(head, mime=True) or UNKNOWN_TYPE
    except puremagic.PureError:
        return UNKNOWN_TYPE


def _display_name(upload: UploadedFile[Any]) -> str:
    # Browsers send a bare file name; some old ones sent the whole path.
    name = re.split(r"[\\/]", upload.name or "")[-1].strip()
    return name[:200] or "file"


def upload_describe(uploads: list[UploadedFile[Any]]) -> list[FileFacts]:
    """The engine's view of uploaded files, before anything is stored."""
    return [
        FileFacts(name=_display_name(u), size=u.size or 0, content_type=_detected_type(u))
        for u in uploads
    ]


def upload_store(
    *, journey_id: uuid.UUID, uploads: list[UploadedFile[Any]], described: list[FileFacts]
) -> list[JSON]:
    """Store accepted files under the journey; their answers, with `ref` set to where they are."""
    stored: list[JSON] = []
    for upload, file in zip(uploads, described, strict=True):
        extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else "bin"
        extension = re.sub(r"[^a-z0-9]", "", extension)[:10] or "bin"
        path = default_storage.save(f"journeys/{journey_id}/{uuid.uuid4().hex}.{extension}", upload)
        stored.append(
            {
                "name": file.name,
                "size": file.size,
                "content_type": file.content_type,
                "ref": path,
            }
        )
    return stored
