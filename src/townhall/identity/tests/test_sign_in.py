"""Foundation: staff sign in with a password plus a TOTP second factor (mandatory) or a recovery
code.

A wrong second factor is refused without saying which factor failed; repeated failures are throttled
and then locked out, for unknown email addresses exactly as for real ones (ADR 0003).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.core.models import AuditEntry
from townhall.identity.constants import AuditAction
from townhall.identity.models import SignInThrottle
from townhall.identity.sign_in import throttle_key
from townhall.identity.tests.factories import (
    PASSWORD,
    StaticDeviceFactory,
    UserFactory,
    current_code,
)
from townhall.identity.tests.helpers import (
    LOCKED,
    NOT_CORRECT,
    SIGN_IN,
    is_signed_in,
    main_content,
    sign_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_device_back_off(settings):
    """django-otp makes a device wait 1s, 2s, 4s… after each wrong code. These tests try a right
    code straight after a wrong one; the back-off has its own test below."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def test_password_and_authenticator_code_sign_in(client):
    user = UserFactory.create(totp=True)
    response = sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert is_signed_in(client)
    entry = AuditEntry.objects.get(action=AuditAction.SIGNED_IN)
    assert (entry.actor_id, entry.organisation_id, entry.summary) == (user.id, None, "Signed in")


def test_email_address_is_not_case_sensitive(client):
    user = UserFactory.create(totp=True, email="mixed.case@council.example")
    sign_in(client, email="Mixed.Case@Council.EXAMPLE", password=PASSWORD, code=current_code(user))
    assert is_signed_in(client)


def test_wrong_password_and_wrong_code_get_the_same_answer(client):
    user = UserFactory.create(totp=True)
    wrong_code = f"{(int(current_code(user)) + 500_000) % 1_000_000:06d}"
    wrong_password = sign_in(client, email=user.email, password="not it", code=current_code(user))
    wrong_factor = sign_in(client, email=user.email, password=PASSWORD, code=wrong_code)
    no_code = sign_in(client, email=user.email, password=PASSWORD, code="")
    unknown = sign_in(client, email=user.email.replace("staff", "nobody"), password=PASSWORD)
    assert NOT_CORRECT in wrong_password.content.decode()
    assert {r.status_code for r in (wrong_password, wrong_factor, no_code)} == {200}
    assert main_content(wrong_password) == main_content(wrong_factor) == main_content(no_code)
    assert unknown.status_code == 200
    assert NOT_CORRECT in unknown.content.decode()
    assert "<title>Error: Sign in" in wrong_factor.content.decode()
    assert not is_signed_in(client)


def test_missing_fields_are_asked_for_without_checking_anything(client):
    response = client.post(SIGN_IN, {"email": "", "password": ""})
    body = response.content.decode()
    assert "Enter your email address" in body
    assert "Enter your password" in body
    assert not SignInThrottle.objects.exists()


def test_a_recovery_code_works_once(client):
    user = UserFactory.create(totp=True)
    StaticDeviceFactory.create(user=user, codes=["abcd2345", "efgh6723"])
    sign_in(client, email=user.email, password=PASSWORD, code="abcd 2345")
    assert is_signed_in(client)
    assert AuditEntry.objects.get(action=AuditAction.SIGNED_IN).summary == (
        "Signed in with a recovery code"
    )
    client.post("/staff/sign-out/")
    again = sign_in(client, email=user.email, password=PASSWORD, code="abcd2345")
    assert NOT_CORRECT in again.content.decode()
    assert not is_signed_in(client)


def test_an_authenticator_code_works_once(client, settings):
    user = UserFactory.create(totp=True)
    code = current_code(user)
    sign_in(client, email=user.email, password=PASSWORD, code=code)
    assert is_signed_in(client)
    client.post("/staff/sign-out/")
    sign_in(client, email=user.email, password=PASSWORD, code=code)
    assert not is_signed_in(client)


