"""Service states and the audit actions the services app writes."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceState(models.TextChoices):
    """Only a live service is open to residents; editors can preview the others."""

    DRAFT = "draft", _("Draft")
    LIVE = "live", _("Live")
    UNPUBLISHED = "unpublished", _("Unpublished")


class AuditAction(models.TextChoices):
    """The `action` of the audit entries services writes. Stable strings: reports filter on them."""

    SERVICE_CREATED = "service.created"
    SERVICE_UPDATED = "service.updated"
    SERVICE_PUBLISHED = "service.published"
    SERVICE_UNPUBLISHED = "service.unpublished"
    SERVICE_UPGRADED = "service.upgraded"


# A service slug is the second segment of /<organisation>/<service>/: lower-case words joined by
# hyphens, like the organisation slugs, so addresses read well when spoken or printed.
SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
SLUG_MAX_LENGTH = 60
DEFAULT_RETENTION_DAYS = 365
# How long an organisation may keep what residents send: at least a month (time to act on it),
# at most ten years (longer needs a records policy, not a setting).
MIN_RETENTION_DAYS = 30
MAX_RETENTION_DAYS = 3650
