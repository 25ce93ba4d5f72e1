"""Foundation: platform operators are separate from organisations and must pass TOTP to use the
platform console (/platform/), through the same sign-in page as staff."""

from __future__ import annotations

from unittest import mock

import pytest
from django.contrib.admin import AdminSite

from townhall.identity.checks import check_platform_console_needs_second_factor
from townhall.identity.platform import PlatformAdminSite
from townhall.identity.tests.factories import PASSWORD, UserFactory
from townhall.identity.tests.helpers import sign_in
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.identity.tests.platform_urls")]


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client):
    response = client.get("/platform/", follow=True)
    assert response.redirect_chain[-1][0] == "/staff/sign-in/?next=/platform/"


def test_an_operator_with_both_factors_gets_in(staff_client):
    operator = UserFactory.create(platform_operator=True)
    assert staff_client(operator).get("/platform/").status_code == 200


def test_an_operator_with_only_a_password_does_not(client):
    operator = UserFactory.create(platform_operator=True)
    sign_in(client, email=operator.email, password=PASSWORD)
    response = client.get("/platform/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/staff/")
    assert "Set up an authenticator app" in response.content.decode()


def test_an_organisation_admin_is_refused(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    response = staff_client(admin.user).get("/platform/", follow=True)
    assert response.status_code == 403


def test_the_system_check_wants_the_platform_site():
    with mock.patch("django.contrib.admin.site", AdminSite()):
        [warning] = check_platform_console_needs_second_factor()
    assert warning.id == "identity.W001"
    with mock.patch("django.contrib.admin.site", PlatformAdminSite()):
        assert check_platform_console_needs_second_factor() == []
