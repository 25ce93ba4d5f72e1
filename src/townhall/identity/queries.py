"""Reads for staff identity. Each is scoped to the user or organisation it serves."""

from __future__ import annotations

import enum
import hmac
import uuid

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.identity.models import ApiKey, Invitation, User
from townhall.tenancy.constants import Permission, Role
from townhall.tenancy.models import Membership, Organisation


def get_membership_for_user(*, user: User, org_slug: str, permission: Permission) -> Membership:
    """The user's membership of the organisation, if their role grants `permission`.

    Anyone who is not a member (another organisation's admin, a platform operator) gets 404, the
    same answer as for an organisation that does not exist: staff pages never reveal which
    organisations exist. A member whose role lacks the permission gets 403.
    """
    membership = (
        Membership.objects.select_related("organisation")
        .filter(user=user, user__is_platform_operator=False, organisation__slug=org_slug)
        .first()
    )
    if membership is None:
        raise Http404("No such organisation for this user.")
    if not membership.has_permission(permission):
        raise PermissionDenied(f"The {membership.role} role does not grant {permission}.")
    return membership


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("organisation")
        .filter(user=user, user__is_platform_operator=False)
        .order_by("organisation__official_name")
    )


def team_membership_list(*, organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.select_related("user")
        .filter(organisation=organisation)
        .order_by("user__full_name", "user__email")
    )


def team_membership_get(*, organisation: Organisation, membership_id: uuid.UUID) -> Membership:
    """A membership of this organisation; 404 for another organisation's, never 403."""
    membership = (
        Membership.objects.select_related("user", "organisation")
        .filter(organisation=organisation, pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404("No such team member.")
    return membership


def organisation_admin_count(*, organisation: Organisation) -> int:
    return Membership.objects.filter(organisation=organisation, role=Role.ADMIN).count()


def membership_exists_for_email(*, organisation: Organisation, email: str) -> bool:
    return Membership.objects.filter(
        organisation=organisation, user__email=email.strip().lower()
    ).exists()


def invitation_pending_list(*, organisation: Organisation) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        organisation=organisation,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).order_by("-created_at")


def team_invitation_get(*, organisation: Organisation, invitation_id: uuid.UUID) -> Invitation:
    invitation = Invitation.objects.filter(organisation=organisation, pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def invitation_get_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organisation")
        .filter(token_hash=Invitation.hash_token(token))
        .first()
    )


class InvitationState(enum.Enum):
    USABLE = "usable"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


def invitation_state(*, invitation: Invitation) -> InvitationState:
    if invitation.accepted_at is not None:
        return InvitationState.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationState.REVOKED
    if invitation.expires_at <= timezone.now():
        return InvitationState.EXPIRED
    return InvitationState.USABLE


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email=email.strip().lower()).first()


def user_has_authenticator(*, user: User) -> bool:
    """Whether the user has finished setting up an authenticator app (a confirmed TOTP device)."""
    return bool(TOTPDevice.objects.devices_for_user(user, confirmed=True).exists())


def recovery_code_count(*, user: User) -> int:
    return int(StaticToken.objects.filter(device__user=user, device__confirmed=True).count())


# --- API keys -------------------------------------------------------------------------------------


def api_key_list(*, organisation: Organisation) -> QuerySet[ApiKey]:
    """Every key of the organisation, usable or not, newest first."""
    return ApiKey.objects.filter(organisation=organisation).order_by("-created_at")


def api_key_get(*, organisation: Organisation, api_key_id: uuid.UUID) -> ApiKey:
    """A key of this organisation; 404 for another organisation's, never 403."""
    api_key = ApiKey.objects.filter(organisation=organisation, pk=api_key_id).first()
    if api_key is None:
        raise Http404("No such API key.")
    return api_key


def api_key_authenticate(*, raw_key: str) -> ApiKey | None:
    """The usable key (not revoked, not expired) that `raw_key` is, with its organisation; else
    None, the same answer whatever the reason so callers cannot tell which keys exist."""
    prefix = ApiKey.prefix_of(raw_key)
    if prefix is None:
        return None
    api_key = ApiKey.objects.select_related("organisation").filter(prefix=prefix).first()
    if api_key is None:
        return None
    if not hmac.compare_digest(api_key.key_hash, ApiKey.hash_key(raw_key)):
        return None
    if not api_key.is_usable_at(timezone.now()):
        return None
    return api_key
