"""Issue 5, point 7: answers are encrypted at rest with keys from the environment, so a database
dump alone reveals no answers. The stored answer and summary columns hold no plaintext, values
round-trip, `townhall encryption rotate` moves everything to the newest key, and migration 0004
encrypts rows stored before (and its reverse decrypts them)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from townhall.core.crypto import DecryptionFailed
from townhall.submissions.models import Submission
from townhall.submissions.tests.factories import SubmissionFactory

ANSWERS = {
    "name": "Zebedee Quartermaine",
    "email": "zebedee.q@example.com",
    "address": {"line1": "14 Nightingale Lane", "postcode": "ZZ9 9ZZ"},
    "photos": [{"name": "p.jpg", "size": 3, "content_type": "image/jpeg", "ref": "x/p.jpg"}],
    "count": 3,
}
SUMMARY = [{"question_id": "name", "label": "Your name", "lines": ["Zebedee Quartermaine"]}]
PLAINTEXT = ("Zebedee", "zebedee.q@example.com", "Nightingale", "ZZ9 9ZZ", "Your name", "line1")
OLD_KEY = Fernet.generate_key().decode()
NEW_KEY = Fernet.generate_key().decode()


def _raw_columns(pk: object) -> tuple[str, str]:
    table = connection.ops.quote_name(Submission._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT answers, summary FROM {table} WHERE id = %s",  # noqa: S608 - our table name
            [Submission._meta.pk.get_db_prep_value(pk, connection)],
        )
        answers, summary = cursor.fetchone()
    return str(answers), str(summary)


@pytest.mark.django_db
def test_the_stored_answer_and_summary_columns_hold_no_plaintext():
    submission = SubmissionFactory.create(answers=ANSWERS, summary=SUMMARY)
    for column in _raw_columns(submission.pk):
        assert column.startswith("gAAAAA")  # a Fernet token
        for text in PLAINTEXT:
            assert text not in column


@pytest.mark.django_db
def test_answers_and_summary_round_trip():
    submission = SubmissionFactory.create(answers=ANSWERS, summary=SUMMARY)
    stored = Submission.objects.get(pk=submission.pk)
    assert stored.answers == ANSWERS
    assert stored.summary == SUMMARY
    # django-stubs types values_list() by the column (text), not by what the field returns.
    listed: object = Submission.objects.values_list("answers", flat=True).get()
    assert listed == ANSWERS
    stored.answers = {**ANSWERS, "name": "Ann"}
    stored.save(update_fields=["answers"])
    assert Submission.objects.get().answers["name"] == "Ann"


@pytest.mark.django_db
def test_rotate_reencrypts_every_submission_and_file_under_the_newest_key(settings, tmp_path: Path):
    settings.MEDIA_ROOT = tmp_path
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    first = SubmissionFactory.create(answers=ANSWERS, summary=SUMMARY)
    second = SubmissionFactory.create(answers={"email": "b@example.com"}, summary=[])
    name = default_storage.save("submissions/TST-1/photo.jpg", ContentFile(b"photo of ZZ9 9ZZ"))
    before = _raw_columns(first.pk)

    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = io.StringIO()
    call_command("encryption", "rotate", stdout=out)
    assert "Re-encrypted 2 submissions and 1 files" in out.getvalue()
    assert _raw_columns(first.pk) != before

    settings.ENCRYPTION_KEYS = [NEW_KEY]  # the old key dropped: everything still reads
    assert Submission.objects.get(pk=first.pk).answers == ANSWERS
    assert Submission.objects.get(pk=first.pk).summary == SUMMARY
    assert Submission.objects.get(pk=second.pk).answers == {"email": "b@example.com"}
    assert default_storage.open(name).read() == b"photo of ZZ9 9ZZ"


@pytest.mark.django_db
def test_rotate_works_in_batches(settings):
    from townhall.submissions.encryption import submissions_reencrypt

    settings.ENCRYPTION_KEYS = [OLD_KEY]
    SubmissionFactory.create_batch(5, answers=ANSWERS)
    settings.ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    assert submissions_reencrypt(batch_size=2) == 5
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    listed: list[object] = list(Submission.objects.values_list("answers", flat=True))
    assert listed == [ANSWERS] * 5


@pytest.mark.django_db
def test_a_value_no_key_opens_fails_loudly(settings):
    settings.ENCRYPTION_KEYS = [OLD_KEY]
    submission = SubmissionFactory.create(answers=ANSWERS)
    settings.ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionFailed):
        Submission.objects.get(pk=submission.pk)


@pytest.mark.django_db(transaction=True)
def test_migration_0004_encrypts_existing_rows_and_its_reverse_decrypts_them():
    submission = SubmissionFactory.create(answers=ANSWERS, summary=SUMMARY)
    before = [("submissions", "0003_casework_fields")]
    after = [("submissions", "0004_encrypt_answers_and_summary")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)  # the reverse: back to JSON columns
        answers, summary = _raw_columns(submission.pk)
        assert "Zebedee Quartermaine" in answers
        assert "Your name" in summary
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        answers, summary = _raw_columns(submission.pk)
        assert "Zebedee" not in answers
        assert "Your name" not in summary
        stored = Submission.objects.get(pk=submission.pk)
        assert (stored.answers, stored.summary) == (ANSWERS, SUMMARY)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
