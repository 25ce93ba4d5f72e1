"""Issue 6, API keys in the staff pages: an organisation's admins create keys (shown once, stored
only as a SHA-256 hash, shaped `th_XXXXXXXX_<secret>` for secret scanners), with a scope and an
expiry, list them with their last use, and revoke them; each change is audited. Nobody else
reaches the pages: another organisation's admin gets 404, other roles 403.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from townhall.core.models import AuditEntry
from townhall.identity.actions import api_key_create, api_key_revoke
from townhall.identity.constants import ApiKeyScope, AuditAction
from townhall.identity.models import ApiKey
from townhall.identity.queries import api_key_authenticate
from townhall.identity.tests.factories import ApiKeyFactory, UserFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Membership
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

# What secret scanners match (the regex given to GitHub secret scanning and the like).
KEY_SHAPE = re.compile(r"th_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}")


def _urls(membership: Membership) -> tuple[str, str]:
    base = f"/staff/{membership.organisation.slug}/api-keys/"
    return base, f"{base}new/"


@pytest.fixture
def admin() -> Membership:
    return MembershipFactory.create(role=Role.ADMIN)


def _create(client, membership: Membership, **data: str):
    form = {"name": "Case management system", "scope": "write", "expiry": "90", **data}
    return client.post(_urls(membership)[1], form)


# --- Creating: shown once, stored as a hash -------------------------------------------------------


def test_an_admin_creates_a_key_and_sees_it_once(admin, staff_client):
    client = staff_client(admin.user)
    response = _create(client, admin)
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    raw_key = KEY_SHAPE.search(body)
    assert raw_key is not None
    raw = raw_key.group(0)
    assert KEY_SHAPE.fullmatch(raw)
    assert "You will not be able to see it again" in body

    api_key = ApiKey.objects.get(organisation=admin.organisation)
    assert api_key.name == "Case management system"
    assert api_key.scope == ApiKeyScope.WRITE
    assert raw.startswith(api_key.prefix + "_")
    assert api_key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert api_key.created_by == admin.user
    assert api_key.created_by_email == admin.user.email
    expected = timezone.now() + timedelta(days=90)
    assert abs((api_key.expires_at - expected).total_seconds()) < 60

    # Never again: not in the list, and nowhere in the database.
    listing = client.get(_urls(admin)[0]).content.decode()
    assert api_key.prefix in listing
    assert raw not in listing
    assert KEY_SHAPE.search(listing) is None
    _assert_nowhere_in_the_database(raw)


def _assert_nowhere_in_the_database(raw_key: str) -> None:
    """Every text column of the key and audit tables, read raw (not through the models)."""
    secret = raw_key.rsplit("_", 1)[1]
    with connection.cursor() as cursor:
        for table in (ApiKey._meta.db_table, AuditEntry._meta.db_table):
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 - table names from models
            for row in cursor.fetchall():
                for value in row:
                    assert secret not in str(value), table


def test_creating_a_key_is_audited_without_the_key(admin):
    api_key, raw_key = api_key_create(
        organisation=admin.organisation,
        name="Reporting",
        scope=ApiKeyScope.READ,
        expires_at=timezone.now() + timedelta(days=30),
        actor=admin.user,
    )
    entry = AuditEntry.objects.get(action=AuditAction.API_KEY_CREATED)
    assert (entry.actor_id, entry.organisation_id) == (admin.user.id, admin.organisation.id)
    assert entry.target_id == str(api_key.pk)
    assert entry.summary == f"Created the API key Reporting ({api_key.prefix}, read only)"
    assert entry.changes["scope"] == "read"
    assert raw_key.rsplit("_", 1)[1] not in str(entry.changes)


def test_every_key_is_different(admin):
    keys = {
        api_key_create(
            organisation=admin.organisation,
            name=f"Key {n}",
            scope=ApiKeyScope.READ,
            expires_at=timezone.now() + timedelta(days=1),
            actor=admin.user,
        )[1]
        for n in range(5)
    }
    assert len(keys) == 5
    assert all(KEY_SHAPE.fullmatch(key) for key in keys)


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"name": ""}, "Enter a name for the key"),
        ({"scope": ""}, "Select what the key may do"),
        ({"expiry": ""}, "Select when the key expires"),
        ({"expiry": "date"}, "Enter the date the key expires"),
        (
            {"expiry": "date", "expires_day": "31", "expires_month": "2", "expires_year": "2030"},
            "The expiry date must be a real date",
        ),
        (
            {"expiry": "date", "expires_day": "1", "expires_month": "1", "expires_year": "2020"},
            "The expiry date must be today or in the future",
        ),
        (
            {"expiry": "date", "expires_day": "1", "expires_month": "1", "expires_year": "2099"},
            "The expiry date must be within 365 days",
        ),
    ],
)
def test_the_form_explains_what_to_correct(admin, staff_client, data, error):
    response = _create(staff_client(admin.user), admin, **data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert error in body
    assert not ApiKey.objects.exists()


def test_a_key_can_expire_on_a_chosen_date(admin, staff_client):
    day = timezone.localdate() + timedelta(days=10)
    _create(
        staff_client(admin.user),
        admin,
        expiry="date",
        expires_day=str(day.day),
        expires_month=str(day.month),
        expires_year=str(day.year),
    )
    api_key = ApiKey.objects.get()
    # It works until the end of that day, UK time.
    assert timezone.localtime(api_key.expires_at).date() == day + timedelta(days=1)
    assert timezone.localtime(api_key.expires_at).hour == 0


# --- Listing and revoking ------------------------------------------------------------------------


def test_the_list_shows_each_key_with_its_state(admin, staff_client):
    ApiKeyFactory.create(organisation=admin.organisation, name="Live one")
    ApiKeyFactory.create(organisation=admin.organisation, name="Old one", expired=True)
    ApiKeyFactory.create(organisation=admin.organisation, name="Gone one", revoked=True)
    ApiKeyFactory.create(name="Somebody else's")
    body = staff_client(admin.user).get(_urls(admin)[0]).content.decode()
    assert "Live one" in body
    assert "Old one" in body
    assert "Gone one" in body
    assert "Somebody else's" not in body
    assert "Expired" in body
    assert "Revoked" in body
    assert "Never" in body  # not used yet
    assert body.count(">Revoke<") == 1  # only the usable key can be revoked


def test_an_admin_revokes_a_key_after_confirming(admin, staff_client):
    api_key, raw_key = api_key_create(
        organisation=admin.organisation,
        name="Old system",
        scope=ApiKeyScope.READ,
        expires_at=timezone.now() + timedelta(days=30),
        actor=admin.user,
    )
    client = staff_client(admin.user)
    url = f"{_urls(admin)[0]}{api_key.pk}/revoke/"
    confirmation = client.get(url).content.decode()
    assert "Are you sure you want to revoke the API key Old system?" in confirmation
    assert api_key_authenticate(raw_key=raw_key) == api_key

    response = client.post(url)
    assert response.headers["Location"] == _urls(admin)[0]
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api_key_authenticate(raw_key=raw_key) is None
    entry = AuditEntry.objects.get(action=AuditAction.API_KEY_REVOKED)
    assert (entry.actor_id, entry.organisation_id) == (admin.user.id, admin.organisation.id)
    assert entry.summary == f"Revoked the API key Old system ({api_key.prefix})"
    # A second revocation changes nothing and writes nothing.
    client.post(url)
    assert AuditEntry.objects.filter(action=AuditAction.API_KEY_REVOKED).count() == 1


def test_revoking_twice_is_harmless(admin):
    api_key = ApiKeyFactory.create(organisation=admin.organisation)
    assert api_key_revoke(api_key=api_key, actor=admin.user) is True
    assert api_key_revoke(api_key=api_key, actor=admin.user) is False


# --- Who may -------------------------------------------------------------------------------------


def test_another_organisations_admin_cannot_see_or_revoke_a_key(admin, staff_client):
    api_key = ApiKeyFactory.create(organisation=admin.organisation)
    other = MembershipFactory.create(role=Role.ADMIN)
    client = staff_client(other.user)
    base, new = _urls(admin)
    assert client.get(base).status_code == 404
    assert client.post(new, {"name": "x", "scope": "write", "expiry": "30"}).status_code == 404
    assert client.post(f"{base}{api_key.pk}/revoke/").status_code == 404
    # Nor through their own organisation's address.
    assert client.post(f"{_urls(other)[0]}{api_key.pk}/revoke/").status_code == 404
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert not ApiKey.objects.filter(organisation=other.organisation).exists()


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CASEWORKER, Role.VIEWER])
def test_only_admins_manage_keys(admin, staff_client, role):
    api_key = ApiKeyFactory.create(organisation=admin.organisation)
    member = MembershipFactory.create(organisation=admin.organisation, role=role)
    client = staff_client(member.user)
    base, new = _urls(admin)
    assert client.get(base).status_code == 403
    assert client.post(new, {"name": "x", "scope": "write", "expiry": "30"}).status_code == 403
    assert client.post(f"{base}{api_key.pk}/revoke/").status_code == 403
    assert "API keys" not in client.get(f"/staff/{admin.organisation.slug}/").content.decode()
    assert ApiKey.objects.count() == 1
    api_key.refresh_from_db()
    assert api_key.revoked_at is None


def test_admins_find_the_keys_in_the_navigation(admin, staff_client):
    body = staff_client(admin.user).get(f"/staff/{admin.organisation.slug}/").content.decode()
    assert f'href="/staff/{admin.organisation.slug}/api-keys/"' in body


# --- Checking a key -----------------------------------------------------------------------------


def test_a_key_is_checked_by_its_whole_value(admin):
    api_key, raw_key = api_key_create(
        organisation=admin.organisation,
        name="Checked",
        scope=ApiKeyScope.READ,
        expires_at=timezone.now() + timedelta(days=1),
        actor=UserFactory.create(),
    )
    assert api_key_authenticate(raw_key=raw_key) == api_key
    assert api_key_authenticate(raw_key=raw_key[:-1] + ("A" if raw_key[-1] != "A" else "B")) is None
    assert api_key_authenticate(raw_key=api_key.prefix) is None
    assert api_key_authenticate(raw_key="") is None
    assert api_key_authenticate(raw_key=raw_key.upper()) is None
