"""Reads of published pattern versions (public data: not scoped to an organisation)."""

from __future__ import annotations

from collections.abc import Collection

from townhall.patterns.models import PatternVersion

POLICE_TAG = "police"


def organisation_types_for(version: PatternVersion) -> set[str]:
    """Which kinds of organisation a pattern is for. Until the format has a field for it, a
    pattern tagged `police` is for police forces and every other pattern is for councils."""
    return {"police_force"} if POLICE_TAG in version.tags else {"council"}


def pattern_version_latest_list(
    *,
    query: str = "",
    tags: Collection[str] = (),
    lgsl: Collection[str] = (),
    organisation_types: Collection[str] = (),
) -> list[PatternVersion]:
    """The latest version of each pattern that matches every filter, by title."""
    latest: dict[str, PatternVersion] = {}
    for version in PatternVersion.objects.defer("source", "scenarios").order_by(
        "pattern_id", "-major", "-minor", "-patch"
    ):
        latest.setdefault(version.pattern_id, version)
    words = query.lower().split()
    results = []
    for version in latest.values():
        haystack = " ".join(
            [version.pattern_id, version.title, version.summary, *version.tags]
        ).lower()
        if words and not all(word in haystack for word in words):
            continue
        if tags and not set(tags) & set(version.tags):
            continue
        if lgsl and not {str(code) for code in lgsl} & {str(c) for c in version.lgsl_codes}:
            continue
        if organisation_types and not set(organisation_types) & organisation_types_for(version):
            continue
        results.append(version)
    return sorted(results, key=lambda v: v.title)


def pattern_tags_all() -> list[str]:
    tags: set[str] = set()
    for version_tags in PatternVersion.objects.values_list("tags", flat=True):
        tags.update(version_tags)
    return sorted(tags)


def pattern_lgsl_all() -> list[str]:
    codes: set[str] = set()
    for version_codes in PatternVersion.objects.values_list("lgsl_codes", flat=True):
        codes.update(str(code) for code in version_codes)
    return sorted(codes, key=lambda c: (len(c), c))


def pattern_version_get(*, pattern_id: str, version: str | None = None) -> PatternVersion | None:
    versions = PatternVersion.objects.filter(pattern_id=pattern_id)
    if version is not None:
        return versions.filter(version=version).first()
    return versions.order_by("-major", "-minor", "-patch").first()


def pattern_version_list(*, pattern_id: str) -> list[PatternVersion]:
    return list(
        PatternVersion.objects.filter(pattern_id=pattern_id)
        .defer("source", "scenarios", "definition")
        .order_by("-major", "-minor", "-patch")
    )
