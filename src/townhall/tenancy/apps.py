from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "townhall.tenancy"
    label = "tenancy"
    verbose_name = "Organisations"

    def ready(self) -> None:
        # Registers the system checks.
        from townhall.tenancy import checks  # noqa: F401
