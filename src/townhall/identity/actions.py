"""Writes for staff identity: invitations, team roles, passwords, authenticators, the demo admin.

Every change made on behalf of a member of staff writes its audit entry in the same transaction.
"""

from __future__ import annotations

import math
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import django_otp
from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.core.actions import audit_record
from townhall.identity.constants import (
    API_KEY_LAST_USED_RESOLUTION_SECONDS,
    API_KEY_MARKER,
    API_KEY_PREFIX_LENGTH,
    API_KEY_SECRET_BYTES,
    INVITATION_TOKEN_BYTES,
    RECOVERY_CODE_COUNT,
    ApiKeyScope,
    AuditAction,
)
from townhall.identity.models import ApiKey, ApiKeyRateWindow, Invitation, User
from townhall.identity.queries import user_has_authenticator
from townhall.identity.sign_in import normalise_code
from townhall.identity.tasks import invitation_email_send
from townhall.tenancy.constants import Nation, OrganisationKind, Role
from townhall.tenancy.models import Membership, Organisation

AUTHENTICATOR_NAME = "Authenticator app"
RECOVERY_CODES_NAME = "Recovery codes"
DEMO_ORGANISATION_KEY = "demo:townhall"
DEMO_ADMIN_EMAIL = "admin@demo.townhall.example"


class InvitationNotUsableError(Exception):
    """The invitation was accepted, revoked or expired before this request could claim it."""


class LastAdminError(Exception):
    """The change would leave an organisation with no admin, and so nobody to manage its team."""


# --- Invitations ----------------------------------------------------------------------------------


def invitation_create(
    *, organisation: Organisation, email: str, role: Role, invited_by: User
) -> Invitation:
    """Invite `email` to join with `role`, replacing any earlier pending invitation for them.

    Only the token's hash is stored; the raw token travels once, as the email task's argument,
    enqueued when the transaction commits so no email goes out for a rolled-back invitation.
    """
    email = email.strip().lower()
    token = secrets.token_urlsafe(INVITATION_TOKEN_BYTES)
    now = timezone.now()
    with transaction.atomic():
        superseded = Invitation.objects.filter(
            organisation=organisation,
            email=email,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
        ).update(revoked_at=now, updated_at=now)
        invitation = Invitation.objects.create(
            organisation=organisation,
            email=email,
            role=role,
            invited_by=invited_by,
            token_hash=Invitation.hash_token(token),
            expires_at=now + timedelta(days=settings.TOWNHALL_INVITATION_DAYS),
        )
        audit_record(
            actor=invited_by,
            action=AuditAction.INVITATION_CREATED,
            summary=f"Invited {email} to join as {Role(role).label}",
            organisation_id=organisation.id,
            target=invitation,
            changes={"email": email, "role": str(role), "replaced_invitations": superseded},
        )
        invitation_id = str(invitation.id)
        transaction.on_commit(
            lambda: invitation_email_send.enqueue(invitation_id=invitation_id, token=token)
        )
    return invitation


def invitation_revoke(*, invitation: Invitation, revoked_by: User) -> bool:
    """Withdraw a pending invitation. False when it had already been accepted or revoked."""
    now = timezone.now()
    with transaction.atomic():
        revoked = Invitation.objects.filter(
            pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now, updated_at=now)
        if revoked:
            audit_record(
                actor=revoked_by,
                action=AuditAction.INVITATION_REVOKED,
                summary=f"Withdrew the invitation for {invitation.email}",
                organisation_id=invitation.organisation_id,
                target=invitation,
                changes={"email": invitation.email},
            )
    return bool(revoked)


