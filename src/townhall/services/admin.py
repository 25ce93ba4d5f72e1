"""The platform console's view of services: create and change them through the audited actions.

Staff adoption screens come later; until then platform operators set services up here (and with
`townhall services create`). Publishing and unpublishing are admin actions, so the state is never
typed into a form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest

from townhall.services.actions import (
    service_create,
    service_publish,
    service_unpublish,
    service_update,
)
from townhall.services.constants import ServiceState
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.services.validators import validate_service


class ServiceForm(forms.ModelForm[Service]):
    class Meta:
        model = Service
        fields = (
            "organisation",
            "pattern_version",
            "slug",
            "name",
            "name_cy",
            "parameters",
            "state",
            "contact_details",
            "team_email",
            "retention_days",
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        version = cleaned.get("pattern_version") or getattr(self.instance, "pattern_version", None)
        if version is None or self.errors:
            return cleaned
        try:
            validate_service(
                pattern=pattern_for_version(version),
                slug=cleaned.get("slug") or self.instance.slug,
                parameters=cleaned.get("parameters") or {},
                name=cleaned.get("name", ""),
                name_cy=cleaned.get("name_cy", ""),
            )
        except ValidationError as error:
            for field, problems in error.message_dict.items():
                for problem in problems:
                    self.add_error(field if field in self.fields else None, problem)
        return cleaned


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    form = ServiceForm
    list_display = ("slug", "organisation", "pattern_version", "state", "published_at")
    list_filter = ("state",)
    search_fields = ("slug", "name", "organisation__official_name", "organisation__slug")
    list_select_related = ("organisation", "pattern_version")
    autocomplete_fields = ("organisation",)
    actions = ("publish", "unpublish")
    fields = (
        "organisation",
        "pattern_version",
        "slug",
        ("name", "name_cy"),
        "parameters",
        "state",
        "contact_details",
        "team_email",
        "retention_days",
        "published_at",
        ("created_at", "updated_at"),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Service | None = None) -> list[str]:
        fixed = ["published_at", "created_at", "updated_at"]
        if obj is None:
            return fixed
        # The address and the pattern version of an existing service never change here: residents
        # part way through a journey depend on both. State changes through the actions.
        return [*fixed, "organisation", "pattern_version", "slug", "state"]

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            service_update(
                service=Service.objects.get(pk=obj.pk),
                actor=request.user,  # type: ignore[arg-type]
                name=data["name"],
                name_cy=data["name_cy"],
                parameters=data["parameters"] or {},
                contact_details=data["contact_details"],
                team_email=data["team_email"],
                retention_days=data["retention_days"],
            )
            return
        created = service_create(
            organisation=data["organisation"],
            pattern_version=data["pattern_version"],
            slug=data["slug"],
            parameters=data["parameters"] or {},
            state=ServiceState(data["state"]),
            actor=request.user,  # type: ignore[arg-type]
            name=data["name"],
            name_cy=data["name_cy"],
            contact_details=data["contact_details"],
            team_email=data["team_email"],
            retention_days=data["retention_days"],
        )
        obj.pk = created.pk
        obj._state.adding = False

    @admin.action(description="Publish the selected services")
    def publish(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            service_publish(service=service, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Published {queryset.count()} service(s)", messages.SUCCESS)

    @admin.action(description="Unpublish the selected services")
    def unpublish(self, request: HttpRequest, queryset: QuerySet[Service]) -> None:
        for service in queryset:
            service_unpublish(service=service, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, f"Unpublished {queryset.count()} service(s)", messages.SUCCESS)
