"""Platform operators can look submissions up by reference and read feedback; nobody edits either
here.

Caseworkers get their own inbox later. Answers are personal data: the list shows none of them.
"""

from __future__ import annotations

from django.contrib import admin

from townhall.core.admin import ReadOnlyAdminMixin
from townhall.submissions.models import Feedback, Submission


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Submission]):
    list_display = ("reference", "organisation", "service", "channel", "status", "submitted_at")
    list_filter = ("channel", "status")
    search_fields = ("reference",)
    list_select_related = ("organisation", "service")
    show_full_result_count = False


@admin.register(Feedback)
class FeedbackAdmin(ReadOnlyAdminMixin, admin.ModelAdmin[Feedback]):
    """Read-only: feedback is what residents said, and it feeds the satisfaction KPI."""

    list_display = ("given_on", "organisation", "service", "rating", "language", "comment")
    list_filter = ("rating", "language")
    date_hierarchy = "given_on"
    list_select_related = ("organisation", "service")
    show_full_result_count = False