def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Claim the invitation for `user` and add them to the organisation.

    The claim is one conditional UPDATE, so two requests racing with the same link cannot both
    succeed. Raises InvitationNotUsableError (rolling everything back) when it is no longer usable.
    """
    now = timezone.now()
    with transaction.atomic():
        claimed = Invitation.objects.filter(
            pk=invitation.pk,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=now,
        ).update(accepted_at=now, accepted_by=user, updated_at=now)
        if claimed != 1:
            raise InvitationNotUsableError(str(invitation.pk))
        # Someone who is already a member keeps the role they have.
        membership, _ = Membership.objects.get_or_create(
            organisation_id=invitation.organisation_id,
            user=user,
            defaults={"role": invitation.role},
        )
        audit_record(
            actor=user,
            action=AuditAction.INVITATION_ACCEPTED,
            summary=f"{user.email} accepted the invitation and joined as "
            f"{Role(membership.role).label}",
            organisation_id=invitation.organisation_id,
            target=membership,
            changes={"role": membership.role, "invitation_id": str(invitation.pk)},
        )
    return membership


def invitation_accept_as_new_user(*, invitation: Invitation, full_name: str, password: str) -> User:
    """Create the invited person's account and accept the invitation, all or nothing."""
    with transaction.atomic():
        user = User.objects.create_user(invitation.email, password, full_name=full_name.strip())
        invitation_accept(invitation=invitation, user=user)
    return user


# --- Team ----------------------------------------------------------------------------------------


def _lock_membership_and_admins(*, membership: Membership) -> tuple[Membership, int]:
    """Re-read the membership and count the organisation's admins under row locks.

    Two admins demoting each other at the same moment must not leave the organisation with none.
    """
    current = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    admins = list(
        Membership.objects.select_for_update()
        .filter(organisation_id=current.organisation_id, role=Role.ADMIN)
        .values_list("pk", flat=True)
    )
    return current, len(admins)


def membership_role_change(*, membership: Membership, role: Role, changed_by: User) -> Membership:
    with transaction.atomic():
        current, admins = _lock_membership_and_admins(membership=membership)
        if current.role == role:
            return current
        if current.role == Role.ADMIN and admins <= 1:
            raise LastAdminError(str(current.organisation_id))
        old_role = current.role
        current.role = role
        current.save(update_fields=["role", "updated_at"])
        audit_record(
            actor=changed_by,
            action=AuditAction.MEMBERSHIP_ROLE_CHANGED,
            summary=f"Changed {current.user.email}'s role from {Role(old_role).label} "
            f"to {Role(role).label}",
            organisation_id=current.organisation_id,
            target=current,
            changes={"role": [old_role, str(role)], "email": current.user.email},
        )
    return current


def membership_remove(*, membership: Membership, removed_by: User) -> None:
    with transaction.atomic():
        current, admins = _lock_membership_and_admins(membership=membership)
        if current.role == Role.ADMIN and admins <= 1:
            raise LastAdminError(str(current.organisation_id))
        audit_record(
            actor=removed_by,
            action=AuditAction.MEMBERSHIP_REMOVED,
            summary=f"Removed {current.user.email} ({Role(current.role).label}) from the team",
            organisation_id=current.organisation_id,
            target=current,
            changes={"email": current.user.email, "role": current.role},
        )
        current.delete()


# --- The user's own account -----------------------------------------------------------------------


def user_password_change(*, user: User, password: str) -> None:
    """Set a new password (already validated). Other sessions end: the password is in their hash."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit_record(
            actor=user,
            action=AuditAction.PASSWORD_CHANGED,
            summary="Changed their password",
            target=user,
        )


def user_sign_out_everywhere(*, user: User) -> None:
    """End every session of the user: the session generation is part of each session's hash."""
    with transaction.atomic():
        user.session_generation = uuid.uuid4()
        user.save(update_fields=["session_generation"])
        audit_record(
            actor=user,
            action=AuditAction.SIGNED_OUT_EVERYWHERE,
            summary="Signed out everywhere",
            target=user,
        )


