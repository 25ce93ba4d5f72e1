"""Re-encrypting residents' data under the newest key, for `townhall encryption rotate` (ADR 0009).

A key rotates in three steps: put the new key first in TOWNHALL_ENCRYPTION_KEYS (everything new is
encrypted with it, the old key still decrypts), run `townhall encryption rotate`, then drop the
old key. The same command encrypts files stored before encryption was switched on.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models.functions import Cast

from townhall.core.crypto import token_rotate
from townhall.core.storage import EncryptingStorageMixin, storage_files_walk
from townhall.submissions.models import Submission
from townhall.submissions.retention import SUBMISSIONS_FOLDER

# The runner keeps in-progress uploads under `journeys/` (runner/uploads.py); submissions may not
# import the runner, and these files need the new key as much as sent ones do.
_FOLDERS = (SUBMISSIONS_FOLDER, "journeys")
_BATCH = 500


@dataclass(frozen=True, slots=True)
class FilesReencrypted:
    rotated: int
    encrypted: int  # stored before encryption was switched on
    missing: int  # deleted while the walk went on


def submissions_reencrypt(*, batch_size: int = _BATCH) -> int:
    """Re-encrypt every submission's answers and summary under the newest key; how many rows.

    It works on the stored tokens (`token_rotate`), never decoding the JSON. Each batch is one
    transaction holding its rows locked, so a concurrent write is never overwritten by an older
    value.
    """
    done = 0
    after: uuid.UUID | None = None
    raw = models.TextField()
    while True:
        with transaction.atomic():
            rows = Submission.objects.select_for_update().order_by("pk")
            if after is not None:
                rows = rows.filter(pk__gt=after)
            # Cast to plain text: the raw tokens, not the fields' decrypted values.
            batch = list(
                rows.annotate(
                    raw_answers=Cast("answers", raw),
                    raw_summary=Cast("summary", raw),
                ).values_list("pk", "raw_answers", "raw_summary")[:batch_size]
            )
            for pk, answers, summary in batch:
                Submission.objects.filter(pk=pk).update(
                    answers=models.Value(token_rotate(answers), output_field=raw),
                    summary=models.Value(token_rotate(summary), output_field=raw),
                )
        done += len(batch)
        if len(batch) < batch_size:
            return done
        after = batch[-1][0]


def submission_files_reencrypt() -> FilesReencrypted:
    """Re-encrypt every stored file under the newest key (and encrypt any still in plaintext)."""
    storage = storages["default"]
    if not isinstance(storage, EncryptingStorageMixin):
        raise TypeError("STORAGES['default'] is not an encrypting storage (townhall.core.storage).")
    rotated = encrypted = missing = 0
    for folder in _FOLDERS:
        for name in list(storage_files_walk(storage=storage, folder=folder)):
            try:
                was_plain = storage.file_reencrypt(name)
            except FileNotFoundError:
                missing += 1
                continue
            if was_plain:
                encrypted += 1
            else:
                rotated += 1
    return FilesReencrypted(rotated=rotated, encrypted=encrypted, missing=missing)
