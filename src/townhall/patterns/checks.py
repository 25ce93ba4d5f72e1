"""Django system checks: the bundled pattern library must load without errors.

`patterns.E001` is a problem in a pattern file; `patterns.W001` a warning; `patterns.E002` a
missing library folder. Scenarios are not run here (that is `townhall patterns test`, in CI):
system checks run on every management command and must stay fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning

from townhall.patterns.engine.diagnostics import Severity
from townhall.patterns.library import library_check

_HINT = "Run `townhall patterns check` for every problem; docs/patterns.md explains each code."


def patterns_library_check(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    library = Path(getattr(settings, "TOWNHALL_PATTERNS_DIR", settings.BASE_DIR / "patterns"))
    if not library.is_dir():
        return [
            Error(
                f"The pattern library {library} does not exist.",
                hint="Set TOWNHALL_PATTERNS_DIR, or run from a checkout that has patterns/.",
                id="patterns.E002",
            )
        ]
    messages: list[CheckMessage] = []
    for diagnostic in library_check([library]).diagnostics:
        if diagnostic.severity is Severity.ERROR:
            messages.append(Error(diagnostic.format(), hint=_HINT, id="patterns.E001"))
        else:
            messages.append(Warning(diagnostic.format(), hint=_HINT, id="patterns.W001"))
    return messages