def authenticator_prepare(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator the user is setting up; the same one until they confirm it,
    so reloading the set-up page does not change the QR code they may already have scanned."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def authenticator_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator if `code` is right; return the new recovery codes, else None.

    A wrong code returns rather than raises, so django-otp's failure count on the device commits.
    """
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().filter(pk=device.pk, user=user).first()
        if locked is None or locked.confirmed or not locked.verify_token(normalise_code(code)):
            return None
        locked.confirmed = True
        locked.save(update_fields=["confirmed"])
        # Any other authenticator (abandoned set-ups, or one an operator has reset) stops working.
        TOTPDevice.objects.filter(user=user).exclude(pk=locked.pk).delete()
        codes = _recovery_codes_replace(user=user)
        audit_record(
            actor=user,
            action=AuditAction.AUTHENTICATOR_SET_UP,
            summary="Set up an authenticator app and recovery codes",
            target=user,
        )
    return codes


def recovery_codes_regenerate(*, user: User, code: str) -> list[str] | None:
    """New recovery codes (the old ones stop working) if `code` from the authenticator app is right.

    Asking for a current authenticator code means a session left open on a shared computer
    cannot be used to mint codes that would get past the second factor later.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
    token = normalise_code(code)
    if device is None or not token.isdigit():
        return None
    # django_otp.verify_token locks the device row, so one code cannot be used twice at once.
    if django_otp.verify_token(user, device.persistent_id, token) is None:
        return None
    with transaction.atomic():
        codes = _recovery_codes_replace(user=user)
        audit_record(
            actor=user,
            action=AuditAction.RECOVERY_CODES_REGENERATED,
            summary="Replaced their recovery codes",
            target=user,
        )
    return codes


def _recovery_codes_replace(*, user: User) -> list[str]:
    # One device for all of a user's recovery codes: the session of someone who signed in with a
    # recovery code names this device, so it must outlive a change of codes.
    device = StaticDevice.objects.filter(user=user).order_by("id").first()
    if device is None:
        device = StaticDevice.objects.create(user=user, name=RECOVERY_CODES_NAME, confirmed=True)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


# --- API keys ------------------------------------------------------------------------------------


def api_key_create(
    *,
    organisation: Organisation,
    name: str,
    scope: ApiKeyScope,
    expires_at: datetime,
    actor: User,
) -> tuple[ApiKey, str]:
    """Create a key and return it with the raw key, which is never available again: only its
    hash is stored. The expiry has been validated (in the future, within API_KEY_MAX_DAYS)."""
    alphabet = string.ascii_letters + string.digits
    prefix = API_KEY_MARKER + "".join(
        secrets.choice(alphabet) for _ in range(API_KEY_PREFIX_LENGTH)
    )
    raw_key = f"{prefix}_{secrets.token_urlsafe(API_KEY_SECRET_BYTES)}"
    with transaction.atomic():
        api_key = ApiKey.objects.create(
            organisation=organisation,
            name=name.strip(),
            prefix=prefix,
            key_hash=ApiKey.hash_key(raw_key),
            scope=scope,
            expires_at=expires_at,
            created_by=actor,
            created_by_email=actor.email,
        )
        audit_record(
            actor=actor,
            action=AuditAction.API_KEY_CREATED,
            summary=f"Created the API key {api_key.name} ({prefix}, "
            f"{ApiKeyScope(scope).label.lower()})",
            organisation_id=organisation.id,
            target=api_key,
            changes={
                "name": api_key.name,
                "prefix": prefix,
                "scope": str(scope),
                "expires_at": expires_at.isoformat(),
            },
        )
    return api_key, raw_key


def api_key_revoke(*, api_key: ApiKey, actor: User) -> bool:
    """Stop the key working at once. False when it had already been revoked."""
    now = timezone.now()
    with transaction.atomic():
        revoked = ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(
            revoked_at=now, updated_at=now
        )
        if revoked:
            audit_record(
                actor=actor,
                action=AuditAction.API_KEY_REVOKED,
                summary=f"Revoked the API key {api_key.name} ({api_key.prefix})",
                organisation_id=api_key.organisation_id,
                target=api_key,
                changes={"name": api_key.name, "prefix": api_key.prefix},
            )
    return bool(revoked)


def api_key_use_record(*, api_key: ApiKey, now: datetime | None = None) -> int | None:
    """Count one request made with the key. None when it is within the rate limit; otherwise the
    whole seconds until the next window, for `Retry-After`.

    Fixed windows aligned to the epoch, counted in one row per key: the UPDATE resets the count
    when a new window has started and otherwise adds one, in a single statement, so concurrent
    requests in other processes are all counted. Its row lock lasts until the transaction
    commits, so the count read back is this request's own.
    """
    now = now or timezone.now()
    window = settings.TOWNHALL_API_RATE_WINDOW_SECONDS
    start = math.floor(now.timestamp() / window) * window
    window_start = datetime.fromtimestamp(start, tz=UTC)
    rows = ApiKeyRateWindow.objects.filter(api_key_id=api_key.pk)
    with transaction.atomic():
        counted = rows.update(
            requests=Case(
                When(window_started_at=window_start, then=F("requests") + 1), default=Value(1)
            ),
            window_started_at=window_start,
        )
        if not counted:
            _, created = ApiKeyRateWindow.objects.get_or_create(
                api_key_id=api_key.pk,
                defaults={"window_started_at": window_start, "requests": 1},
            )
            if not created:  # another process created it first
                rows.update(requests=F("requests") + 1)
        requests = rows.values_list("requests", flat=True).get()
    _last_used_record(api_key=api_key, now=now)
    if requests > settings.TOWNHALL_API_RATE_LIMIT:
        return max(1, math.ceil(start + window - now.timestamp()))
    return None


def _last_used_record(*, api_key: ApiKey, now: datetime) -> None:
    # At most one write a minute per key: recent enough for "last used", cheap for busy keys.
    stale = now - timedelta(seconds=API_KEY_LAST_USED_RESOLUTION_SECONDS)
    if api_key.last_used_at is not None and api_key.last_used_at > stale:
        return
    ApiKey.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=stale), pk=api_key.pk
    ).update(last_used_at=now)
    api_key.last_used_at = now


