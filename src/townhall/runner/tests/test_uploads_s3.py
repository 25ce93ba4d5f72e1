"""Uploads (issue 4) in S3-compatible storage: TOWNHALL_STORAGE=s3 and its TOWNHALL_S3_* variables
select django-storages' S3 backend, a resident's upload lands in the bucket under the journey and
moves under the submission's reference when it is sent, and housekeeping clears the bucket too.

The server is moto's S3 emulator, started on a free local port: no real S3 or MinIO can run here,
and moto speaks the same HTTP API, so boto3 and django-storages run unchanged against it.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from typing import Any

import boto3  # type: ignore[import-untyped]
import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile

from townhall.core.crypto import decrypt_bytes
from townhall.runner.housekeeping import journeys_housekeep
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import location, start
from townhall.runner.tests.upload_support import JPEG, evidence_service, service_url
from townhall.submissions.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]

REGION = "eu-west-2"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "townhall-test", "AWS_SECRET_ACCESS_KEY": "townhall-test"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def s3_bucket() -> Iterator[tuple[Any, dict[str, Any]]]:
    """A bucket in a fresh S3 emulator, and the storage settings that Townhall, configured only
    through the environment, chose for it (once per module: starting Townhall takes seconds)."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    try:
        with pytest.MonkeyPatch.context() as patch:
            for name, value in CREDENTIALS.items():
                patch.setenv(name, value)
            s3 = boto3.resource("s3", endpoint_url=endpoint, region_name=REGION)
            bucket = s3.create_bucket(
                Bucket=f"townhall-{uuid.uuid4().hex[:12]}",
                CreateBucketConfiguration={"LocationConstraint": REGION},
            )
            yield bucket, _storage_from_environment(bucket, endpoint)
    finally:
        server.stop()


def _keys(bucket: Any) -> list[str]:
    return sorted(item.key for item in bucket.objects.all())


def _storage_from_environment(bucket: Any, endpoint: str) -> dict[str, Any]:
    """Start Townhall in a new process configured only through the environment, save a file
    through its default storage, and return the storage settings it chose."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOWNHALL_", "AWS_"))}
    env.update(
        CREDENTIALS,
        TOWNHALL_ENV="test",
        TOWNHALL_VAR_DIR=str(django_settings.VAR_DIR),
        TOWNHALL_STORAGE="s3",
        TOWNHALL_S3_BUCKET=bucket.name,
        TOWNHALL_S3_ENDPOINT_URL=endpoint,
        TOWNHALL_S3_REGION=REGION,
        DJANGO_SETTINGS_MODULE="townhall.config.settings",
    )
    script = (
        "import json, django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.base import ContentFile\n"
        "from django.core.files.storage import default_storage\n"
        "default_storage.save('probe/hello.txt', ContentFile(b'hello'))\n"
        "print(json.dumps(settings.STORAGES['default']))\n"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    probe = bucket.Object("probe/hello.txt").get()["Body"].read()
    assert b"hello" not in probe  # encrypted at rest (ADR 0009)
    assert decrypt_bytes(probe) == b"hello"
    storage: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    assert storage["BACKEND"] == "townhall.core.storage.EncryptedS3Storage"
    assert storage["OPTIONS"]["bucket_name"] == bucket.name
    return storage


@pytest.fixture
def s3_storage(s3_bucket: tuple[Any, dict[str, Any]], settings: Any) -> Any:
    """Townhall's default storage is the (emptied) bucket, as the environment configured it."""
    bucket, storage = s3_bucket
    bucket.objects.all().delete()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    return bucket


def test_an_upload_lands_in_the_bucket_and_moves_on_submission(
    client, s3_storage, django_capture_on_commit_callbacks
):
    evidence = evidence_service(live=True)
    start(client, evidence)
    upload = SimpleUploadedFile("photo.jpg", JPEG, content_type="text/html")
    assert location(client.post(service_url(evidence, "evidence"), {"evidence": upload}))
    journey = Journey.objects.get()
    [key] = _keys(s3_storage)
    assert key.startswith(f"journeys/{journey.pk}/")
    stored = s3_storage.Object(key).get()
    assert decrypt_bytes(stored["Body"].read()) == JPEG
    # Served, if ever, as what its content is, not as what the browser claimed.
    assert stored["ContentType"] == "image/jpeg"

    with django_capture_on_commit_callbacks(execute=True):
        client.post(service_url(evidence, "check-answers"))
    submission = Submission.objects.get()
    [sent] = submission.answers["evidence"]
    assert _keys(s3_storage) == [sent["ref"]]
    assert sent["ref"] == f"submissions/{submission.reference}/{key.rsplit('/', 1)[1]}"
    assert decrypt_bytes(s3_storage.Object(sent["ref"]).get()["Body"].read()) == JPEG


def test_housekeeping_deletes_the_files_of_journeys_that_are_gone(client, s3_storage):
    evidence = evidence_service(live=True)
    start(client, evidence)
    upload = SimpleUploadedFile("photo.jpg", JPEG)
    client.post(service_url(evidence, "evidence"), {"evidence": upload})
    Journey.objects.all().delete()
    s3_storage.put_object(Key=f"journeys/{uuid.uuid4()}/left-behind.jpg", Body=JPEG)
    done = journeys_housekeep(idle_seconds=3600)
    assert (done.orphan_folders, done.orphan_files) == (2, 2)
    assert _keys(s3_storage) == []
