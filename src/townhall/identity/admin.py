"""What platform operators see of staff identity at /platform/."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from townhall.identity.models import Invitation, SignInThrottle, User


@admin.register(User)
class UserAdmin(admin.ModelAdmin[User]):
    list_display = ["email", "full_name", "is_active", "is_platform_operator", "last_login"]
    list_filter = ["is_active", "is_platform_operator"]
    search_fields = ["email", "full_name"]
    ordering = ["email"]
    # Passwords and second factors are set by their owners, never typed in here. To reset a lost
    # authenticator, delete the user's TOTP device: they set up a new one at their next sign-in.
    fields = [
        "email",
        "full_name",
        "is_active",
        "is_platform_operator",
        "is_staff",
        "must_change_password",
        "date_joined",
        "last_login",
    ]
    readonly_fields = ["date_joined", "last_login"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin[Invitation]):
    list_display = [
        "email",
        "organisation",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    ]
    list_filter = ["role"]
    search_fields = ["email"]
    readonly_fields = ["token_hash"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # invitations are sent by organisation admins, so that they are audited


@admin.register(SignInThrottle)
class SignInThrottleAdmin(admin.ModelAdmin[SignInThrottle]):
    """Deleting a row unlocks that email or IP address early."""

    list_display = ["key", "failures", "window_started_at", "locked_until"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: SignInThrottle | None = None
    ) -> bool:
        return False
