"""Issue 5, point 7: residents' files are encrypted at rest. A file saved through the default
storage (filesystem or S3) holds no plaintext where it is stored, reads back as it was saved, and
`file_reencrypt` moves old files to the newest key (and encrypts files stored before)."""

from __future__ import annotations

from pathlib import Path

import boto3  # type: ignore[import-untyped]
import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from moto import mock_aws

from townhall.core.crypto import DecryptionFailed
from townhall.core.storage import EncryptedFileSystemStorage, EncryptedS3Storage

SECRET = b"%PDF-1.7 Ann Example, 14 High Street, AB1 2CD " * 20
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _on_disk(root: Path) -> bytes:
    [file] = [p for p in root.rglob("*") if p.is_file()]
    return file.read_bytes()


def test_the_default_storage_encrypts(media):
    assert isinstance(storages["default"], EncryptedFileSystemStorage)
    name = default_storage.save("submissions/TST-1/evidence.pdf", ContentFile(SECRET))
    raw = _on_disk(media)
    assert b"Ann Example" not in raw
    assert b"%PDF" not in raw
    with default_storage.open(name) as stored:
        assert stored.read() == SECRET


def test_a_large_upload_is_encrypted_not_moved_into_place(media, settings):
    # Django moves a temporary upload's file into place; that file holds plaintext.
    settings.FILE_UPLOAD_TEMP_DIR = str(media / "tmp")
    (media / "tmp").mkdir()
    upload = TemporaryUploadedFile("evidence.pdf", "application/pdf", len(SECRET), None)
    upload.write(SECRET)
    name = default_storage.save("journeys/abc/evidence.pdf", upload)
    raw = (media / name).read_bytes()
    assert b"Ann Example" not in raw
    assert default_storage.open(name).read() == SECRET
    upload.close()


def test_files_open_for_reading_only(media):
    name = default_storage.save("x/a.txt", ContentFile(b"hello"))
    with pytest.raises(ValueError, match="reading only"):
        default_storage.open(name, "wb")


def test_reencrypt_rotates_old_files_and_encrypts_plaintext(media, settings):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    old = default_storage.save("submissions/TST-1/old.pdf", ContentFile(SECRET))
    (media / "submissions/TST-1/plain.pdf").write_bytes(SECRET)  # stored before encryption
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    storage = storages["default"]
    assert isinstance(storage, EncryptedFileSystemStorage)
    assert storage.file_reencrypt(old) is False
    assert storage.file_reencrypt("submissions/TST-1/plain.pdf") is True
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    assert default_storage.open(old).read() == SECRET
    assert default_storage.open("submissions/TST-1/plain.pdf").read() == SECRET
    assert b"Ann Example" not in (media / "submissions/TST-1/plain.pdf").read_bytes()


def test_a_file_no_key_opens_is_an_error_not_a_leak(media, settings):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    name = default_storage.save("x/a.txt", ContentFile(b"hello"))
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionFailed):
        default_storage.open(name)
    storage = storages["default"]
    assert isinstance(storage, EncryptedFileSystemStorage)
    with pytest.raises(DecryptionFailed):  # never overwritten as if it were plaintext
        storage.file_reencrypt(name)


@mock_aws
def test_the_s3_storage_encrypts(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "townhall-test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "townhall-test")
    bucket = boto3.resource("s3", region_name="eu-west-2").create_bucket(
        Bucket="townhall-test", CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    storage = EncryptedS3Storage(bucket_name="townhall-test", region_name="eu-west-2")
    upload = SimpleUploadedFile("evidence.pdf", SECRET, content_type="application/pdf")
    name = storage.save("submissions/TST-1/evidence.pdf", upload)
    stored = bucket.Object(name).get()
    assert b"Ann Example" not in stored["Body"].read()
    # The type detected from the content is kept for the object (ADR 0008).
    assert stored["ContentType"] == "application/pdf"
    assert storage.open(name).read() == SECRET
    assert storage.file_reencrypt(name) is False
    assert storage.open(name).read() == SECRET
