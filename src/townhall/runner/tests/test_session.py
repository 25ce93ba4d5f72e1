"""Runner (issue 4): journey state lives on the server, keyed by a cookie that is HttpOnly,
SameSite=Lax and Secure in production, like a session cookie (ADR 0011); it survives a restart;
it ends after the configured inactivity with a clear "your session has ended" page; every form is
CSRF protected."""

from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from townhall.runner.actions import journeys_idle_delete
from townhall.runner.constants import SESSION_JOURNEYS
from townhall.runner.models import Journey
from townhall.runner.tests.factories import JourneyFactory
from townhall.runner.tests.helpers import (
    answer,
    answer_pothole,
    base_url,
    journey_cookie_name,
    journey_id_of,
    location,
    main,
    start,
)
from townhall.services.engine_cache import pattern_cache_clear

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]


def settings_session_cookie() -> str:
    return str(django_settings.SESSION_COOKIE_NAME)


def _idle(journey: Journey, seconds: int) -> None:
    Journey.objects.filter(pk=journey.pk).update(
        last_activity=timezone.now() - dt.timedelta(seconds=seconds)
    )


def test_answers_are_kept_on_the_server_not_in_the_cookie(client, pothole, settings):
    settings.SESSION_COOKIE_SECURE = True  # as in production
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    journey = Journey.objects.get()
    assert journey.answers == {"danger": False}
    assert journey.service == pothole
    assert journey.pattern_version == pothole.pattern_version
    cookie = client.cookies[journey_cookie_name(pothole)]
    assert cookie["httponly"]
    assert cookie["secure"]
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == settings.SESSION_COOKIE_AGE
    assert "danger" not in cookie.value
    # The cookie's key is kept only as a hash: the database alone opens no journey.
    journey_id, _dot, key = cookie.value.partition(".")
    assert journey_id == journey.pk.hex
    assert len(key) >= 43
    assert key not in journey.key_hash
    assert journey.key_hash == Journey.hash_key(key)


def test_a_residents_pages_load_no_django_session(client, pothole, django_assert_max_num_queries):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    assert settings_session_cookie() not in client.cookies
    # One query for the journey (the service and its pattern are cached): no session lookup.
    client.get(f"{base_url(pothole)}road_type/")
    with django_assert_max_num_queries(1):
        assert client.get(f"{base_url(pothole)}road_type/").status_code == 200


def test_a_wrong_or_mangled_key_opens_nothing(client, pothole):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    name = journey_cookie_name(pothole)
    journey_id = journey_id_of(client, pothole)
    for value in (f"{journey_id.hex}.{'A' * 43}", f"{journey_id.hex}.", journey_id.hex, "x.y"):
        browser = Client()
        browser.cookies[name] = value
        assert location(browser.get(f"{base_url(pothole)}road_type/")) in (
            base_url(pothole),
            f"{base_url(pothole)}session-ended/",
        )
        assert location(answer(browser, pothole, "road_type", {"road_type": "road"})).endswith(
            "/session-ended/"
        )
    assert Journey.objects.get().answers == {"danger": False}


def test_a_journey_started_before_journeys_had_keys_finishes_through_the_session(pothole):
    """Residents part-way through a service when the upgrade is deployed keep their answers."""
    journey = JourneyFactory.create(service=pothole, answers={"danger": False}, key_hash="")
    browser = Client()
    session = browser.session
    session[SESSION_JOURNEYS] = {str(pothole.pk): str(journey.pk)}
    session.save()
    browser.cookies[settings_session_cookie()] = str(session.session_key)
    assert browser.get(f"{base_url(pothole)}road_type/").status_code == 200
    answer(browser, pothole, "road_type", {"road_type": "road"})
    journey.refresh_from_db()
    assert journey.answers == {"danger": False, "road_type": "road"}
    # A session pointer never opens a journey that has a key.
    keyed = JourneyFactory.create(service=pothole, key_hash=Journey.hash_key("k"))
    session[SESSION_JOURNEYS] = {str(pothole.pk): str(keyed.pk)}
    session.save()
    assert location(browser.get(f"{base_url(pothole)}road_type/")).endswith("/session-ended/")


def test_the_journey_survives_a_restart(client, pothole):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    # A new process: no cached patterns, a new client holding only the browser's cookie.
    pattern_cache_clear()
    browser = Client()
    name = journey_cookie_name(pothole)
    browser.cookies[name] = client.cookies[name].value
    response = browser.get(f"{base_url(pothole)}road_type/")
    assert response.status_code == 200
    assert location(browser.get(f"{base_url(pothole)}size/")).endswith("/road_type/")


def test_an_idle_journey_ends_with_the_session_ended_page(client, pothole, settings):
    settings.TOWNHALL_JOURNEY_IDLE_SECONDS = 20 * 60
    answer_pothole(client, pothole, until="size")
    _idle(Journey.objects.get(), 20 * 60 + 1)
    response = client.get(f"{base_url(pothole)}size/")
    assert location(response) == f"{base_url(pothole)}session-ended/"
    assert not Journey.objects.exists()  # the answers are deleted, not just hidden
    page = main(client.get(location(response)))
    assert "Your session has ended" in page
    assert "You did not do anything for 20 minutes, so we deleted your answers" in page
    assert f'href="{base_url(pothole)}"' in page  # start again
    # Posting an answer from a page left open also ends on the same page, storing nothing.
    assert location(answer(client, pothole, "size", {"size": "small"})).endswith("/session-ended/")


def test_activity_keeps_the_journey_alive(client, pothole, settings):
    settings.TOWNHALL_JOURNEY_IDLE_SECONDS = 20 * 60
    start(client, pothole)
    _idle(Journey.objects.get(), 19 * 60)
    answer(client, pothole, "danger", {"danger": "no"})
    _idle(Journey.objects.get(), 19 * 60)
    assert client.get(f"{base_url(pothole)}road_type/").status_code == 200


def test_starting_again_after_the_session_ended_gives_a_fresh_journey(client, pothole):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    _idle(Journey.objects.get(), 2 * 60 * 60)
    client.get(f"{base_url(pothole)}road_type/")
    assert location(client.post(base_url(pothole))).endswith("/danger/")
    assert Journey.objects.get().answers == {}


def test_a_page_without_a_journey_goes_to_the_start_and_a_form_to_session_ended(client, pothole):
    assert location(client.get(f"{base_url(pothole)}danger/")) == base_url(pothole)
    response = answer(client, pothole, "danger", {"danger": "no"})
    assert location(response) == f"{base_url(pothole)}session-ended/"


def test_starting_again_mid_journey_keeps_the_answers(client, pothole):
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    start(client, pothole)
    assert Journey.objects.get().answers == {"danger": False}


def test_idle_journeys_are_deleted_in_bulk(pothole):
    fresh = JourneyFactory.create(service=pothole)
    stale = JourneyFactory.create(service=pothole)
    _idle(stale, 3601)
    assert journeys_idle_delete(idle_seconds=3600) == 1
    assert list(Journey.objects.all()) == [fresh]


def test_forms_need_a_csrf_token(pothole):
    browser = Client(enforce_csrf_checks=True)
    assert browser.post(base_url(pothole)).status_code == 403
    page = browser.get(base_url(pothole)).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_another_organisations_journey_is_not_reachable(client, pothole):
    from townhall.services.tests.factories import ServiceFactory

    other = ServiceFactory.create(live=True, pothole=True)
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    # The same pattern at another council: a separate journey, not this one's answers.
    assert location(client.get(f"{base_url(other)}road_type/")) == base_url(other)
