"""Foundation: staff set up a TOTP authenticator app (QR code or typed key) and get recovery codes,
shown once; recovery codes can be replaced from the account page with a current authenticator
code."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.core.models import AuditEntry
from townhall.identity.constants import RECOVERY_CODE_COUNT, AuditAction
from townhall.identity.tests.factories import PASSWORD, UserFactory, current_code
from townhall.identity.tests.helpers import is_signed_in, sign_in

pytestmark = pytest.mark.django_db


def _key_from_page(body: str) -> bytes:
    groups = re.search(r'<code[^>]*id="authenticator-key">([A-Z2-7 ]+)</code>', body)
    assert groups, "the set-up page shows the key for typing in"
    return b32decode(groups.group(1).replace(" ", ""))


def _part_signed_in(client):
    user = UserFactory.create()
    sign_in(client, email=user.email, password=PASSWORD)
    return user


def test_set_up_page_shows_a_qr_code_and_the_key(client):
    user = _part_signed_in(client)
    body = client.get("/staff/account/authenticator/").content.decode()
    assert "<svg" in body
    assert "style=" not in body.split("<svg", 1)[1].split("</svg>", 1)[0]  # CSP: no inline styles
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert _key_from_page(body) == device.bin_key
    # Reloading shows the same key: the person may already have scanned it.
    assert _key_from_page(client.get("/staff/account/authenticator/").content.decode()) == (
        device.bin_key
    )


def test_a_wrong_code_is_refused_and_nothing_is_confirmed(client):
    user = _part_signed_in(client)
    client.get("/staff/account/authenticator/")
    response = client.post("/staff/account/authenticator/", {"code": "12345"})
    assert "The code must be 6 digits" in response.content.decode()
    key = TOTPDevice.objects.get(user=user).bin_key
    wrong = f"{(totp(key) + 1) % 1_000_000:06d}"
    response = client.post("/staff/account/authenticator/", {"code": wrong})
    assert "The code is not correct" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert not is_signed_in(client)


def test_the_right_code_confirms_and_recovery_codes_are_shown_once(client):
    user = _part_signed_in(client)
    key = _key_from_page(client.get("/staff/account/authenticator/").content.decode())
    response = client.post("/staff/account/authenticator/", {"code": f"{totp(key):06d}"})
    assert response.headers["Location"] == "/staff/account/recovery-codes/"
    page = client.get("/staff/account/recovery-codes/").content.decode()
    shown = re.findall(r"<li><code>([a-z2-7]{4} [a-z2-7]{4})</code></li>", page)
    assert len(shown) == RECOVERY_CODE_COUNT
    stored = set(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert {code.replace(" ", "") for code in shown} == stored
    assert "I have saved my recovery codes" in page
    assert client.post("/staff/account/recovery-codes/").headers["Location"] == "/staff/"
    assert client.get("/staff/account/recovery-codes/").headers["Location"] == "/staff/account/"
    assert is_signed_in(client)
    entry = AuditEntry.objects.get(action=AuditAction.AUTHENTICATOR_SET_UP)
    assert (entry.actor_id, entry.organisation_id) == (user.id, None)


def test_set_up_is_closed_once_an_authenticator_exists(staff_client):
    client = staff_client(UserFactory.create())
    assert client.get("/staff/account/authenticator/").headers["Location"] == "/staff/account/"


def test_recovery_codes_are_replaced_only_with_a_current_code(staff_client, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    user = UserFactory.create(totp=True)
    client = staff_client(user)
    account = client.get("/staff/account/").content.decode()
    assert "Recovery codes left" in account
    refused = client.post("/staff/account/recovery-codes/regenerate/", {"code": "000000"})
    assert refused.status_code == 200
    assert "The code is not correct" in refused.content.decode()
    assert not StaticToken.objects.filter(device__user=user).exists()
    response = client.post(
        "/staff/account/recovery-codes/regenerate/", {"code": current_code(user)}
    )
    assert response.headers["Location"] == "/staff/account/recovery-codes/"
    assert StaticToken.objects.filter(device__user=user).count() == RECOVERY_CODE_COUNT
    assert (
        "Your old recovery codes no longer work"
        in client.get("/staff/account/recovery-codes/").content.decode()
    )
    entry = AuditEntry.objects.get(action=AuditAction.RECOVERY_CODES_REGENERATED)
    assert entry.actor_id == user.id
