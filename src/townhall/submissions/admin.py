"""Platform operators can look submissions up by reference; nobody edits them here.

Caseworkers get their own inbox later. Answers are personal data: the list shows none of them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from townhall.submissions.models import Submission


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
