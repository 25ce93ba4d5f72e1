"""Journeys with the session in Redis (TOWNHALL_REDIS_URL, as `make stack` and production run):
a resident's answers are found again by the next request, whichever process serves it."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.test import Client

from townhall.core.tests.test_redis_cache import redis_cache  # noqa: F401 - the fixture
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import answer, start
from townhall.services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]


def test_a_journey_carries_on_with_its_session_in_redis(
    redis_cache: None,  # noqa: F811 - the fixture
    client: Client,
    pothole: Service,
) -> None:
    start(client, pothole)
    session_key = client.cookies["sessionid"].value
    assert caches["default"].get(f"django.contrib.sessions.cached_db{session_key}") is not None
    answer(client, pothole, "danger", {"danger": "no"})
    assert Journey.objects.get().answers == {"danger": False}
