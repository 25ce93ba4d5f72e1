"""A council's adoption of one pattern version: its parameters, address and state."""

from __future__ import annotations

from django.db import models

from townhall.core.models import BaseModel
from townhall.patterns.models import PatternVersion
from townhall.services.constants import DEFAULT_RETENTION_DAYS, SLUG_MAX_LENGTH, ServiceState
from townhall.tenancy.models import Organisation


class Service(BaseModel):
    """An organisation's service at /<organisation slug>/<slug>/, run from one pattern version.

    `parameters` holds the values the organisation set, as given (the engine fills in defaults),
    checked against the pattern with `params_resolve` before they are stored. `name` and `name_cy`
    override the pattern's title; without them residents see the pattern's title.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="services"
    )
    # Published versions are immutable and a service points at one: deleting it must fail.
    pattern_version = models.ForeignKey(
        PatternVersion, on_delete=models.PROTECT, related_name="services"
    )
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH)
    name = models.CharField(max_length=200, blank=True)
    name_cy = models.CharField(max_length=200, blank=True)
    parameters = models.JSONField(default=dict, blank=True)
    state = models.CharField(
        max_length=20, choices=ServiceState.choices, default=ServiceState.DRAFT
    )
    contact_details = models.TextField(blank=True)
    team_email = models.EmailField(blank=True)
    retention_days = models.PositiveIntegerField(default=DEFAULT_RETENTION_DAYS)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["organisation", "slug"]
        constraints = [
            # Also the (organisation, slug) index every resident request is looked up by.
            models.UniqueConstraint(
                fields=["organisation", "slug"], name="one_service_slug_per_org"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation.slug}/{self.slug}"

    def title_for(self, language: str) -> str:
        """What residents see the service called, in their language where the pattern has it."""
        if language == "cy" and self.name_cy:
            return self.name_cy
        if self.name:
            return self.name
        title = self.pattern_version.definition.get("title")
        if isinstance(title, dict):
            return str(title.get(language) or title.get("en") or self.pattern_version.title)
        return self.pattern_version.title

    @property
    def is_live(self) -> bool:
        return self.state == ServiceState.LIVE


class ServiceRevision(BaseModel):
    """The pattern version and parameter values a service ran before an upgrade.

    Journeys started before the upgrade finish on the version they started on, and a version
    must be run with values that suit it: after a major upgrade retypes or removes a parameter,
    the service's current values would not. Written by `service_upgrade`, read only for those
    journeys, so residents on the current version never touch this table.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="revisions")
    pattern_version = models.ForeignKey(PatternVersion, on_delete=models.PROTECT, related_name="+")
    parameters = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service", "pattern_version"],
                name="one_revision_per_service_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_id} on {self.pattern_version_id}"
