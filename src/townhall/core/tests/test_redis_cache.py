"""TOWNHALL_REDIS_URL: the cache and session store that several app processes share.

These talk to a real Redis (127.0.0.1:6379, or TOWNHALL_TEST_REDIS_URL). Outside CI they are
skipped when none is running; in CI (CI=true) a missing Redis fails them, as PostgreSQL does.
Written after `make stack` found that the Redis client library was not installed at all, so any
deploy that set TOWNHALL_REDIS_URL answered 500 on every page.
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.backends.cached_db import SessionStore
from django.core.cache import caches
from django.test import override_settings

REDIS_URL = os.environ.get("TOWNHALL_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((parts.hostname or "", parts.port or 6379), timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture
def redis_cache() -> Iterator[None]:
    if not _redis_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI and {REDIS_URL} is not reachable")
        pytest.skip(f"Redis is not reachable at {REDIS_URL}")
    redis_caches = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex[:8]}",
        }
    }
    with override_settings(
        CACHES=redis_caches, SESSION_ENGINE="django.contrib.sessions.backends.cached_db"
    ):
        caches["default"].clear()
        yield
        caches["default"].clear()
        caches["default"].close()


@pytest.mark.django_db
def test_the_cache_round_trips_through_redis(redis_cache: None) -> None:
    cache = caches["default"]
    cache.set("townhall-test", {"answer": "Llandrindod Wells"}, timeout=30)
    assert cache.get("townhall-test") == {"answer": "Llandrindod Wells"}


@pytest.mark.django_db
def test_a_session_saved_by_one_process_is_read_back_from_redis(redis_cache: None) -> None:
    session = SessionStore()
    session["journey"] = "abc"
    session.save()
    # A second process would start with an empty local memory: only Redis or the database has it.
    assert SessionStore(session_key=session.session_key).load() == {"journey": "abc"}
    assert caches["default"].get(session.cache_key) is not None