def test_django_otp_backs_off_after_a_wrong_code(client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 1
    user = UserFactory.create(totp=True)
    sign_in(client, email=user.email, password=PASSWORD, code="000000")
    response = sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert NOT_CORRECT in response.content.decode()
    assert TOTPDevice.objects.get(user=user).throttling_failure_count >= 1


def test_an_account_without_an_authenticator_is_sent_to_set_one_up(client):
    user = UserFactory.create(must_change_password=True)
    response = sign_in(client, email=user.email, password=PASSWORD, code="")
    assert response.headers["Location"] == "/staff/"
    assert client.get("/staff/").headers["Location"] == "/staff/account/password/"
    assert client.get("/staff/account/").headers["Location"] == "/staff/account/password/"
    entry = AuditEntry.objects.get(action=AuditAction.SIGNED_IN)
    assert entry.changes == {"second_factor": "none"}


def test_a_wrong_password_does_not_reach_set_up_either(client):
    user = UserFactory.create()
    response = sign_in(client, email=user.email, password="wrong password")
    assert NOT_CORRECT in response.content.decode()
    assert client.get("/staff/account/authenticator/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(client):
    user = UserFactory.create(totp=True)
    page = client.get("/staff/account/")
    assert page.headers["Location"] == "/staff/sign-in/?next=/staff/account/"
    response = sign_in(
        client, email=user.email, password=PASSWORD, code=current_code(user), next="/staff/account/"
    )
    assert response.headers["Location"] == "/staff/account/"
    other = UserFactory.create(totp=True)
    response = sign_in(
        client,
        email=other.email,
        password=PASSWORD,
        code=current_code(other),
        next="https://evil.example/",
    )
    assert response.headers["Location"] == "/staff/"


def test_five_failures_lock_the_address_even_with_the_right_credentials(client):
    user = UserFactory.create(totp=True)
    answers = [sign_in(client, email=user.email, password=f"guess {n}") for n in range(5)]
    assert all(NOT_CORRECT in a.content.decode() for a in answers[:4])
    assert LOCKED in answers[4].content.decode()
    right = sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert not is_signed_in(client)
    lockout = AuditEntry.objects.get(action=AuditAction.SIGN_IN_LOCKED)
    assert user.email in lockout.summary
    assert lockout.target_id == str(user.id)


def test_an_unknown_address_is_locked_out_the_same_way(client):
    answers = [sign_in(client, email="nobody@council.example", password="x") for _ in range(6)]
    assert [LOCKED in a.content.decode() for a in answers] == [False] * 4 + [True] * 2
    assert answers[5].status_code == 429
    # The audit log does not collect the addresses people mistyped.
    lockout = AuditEntry.objects.get(action=AuditAction.SIGN_IN_LOCKED)
    assert "nobody@council.example" not in lockout.summary


def test_the_lock_ends_after_the_lockout_period(client):
    user = UserFactory.create(totp=True)
    for n in range(5):
        sign_in(client, email=user.email, password=f"guess {n}")
    past = timezone.now() - timedelta(minutes=16)
    SignInThrottle.objects.update(window_started_at=past, locked_until=past)
    sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert is_signed_in(client)


def test_success_resets_the_count_for_the_address(client):
    user = UserFactory.create(totp=True)
    for n in range(4):
        sign_in(client, email=user.email, password=f"guess {n}")
    sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert is_signed_in(client)
    assert not SignInThrottle.objects.filter(
        key=throttle_key(kind="email", value=user.email)
    ).exists()


def test_many_failures_from_one_ip_address_lock_it_for_every_address(client):
    for n in range(50):
        sign_in(client, email=f"spray{n}@council.example", password="Password1")
    user = UserFactory.create(totp=True)
    response = sign_in(client, email=user.email, password=PASSWORD, code=current_code(user))
    assert LOCKED in response.content.decode()
    elsewhere = client.post(
        SIGN_IN,
        {"email": user.email, "password": PASSWORD, "code": current_code(user)},
        REMOTE_ADDR="192.0.2.7",
    )
    assert elsewhere.status_code == 302


def test_throttle_keys_are_not_plain_email_addresses():
    key = throttle_key(kind="email", value="someone@council.example")
    assert len(key) == 64
    assert "someone" not in key
