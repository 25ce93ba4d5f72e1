"""Foundation: `townhall demo` creates a demo council administrator and prints the sign-in address
and a one-time password; running it again keeps existing data and duplicates nothing."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command

from townhall.identity.models import User
from townhall.identity.tests.factories import TOTPDeviceFactory
from townhall.identity.tests.helpers import sign_in
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Membership, Organisation

pytestmark = pytest.mark.django_db


def _demo() -> str:
    out = StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def _one_time_password(output: str) -> str:
    match = re.search(r"One-time password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_demo_twice_creates_one_council_and_one_admin(settings):
    settings.TOWNHALL_BASE_URL = "http://127.0.0.1:8000"
    first, second = _demo(), _demo()
    assert Organisation.objects.count() == 1
    organisation = Organisation.objects.get()
    assert (organisation.slug, organisation.register_key, organisation.is_demo) == (
        "demo",
        "demo:townhall",
        True,
    )
    assert organisation.official_name == "Demo Borough Council"
    assert User.objects.count() == 1
    membership = Membership.objects.get()
    assert (membership.user.email, membership.role) == ("admin@demo.townhall.example", Role.ADMIN)
    for output in (first, second):
        assert "http://127.0.0.1:8000/staff/sign-in/" in output
        assert "admin@demo.townhall.example" in output
        assert "choose your own password and set up an authenticator app" in output
    # Only the latest one-time password works: the earlier one was replaced.
    admin = membership.user
    assert admin.must_change_password
    assert admin.check_password(_one_time_password(second))
    assert not admin.check_password(_one_time_password(first))


def test_the_printed_password_signs_in_to_choose_a_password(client):
    password = _one_time_password(_demo())
    sign_in(client, email="admin@demo.townhall.example", password=password)
    assert client.get("/staff/").headers["Location"] == "/staff/account/password/"


def test_once_the_admin_has_an_authenticator_their_password_is_left_alone():
    _demo()
    admin = User.objects.get()
    admin.set_password("their own passphrase")
    admin.must_change_password = False
    admin.save()
    TOTPDeviceFactory.create(user=admin)
    output = _demo()
    assert "One-time password" not in output
    assert "Use the password you chose" in output
    admin.refresh_from_db()
    assert admin.check_password("their own passphrase")
    assert Organisation.objects.count() == 1
