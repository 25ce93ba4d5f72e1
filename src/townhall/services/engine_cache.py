"""Loaded engine patterns, one per published version, cached in the process.

Turning stored JSON into a checked `Pattern` compiles every expression: far too slow to do on each
request. A published version never changes (`PatternVersion.save` refuses a new hash), so a
pattern cached by version id can never be stale.
"""

from __future__ import annotations

import functools
import uuid

from townhall.patterns.engine import Pattern, pattern_from_data
from townhall.patterns.models import PatternVersion

# Each loaded pattern is small (tens of kilobytes); a process serves a few hundred versions at most.
_CACHE_SIZE = 512


def pattern_for_version(version: PatternVersion) -> Pattern:
    """The engine pattern of a published version (raises PatternInvalid for a corrupt one)."""
    return pattern_for_version_id(version.pk)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def pattern_for_version_id(version_id: uuid.UUID) -> Pattern:
    """The same from the version's id alone, so a resident's request never loads a version's
    definition only to find it cached. Safe to key by id: a published version's definition never
    changes (`PatternVersion.save` refuses a new hash)."""
    definition = PatternVersion.objects.values_list("definition", flat=True).get(pk=version_id)
    return pattern_from_data(data=definition)


def pattern_cache_clear() -> None:
    """For tests that load the same version id with a different definition."""
    pattern_for_version_id.cache_clear()
