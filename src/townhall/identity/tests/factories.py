"""Factories for staff accounts, authenticators and invitations. Each test builds what it needs.

Call `.create(...)` rather than the class itself: factory_boy types `create` (it returns the model),
so mypy checks the tests that use it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from factory.declarations import (
    LazyAttribute,
    LazyFunction,
    RelatedFactory,
    Sequence,
    SubFactory,
    Trait,
)
from factory.django import DjangoModelFactory, Password
from factory.helpers import post_generation

from townhall.identity.constants import ApiKeyScope
from townhall.identity.models import ApiKey, Invitation, User
from townhall.tenancy.constants import Role

PASSWORD = "correct horse battery staple"


class UserFactory(DjangoModelFactory[User]):
    """A member of staff with the password `PASSWORD`.

    `UserFactory.create(totp=True)` has an authenticator app (its code: `current_code(user)`);
    `UserFactory.create(platform_operator=True)` runs the platform and is in no organisation.
    """

    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = Sequence(lambda n: f"staff{n}@council.example")
    full_name = Sequence(lambda n: f"Staff Member {n}")
    password = Password(PASSWORD)

    class Params:
        totp = Trait(
            authenticator=RelatedFactory(
                "townhall.identity.tests.factories.TOTPDeviceFactory", factory_related_name="user"
            )
        )
        platform_operator = Trait(is_platform_operator=True, is_staff=True, is_superuser=True)


class TOTPDeviceFactory(DjangoModelFactory[TOTPDevice]):
    class Meta:
        model = TOTPDevice

    user = SubFactory(UserFactory)
    name = "Authenticator app"
    confirmed = True


class StaticDeviceFactory(DjangoModelFactory[StaticDevice]):
    """Recovery codes: `StaticDeviceFactory.create(user=user, codes=["abcd2345"])`."""

    class Meta:
        model = StaticDevice
        skip_postgeneration_save = True

    user = SubFactory(UserFactory)
    name = "Recovery codes"
    confirmed = True

    @post_generation  # type: ignore[untyped-decorator]
    def codes(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        for code in extracted or []:
            StaticToken.objects.create(device=self, token=code)


class InvitationFactory(DjangoModelFactory[Invitation]):
    """`InvitationFactory.create(token="abc")`: its link is /staff/invitations/abc/. Traits:
    expired, revoked, accepted."""

    class Meta:
        model = Invitation

    class Params:
        token = Sequence(lambda n: f"test-invitation-token-{n}")
        expired = Trait(expires_at=LazyFunction(lambda: timezone.now() - timedelta(hours=1)))
        revoked = Trait(revoked_at=LazyFunction(timezone.now))
        accepted = Trait(accepted_at=LazyFunction(timezone.now))

    organisation = SubFactory("townhall.tenancy.tests.factories.OrganisationFactory")
    email = Sequence(lambda n: f"invitee{n}@council.example")
    role = Role.CASEWORKER
    invited_by = None
    token_hash = LazyAttribute(lambda o: Invitation.hash_token(o.token))
    expires_at = LazyFunction(lambda: timezone.now() + timedelta(days=7))


class ApiKeyFactory(DjangoModelFactory[ApiKey]):
    """`ApiKeyFactory.create(raw_key="th_abcdefgh_...")`: an organisation's read-only API key.
    Use `api_key_create` when the test needs the key exactly as staff get it. Traits: write,
    expired, revoked."""

    class Meta:
        model = ApiKey

    class Params:
        raw_key = Sequence(lambda n: f"th_test{n:04d}_" + "s" * 43)
        write = Trait(scope=ApiKeyScope.WRITE)
        expired = Trait(expires_at=LazyFunction(lambda: timezone.now() - timedelta(minutes=1)))
        revoked = Trait(revoked_at=LazyFunction(timezone.now))

    organisation = SubFactory("townhall.tenancy.tests.factories.OrganisationFactory")
    name = Sequence(lambda n: f"Case system {n}")
    prefix = LazyAttribute(lambda o: ApiKey.prefix_of(o.raw_key))
    key_hash = LazyAttribute(lambda o: ApiKey.hash_key(o.raw_key))
    scope = ApiKeyScope.READ
    expires_at = LazyFunction(lambda: timezone.now() + timedelta(days=90))
    created_by = None


def current_code(user: User) -> str:
    """The code the user's authenticator app shows now (django-otp's own TOTP implementation)."""
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
