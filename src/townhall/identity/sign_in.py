"""Checking a sign-in attempt: email, password and security code at once, throttled in the database.

One answer for every failure (ADR 0003): the caller learns only "signed in", "needs an
authenticator", "refused" or "locked", never which factor was wrong. Failures are counted per email
address and per IP address in `SignInThrottle`, so every app process sees the same counts;
unknown addresses are counted like real ones, so the lockout says nothing about which accounts
exist.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import django_otp
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from townhall.core.actions import audit_record
from townhall.identity.constants import IP_FAILURE_MULTIPLIER, AuditAction
from townhall.identity.models import SignInThrottle, User
from townhall.identity.queries import user_has_authenticator


class SignInOutcome(enum.Enum):
    SIGNED_IN = "signed_in"
    # The password was right and the account has never set up an authenticator app (the demo
    # administrator's first sign-in): the session may only be used to set one up.
    NEEDS_AUTHENTICATOR = "needs_authenticator"
    REFUSED = "refused"
    LOCKED = "locked"


@dataclass(frozen=True)
class SignInResult:
    outcome: SignInOutcome
    user: User | None = None
    # The django-otp device that verified the code, for `django_otp.login`.
    device: Any = None


def throttle_key(*, kind: str, value: str) -> str:
    """The `SignInThrottle` key for an email address or IP address.

    A keyed hash (HMAC-SHA256 with the secret key) rather than a bare SHA-256: a copy of the table
    must not let anyone confirm whether a given address tried to sign in.
    """
    return salted_hmac(
        "townhall.identity.SignInThrottle", f"{kind}:{value}", algorithm="sha256"
    ).hexdigest()


def rate_limit_hit(*, kind: str, value: str, limit: int) -> bool:
    """Count one use of something limited (a resident asking for an email, say) against
    `kind:value`; True when it goes over `limit` uses in the sign-in lockout window, and then for
    the rest of the lockout. Kept with the sign-in counts, hashed the same way, so the limit holds
    across processes and the table holds no addresses."""
    key = throttle_key(kind=kind, value=value)
    now = timezone.now()
    if SignInThrottle.objects.filter(key=key, locked_until__gt=now).exists():
        return True
    return _record_failure(key=key, limit=limit + 1, now=now)


def normalise_code(code: str) -> str:
    """Authenticator and recovery codes without the spaces or dashes people type into them."""
    return "".join(code.split()).replace("-", "").lower()


def sign_in_attempt(
    *, request: HttpRequest | None, email: str, password: str, code: str, ip_address: str
) -> SignInResult:
    """Check one sign-in attempt and record its outcome (throttle counts, audit log).

    The caller signs the user in (`django.contrib.auth.login`, then `django_otp.login` with the
    returned device) when the outcome is SIGNED_IN or NEEDS_AUTHENTICATOR.
    """
    email = email.strip().lower()
    email_key = throttle_key(kind="email", value=email)
    ip_key = throttle_key(kind="ip", value=ip_address)
    now = timezone.now()
    if SignInThrottle.objects.filter(key__in=[email_key, ip_key], locked_until__gt=now).exists():
        return SignInResult(outcome=SignInOutcome.LOCKED)

    result = _check_credentials(request=request, email=email, password=password, code=code)
    if result.user is not None:  # only accepting outcomes carry the user
        with transaction.atomic():
            SignInThrottle.objects.filter(key=email_key).delete()
            _audit_sign_in(user=result.user, device=result.device)
        return result

    email_locked = _record_failure(
        key=email_key, limit=settings.TOWNHALL_SIGN_IN_MAX_FAILURES, now=now
    )
    ip_locked = _record_failure(
        key=ip_key, limit=settings.TOWNHALL_SIGN_IN_MAX_FAILURES * IP_FAILURE_MULTIPLIER, now=now
    )
    if email_locked or ip_locked:
        _audit_lockout(email=email, by_ip=ip_locked and not email_locked)
        return SignInResult(outcome=SignInOutcome.LOCKED)
    return result


def _check_credentials(
    *, request: HttpRequest | None, email: str, password: str, code: str
) -> SignInResult:
    user = authenticate(request, email=email, password=password)
    if not isinstance(user, User):
        return SignInResult(outcome=SignInOutcome.REFUSED)
    if not user_has_authenticator(user=user):
        return SignInResult(outcome=SignInOutcome.NEEDS_AUTHENTICATOR, user=user)
    device = _verify_second_factor(user=user, code=code)
    if device is None:
        return SignInResult(outcome=SignInOutcome.REFUSED)
    return SignInResult(outcome=SignInOutcome.SIGNED_IN, user=user, device=device)


def _verify_second_factor(*, user: User, code: str) -> Any:
    """The device that accepts `code`, or None. django-otp's own throttling applies to each device.

    A 6-digit code goes to the authenticator app, anything else to the recovery codes: trying a
    code against both would count one mistake twice in django-otp's back-off.
    """
    token = normalise_code(code)
    if not token:
        return None
    model = TOTPDevice if token.isdigit() and len(token) == 6 else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified
    return None


def _record_failure(*, key: str, limit: int, now: datetime) -> bool:
    """Count one failure against `key`; True when this failure is the one that locks it."""
    window = timedelta(seconds=settings.TOWNHALL_SIGN_IN_LOCKOUT_SECONDS)
    with transaction.atomic():
        SignInThrottle.objects.get_or_create(key=key, defaults={"window_started_at": now})
        # Old failures do not accumulate forever: a window that has passed starts again.
        SignInThrottle.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now),
            key=key,
            window_started_at__lte=now - window,
        ).update(failures=0, window_started_at=now, locked_until=None)
        # F() so that concurrent failures in other processes are all counted.
        SignInThrottle.objects.filter(key=key).update(failures=F("failures") + 1)
        locked = SignInThrottle.objects.filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now),
            key=key,
            failures__gte=limit,
        ).update(locked_until=now + window)
    return locked > 0


def _audit_sign_in(*, user: User, device: Any) -> None:
    if device is None:
        factor, summary = "none", "Signed in with a password to set up an authenticator app"
    elif isinstance(device, StaticDevice):
        factor, summary = "recovery_code", "Signed in with a recovery code"
    else:
        factor, summary = "authenticator", "Signed in"
    audit_record(
        actor=user,
        action=AuditAction.SIGNED_IN,
        summary=summary,
        target=user,
        changes={"second_factor": factor},
    )


def _audit_lockout(*, email: str, by_ip: bool) -> None:
    # Only real accounts are named: the log must not collect addresses people mistyped.
    user = User.objects.filter(email=email).first()
    minutes = settings.TOWNHALL_SIGN_IN_LOCKOUT_SECONDS // 60
    if by_ip:
        summary = (
            f"Sign-in from one IP address locked for {minutes} minutes after repeated failures"
        )
    elif user is not None:
        summary = f"Sign-in to {user.email} locked for {minutes} minutes after repeated failures"
    else:
        summary = f"Sign-in to an unknown email address locked for {minutes} minutes"
    audit_record(actor=None, action=AuditAction.SIGN_IN_LOCKED, summary=summary, target=user)
