"""Django's PostgreSQL backend, with a health check that costs no round trip while all is well.

Django's health check (CONN_HEALTH_CHECKS, TOWNHALL_DB_HEALTH_CHECKS) sends `SELECT 1` before each
request's first query, so that a connection the server has ended (a restart, a failover, an
administrator) is replaced instead of failing the request. That round trip, and the psycopg
cursor made for it, was an eighth of an answer POST's time in the runner benchmark.

Between requests a healthy connection is silent: the server sends nothing unless asked. A server
that ends a connection says so (an error message, then end of file), and so does the kernel for a
server process that died. So this backend first polls the idle socket, without waiting: nothing to
read means the connection is as it was when the last request left it, and no query is sent. If
there is anything to read, or the socket cannot be polled, Django's own check runs and replaces
the connection if it fails. A connection cut without a word (a network partition) is caught by
neither check: `SELECT 1` would wait for TCP to give up, as the request's own query does.
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self) -> None:
        # The health check's state is Django's, and django-stubs does not declare it.
        state: Any = self
        if (
            self.connection is not None
            and state.health_check_enabled
            and not state.health_check_done
            and not state.pool
            and _is_quiet(self.connection)
        ):
            state.health_check_done = True
            return
        super().close_if_health_check_failed()


def _is_quiet(connection: object) -> bool:
    """Whether an idle psycopg connection looks open and has nothing waiting to be read."""
    try:
        if connection.closed or connection.broken:  # type: ignore[attr-defined]
            return False
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN | select.POLLPRI)  # type: ignore[attr-defined]
        return not poller.poll(0)
    except Exception:
        return False
