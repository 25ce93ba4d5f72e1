"""The PostgreSQL backend's health check (core/postgresql/base.py): no `SELECT 1` while a
persistent connection is quiet, and Django's own check, replacing the connection, once the server
has ended it. The request that follows a restart is the subject of web/tests/test_outage.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, connections

from townhall.core.tests.postgres import backend_pid, backend_terminate

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def connection() -> Iterator[Any]:
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's backend")
    saved = connection.settings_dict["CONN_HEALTH_CHECKS"]
    connection.settings_dict["CONN_HEALTH_CHECKS"] = True
    connection.close()
    try:
        yield connection
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = saved
        connection.close()


def _new_request(connection: Any) -> None:
    # What Django does when a request starts (request_started): the next query checks first.
    connection.close_if_unusable_or_obsolete()


def _count_checks(connection: Any, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    checks: list[bool] = []
    original = type(connection).is_usable

    def is_usable(self: Any) -> bool:
        result = bool(original(self))
        checks.append(result)
        return result

    monkeypatch.setattr(type(connection), "is_usable", is_usable)
    return checks


def test_a_quiet_connection_is_used_without_a_round_trip(connection, monkeypatch):
    pid = backend_pid(connection)
    checks = _count_checks(connection, monkeypatch)
    for _ in range(3):
        _new_request(connection)
        assert backend_pid(connection) == pid
    assert checks == []


def test_a_connection_the_server_ended_is_checked_and_replaced(connection, monkeypatch):
    pid = backend_terminate(connection)
    checks = _count_checks(connection, monkeypatch)
    _new_request(connection)
    # Django's check ran, failed, and the request's query went out on a new connection.
    assert backend_pid(connection) != pid
    assert checks == [False]
