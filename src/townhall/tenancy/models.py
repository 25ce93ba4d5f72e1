"""Organisations (councils, police forces, NHS bodies) and who works in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from townhall.core.models import BaseModel
from townhall.tenancy.constants import (
    REGISTER_TYPE_LABELS,
    ROLE_PERMISSIONS,
    Nation,
    OrganisationKind,
    Permission,
    Role,
)


class Organisation(BaseModel):
    """A public body that runs services on Townhall.

    `register_key` identifies the row in the register it was imported from (`la:CRF`,
    `police:dyfed-powys`, `icb:E54000008`), so re-imports update rather than duplicate. `slug` is
    set once, on creation, because it is part of every public address of the organisation's
    services.
    """

    register_key = models.CharField(max_length=64, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=32, choices=OrganisationKind.choices)
    official_name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=200)
    alternative_names = models.JSONField(default=list, blank=True)
    # Lower-cased official, short and alternative names: what "find an organisation" searches.
    search_text = models.TextField(blank=True)
    gss_code = models.CharField(max_length=9, blank=True, db_index=True)
    other_code = models.CharField(
        max_length=32, blank=True, help_text="Register code: local authority code or NHS ODS code."
    )
    type_code = models.CharField(max_length=8, blank=True)
    type_name = models.CharField(max_length=100, blank=True)
    nation = models.CharField(max_length=32, choices=Nation.choices)
    region = models.CharField(max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    successors = models.ManyToManyField(
        "self", blank=True, symmetrical=False, related_name="predecessors"
    )
    is_active = models.BooleanField(default=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["short_name"]
        indexes = [models.Index(fields=["is_active", "kind", "nation"], name="org_filter")]

    def __str__(self) -> str:
        return self.official_name

    @property
    def type_label(self) -> str:
        """What sort of body this is, in the reader's language ("District council")."""
        return str(REGISTER_TYPE_LABELS.get(self.type_code) or self.get_kind_display())


class Membership(BaseModel):
    """A staff member's role in one organisation. A person may belong to several."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_org")
        ]
        indexes = [models.Index(fields=["organisation", "role"], name="membership_org_role")]
        verbose_name = _("membership")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organisation}"

    def has_permission(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]
