"""The platform console's view of organisations: look up, never edit.

Organisations come from the register (`townhall organisations import`), so that one code path keeps
them, their slugs and the audit log right; the console only shows them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from townhall.tenancy.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    list_display = ("official_name", "kind", "type_code", "nation", "gss_code", "slug", "is_active")
    list_filter = ("kind", "nation", "is_active", "type_code", "is_demo")
    search_fields = (
        "official_name",
        "short_name",
        "search_text",
        "gss_code",
        "slug",
        "register_key",
    )
    ordering = ("short_name",)
    list_select_related = ("parent",)
    show_full_result_count = False
    fields = (
        "official_name",
        "short_name",
        "alternative_names",
        "slug",
        "register_key",
        "kind",
        ("type_code", "type_name"),
        ("gss_code", "other_code"),
        ("nation", "region"),
        "parent",
        "successors",
        ("is_active", "start_date", "end_date"),
        "is_demo",
        ("created_at", "updated_at"),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
