"""File questions: what the engine needs to know about uploaded files, and where the files live.

The engine validates names, sizes and detected types; it never sees bytes. The type is detected
from the file's content (puremagic), not from what the browser claims, so an executable or a web
page renamed to `.jpg` is refused as the wrong type. Uploads arrive through
`upload_handlers.LimitedUploadHandler`, which never keeps a file past the size limits.

Files live in Django's default storage (a folder under TOWNHALL_VAR_DIR, or an S3-compatible
bucket: see docs/operating.md), only after the engine accepts them:

- `journeys/<journey id>/<random>.<ext>` while the resident is answering;
- `submissions/<reference>/<random>.<ext>` once sent (`submission_files_move`).

A file answer's `ref` is its name in storage. Files of journeys that no longer exist are deleted
by `townhall housekeeping` (see `housekeeping.py`).
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import puremagic
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile

from townhall.patterns.engine import UploadedFile as FileFacts
from townhall.patterns.engine.values import JSON
from townhall.runner.upload_handlers import SNIFF_BYTES, OversizedUpload

logger = logging.getLogger(__name__)

# Sent when nothing recognises the content: the engine then refuses it for any listed extension.
UNKNOWN_TYPE = "application/octet-stream"
JOURNEYS_FOLDER = "journeys"
SUBMISSIONS_FOLDER = "submissions"


def _detected_type(upload: UploadedFile[Any]) -> str:
    upload.seek(0)
    head = upload.read(SNIFF_BYTES)
    upload.seek(0)
    if not head:
        return ""
    try:
        # Executables match signatures with no MIME type: "" is as unknown as no match at all.
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


def journey_folder(journey_id: uuid.UUID) -> str:
    return f"{JOURNEYS_FOLDER}/{journey_id}"


def upload_store(
    *, journey_id: uuid.UUID, uploads: list[UploadedFile[Any]], described: list[FileFacts]
) -> list[JSON]:
    """Store accepted files under the journey; their answers, with `ref` set to where they are."""
    stored: list[JSON] = []
    for upload, file in zip(uploads, described, strict=True):
        if isinstance(upload, OversizedUpload):
            # Only its first bytes were kept; the engine refuses it, so this is a programming error.
            raise ValueError("An upload over the size limits is never stored.")
        extension = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else "bin"
        extension = re.sub(r"[^a-z0-9]", "", extension)[:10] or "bin"
        # The detected type, not the browser's claim: an object store serves files with it.
        upload.content_type = file.content_type
        path = default_storage.save(
            f"{journey_folder(journey_id)}/{uuid.uuid4().hex}.{extension}", upload
        )
        stored.append(
            {
                "name": file.name,
                "size": file.size,
                "content_type": file.content_type,
                "ref": path,
            }
        )
    return stored


def _file_answers(value: JSON) -> Iterator[dict[str, JSON]]:
    """Every stored file's answer in `value`, however deep (file questions can sit in groups)."""
    if isinstance(value, dict):
        if isinstance(value.get("ref"), str) and "content_type" in value:
            yield value
            return
        for item in value.values():
            yield from _file_answers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _file_answers(item)


@dataclass
class FilesMoved:
    """The answers with their refs moved, and what to delete once the move is committed (or, if
    it is not, the copies to delete instead)."""

    answers: dict[str, JSON]
    copies: list[str] = field(default_factory=list)
    originals: list[str] = field(default_factory=list)


def submission_files_copy(
    *, answers: dict[str, JSON], journey_id: uuid.UUID, reference: str
) -> FilesMoved:
    """Copy the journey's files to `submissions/<reference>/` and point the answers at the copies.

    Only files in the journey's own folder move. The originals stay until the caller's transaction
    commits (`storage_files_delete` then), so a submission that fails to save loses no file and
    one that saves never points at a missing file. On an error the copies made so far are deleted.
    """
    moved = FilesMoved(answers=_json_copy(answers))
    source = f"{journey_folder(journey_id)}/"
    try:
        for file in _file_answers(moved.answers):
            old = file["ref"]
            assert isinstance(old, str)  # noqa: S101 - _file_answers yields string refs only
            if not old.startswith(source):
                continue
            with default_storage.open(old) as content:
                new = default_storage.save(
                    f"{SUBMISSIONS_FOLDER}/{reference}/{old.removeprefix(source)}", content
                )
            moved.copies.append(new)
            moved.originals.append(old)
            file["ref"] = new
    except BaseException:
        storage_files_delete(moved.copies)
        raise
    return moved


def _json_copy(value: dict[str, JSON]) -> dict[str, JSON]:
    def copy(item: JSON) -> JSON:
        if isinstance(item, dict):
            return {k: copy(v) for k, v in item.items()}
        if isinstance(item, list):
            return [copy(v) for v in item]
        return item

    return {k: copy(v) for k, v in value.items()}


def storage_files_delete(paths: Iterable[str]) -> None:
    """Delete files from storage; one that is already gone is not an error."""
    for path in paths:
        default_storage.delete(path)


def journey_files_delete(*, journey_id: uuid.UUID) -> int:
    """Delete every file stored for a journey, and its folder where folders exist; how many."""
    folder = journey_folder(journey_id)
    try:
        _, names = default_storage.listdir(folder)
    except FileNotFoundError:  # a filesystem folder that was never made: nothing was uploaded
        return 0
    storage_files_delete(f"{folder}/{name}" for name in names)
    try:
        default_storage.delete(folder)  # a filesystem folder (object stores have none)
    except OSError:
        # An upload landed meanwhile (the journey was deleted as it uploaded): the next
        # housekeeping run finds the folder an orphan and deletes it.
        logger.info("Journey folder %s was not empty; left for housekeeping", folder)
    return len(names)


def journey_folders() -> list[str]:
    """The ids (as named in storage) of every journey that has a folder of uploaded files."""
    try:
        folders, _ = default_storage.listdir(JOURNEYS_FOLDER)
    except FileNotFoundError:
        return []
    return folders