# --- Demo data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoAdmin:
    user: User
    # Set when the admin has not set up an authenticator yet; None means "use your own password".
    one_time_password: str | None


def demo_organisation_ensure() -> Organisation:
    """The fictional Demo Borough Council, created once and then left as it is."""
    with transaction.atomic():
        organisation, created = Organisation.objects.get_or_create(
            register_key=DEMO_ORGANISATION_KEY,
            defaults={
                "slug": "demo",
                "kind": OrganisationKind.COUNCIL,
                "official_name": "Demo Borough Council",
                "short_name": "Demo Borough",
                "search_text": "demo borough council demo borough",
                "nation": Nation.ENGLAND,
                "is_demo": True,
            },
        )
        if created:
            audit_record(
                actor=None,
                action=AuditAction.ORGANISATION_CREATED,
                summary="Created the demo organisation Demo Borough Council",
                organisation_id=organisation.id,
                target=organisation,
            )
    return organisation


def demo_admin_ensure(*, organisation: Organisation) -> DemoAdmin:
    """The demo organisation's admin. Until they set up an authenticator app, each call gives them
    a fresh one-time password (only its hash is stored, so it cannot be shown again)."""
    with transaction.atomic():
        user, _ = User.objects.get_or_create(
            email=DEMO_ADMIN_EMAIL, defaults={"full_name": "Demo Administrator"}
        )
        membership, _ = Membership.objects.get_or_create(
            organisation=organisation, user=user, defaults={"role": Role.ADMIN}
        )
        if membership.role != Role.ADMIN:
            membership.role = Role.ADMIN
            membership.save(update_fields=["role", "updated_at"])
        if user_has_authenticator(user=user):
            return DemoAdmin(user=user, one_time_password=None)
        password = secrets.token_urlsafe(12)
        user.set_password(password)
        user.must_change_password = True
        user.is_active = True
        user.save(update_fields=["password", "must_change_password", "is_active"])
        audit_record(
            actor=None,
            action=AuditAction.ONE_TIME_PASSWORD_SET,
            summary=f"Gave {user.email} a one-time password (townhall demo)",
            organisation_id=organisation.id,
            target=user,
        )
    return DemoAdmin(user=user, one_time_password=password)
