from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "townhall.patterns"
    label = "patterns"
    verbose_name = "Service patterns"

    def ready(self) -> None:
        # Registered here rather than with @register at import, so the check runs only when the
        # app is installed and importing checks.py has no side effect.
        from django.core.checks import register

        from townhall.patterns.checks import patterns_library_check

        register(patterns_library_check, "patterns")
