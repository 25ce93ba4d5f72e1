"""Loaded engine patterns, one per published version, cached in the process.

Turning stored JSON into a checked `Pattern` compiles every expression: far too slow to do on each
request. A published version never changes (`PatternVersion.save` refuses a new hash), so a
pattern cached by (version id, content hash) can never be stale.
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
    return _pattern_load(version.pk, version.content_hash)


def pattern_for_version_id(version_id: uuid.UUID) -> Pattern:
    """The same, from the version's id alone: what each resident's request uses, so that it never
    loads a version's definition from the database only to find it cached."""
    return _pattern_load_by_id(version_id)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _pattern_load_by_id(version_id: uuid.UUID) -> Pattern:
    # Safe without the hash in the key: a published version's definition never changes.
    definition = PatternVersion.objects.values_list("definition", flat=True).get(pk=version_id)
    return pattern_from_data(data=definition)


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _pattern_load(version_id: uuid.UUID, content_hash: str) -> Pattern:
    # Read the definition here rather than take it as an argument: JSON is not hashable, and the
    # hash in the key is what makes the cache safe.
    definition = PatternVersion.objects.values_list("definition", flat=True).get(
        pk=version_id, content_hash=content_hash
    )
    return pattern_from_data(data=definition)


def pattern_cache_clear() -> None:
    """For tests that load the same version id with a different definition."""
    _pattern_load.cache_clear()
    _pattern_load_by_id.cache_clear()
