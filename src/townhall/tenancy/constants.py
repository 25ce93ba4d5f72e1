"""Kinds of organisation, nations and staff roles."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationKind(models.TextChoices):
    COUNCIL = "council", _("Council")
    COMBINED_AUTHORITY = "combined_authority", _("Combined authority")
    POLICE_FORCE = "police_force", _("Police force")
    NHS_BODY = "nhs_body", _("NHS body")


class Nation(models.TextChoices):
    ENGLAND = "england", _("England")
    WALES = "wales", _("Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")
    UK = "uk", _("United Kingdom")


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    EDITOR = "editor", _("Editor")
    CASEWORKER = "caseworker", _("Caseworker")
    VIEWER = "viewer", _("Viewer")


class Permission(models.TextChoices):
    """What a staff member may do in their organisation. Roles map to sets of these."""

    VIEW_ORGANISATION = "organisation.view"
    VIEW_TEAM = "team.view"
    MANAGE_TEAM = "team.manage"
    VIEW_AUDIT_LOG = "audit.view"
    EDIT_SERVICES = "services.edit"
    PUBLISH_SERVICES = "services.publish"
    HANDLE_SUBMISSIONS = "submissions.handle"
    VIEW_SUBMISSIONS = "submissions.view"
    # Create and revoke the organisation's API keys: admins only (admins get every permission).
    MANAGE_API_KEYS = "api_keys.manage"
    # Subscribe URLs to events, rotate their secrets, redeliver: admins only.
    MANAGE_WEBHOOKS = "webhooks.manage"


ROLE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    Role.ADMIN: frozenset(Permission),
    Role.EDITOR: frozenset(
        {
            Permission.VIEW_ORGANISATION,
            Permission.VIEW_TEAM,
            Permission.EDIT_SERVICES,
            Permission.VIEW_SUBMISSIONS,
        }
    ),
    Role.CASEWORKER: frozenset(
        {
            Permission.VIEW_ORGANISATION,
            Permission.VIEW_TEAM,
            Permission.HANDLE_SUBMISSIONS,
            Permission.VIEW_SUBMISSIONS,
        }
    ),
    Role.VIEWER: frozenset(
        {Permission.VIEW_ORGANISATION, Permission.VIEW_TEAM, Permission.VIEW_SUBMISSIONS}
    ),
}

# Top-level URL segments an organisation slug may never take: services live at /<org>/<service>/.
# The system check tenancy.W001 warns when a top-level URL of Townhall's own is missing here.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "api",
        "cy",
        "en",
        "healthz",
        "open311",
        "organisations",
        "patterns",
        "platform",
        "static",
        "staff",
        "status",
        "media",
        "services",
        "accessibility",
        "cookies",
        "privacy",
        "help",
        # Fixed segments under /staff/, which sit beside /staff/<organisation-slug>/.
        "account",
        "sign-in",
        "sign-out",
        "invitations",
    }
)

# What each register type code means, for people. Codes are the local-authority register's
# `local-authority-type`, plus our own: police forces (TPF, SPF), integrated care boards (ICB).
REGISTER_TYPE_LABELS = {
    "CC": _("City corporation"),
    "COMB": _("Combined authority"),
    "CTY": _("County council"),
    "LBO": _("London borough"),
    "MD": _("Metropolitan district"),
    "NID": _("Northern Ireland district"),
    "NMD": _("District council"),
    "SCO": _("Scottish council"),
    "SRA": _("Strategic regional authority"),
    "UA": _("Unitary authority"),
    "WPA": _("Welsh principal council"),
    "TPF": _("Territorial police force"),
    "SPF": _("Special police force"),
    "ICB": _("Integrated care board"),
}
