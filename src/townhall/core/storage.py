"""Residents' files encrypted at rest: Django storages that hold only Fernet tokens (ADR 0009).

`EncryptingStorageMixin` encrypts in `_save` and decrypts in `_open`, so every caller of
`default_storage` (`save`, `open`, `delete`, `exists`, `listdir`) works unchanged while the disk
or bucket holds ciphertext only. It is applied to the filesystem and S3 backends that settings
choose between (`TOWNHALL_STORAGE`).

Fernet is not a streaming format: a file is encrypted and decrypted whole, in memory. Uploads are
at most 100MB (the pattern format's limit, ADR 0008), so that is bounded.

What changes for callers: `size()` is the stored (encrypted) size, about a third larger than the
file; `url()` would serve ciphertext, so files are only ever served through the application.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage, Storage
from storages.backends.s3 import S3Storage  # type: ignore[import-untyped]

from townhall.core.crypto import DecryptionFailed, decrypt_bytes, encrypt_bytes

# Every Fernet token starts with its version byte (0x80) and a 64-bit timestamp whose top bytes
# are zero for millennia: base64, that is "gAAAAA". Anything else is a file stored before
# encryption was switched on.
_TOKEN_PREFIX = b"gAAAAA"


class EncryptingStorageMixin:
    """Encrypt files on the way in and decrypt them on the way out; mix in before a Storage."""

    def _save(self, name: str, content: File[Any]) -> str:
        if hasattr(content, "seek"):
            content.seek(0)
        plaintext = b"".join(_as_bytes(chunk) for chunk in content.chunks())
        # A ContentFile, never the upload itself: FileSystemStorage would otherwise *move* a large
        # upload's temporary file (plaintext) into place.
        encrypted = ContentFile(encrypt_bytes(plaintext), name=name)
        # Kept so an object store records the type detected from the content (ADR 0008); the
        # bytes it holds are ciphertext whatever it says.
        content_type = getattr(content, "content_type", None)
        if content_type:
            encrypted.content_type = content_type  # type: ignore[attr-defined]
        saved: str = super()._save(name, encrypted)  # type: ignore[misc]
        return saved

    def _open(self, name: str, mode: str = "rb") -> File[Any]:
        if any(flag in mode for flag in "wa+"):
            raise ValueError("Encrypted storage opens files for reading only; save() writes them.")
        return ContentFile(decrypt_bytes(self._raw_read(name)), name=name)

    def _raw_read(self, name: str) -> bytes:
        with super()._open(name, "rb") as stored:  # type: ignore[misc]
            return _as_bytes(stored.read())

    def _raw_replace(self, name: str, data: bytes) -> None:
        """Write `data` under `name` as one step, so a reader sees the old file or the new one."""
        raise NotImplementedError

    def file_reencrypt(self, name: str) -> bool:
        """Encrypt the file under the newest key in place: a token under an older key is rotated,
        a file stored before encryption was switched on is encrypted. True if it was plaintext.

        A token that no configured key opens raises DecryptionFailed: the key was dropped too
        soon, and overwriting would lose the file.
        """
        data = self._raw_read(name)
        try:
            plaintext, was_plain = decrypt_bytes(data), False
        except DecryptionFailed:
            if data.startswith(_TOKEN_PREFIX):
                raise
            plaintext, was_plain = data, True
        self._raw_replace(name, encrypt_bytes(plaintext))
        return was_plain


class EncryptedFileSystemStorage(EncryptingStorageMixin, FileSystemStorage):
    def _raw_replace(self, name: str, data: bytes) -> None:
        path = self.path(name)
        # A temporary file beside it, then an atomic rename over it.
        handle, temporary = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".reencrypt-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, path)
        except BaseException:
            if os.path.exists(temporary):
                os.unlink(temporary)
            raise


class EncryptedS3Storage(EncryptingStorageMixin, S3Storage):  # type: ignore[misc]
    def _raw_replace(self, name: str, data: bytes) -> None:
        # A PUT replaces an object atomically; `_save` writes to exactly `name` (only `save`
        # looks for a free name), so this goes through the mixin's parent, unencrypted.
        S3Storage._save(self, name, ContentFile(data, name=name))


def storage_files_walk(*, storage: Storage, folder: str) -> Iterator[str]:
    """The name of every file under `folder`, however deep (object stores list by prefix, a
    filesystem by directory; both answer `listdir`)."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a filesystem folder that was never made
        return
    for file in files:
        yield f"{folder}/{file}"
    for directory in directories:
        yield from storage_files_walk(storage=storage, folder=f"{folder}/{directory}")


def _as_bytes(chunk: bytes | str) -> bytes:
    return chunk.encode("utf-8") if isinstance(chunk, str) else chunk
