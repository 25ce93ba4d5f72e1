"""Journeys get keys, and PostgreSQL rewrites a journey in place when a resident answers a page.

A journey is now opened by a key in its own cookie rather than by a pointer in the Django session
(ADR 0011): `key_hash` holds the key's SHA-256. Journeys already started keep an empty hash and
their session pointer, and finish as before.

Every answer updates the journey's row. PostgreSQL can make that a heap-only (HOT) update, which
touches no index, only when no indexed column changes and the row's page has room for the new
version. Before this migration `last_activity` was indexed, so none of them were (the runner
benchmark counted 1 HOT update in 15,991): each answer added an entry to all seven of the table's
indexes, and a busy journey's primary-key lookups walked past thousands of dead versions until
autovacuum came round. So: the index goes (housekeeping scans the table of live journeys
instead), and the table's pages are filled only half full on insert, leaving room for answers
to grow. SQLite has no such setting and rewrites rows in place anyway.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models


def _fillfactor(percent: int) -> Any:
    def apply(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE runner_journey SET (fillfactor = {percent})")

    return apply


class Migration(migrations.Migration):
    dependencies = [
        ("runner", "0003_encrypted_answers"),
    ]

    operations = [
        migrations.AddField(
            model_name="journey",
            name="key_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
        migrations.RemoveIndex(
            model_name="journey",
            name="journey_last_activity",
        ),
        migrations.RunPython(_fillfactor(50), _fillfactor(100)),
    ]
