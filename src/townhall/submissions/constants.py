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
    """received → in progress → closed (with an outcome). Open311 maps the first two to "open"."""

    RECEIVED = "received", _("Received")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    """Why a closed submission was closed; only a closed submission has one."""

    RESOLVED = "resolved", _("Resolved")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")
    REFERRED = "referred", _("Referred elsewhere")


class Satisfaction(models.IntegerChoices):
    """GOV.UK's five-point satisfaction scale; "satisfied" and "very satisfied" count towards the
    user satisfaction KPI. Stored as numbers so averages and thresholds are plain SQL."""

    VERY_SATISFIED = 5, _("Very satisfied")
    SATISFIED = 4, _("Satisfied")
    NEITHER = 3, _("Neither satisfied or dissatisfied")
    DISSATISFIED = 2, _("Dissatisfied")
    VERY_DISSATISFIED = 1, _("Very dissatisfied")


# GOV.UK's feedback forms allow 1,200 characters of comment.
FEEDBACK_COMMENT_MAX_CHARS = 1200
