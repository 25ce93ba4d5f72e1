"""Foundation: every staff URL refuses a user of another organisation and each role without the
right.

The list of URLs comes from the URL resolver, so a new staff URL fails
`test_every_staff_url_is_classified` until it is added to the table below with what it requires.
Non-members (another organisation's admin, a platform operator) get 404, never 403: staff pages do
not reveal which organisations exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from townhall.identity.models import User
from townhall.identity.tests.factories import (
    PASSWORD,
    ApiKeyFactory,
    InvitationFactory,
    UserFactory,
)
from townhall.identity.tests.helpers import sign_in
from townhall.tenancy.constants import ROLE_PERMISSIONS, Permission, Role
from townhall.tenancy.models import Membership, Organisation
from townhall.tenancy.tests.factories import MembershipFactory, OrganisationFactory

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

# Open to anyone: the way in, the way out and the emailed invitation link.
PUBLIC = {"sign-in", "sign-out", "invitation-accept"}
# Need a full sign-in (password and second factor).
SIGNED_IN = {
    "home",
    "account",
    "recovery-codes",
    "recovery-codes-regenerate",
    "sign-out-everywhere",
}
# The set-up journey: also open after the password alone, while the account has no authenticator.
SET_UP = {"password-change", "authenticator-setup"}
# An organisation's pages and the permission each needs.
ORGANISATION: dict[str, Permission] = {
    "organisation": Permission.VIEW_ORGANISATION,
    "team": Permission.VIEW_TEAM,
    "team-invite": Permission.MANAGE_TEAM,
    "team-member": Permission.MANAGE_TEAM,
    "invitation-revoke": Permission.MANAGE_TEAM,
    "audit": Permission.VIEW_AUDIT_LOG,
    "api-keys": Permission.MANAGE_API_KEYS,
    "api-key-create": Permission.MANAGE_API_KEYS,
    "api-key-revoke": Permission.MANAGE_API_KEYS,
}
POST_ONLY = {"sign-out-everywhere", "recovery-codes-regenerate", "invitation-revoke"}
ACTORS = ["anonymous", "other-organisations-admin", "platform-operator", *Role.values]


def _identity_url_names() -> set[str]:
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and pattern.namespace == "identity":
            return {p.name for p in pattern.url_patterns if isinstance(p, URLPattern) and p.name}
    raise AssertionError("The identity URLs are not mounted")


def test_every_staff_url_is_classified():
    classified = PUBLIC | SIGNED_IN | SET_UP | set(ORGANISATION)
    names = _identity_url_names()
    assert names - classified == set(), "classify these new staff URLs in test_access.py"
    assert classified - names == set(), "these classified URLs no longer exist"


@dataclass
class World:
    organisation: Organisation
    target: Membership
    invitation_id: str
    api_key_id: str = ""

    def url(self, name: str) -> str:
        extra: dict[str, dict[str, object]] = {
            "team-member": {"membership_id": self.target.pk},
            "invitation-revoke": {"invitation_id": self.invitation_id},
            "api-key-revoke": {"api_key_id": self.api_key_id or uuid.uuid4()},
        }
        kwargs = extra.get(name, {})
        return reverse(f"identity:{name}", kwargs={"org_slug": self.organisation.slug, **kwargs})


@pytest.fixture
def world(db) -> World:
    organisation = OrganisationFactory.create()
    return World(
        organisation=organisation,
        target=MembershipFactory.create(organisation=organisation, role=Role.VIEWER),
        invitation_id=str(InvitationFactory.create(organisation=organisation).pk),
        api_key_id=str(ApiKeyFactory.create(organisation=organisation).pk),
    )


def _client_for(actor: str, world: World, staff_client: Callable[[User], Client]) -> Client:
    if actor == "anonymous":
        return Client()
    if actor == "other-organisations-admin":
        return staff_client(MembershipFactory.create(role=Role.ADMIN).user)
    if actor == "platform-operator":
        return staff_client(UserFactory.create(platform_operator=True))
    return staff_client(MembershipFactory.create(organisation=world.organisation, role=actor).user)


def _request(client: Client, name: str, url: str) -> Response:
    return client.post(url) if name in POST_ONLY else client.get(url)


def _sent_to_sign_in(response: Response) -> bool:
    return response.status_code == 302 and str(response.headers["Location"]).startswith(
        "/staff/sign-in/?next="
    )


def _allowed(response: Response) -> bool:
    return response.status_code in {200, 302} and not _sent_to_sign_in(response)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name", sorted(ORGANISATION))
def test_organisation_urls(name, actor, world, staff_client):
    response = _request(_client_for(actor, world, staff_client), name, world.url(name))
    if actor == "anonymous":
        assert _sent_to_sign_in(response)
    elif actor in {"other-organisations-admin", "platform-operator"}:
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()
    elif ORGANISATION[name] in ROLE_PERMISSIONS[actor]:
        assert _allowed(response), (response.status_code, response.headers.get("Location"))
    else:
        assert response.status_code == 403
        assert "You do not have permission to see this page" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNED_IN | SET_UP))
def test_user_urls_send_anonymous_visitors_to_sign_in(name, client):
    assert _sent_to_sign_in(_request(client, name, reverse(f"identity:{name}")))


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SIGNED_IN))
def test_user_urls_are_open_to_any_signed_in_member_of_staff(name, staff_client):
    response = _request(staff_client(UserFactory.create()), name, reverse(f"identity:{name}"))
    assert _allowed(response)


@pytest.mark.django_db
def test_a_password_only_session_reaches_nothing_but_set_up(client):
    """Password right, no authenticator yet (a new account): only the set-up journey opens."""
    member = MembershipFactory.create(role=Role.ADMIN)
    sign_in(client, email=member.user.email, password=PASSWORD)
    for name in sorted(SIGNED_IN - POST_ONLY):
        response = client.get(reverse(f"identity:{name}"))
        assert response.headers["Location"] == "/staff/account/authenticator/", name
    for name in sorted(ORGANISATION):
        response = _request(
            client, name, World(member.organisation, member, str(uuid.uuid4())).url(name)
        )
        assert response.headers["Location"] == "/staff/account/authenticator/", name
    for name in sorted(SET_UP):
        assert client.get(reverse(f"identity:{name}")).status_code == 200, name


@pytest.mark.django_db
def test_public_urls_need_no_sign_in(client):
    InvitationFactory.create(token="public-token")
    assert client.get(reverse("identity:sign-in")).status_code == 200
    assert (
        client.get(reverse("identity:invitation-accept", args=["public-token"])).status_code == 200
    )
    assert client.post(reverse("identity:sign-out")).status_code == 302


@pytest.mark.django_db
def test_an_organisation_that_does_not_exist_looks_like_one_you_do_not_belong_to(staff_client):
    client = staff_client(MembershipFactory.create(role=Role.ADMIN).user)
    hidden = OrganisationFactory.create()
    assert client.get(f"/staff/{hidden.slug}/").status_code == 404
    assert client.get("/staff/no-such-organisation/").status_code == 404
