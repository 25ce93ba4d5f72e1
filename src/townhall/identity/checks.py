"""System checks for staff identity."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security)
def check_platform_console_needs_second_factor(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    from django.contrib import admin

    from townhall.identity.platform import PlatformAdminSite

    if isinstance(admin.site, PlatformAdminSite):
        return []
    return [
        Warning(
            "The platform console (Django admin) accepts a password alone.",
            hint='In INSTALLED_APPS, replace "django.contrib.admin" with '
            '"townhall.identity.apps.PlatformAdminConfig", so /platform/ needs TOTP as well.',
            id="identity.W001",
        )
    ]
