"""What every staff view shares: who may see it (the gates) and how it is rendered.

A staff session is in one of three states:
- signed in: password and second factor checked (`request.user.is_verified()`, from django-otp);
- part signed in: password checked, but the account has no authenticator app yet, so the session
  may only choose a password and set one up;
- signed out.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, Concatenate

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from townhall.identity.models import User
from townhall.identity.queries import user_has_authenticator
from townhall.tenancy.constants import Permission
from townhall.tenancy.models import Membership

type View[**P] = Callable[Concatenate[HttpRequest, P], HttpResponse]

# Session keys. Notices survive `logout()` because they are written after it.
SIGNED_OUT_IDLE = "townhall_signed_out_idle"  # set by StaffSessionIdleTimeoutMiddleware
SIGN_OUT_NOTICE = "townhall_sign_out_notice"
AFTER_SET_UP = "townhall_after_set_up"


def current_user(request: HttpRequest) -> User:
    """The signed-in user, typed. Only call it behind one of the gates below."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied("Not signed in.")
    return user


def is_verified(request: HttpRequest) -> bool:
    """True when this session passed the second factor. OTPMiddleware installs `is_verified`."""
    check = getattr(request.user, "is_verified", None)
    return bool(check and check())


def staff_required[**P](view: View[P]) -> View[P]:
    """Fully signed-in staff only; anyone else is sent to where they need to go next."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("identity:sign-in"))
        user = current_user(request)
        if is_verified(request):
            if user.must_change_password:
                return redirect("identity:password-change")
            return view(request, *args, **kwargs)
        return _continue_signing_in(request, user)

    functools.update_wrapper(wrapped, view)
    return wrapped


def part_signed_in_allowed[**P](view: View[P]) -> View[P]:
    """Pages of the set-up journey: also open to a session that has only passed the password,
    as long as the account has no authenticator yet (otherwise the code is required first)."""

    def wrapped(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("identity:sign-in"))
        if is_verified(request) or not user_has_authenticator(user=current_user(request)):
            return view(request, *args, **kwargs)
        return _continue_signing_in(request, current_user(request))

    functools.update_wrapper(wrapped, view)
    return wrapped


def _continue_signing_in(request: HttpRequest, user: User) -> HttpResponse:
    if user_has_authenticator(user=user):
        # A password-only session of an account that has since set up an authenticator (say, a
        # second browser left at the set-up page): it must sign in again with the code.
        logout(request)
        return redirect_to_login(request.get_full_path(), reverse("identity:sign-in"))
    if user.must_change_password:
        return redirect("identity:password-change")
    return redirect("identity:authenticator-setup")


def safe_next_url(request: HttpRequest, candidate: str | None) -> str | None:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return None


def form_errors(form: Form, *, first_field: str) -> tuple[list[dict[str, str]], dict[str, Any]]:
    """GOV.UK error summary items and each field's `errorMessage`, from a bound Django form.

    Errors that belong to no field link to `first_field`, the first thing to correct.
    """
    summary: list[dict[str, str]] = []
    fields: dict[str, Any] = {}
    for name, errors in form.errors.items():
        target = first_field if name == "__all__" else name
        summary.append({"text": str(errors[0]), "href": f"#{target}"})
        fields.setdefault(target, {"text": str(errors[0])})
    return summary, fields


def when(moment: datetime) -> str:
    """A moment as GOV.UK writes it, in UK time: "5 January 2027 at 3:04pm"."""
    local = timezone.localtime(moment)
    return f"{local.day} {local:%B %Y} at {local.hour % 12 or 12}:{local:%M}{local:%p}".replace(
        "AM", "am"
    ).replace("PM", "pm")


def _navigation(request: HttpRequest, membership: Membership | None) -> list[dict[str, Any]]:
    if not (request.user.is_authenticated and is_verified(request)):
        return []
    current = request.resolver_match.url_name if request.resolver_match else ""
    items: list[tuple[str, str, set[str]]] = []
    if membership is not None:
        slug = membership.organisation.slug
        items.append(
            (reverse("identity:organisation", args=[slug]), _("Dashboard"), {"organisation"})
        )
        items.append(
            (
                reverse("identity:team", args=[slug]),
                _("Team"),
                {"team", "team-invite", "team-member"},
            )
        )
        # Every member may see the services (viewers read-only); names of the services app only.
        in_services = bool(
            request.resolver_match and request.resolver_match.namespace == "services"
        )
        items.append(
            (
                reverse("services:list", args=[slug]),
                _("Services"),
                {current or ""} if in_services else set(),
            )
        )
        if membership.has_permission(Permission.VIEW_SUBMISSIONS):
            in_casework = bool(
                request.resolver_match and request.resolver_match.namespace == "casework"
            )
            items.append(
                (
                    reverse("casework:inbox", args=[slug]),
                    _("Inbox"),
                    {current or ""} if in_casework else set(),
                )
            )
        if membership.has_permission(Permission.VIEW_AUDIT_LOG):
            items.append((reverse("identity:audit", args=[slug]), _("Audit log"), {"audit"}))
        if membership.has_permission(Permission.MANAGE_API_KEYS):
            items.append(
                (
                    reverse("identity:api-keys", args=[slug]),
                    _("API keys"),
                    {"api-keys", "api-key-create", "api-key-revoke"},
                )
            )
        if membership.has_permission(Permission.MANAGE_WEBHOOKS):
            in_webhooks = bool(
                request.resolver_match and request.resolver_match.namespace == "webhooks"
            )
            items.append(
                (
                    reverse("webhooks:list", args=[slug]),
                    _("Webhooks"),
                    {current or ""} if in_webhooks else set(),
                )
            )
    else:
        items.append((reverse("identity:home"), _("Your organisations"), {"home"}))
    items.append((reverse("identity:account"), _("Your account"), {"account"}))
    items.append((reverse("identity:sign-out"), _("Sign out"), {"sign-out"}))
    return [{"href": href, "text": text, "active": current in names} for href, text, names in items]


def render_staff(
    request: HttpRequest,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    membership: Membership | None = None,
    status: int = 200,
    app: str = "identity",
) -> HttpResponse:
    """Render a staff page from `<app>/<template>` (other apps' staff pages pass their own
    folder): English only (no language toggle), staff navigation, flash messages."""
    full: dict[str, Any] = {
        "translatable": False,
        "navigation_items": _navigation(request, membership),
        "notifications": [str(message) for message in messages.get_messages(request)],
        "membership": membership,
        "error_list": [],
        "field_errors": {},
    }
    if membership is not None:
        full["organisation_name"] = membership.organisation.official_name
        full["organisation_url"] = reverse(
            "identity:organisation", args=[membership.organisation.slug]
        )
    full.update(context or {})
    return render(request, f"{app}/{template}", full, status=status)
