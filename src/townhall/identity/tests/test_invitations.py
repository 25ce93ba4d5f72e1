"""Foundation: organisation admins invite staff by email (a real SMTP server receives it);
invitations are single-use and expire; expired, withdrawn and used invitations are refused with a
clear page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from townhall.core.models import AuditEntry
from townhall.identity.actions import (
    InvitationNotUsableError,
    invitation_accept,
    invitation_create,
)
from townhall.identity.constants import AuditAction
from townhall.identity.models import Invitation, User
from townhall.identity.tests.factories import InvitationFactory, UserFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Membership
from townhall.tenancy.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long new passphrase"


def _link(message) -> str:
    match = re.search(r"https?://\S+/staff/invitations/[\w-]+/", message.get_content())
    assert match, message.get_content()
    return match.group(0)


def test_an_admin_invites_by_email_through_smtp(
    staff_client, smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.TOWNHALL_BASE_URL = "https://townhall.example"
    admin = MembershipFactory.create(role=Role.ADMIN, user__full_name="Ada Admin")
    client = staff_client(admin.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/staff/{admin.organisation.slug}/team/invite/",
            {"email": "New.Person@Council.example", "role": Role.EDITOR},
        )
    assert response.headers["Location"] == f"/staff/{admin.organisation.slug}/team/"
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "new.person@council.example"
    assert message["Subject"] == f"You have been invited to join {admin.organisation} on Townhall"
    body = message.get_content()
    assert (
        f"Ada Admin has invited you to join {admin.organisation} on Townhall as an editor." in body
    )
    link = _link(message)
    assert link.startswith("https://townhall.example/staff/invitations/")
    invitation = Invitation.objects.get()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert token not in invitation.token_hash
    assert invitation.token_hash == Invitation.hash_token(token)
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    entry = AuditEntry.objects.get(action=AuditAction.INVITATION_CREATED)
    assert (entry.actor_id, entry.organisation_id) == (admin.user.id, admin.organisation.id)
    assert entry.summary == "Invited new.person@council.example to join as Editor"
    team = client.get(f"/staff/{admin.organisation.slug}/team/").content.decode()
    assert "Invitation sent to new.person@council.example" in team
    assert "new.person@council.example" in team


def test_inviting_an_existing_member_is_a_form_error(staff_client, mailoutbox):
    admin = MembershipFactory.create(role=Role.ADMIN)
    member = MembershipFactory.create(organisation=admin.organisation)
    response = staff_client(admin.user).post(
        f"/staff/{admin.organisation.slug}/team/invite/",
        {"email": member.user.email.upper(), "role": Role.VIEWER},
    )
    assert response.status_code == 200
    assert f"{member.user.email} is already a member of" in response.content.decode()
    assert not Invitation.objects.exists()


def test_a_platform_operator_cannot_be_invited(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    operator = UserFactory.create(platform_operator=True)
    response = staff_client(admin.user).post(
        f"/staff/{admin.organisation.slug}/team/invite/",
        {"email": operator.email, "role": Role.ADMIN},
    )
    assert "platform operator" in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_invitation_form_asks_for_what_is_missing(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    response = staff_client(admin.user).post(f"/staff/{admin.organisation.slug}/team/invite/", {})
    body = response.content.decode()
    assert "Enter the email address of the person you want to invite" in body
    assert "Select a role" in body
    assert "<title>Error: Invite someone" in body


def test_a_new_person_accepts_sets_a_password_and_goes_to_set_up(client):
    invitation = InvitationFactory.create(token="tok-new", role=Role.EDITOR)
    page = client.get("/staff/invitations/tok-new/")
    assert page.status_code == 200
    assert "Create your account" in page.content.decode()
    weak = client.post(
        "/staff/invitations/tok-new/",
        {"full_name": "Nia", "new_password": "short", "new_password_again": "short"},
    )
    assert "This password is too short" in weak.content.decode()
    response = client.post(
        "/staff/invitations/tok-new/",
        {
            "full_name": "Nia Jones",
            "new_password": NEW_PASSWORD,
            "new_password_again": NEW_PASSWORD,
        },
    )
    assert response.headers["Location"] == "/staff/account/authenticator/"
    user = User.objects.get(email=invitation.email)
    assert user.full_name == "Nia Jones"
    assert Membership.objects.get(user=user).role == Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    # Until the authenticator is set up, the organisation's pages stay closed.
    dashboard = client.get(f"/staff/{invitation.organisation.slug}/")
    assert dashboard.headers["Location"] == "/staff/account/authenticator/"
    entry = AuditEntry.objects.get(action=AuditAction.INVITATION_ACCEPTED)
    assert (entry.actor_id, entry.organisation_id) == (user.id, invitation.organisation_id)


@pytest.mark.parametrize(
    ("trait", "status", "message"),
    [
        ("expired", 410, "This invitation has expired"),
        ("revoked", 410, "This invitation has been withdrawn"),
        ("accepted", 410, "This invitation has already been used"),
    ],
)
def test_unusable_invitations_are_refused(client, trait, status, message):
    InvitationFactory.create(token="tok-x", **{trait: True})
    for response in (
        client.get("/staff/invitations/tok-x/"),
        client.post(
            "/staff/invitations/tok-x/",
            {"full_name": "X", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD},
        ),
    ):
        assert response.status_code == status
        body = response.content.decode()
        assert message in body
        if trait != "accepted":
            assert "Ask your organisation&#39;s admin to invite you again." in body
    assert not User.objects.exists()


def test_an_unknown_token_is_not_found(client):
    response = client.get("/staff/invitations/no-such-token/")
    assert response.status_code == 404
    assert "This invitation link is not valid" in response.content.decode()


def test_an_invitation_works_once():
    invitation = InvitationFactory.create()
    first, second = UserFactory.create(email=invitation.email), UserFactory.create()
    invitation_accept(invitation=invitation, user=first)
    with pytest.raises(InvitationNotUsableError):
        invitation_accept(invitation=invitation, user=second)
    assert not Membership.objects.filter(user=second).exists()


def test_the_second_use_of_a_link_is_refused(client):
    InvitationFactory.create(token="tok-once")
    data = {"full_name": "A", "new_password": NEW_PASSWORD, "new_password_again": NEW_PASSWORD}
    client.post("/staff/invitations/tok-once/", data)
    again = Client().get("/staff/invitations/tok-once/")
    assert again.status_code == 410
    assert User.objects.count() == 1


def test_an_existing_user_must_be_signed_in_as_the_invited_address(client, staff_client):
    existing = UserFactory.create()
    invitation = InvitationFactory.create(
        token="tok-existing", email=existing.email, role=Role.VIEWER
    )
    page = client.get("/staff/invitations/tok-existing/").content.decode()
    assert "Sign in as" in page
    assert "/staff/sign-in/?next=%2Fstaff%2Finvitations%2Ftok-existing%2F" in page
    someone_else = staff_client(UserFactory.create())
    other = someone_else.post("/staff/invitations/tok-existing/").content.decode()
    assert "you are signed in as" in other
    assert not Membership.objects.exists()
    right = staff_client(existing)
    assert "Join" in right.get("/staff/invitations/tok-existing/").content.decode()
    response = right.post("/staff/invitations/tok-existing/")
    assert response.headers["Location"] == f"/staff/{invitation.organisation.slug}/"
    assert Membership.objects.get(user=existing).role == Role.VIEWER


def test_re_inviting_replaces_the_earlier_invitation(
    django_capture_on_commit_callbacks, mailoutbox
):
    admin = MembershipFactory.create(role=Role.ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        first = invitation_create(
            organisation=admin.organisation,
            email="a@council.example",
            role=Role.VIEWER,
            invited_by=admin.user,
        )
        second = invitation_create(
            organisation=admin.organisation,
            email="a@council.example",
            role=Role.EDITOR,
            invited_by=admin.user,
        )
    first.refresh_from_db()
    assert first.revoked_at is not None
    assert second.revoked_at is None
    # Both emails were queued in one transaction; by the time they ran only the second was usable,
    # so the person gets one link, and it is the one that works.
    [message] = mailoutbox
    found = re.search(r"/staff/invitations/([\w-]+)/", message.body)
    assert found, message.body
    token = found.group(1)
    assert Invitation.hash_token(token) == second.token_hash


def test_no_email_is_sent_for_an_invitation_that_was_rolled_back(mailoutbox):
    admin = MembershipFactory.create(role=Role.ADMIN)
    # Without a commit, on_commit callbacks never run: the email is tied to the transaction.
    invitation_create(
        organisation=admin.organisation,
        email="b@council.example",
        role=Role.VIEWER,
        invited_by=admin.user,
    )
    assert mailoutbox == []


def test_an_admin_withdraws_an_invitation(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    invitation = InvitationFactory.create(organisation=admin.organisation, token="tok-w")
    client = staff_client(admin.user)
    response = client.post(
        f"/staff/{admin.organisation.slug}/team/invitations/{invitation.pk}/revoke/"
    )
    assert response.headers["Location"] == f"/staff/{admin.organisation.slug}/team/"
    assert Client().get("/staff/invitations/tok-w/").status_code == 410
    entry = AuditEntry.objects.get(action=AuditAction.INVITATION_REVOKED)
    assert (entry.actor_id, entry.organisation_id) == (admin.user.id, admin.organisation.id)


def test_an_admin_cannot_withdraw_another_organisations_invitation(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    elsewhere = InvitationFactory.create(organisation=OrganisationFactory.create())
    response = staff_client(admin.user).post(
        f"/staff/{admin.organisation.slug}/team/invitations/{elsewhere.pk}/revoke/"
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.revoked_at is None
