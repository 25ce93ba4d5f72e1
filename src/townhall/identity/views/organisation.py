"""Staff home, an organisation's dashboard, its team and its audit log.

Every organisation page starts with `get_membership_for_user`, which answers 404 to anyone who is
not a member and 403 to a member whose role lacks the permission.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from townhall.core.queries import audit_entry_list
from townhall.identity.actions import (
    LastAdminError,
    invitation_create,
    invitation_revoke,
    membership_remove,
    membership_role_change,
)
from townhall.identity.forms import InvitationForm, MembershipRoleForm
from townhall.identity.queries import (
    get_membership_for_user,
    invitation_pending_list,
    membership_list_for_user,
    team_invitation_get,
    team_membership_get,
    team_membership_list,
)
from townhall.identity.views._common import (
    current_user,
    form_errors,
    render_staff,
    staff_required,
    when,
)
from townhall.tenancy.constants import Permission, Role

AUDIT_PAGE_SIZE = 50

ROLE_HINTS = {
    Role.ADMIN: "Can invite people, change roles, remove people and read the audit log",
    Role.EDITOR: "Can change the organisation's services",
    Role.CASEWORKER: "Can handle what residents send in",
    Role.VIEWER: "Can see services and what residents send in, but change nothing",
}


def _role_items(selected: str | None) -> list[dict[str, Any]]:
    return [
        {
            "value": value,
            "text": str(label),
            "hint": {"text": _(ROLE_HINTS[Role(value)])},
            "checked": value == selected,
        }
        for value, label in Role.choices
    ]


@never_cache
@staff_required
@require_http_methods(["GET"])
def home(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    return render_staff(
        request, "home.html", {"user": user, "memberships": membership_list_for_user(user=user)}
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def organisation(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_ORGANISATION
    )
    return render_staff(
        request,
        "organisation.html",
        {
            "role": Role(membership.role).label,
            "can_view_team": membership.has_permission(Permission.VIEW_TEAM),
            "can_view_audit": membership.has_permission(Permission.VIEW_AUDIT_LOG),
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def team(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_TEAM
    )
    return render_staff(
        request,
        "team.html",
        {
            "members": team_membership_list(organisation=membership.organisation),
            "invitations": [
                {
                    "pk": invitation.pk,
                    "email": invitation.email,
                    "role": Role(invitation.role).label,
                    "expires": when(invitation.expires_at),
                }
                for invitation in invitation_pending_list(organisation=membership.organisation)
            ],
            "can_manage": membership.has_permission(Permission.MANAGE_TEAM),
            "roles": dict(Role.choices),
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def team_invite(request: HttpRequest, org_slug: str) -> HttpResponse:
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.MANAGE_TEAM
    )
    form = InvitationForm(
        request.POST if request.method == "POST" else None, organisation=membership.organisation
    )
    if form.is_valid():
        invitation = invitation_create(
            organisation=membership.organisation,
            email=form.cleaned_data["email"],
            role=Role(form.cleaned_data["role"]),
            invited_by=user,
        )
        messages.success(request, _("Invitation sent to %(email)s") % {"email": invitation.email})
        return redirect("identity:team", org_slug)
    error_list, field_errors = form_errors(form, first_field="email")
    return render_staff(
        request,
        "team_invite.html",
        {
            "form": form,
            "role_items": _role_items(form.data.get("role") if form.is_bound else None),
            "error_list": error_list,
            "field_errors": field_errors,
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def team_member(request: HttpRequest, org_slug: str, membership_id: uuid.UUID) -> HttpResponse:
    """Change a team member's role, or remove them (`action` is "change-role" or "remove")."""
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.MANAGE_TEAM
    )
    member = team_membership_get(organisation=membership.organisation, membership_id=membership_id)
    action = request.POST.get("action") if request.method == "POST" else None
    form = MembershipRoleForm(
        request.POST if action == "change-role" else None, initial={"role": member.role}
    )
    refused = False
    try:
        if action == "remove":
            membership_remove(membership=member, removed_by=user)
            messages.success(
                request, _("%(email)s was removed from the team") % {"email": member.user.email}
            )
            if member.user_id == user.pk:
                return redirect("identity:home")  # they removed themselves
            return redirect("identity:team", org_slug)
        if action == "change-role" and form.is_valid():
            membership_role_change(
                membership=member, role=Role(form.cleaned_data["role"]), changed_by=user
            )
            messages.success(
                request, _("%(email)s's role was changed") % {"email": member.user.email}
            )
            return redirect("identity:team", org_slug)
    except LastAdminError:
        refused = True
    error_list, field_errors = form_errors(form, first_field="role")
    status = 409 if refused else 200
    if refused:
        message = _(
            "%(organisation)s must have at least one admin. Make someone else an admin first."
        ) % {"organisation": membership.organisation.official_name}
        error_list.append({"text": message, "href": "#role"})
        field_errors.setdefault("role", {"text": message})
    selected = form.data.get("role") if form.is_bound else member.role
    return render_staff(
        request,
        "team_member.html",
        {
            "member": member,
            "role": Role(member.role).label,
            "role_items": _role_items(selected),
            "error_list": error_list,
            "field_errors": field_errors,
        },
        membership=membership,
        status=status,
    )


@never_cache
@staff_required
@require_POST
def invitation_revoke_view(
    request: HttpRequest, org_slug: str, invitation_id: uuid.UUID
) -> HttpResponse:
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.MANAGE_TEAM
    )
    invitation = team_invitation_get(
        organisation=membership.organisation, invitation_id=invitation_id
    )
    if invitation_revoke(invitation=invitation, revoked_by=user):
        messages.success(
            request, _("The invitation for %(email)s was withdrawn") % {"email": invitation.email}
        )
    return redirect("identity:team", org_slug)


@never_cache
@staff_required
@require_http_methods(["GET"])
def audit_log(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_AUDIT_LOG
    )
    paginator = Paginator(
        audit_entry_list(organisation_id=membership.organisation.id), AUDIT_PAGE_SIZE
    )
    page = paginator.get_page(request.GET.get("page"))
    base = reverse("identity:audit", args=[org_slug])
    pagination: dict[str, Any] = {
        "items": [
            {"number": number, "href": f"{base}?page={number}", "current": number == page.number}
            if isinstance(number, int)
            else {"ellipsis": True}
            for number in paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
        ]
    }
    if page.has_previous():
        pagination["previous"] = {"href": f"{base}?page={page.previous_page_number()}"}
    if page.has_next():
        pagination["next"] = {"href": f"{base}?page={page.next_page_number()}"}
    return render_staff(
        request,
        "audit.html",
        {
            "rows": [
                [
                    {"text": when(entry.occurred_at)},
                    {"text": entry.actor_email or _("Townhall")},
                    {"text": entry.summary},
                ]
                for entry in page
            ],
            "page": page,
            "pagination": pagination if paginator.num_pages > 1 else None,
        },
        membership=membership,
    )
