"""Platform operators can look submissions up by reference and read feedback; nobody edits either
here.

Caseworkers get their own inbox later. Answers are personal data: the list shows none of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from townhall.submissions.models import Feedback, Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin[Submission]):
    list_display = ("reference", "organisation", "service", "channel", "status", "submitted_at")
    list_filter = ("channel", "status")
    search_fields = ("reference",)
    list_select_related = ("organisation", "service")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin[Feedback]):
    """Read-only: feedback is what residents said, and it feeds the satisfaction KPI."""

    list_display = ("given_on", "organisation", "service", "rating", "language", "comment")
    list_filter = ("rating", "language")
    date_hierarchy = "given_on"
    list_select_related = ("organisation", "service")
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
