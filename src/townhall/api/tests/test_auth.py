"""Issue 6, API keys: a key authenticates its organisation's requests until it expires or is
revoked; a read-only key cannot write; each key is rate limited (429 with Retry-After), with one
count shared by every client and process; `last_used_at` is kept without a write per request.

The endpoints are a test-only API (`auth_urls.py`) so these tests do not depend on the real ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from townhall.api.auth import CANNOT_WRITE_DETAIL, ApiKeyAuth, api_key_of
from townhall.identity.actions import api_key_create, api_key_revoke, api_key_use_record
from townhall.identity.constants import ApiKeyScope
from townhall.identity.models import ApiKey
from townhall.identity.tests.factories import ApiKeyFactory, UserFactory
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.api.tests.auth_urls")]

READ = "/test-api/read"
WRITE = "/test-api/write"
# 08:00:10 UTC: ten seconds into a 60-second window.
START = datetime(2027, 3, 1, 8, 0, 10, tzinfo=UTC)


def _bearer(raw_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw_key}"}


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[timedelta], None]:
    """Time stands at START; `clock(delta)` moves it on."""
    now = [START]
    monkeypatch.setattr(timezone, "now", lambda: now[0])

    def advance(delta: timedelta) -> None:
        now[0] += delta

    return advance


def _new_key(scope: ApiKeyScope = ApiKeyScope.READ) -> tuple[ApiKey, str]:
    """A key made as staff make them, and the raw key they are shown once."""
    return api_key_create(
        organisation=OrganisationFactory.create(),
        name="Case system",
        scope=scope,
        expires_at=timezone.now() + timedelta(days=90),
        actor=UserFactory.create(),
    )


def _assert_unauthenticated(response) -> None:
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"] == "Bearer"
    assert json.loads(response.content)["status"] == 401


# --- The lifecycle -------------------------------------------------------------------------------


def test_a_new_key_reads_its_own_organisation(client):
    api_key, raw_key = _new_key()
    response = client.get(READ, headers=_bearer(raw_key))
    assert response.status_code == 200
    assert response.json() == {
        "organisation": api_key.organisation.slug,
        "key": api_key.prefix,
    }


def test_a_revoked_key_is_refused(client):
    api_key, raw_key = _new_key()
    assert client.get(READ, headers=_bearer(raw_key)).status_code == 200
    api_key_revoke(api_key=api_key, actor=UserFactory.create())
    _assert_unauthenticated(client.get(READ, headers=_bearer(raw_key)))


def test_an_expired_key_is_refused(client, clock):
    _, raw_key = _new_key()
    assert client.get(READ, headers=_bearer(raw_key)).status_code == 200
    clock(timedelta(days=90))
    _assert_unauthenticated(client.get(READ, headers=_bearer(raw_key)))


def test_a_key_expires_at_its_expiry_moment(client):
    ApiKeyFactory.create(raw_key="th_Expired1_" + "e" * 43, expired=True)
    _assert_unauthenticated(client.get(READ, headers=_bearer("th_Expired1_" + "e" * 43)))


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer th_Nothere1_" + "x" * 43,
        "Bearer not-a-key",
        "Basic dXNlcjpwYXNz",
    ],
)
def test_a_missing_or_unknown_key_is_refused(client, header):
    headers = {"Authorization": header} if header else {}
    _assert_unauthenticated(client.get(READ, headers=headers))


def test_a_known_prefix_with_the_wrong_secret_answers_like_an_unknown_key(client):
    """The prefix is public (it is in lists): it is not enough, and it answers like any other."""
    api_key, _ = _new_key()
    wrong = f"{api_key.prefix}_{'A' * 43}"
    unknown = f"th_Zz9Zz9Zz_{'A' * 43}"
    refused = client.get(READ, headers=_bearer(wrong))
    _assert_unauthenticated(refused)
    assert refused.content == client.get(READ, headers=_bearer(unknown)).content


def test_a_read_only_key_cannot_write(client):
    _, raw_key = _new_key(ApiKeyScope.READ)
    response = client.post(WRITE, headers=_bearer(raw_key))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert json.loads(response.content)["detail"] == CANNOT_WRITE_DETAIL


def test_a_write_key_can_also_read(client):
    api_key, raw_key = _new_key(ApiKeyScope.WRITE)
    assert client.post(WRITE, headers=_bearer(raw_key)).json() == {
        "organisation": api_key.organisation.slug
    }
    assert client.get(READ, headers=_bearer(raw_key)).status_code == 200


def test_each_key_sees_only_its_own_organisation(client):
    first, first_raw = _new_key()
    second, second_raw = _new_key()
    assert client.get(READ, headers=_bearer(first_raw)).json()["organisation"] == (
        first.organisation.slug
    )
    assert client.get(READ, headers=_bearer(second_raw)).json()["organisation"] == (
        second.organisation.slug
    )


def test_api_key_of_refuses_a_request_that_was_not_authenticated(rf):
    from ninja.errors import AuthenticationError

    with pytest.raises(AuthenticationError):
        api_key_of(rf.get("/"))


def test_the_auth_class_loads_the_organisation_with_the_key(rf, django_assert_num_queries):
    api_key, raw_key = _new_key()
    request = rf.get("/", headers=_bearer(raw_key))
    result = ApiKeyAuth(scope="read")(request)
    assert result == api_key
    with django_assert_num_queries(0):
        assert result.organisation.slug == api_key.organisation.slug


# --- Last used -----------------------------------------------------------------------------------


def test_last_used_is_recorded_at_most_once_a_minute(client, clock):
    api_key, raw_key = _new_key()
    assert api_key.last_used_at is None
    client.get(READ, headers=_bearer(raw_key))
    api_key.refresh_from_db()
    assert api_key.last_used_at == START

    clock(timedelta(seconds=30))
    client.get(READ, headers=_bearer(raw_key))
    api_key.refresh_from_db()
    assert api_key.last_used_at == START

    clock(timedelta(seconds=31))
    client.get(READ, headers=_bearer(raw_key))
    api_key.refresh_from_db()
    assert api_key.last_used_at == START + timedelta(seconds=61)


def test_a_busy_key_costs_no_last_used_write_per_request(client, clock, django_assert_num_queries):
    _, raw_key = _new_key()
    client.get(READ, headers=_bearer(raw_key))
    clock(timedelta(seconds=5))
    # Find the key, then count the request (savepoint, update, read back, release). No other write.
    with django_assert_num_queries(5) as queries:
        assert client.get(READ, headers=_bearer(raw_key)).status_code == 200
    assert not any("last_used_at" in q["sql"] and "UPDATE" in q["sql"] for q in queries)


# --- Rate limit ----------------------------------------------------------------------------------


def test_over_the_rate_limit_the_api_answers_429_until_the_next_window(client, clock, settings):
    settings.TOWNHALL_API_RATE_LIMIT = 3
    settings.TOWNHALL_API_RATE_WINDOW_SECONDS = 60
    _, raw_key = _new_key()
    for _ in range(3):
        assert client.get(READ, headers=_bearer(raw_key)).status_code == 200
    limited = client.get(READ, headers=_bearer(raw_key))
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/problem+json"
    # Ten seconds into the window: fifty to go.
    assert limited["Retry-After"] == "50"

    clock(timedelta(seconds=49))
    assert client.get(READ, headers=_bearer(raw_key))["Retry-After"] == "1"
    clock(timedelta(seconds=1))  # 08:01:00, a new window
    assert client.get(READ, headers=_bearer(raw_key)).status_code == 200


def test_the_rate_limit_is_one_count_per_key_shared_by_every_client(clock, settings):
    settings.TOWNHALL_API_RATE_LIMIT = 3
    _, raw_key = _new_key()
    _, other_raw_key = _new_key()
    first, second = Client(), Client()
    assert first.get(READ, headers=_bearer(raw_key)).status_code == 200
    assert second.get(READ, headers=_bearer(raw_key)).status_code == 200
    assert first.get(READ, headers=_bearer(raw_key)).status_code == 200
    assert second.get(READ, headers=_bearer(raw_key)).status_code == 429
    # Another key has its own count.
    assert second.get(READ, headers=_bearer(other_raw_key)).status_code == 200


def test_a_write_refused_for_its_scope_still_counts(client, clock, settings):
    settings.TOWNHALL_API_RATE_LIMIT = 1
    _, raw_key = _new_key(ApiKeyScope.READ)
    assert client.post(WRITE, headers=_bearer(raw_key)).status_code == 403
    assert client.get(READ, headers=_bearer(raw_key)).status_code == 429


def test_the_rate_counter_is_one_row_per_key_whatever_the_number_of_windows(settings):
    settings.TOWNHALL_API_RATE_LIMIT = 2
    settings.TOWNHALL_API_RATE_WINDOW_SECONDS = 60
    api_key = ApiKeyFactory.create()
    moments = [START + timedelta(minutes=minute) for minute in range(5)]
    for moment in moments:
        assert api_key_use_record(api_key=api_key, now=moment) is None
        assert api_key_use_record(api_key=api_key, now=moment + timedelta(seconds=1)) is None
        assert api_key_use_record(api_key=api_key, now=moment + timedelta(seconds=2)) == 48
    from townhall.identity.models import ApiKeyRateWindow

    assert ApiKeyRateWindow.objects.filter(api_key_id=api_key.pk).count() == 1
