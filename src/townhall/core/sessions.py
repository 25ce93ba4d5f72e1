"""Django's database sessions, loaded with one plain SQL statement.

Every signed-in staff request loads its session (residents' journeys have their own cookies, ADR
0011). Django's own `db` backend builds that SELECT through the ORM each time, which measured
about a fifth of a question page's CPU time when residents' pages loaded sessions too
(bench/profile_runner.py); the statement never changes, so it is written once here. Saving,
creating, deleting and clearing expired sessions stay Django's own.
"""

from __future__ import annotations

import logging
from typing import Any

from django.contrib.sessions.backends import db
from django.core.exceptions import SuspiciousOperation
from django.db import connections, router
from django.utils import timezone


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        data = self._session_data_from_db()
        if data is None:
            self._session_key = None
            return {}
        try:
            decoded: dict[str, Any] = self.decode(data)
        except SuspiciousOperation as error:  # pragma: no cover - decode() logs and returns {}
            logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return {}
        return decoded

    def _session_data_from_db(self) -> str | None:
        if not self.session_key:
            return None
        model = self.model
        connection = connections[router.db_for_read(model)]
        expire_date = model._meta.get_field("expire_date")
        table = connection.ops.quote_name(model._meta.db_table)
        # Only the (quoted) table name is formatted in; the values are parameters.
        sql = f"SELECT session_data FROM {table} WHERE session_key = %s AND expire_date > %s"  # noqa: S608
        now = expire_date.get_db_prep_value(timezone.now(), connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.session_key, now])
            row = cursor.fetchone()
        return None if row is None else str(row[0])
