"""System checks for tenancy.

tenancy.W001: organisations live at /<org-slug>/, so every top-level URL segment of Townhall's own
pages must be in RESERVED_SLUGS, or a future organisation could take the same address.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from townhall.tenancy.constants import RESERVED_SLUGS

_FIRST_SEGMENT = re.compile(r"^\^?([A-Za-z0-9_-]+)(?:/|\\/|$)")


@register(Tags.urls)
def check_reserved_slugs(
    app_configs: Sequence[AppConfig] | None = None, **kwargs: Any
) -> list[CheckMessage]:
    segments = set(_top_level_segments(get_resolver().url_patterns))
    segments.update(code for code, _name in settings.LANGUAGES)
    return [
        Warning(
            f"The top-level URL segment {segment!r} is not in RESERVED_SLUGS.",
            hint=(
                "Add it to RESERVED_SLUGS in townhall/tenancy/constants.py, so no organisation "
                "can be given the same address."
            ),
            id="tenancy.W001",
        )
        for segment in sorted(segments - RESERVED_SLUGS)
    ]


def _top_level_segments(patterns: Iterable[URLPattern | URLResolver]) -> Iterable[str]:
    for pattern in patterns:
        if isinstance(pattern.pattern, LocalePrefixPattern):
            yield from _top_level_segments(pattern.url_patterns)  # type: ignore[union-attr]
            continue
        route = str(pattern.pattern)
        if not route.strip("^$") and isinstance(pattern, URLResolver):
            # include() at the root: its own patterns are top level.
            yield from _top_level_segments(pattern.url_patterns)
            continue
        match = _FIRST_SEGMENT.match(route)
        # Converters ("<slug:organisation>/") are the organisations' own addresses.
        if match:
            yield match.group(1).lower()
