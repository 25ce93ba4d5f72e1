"""An organisation's API keys: list, create (the key shown once) and revoke. Admins only.

Every page starts with `get_membership_for_user(permission=MANAGE_API_KEYS)`: 404 to anyone who
is not a member, 403 to a member whose role is not admin.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from townhall.identity.actions import api_key_create, api_key_revoke
from townhall.identity.constants import API_KEY_DEFAULT_DAYS, ApiKeyScope
from townhall.identity.forms import API_KEY_EXPIRY_DATE, API_KEY_EXPIRY_PRESETS, ApiKeyForm
from townhall.identity.models import ApiKey
from townhall.identity.queries import api_key_get, api_key_list, get_membership_for_user
from townhall.identity.views._common import (
    current_user,
    form_errors,
    render_staff,
    staff_required,
    when,
)
from townhall.tenancy.constants import Permission

SCOPE_HINTS = {
    ApiKeyScope.READ: "Can read the organisation's submissions",
    ApiKeyScope.WRITE: "Can also send in submissions and change them",
}


def _status(api_key: ApiKey) -> str:
    if api_key.revoked_at is not None:
        return _("Revoked %(when)s") % {"when": when(api_key.revoked_at)}
    if api_key.expires_at <= timezone.now():
        return _("Expired")
    return _("Active")


@never_cache
@staff_required
@require_http_methods(["GET"])
def api_keys(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.MANAGE_API_KEYS
    )
    keys = [
        {
            "pk": api_key.pk,
            "name": api_key.name,
            "prefix": api_key.prefix,
            "scope": ApiKeyScope(api_key.scope).label,
            "created_by": api_key.created_by_email or _("Unknown"),
            "created": when(api_key.created_at),
            "expires": when(api_key.expires_at),
            "last_used": when(api_key.last_used_at) if api_key.last_used_at else _("Never"),
            "status": _status(api_key),
            "usable": api_key.is_usable_at(timezone.now()),
        }
        for api_key in api_key_list(organisation=membership.organisation)
    ]
    return render_staff(request, "api_keys.html", {"keys": keys}, membership=membership)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def api_key_create_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The form; on success the new key, on this response only: nothing can show it again."""
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.MANAGE_API_KEYS
    )
    form = ApiKeyForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        api_key, raw_key = api_key_create(
            organisation=membership.organisation,
            name=form.cleaned_data["name"],
            scope=ApiKeyScope(form.cleaned_data["scope"]),
            expires_at=form.cleaned_data["expires_at"],
            actor=user,
        )
        return render_staff(
            request,
            "api_key_created.html",
            {
                "api_key": api_key,
                "raw_key": raw_key,
                "scope": ApiKeyScope(api_key.scope).label,
                "expires": when(api_key.expires_at),
            },
            membership=membership,
        )
    error_list, field_errors = form_errors(form, first_field="name")
    data: Any = form.data if form.is_bound else {}
    return render_staff(
        request,
        "api_key_create.html",
        {
            "form_data": data,
            "scope_items": [
                {
                    "value": value,
                    "text": label,
                    "hint": {"text": SCOPE_HINTS[ApiKeyScope(value)]},
                    "checked": data.get("scope", ApiKeyScope.READ) == value,
                }
                for value, label in ApiKeyScope.choices
            ],
            "expiry_selected": data.get("expiry", str(API_KEY_DEFAULT_DAYS)),
            "expiry_presets": API_KEY_EXPIRY_PRESETS,
            "expiry_date": API_KEY_EXPIRY_DATE,
            "error_list": error_list,
            "field_errors": field_errors,
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def api_key_revoke_view(request: HttpRequest, org_slug: str, api_key_id: uuid.UUID) -> HttpResponse:
    """A confirmation page; its POST revokes the key at once."""
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.MANAGE_API_KEYS
    )
    api_key = api_key_get(organisation=membership.organisation, api_key_id=api_key_id)
    if request.method == "POST":
        if api_key_revoke(api_key=api_key, actor=user):
            messages.success(
                request, _("The API key %(name)s was revoked") % {"name": api_key.name}
            )
        return redirect("identity:api-keys", org_slug)
    if api_key.revoked_at is not None:
        return redirect("identity:api-keys", org_slug)
    return render_staff(request, "api_key_revoke.html", {"api_key": api_key}, membership=membership)
