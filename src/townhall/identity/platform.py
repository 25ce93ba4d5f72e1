"""The platform operators' console: Django's admin at /platform/, behind the same two factors.

Operators sign in through the staff sign-in page (password and authenticator code) like everyone
else; the admin's own password-only login form is never shown.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class PlatformAdminSite(admin.AdminSite):
    site_header = "Townhall platform"
    site_title = "Townhall platform"
    index_title = "Platform administration"

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        verified = getattr(user, "is_verified", None)
        return bool(
            user.is_active
            and getattr(user, "is_staff", False)
            and getattr(user, "is_platform_operator", False)
            and verified is not None
            and verified()
        )

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        verified = getattr(request.user, "is_verified", None)
        if request.user.is_authenticated and verified is not None and verified():
            # Fully signed in but not an operator: sending them to sign in again would loop.
            raise PermissionDenied("Only platform operators may use the platform console.")
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        return redirect_to_login(next_url, reverse("identity:sign-in"))
