"""Encrypt journeys' answers at rest, as submissions' are (ADR 0009, submissions 0004).

The same steps: an encrypted column beside the old one, rows copied through Python in batches
(no database turns JSON into a Fernet token), the old column dropped and the new one renamed.
Residents part-way through a service keep their answers.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models

import townhall.core.crypto

_BATCH = 500


def _copy(apps: Any, *, source: str, target: str) -> None:
    journey = apps.get_model("runner", "Journey")
    batch: list[Any] = []
    for row in journey.objects.only("pk", f"answers{source}").order_by("pk").iterator(_BATCH):
        setattr(row, f"answers{target}", getattr(row, f"answers{source}") or {})
        batch.append(row)
        if len(batch) == _BATCH:
            journey.objects.bulk_update(batch, [f"answers{target}"])
            batch = []
    if batch:
        journey.objects.bulk_update(batch, [f"answers{target}"])


def answers_encrypt(apps: Any, schema_editor: Any) -> None:
    _copy(apps, source="", target="_encrypted")


def answers_decrypt(apps: Any, schema_editor: Any) -> None:
    _copy(apps, source="_encrypted", target="")


class Migration(migrations.Migration):
    dependencies = [
        ("runner", "0002_save_links_and_feedback_flag"),
    ]

    operations = [
        migrations.AddField(
            model_name="journey",
            name="answers_encrypted",
            field=townhall.core.crypto.EncryptedJSONField(null=True),
        ),
        migrations.AlterField(
            model_name="journey", name="answers", field=models.JSONField(null=True)
        ),
        migrations.RunPython(answers_encrypt, answers_decrypt),
        migrations.RemoveField(model_name="journey", name="answers"),
        migrations.RenameField(
            model_name="journey", old_name="answers_encrypted", new_name="answers"
        ),
        migrations.AlterField(
            model_name="journey",
            name="answers",
            field=townhall.core.crypto.EncryptedJSONField(default=dict),
        ),
    ]
