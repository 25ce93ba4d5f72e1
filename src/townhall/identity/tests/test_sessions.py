"""Foundation: staff sessions expire (idle timeout), sign out works, and "sign out everywhere" ends
every session of the user; a one-time password must be replaced before anything else."""

from __future__ import annotations

import time

import pytest
from django.conf import settings as django_settings
from django.test import Client

from townhall.core.models import AuditEntry
from townhall.identity.constants import AuditAction
from townhall.identity.tests.factories import (
    PASSWORD,
    TOTPDeviceFactory,
    UserFactory,
    current_code,
)
from townhall.identity.tests.helpers import is_signed_in, sign_in

pytestmark = pytest.mark.django_db


def test_sign_out_needs_a_post_and_ends_the_session(staff_client):
    client = staff_client(UserFactory.create())
    confirm = client.get("/staff/sign-out/")
    assert confirm.status_code == 200
    assert is_signed_in(client)
    response = client.post("/staff/sign-out/")
    assert response.headers["Location"] == "/staff/sign-in/"
    assert "You have signed out" in client.get("/staff/sign-in/").content.decode()
    assert not is_signed_in(client)


def test_sign_out_everywhere_ends_every_session_of_the_user(staff_client):
    user = UserFactory.create()
    laptop, phone = staff_client(user), staff_client(user)
    someone_else = staff_client(UserFactory.create())
    response = laptop.post("/staff/account/sign-out-everywhere/")
    assert response.headers["Location"] == "/staff/sign-in/"
    assert "You have signed out on every device" in laptop.get("/staff/sign-in/").content.decode()
    assert phone.get("/staff/").headers["Location"].startswith("/staff/sign-in/")
    assert not is_signed_in(laptop)
    assert is_signed_in(someone_else)
    entry = AuditEntry.objects.get(action=AuditAction.SIGNED_OUT_EVERYWHERE)
    assert (entry.actor_id, entry.organisation_id) == (user.id, None)


def test_sign_out_everywhere_needs_a_post(staff_client):
    client = staff_client(UserFactory.create())
    assert client.get("/staff/account/sign-out-everywhere/").status_code == 405
    assert is_signed_in(client)


def test_an_idle_session_is_signed_out_with_a_message(staff_client):
    client = staff_client(UserFactory.create())
    assert is_signed_in(client)
    session = client.session
    session["townhall_last_seen"] = (
        int(time.time()) - django_settings.TOWNHALL_STAFF_IDLE_SECONDS - 5
    )
    session.save()
    response = client.get("/staff/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/sign-in/")
    assert "You were signed out because you were inactive" in response.content.decode()
    assert not is_signed_in(client)


def test_an_active_session_is_kept(staff_client):
    client = staff_client(UserFactory.create())
    session = client.session
    session["townhall_last_seen"] = int(time.time()) - 60
    session.save()
    assert is_signed_in(client)


def test_a_session_has_a_maximum_age(client):
    user = UserFactory.create(totp=True)
    response = sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert response.cookies["sessionid"]["max-age"] == django_settings.SESSION_COOKIE_AGE
    assert client.session.get_expiry_age() <= 8 * 60 * 60


def test_a_one_time_password_must_be_replaced_first(client):
    user = UserFactory.create(must_change_password=True)
    sign_in(client, email=user.email, password=PASSWORD)
    assert client.get("/staff/account/authenticator/").headers["Location"] == (
        "/staff/account/password/"
    )
    page = client.get("/staff/account/password/").content.decode()
    assert "Current password" not in page
    weak = client.post(
        "/staff/account/password/", {"new_password": "password", "new_password_again": "password"}
    )
    assert "This password is too short" in weak.content.decode()
    assert "<title>Error: Choose a new password" in weak.content.decode()
    mismatch = client.post(
        "/staff/account/password/",
        {"new_password": "a long new passphrase", "new_password_again": "a long new passphrasf"},
    )
    assert "The passwords do not match" in mismatch.content.decode()
    response = client.post(
        "/staff/account/password/",
        {"new_password": "a long new passphrase", "new_password_again": "a long new passphrase"},
    )
    assert response.headers["Location"] == "/staff/account/authenticator/"
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password("a long new passphrase")
    assert client.get("/staff/account/authenticator/").status_code == 200
    entry = AuditEntry.objects.get(action=AuditAction.PASSWORD_CHANGED)
    assert entry.actor_id == user.id


def test_a_signed_in_user_changes_password_with_the_current_one(staff_client):
    user = UserFactory.create()
    client, other_session = staff_client(user), staff_client(user)
    wrong = client.post(
        "/staff/account/password/",
        {
            "current_password": "not it",
            "new_password": "a long new passphrase",
            "new_password_again": "a long new passphrase",
        },
    )
    assert "Your current password is not correct" in wrong.content.decode()
    response = client.post(
        "/staff/account/password/",
        {
            "current_password": PASSWORD,
            "new_password": "a long new passphrase",
            "new_password_again": "a long new passphrase",
        },
    )
    assert response.headers["Location"] == "/staff/account/"
    assert is_signed_in(client)
    assert not is_signed_in(other_session)


def test_a_password_only_session_ends_once_the_account_has_an_authenticator():
    """A second browser left at the set-up page cannot carry on after set-up finished elsewhere."""
    user = UserFactory.create()
    browser = Client()
    sign_in(browser, email=user.email, password=PASSWORD)
    assert browser.get("/staff/account/authenticator/").status_code == 200
    TOTPDeviceFactory.create(user=user)
    response = browser.get("/staff/account/authenticator/")
    assert response.headers["Location"].startswith("/staff/sign-in/")
    assert "_auth_user_id" not in browser.session
