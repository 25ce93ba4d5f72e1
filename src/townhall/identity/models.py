"""Staff accounts, invitations and sign-in throttling."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac

from townhall.core.crypto import secret_hash
from townhall.core.models import BaseModel
from townhall.identity.constants import API_KEY_MARKER, API_KEY_PREFIX_LENGTH, ApiKeyScope
from townhall.tenancy.constants import Role


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        """A platform operator: runs the platform through /platform/, belongs to no organisation."""
        extra.update(is_staff=True, is_superuser=True, is_platform_operator=True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A member of staff, identified by email address.

    `session_generation` is mixed into the session hash: changing it ends every session the
    user has ("sign out everywhere") without touching their password.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    # Django admin access. Only platform operators have it.
    is_staff = models.BooleanField(default=False)
    is_platform_operator = models.BooleanField(default=False)
    must_change_password = models.BooleanField(default=False)
    session_generation = models.UUIDField(default=uuid.uuid4)
    date_joined = models.DateTimeField(default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    def __str__(self) -> str:
        return self.email

    def get_session_auth_hash(self) -> str:
        return self._session_hash(secret=None)

    def get_session_auth_fallback_hash(self) -> Any:
        from django.conf import settings

        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)

    def _session_hash(self, *, secret: str | None) -> str:
        return salted_hmac(
            "townhall.identity.User.session",
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Invitation(BaseModel):
    """An organisation admin's invitation for someone to join as staff.

    Only a SHA-256 hash of the token is stored: a database dump does not let anyone accept it.
    """

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-created_at"], name="invitation_org")]

    def __str__(self) -> str:
        return f"Invitation for {self.email} to {self.organisation_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        """The stored form of an invitation token. Tokens are 256 random bits: no salt needed."""
        return secret_hash(token)

    @property
    def is_usable(self) -> bool:
        return (
            self.accepted_at is None
            and self.revoked_at is None
            and self.expires_at > timezone.now()
        )


class SignInThrottle(models.Model):
    """Failed sign-in attempts per key (a hash of an email address, or of an IP address).

    Kept in the database, not a per-process cache, so the limit holds across every app process.
    Keys are hashes so the table holds no email addresses of people who mistyped them.
    """

    key = models.CharField(max_length=64, primary_key=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key[:8]}… {self.failures} failures"


class ApiKey(BaseModel):
    """A key an organisation's systems use to call the API, created by one of its admins.

    The full key is shown once, when it is created. Only its SHA-256 hash is stored (keys are 256
    random bits, so a fast unsalted hash is enough); `prefix` is public and finds the row.
    """

    organisation = models.ForeignKey(
        "tenancy.Organisation", on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=20, unique=True)
    key_hash = models.CharField(max_length=64)
    scope = models.CharField(max_length=10, choices=ApiKeyScope.choices)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who created it, kept when their account is deleted.
    created_by_email = models.EmailField(blank=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "-created_at"], name="api_key_org")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @staticmethod
    def hash_key(raw_key: str) -> str:
        return secret_hash(raw_key)

    @staticmethod
    def prefix_of(raw_key: str) -> str | None:
        """The public prefix (`th_XXXXXXXX`) of something shaped like a key, else None."""
        length = len(API_KEY_MARKER) + API_KEY_PREFIX_LENGTH
        if not raw_key.startswith(API_KEY_MARKER) or raw_key[length : length + 1] != "_":
            return None
        return raw_key[:length]

    def allows(self, scope: ApiKeyScope | str) -> bool:
        return scope == ApiKeyScope.READ or self.scope == ApiKeyScope.WRITE

    def is_usable_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > moment


class ApiKeyRateWindow(models.Model):
    """How many requests one API key has made in the current fixed window.

    One row per key, in the database rather than a per-process cache, so the limit holds across
    every app process; the row is reset (not added to) when a new window starts, so it never grows.
    """

    api_key = models.OneToOneField(
        ApiKey, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    window_started_at = models.DateTimeField()
    requests = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.api_key_id}: {self.requests} since {self.window_started_at}"
