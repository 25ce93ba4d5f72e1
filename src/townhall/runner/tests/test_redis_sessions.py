"""Journeys with Redis configured (TOWNHALL_REDIS_URL, as `make stack` and production run): a
resident's answers are found again by the next request, whichever process serves it, and their
pages need no session, in Redis or anywhere else (ADR 0011)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.cache import caches
from django.test import Client

from townhall.core.tests.test_redis_cache import redis_cache  # noqa: F401 - the fixture
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import answer, base_url, journey_cookie_name, start
from townhall.services.models import Service

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]


def test_a_journey_carries_on_in_another_process_with_redis_configured(
    redis_cache: None,  # noqa: F811 - the fixture
    client: Client,
    pothole: Service,
) -> None:
    start(client, pothole)
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    # Another process: nothing of this one's memory, only the browser's cookie and the database.
    caches["default"].clear()
    browser = Client()
    name = journey_cookie_name(pothole)
    browser.cookies[name] = client.cookies[name].value
    answer(browser, pothole, "danger", {"danger": "no"})
    assert Journey.objects.get().answers == {"danger": False}
    assert browser.get(f"{base_url(pothole)}road_type/").status_code == 200
