"""Published pattern versions: immutable, validated, addressable by (pattern id, version)."""

from __future__ import annotations

from typing import Any

from django.db import models

from townhall.core.models import BaseModel


class ChangeType(models.TextChoices):
    INITIAL = "initial", "Initial version"
    MAJOR = "major", "Major"
    MINOR = "minor", "Minor"
    PATCH = "patch", "Patch"


class ImmutableVersionError(Exception):
    """A published version's content can never change: publish a new version instead."""


class PatternVersion(BaseModel):
    """One published version of a library pattern.

    `definition` is the validated pattern as JSON, which `engine.pattern_from_data` turns back into
    an engine `Pattern`; `source` keeps the YAML as written (for display and diffs). `content_hash`
    is the SHA-256 of the canonical definition JSON: publishing the same id and version with a
    different hash is refused.
    """

    pattern_id = models.SlugField(max_length=100)
    version = models.CharField(max_length=32)
    # Sortable version parts, so "1.10.0" comes after "1.9.0".
    major = models.PositiveIntegerField()
    minor = models.PositiveIntegerField()
    patch = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    tags = models.JSONField(default=list, blank=True)
    lgsl_codes = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    definition = models.JSONField()
    source = models.TextField()
    scenarios = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    content_hash = models.CharField(max_length=64)
    change_type = models.CharField(max_length=10, choices=ChangeType.choices)
    changelog = models.TextField(blank=True)
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pattern_id", "-major", "-minor", "-patch"]
        constraints = [
            models.UniqueConstraint(fields=["pattern_id", "version"], name="one_pattern_version")
        ]
        indexes = [
            models.Index(fields=["pattern_id", "-major", "-minor", "-patch"], name="pattern_latest")
        ]

    def __str__(self) -> str:
        return f"{self.pattern_id} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = PatternVersion.objects.filter(pk=self.pk).values_list("content_hash")
            if stored and stored[0][0] != self.content_hash:
                raise ImmutableVersionError(f"{self} is published: its content cannot change.")
        super().save(*args, **kwargs)
