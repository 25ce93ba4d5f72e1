"""Audit actions and fixed numbers of staff sign-in."""

from __future__ import annotations

from django.db import models

# How many recovery codes a member of staff gets each time they are (re)generated.
RECOVERY_CODE_COUNT = 10
# The IP limit is this many times the per-email limit: many staff may sit behind one office NAT, so
# one address must tolerate more mistakes than one account, but not an unbounded password spray.
IP_FAILURE_MULTIPLIER = 10
INVITATION_TOKEN_BYTES = 32


class AuditAction(models.TextChoices):
    """The `action` of the audit entries identity writes. Stable strings: reports filter on them."""

    INVITATION_CREATED = "invitation.created"
    INVITATION_REVOKED = "invitation.revoked"
    INVITATION_ACCEPTED = "invitation.accepted"
    MEMBERSHIP_ROLE_CHANGED = "membership.role_changed"
    MEMBERSHIP_REMOVED = "membership.removed"
    SIGNED_IN = "user.signed_in"
    SIGN_IN_LOCKED = "user.sign_in_locked"
    PASSWORD_CHANGED = "user.password_changed"  # noqa: S105 - an action name, not a password
    ONE_TIME_PASSWORD_SET = "user.one_time_password_set"  # noqa: S105 - likewise
    AUTHENTICATOR_SET_UP = "user.authenticator_set_up"
    RECOVERY_CODES_REGENERATED = "user.recovery_codes_regenerated"
    SIGNED_OUT_EVERYWHERE = "user.signed_out_everywhere"
    ORGANISATION_CREATED = "organisation.created"
