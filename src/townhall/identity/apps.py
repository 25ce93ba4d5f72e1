from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class IdentityConfig(AppConfig):
    default = True
    name = "townhall.identity"
    label = "identity"
    verbose_name = "Staff identity"

    def ready(self) -> None:
        # Registers the system checks (imported for that side effect).
        from townhall.identity import checks  # noqa: F401


class PlatformAdminConfig(admin_apps.AdminConfig):
    """Use in INSTALLED_APPS instead of "django.contrib.admin": /platform/ then needs TOTP too."""

    default = False
    default_site = "townhall.identity.platform.PlatformAdminSite"
