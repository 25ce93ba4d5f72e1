"""For tests that need PostgreSQL to do what a restart does to a connection."""

from __future__ import annotations

import time
from typing import Any


def backend_pid(connection: Any) -> int:
    """The server process behind this Django connection (opening it if need be)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def backend_terminate(connection: Any) -> int:
    """End this Django connection from the server's side, as a restart does, and wait until the
    server has really let it go; the pid it had."""
    pid = backend_pid(connection)
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.05)
    finally:
        other.close()
    return pid
