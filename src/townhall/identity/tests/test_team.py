"""Foundation: staff belong to organisations with a role (admin, editor, caseworker, viewer); admins
change roles and remove people, never leaving an organisation without an admin; every change is
written to the audit log, which admins read for their own organisation only."""

from __future__ import annotations

import pytest

from townhall.core.actions import audit_record
from townhall.core.models import AuditEntry
from townhall.identity.actions import LastAdminError, membership_role_change
from townhall.identity.constants import AuditAction
from townhall.identity.tests.factories import UserFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Membership
from townhall.tenancy.tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def _member_url(membership: Membership) -> str:
    return f"/staff/{membership.organisation.slug}/team/{membership.pk}/"


def test_the_team_page_lists_members_for_any_member(staff_client):
    viewer = MembershipFactory.create(role=Role.VIEWER, user__full_name="Val Viewer")
    MembershipFactory.create(
        organisation=viewer.organisation, role=Role.ADMIN, user__full_name="Ada"
    )
    body = (
        staff_client(viewer.user).get(f"/staff/{viewer.organisation.slug}/team/").content.decode()
    )
    assert "Val Viewer" in body
    assert "Ada" in body
    assert "Invite someone" not in body  # only admins manage the team


def test_an_admin_changes_a_role(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    member = MembershipFactory.create(organisation=admin.organisation, role=Role.VIEWER)
    client = staff_client(admin.user)
    page = client.get(_member_url(member)).content.decode()
    assert 'value="viewer" checked' in page
    response = client.post(_member_url(member), {"action": "change-role", "role": Role.EDITOR})
    assert response.headers["Location"] == f"/staff/{admin.organisation.slug}/team/"
    member.refresh_from_db()
    assert member.role == Role.EDITOR
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_ROLE_CHANGED)
    assert (entry.actor_id, entry.organisation_id) == (admin.user.id, admin.organisation.id)
    assert entry.summary == f"Changed {member.user.email}'s role from Viewer to Editor"
    assert entry.changes["role"] == ["viewer", "editor"]


def test_an_admin_removes_someone(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    member = MembershipFactory.create(organisation=admin.organisation, role=Role.CASEWORKER)
    response = staff_client(admin.user).post(_member_url(member), {"action": "remove"})
    assert response.headers["Location"] == f"/staff/{admin.organisation.slug}/team/"
    assert not Membership.objects.filter(pk=member.pk).exists()
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_REMOVED)
    assert (entry.actor_id, entry.organisation_id) == (admin.user.id, admin.organisation.id)
    assert member.user.email in entry.summary


def test_the_last_admin_cannot_be_demoted_or_removed(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    client = staff_client(admin.user)
    demote = client.post(_member_url(admin), {"action": "change-role", "role": Role.VIEWER})
    assert demote.status_code == 409
    assert "must have at least one admin" in demote.content.decode()
    remove = client.post(_member_url(admin), {"action": "remove"})
    assert remove.status_code == 409
    admin.refresh_from_db()
    assert admin.role == Role.ADMIN
    assert not AuditEntry.objects.filter(organisation_id=admin.organisation_id).exists()


def test_with_two_admins_one_may_step_down(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    MembershipFactory.create(organisation=admin.organisation, role=Role.ADMIN)
    response = staff_client(admin.user).post(_member_url(admin), {"action": "remove"})
    assert response.headers["Location"] == "/staff/"
    other = Membership.objects.get(organisation=admin.organisation)
    with pytest.raises(LastAdminError):
        membership_role_change(membership=other, role=Role.VIEWER, changed_by=other.user)


def test_a_member_of_another_organisation_is_not_found(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    elsewhere = MembershipFactory.create(role=Role.VIEWER)
    response = staff_client(admin.user).post(
        f"/staff/{admin.organisation.slug}/team/{elsewhere.pk}/",
        {"action": "change-role", "role": Role.ADMIN},
    )
    assert response.status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.role == Role.VIEWER


def test_the_audit_page_shows_only_its_own_organisations_entries(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    other = MembershipFactory.create(role=Role.ADMIN)
    audit_record(
        actor=admin.user,
        action="test.ours",
        summary="Our change",
        organisation_id=admin.organisation.id,
    )
    audit_record(
        actor=other.user,
        action="test.theirs",
        summary="Their change",
        organisation_id=other.organisation.id,
    )
    audit_record(actor=admin.user, action="test.user", summary="A user-level event")
    body = staff_client(admin.user).get(f"/staff/{admin.organisation.slug}/audit/").content.decode()
    assert "Our change" in body
    assert admin.user.email in body
    assert "Their change" not in body
    assert "A user-level event" not in body


def test_the_audit_page_is_paginated(staff_client):
    admin = MembershipFactory.create(role=Role.ADMIN)
    for n in range(55):
        audit_record(
            actor=admin.user,
            action="test.n",
            summary=f"Change number {n:02d}",
            organisation_id=admin.organisation.id,
        )
    client = staff_client(admin.user)
    first = client.get(f"/staff/{admin.organisation.slug}/audit/").content.decode()
    assert first.count("Change number") == 50
    assert "govuk-pagination" in first
    second = client.get(f"/staff/{admin.organisation.slug}/audit/?page=2").content.decode()
    assert second.count("Change number") == 5


def test_the_organisation_list_shows_each_membership(staff_client):
    user = UserFactory.create()
    first = MembershipFactory.create(user=user, role=Role.EDITOR)
    second = MembershipFactory.create(user=user, role=Role.VIEWER)
    body = staff_client(user).get("/staff/").content.decode()
    assert first.organisation.official_name in body
    assert second.organisation.official_name in body
