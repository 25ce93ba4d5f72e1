"""Encrypt submissions' answers and summary at rest (ADR 0009).

The columns change from JSON (jsonb on PostgreSQL) to text holding a Fernet token. No database
casts JSON to a token, so the values move through Python: new encrypted columns are added beside
the old ones, every row is copied across in batches, the old columns go and the new ones take
their names. The old columns are made nullable first so that the reverse (decrypting back into
JSON) can run on a table that has rows.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import townhall.core.crypto

_BATCH = 500


def _copy(apps: Any, *, source: str, target: str) -> None:
    submission = apps.get_model("submissions", "Submission")
    rows = submission.objects.only("pk", f"answers{source}", f"summary{source}").order_by("pk")
    batch: list[Any] = []
    for row in rows.iterator(chunk_size=_BATCH):
        setattr(row, f"answers{target}", getattr(row, f"answers{source}"))
        setattr(row, f"summary{target}", getattr(row, f"summary{source}"))
        batch.append(row)
        if len(batch) == _BATCH:
            submission.objects.bulk_update(batch, [f"answers{target}", f"summary{target}"])
            batch = []
    if batch:
        submission.objects.bulk_update(batch, [f"answers{target}", f"summary{target}"])


def answers_encrypt(apps: Any, schema_editor: Any) -> None:
    _copy(apps, source="", target="_encrypted")


def answers_decrypt(apps: Any, schema_editor: Any) -> None:
    _copy(apps, source="_encrypted", target="")


class Migration(migrations.Migration):
    dependencies = [
        ("submissions", "0003_casework_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="submission",
            name="answers_encrypted",
            field=townhall.core.crypto.EncryptedJSONField(null=True),
        ),
        migrations.AddField(
            model_name="submission",
            name="summary_encrypted",
            field=townhall.core.crypto.EncryptedJSONField(null=True),
        ),
        migrations.AlterField(
            model_name="submission", name="answers", field=models.JSONField(null=True)
        ),
        migrations.AlterField(
            model_name="submission", name="summary", field=models.JSONField(null=True)
        ),
        migrations.RunPython(answers_encrypt, answers_decrypt),
        migrations.RemoveField(model_name="submission", name="answers"),
        migrations.RemoveField(model_name="submission", name="summary"),
        migrations.RenameField(
            model_name="submission", old_name="answers_encrypted", new_name="answers"
        ),
        migrations.RenameField(
            model_name="submission", old_name="summary_encrypted", new_name="summary"
        ),
        migrations.AlterField(
            model_name="submission",
            name="answers",
            field=townhall.core.crypto.EncryptedJSONField(),
        ),
        migrations.AlterField(
            model_name="submission",
            name="summary",
            field=townhall.core.crypto.EncryptedJSONField(),
        ),
    ]
