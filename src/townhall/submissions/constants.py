"""Where a submission came from and where it is in its life."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    WEB = "web", _("Online")
    ASSISTED = "assisted", _("Assisted (staff on a resident's behalf)")
    API = "api", _("API")
    OPEN311 = "open311", _("Open311")


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
