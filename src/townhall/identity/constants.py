"""Audit actions and fixed numbers of staff sign-in."""

from __future__ import annotations

from django.db import models

# How many recovery codes a member of staff gets each time they are (re)generated.
RECOVERY_CODE_COUNT = 10
# The IP limit is this many times the per-email limit: many staff may sit behind one office NAT, so
# one address must tolerate more mistakes than one account, but not an unbounded password spray.
IP_FAILURE_MULTIPLIER = 10
INVITATION_TOKEN_BYTES = 32

# API keys look like `th_<8 letters or digits>_<43 characters of base64url>`: a fixed shape that
# secret scanners can match (th_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}). The first 11 characters are the
# public prefix, shown in lists and used to find the key; the rest is 32 random bytes.
API_KEY_MARKER = "th_"
API_KEY_PREFIX_LENGTH = 8
API_KEY_SECRET_BYTES = 32
API_KEY_DEFAULT_DAYS = 90
API_KEY_MAX_DAYS = 365
# `last_used_at` is only written when it is older than this, so busy keys cost no extra writes.
API_KEY_LAST_USED_RESOLUTION_SECONDS = 60


class ApiKeyScope(models.TextChoices):
    """What an API key may do. Write includes read."""

    READ = "read", "Read only"
    WRITE = "write", "Read and write"


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
    API_KEY_CREATED = "api_key.created"
    API_KEY_REVOKED = "api_key.revoked"
