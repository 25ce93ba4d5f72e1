"""Signing in and out."""

from __future__ import annotations

import django_otp
from django.conf import settings
from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from townhall.identity.forms import SignInForm
from townhall.identity.queries import user_has_authenticator
from townhall.identity.sign_in import SignInOutcome, sign_in_attempt
from townhall.identity.views._common import (
    AFTER_SET_UP,
    SIGN_OUT_NOTICE,
    SIGNED_OUT_IDLE,
    current_user,
    form_errors,
    is_verified,
    render_staff,
    safe_next_url,
)

NOT_CORRECT = "The email address, password or security code is not correct"


def _locked_message() -> str:
    minutes = max(1, settings.TOWNHALL_SIGN_IN_LOCKOUT_SECONDS // 60)
    return ngettext(
        "You have tried to sign in too many times. Wait %(minutes)d minute and try again.",
        "You have tried to sign in too many times. Wait %(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


@sensitive_post_parameters("password", "code")
@never_cache
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated and is_verified(request):
        return redirect(next_url or "identity:home")
    if (
        request.method == "GET"
        and request.user.is_authenticated
        and not user_has_authenticator(user=current_user(request))
    ):
        # Part signed in (password only, no authenticator yet): carry on with set-up, not the form.
        if next_url:
            request.session[AFTER_SET_UP] = next_url
        return redirect("identity:home")
    notice = None
    if request.session.pop(SIGNED_OUT_IDLE, False):
        notice = _("You were signed out because you were inactive")
    elif sign_out_notice := request.session.pop(SIGN_OUT_NOTICE, None):
        notice = str(sign_out_notice)

    form = SignInForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_valid():
        result = sign_in_attempt(
            request=request,
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            code=form.cleaned_data["code"],
            ip_address=request.META.get("REMOTE_ADDR", ""),
        )
        if result.user is not None:
            login(request, result.user, backend="django.contrib.auth.backends.ModelBackend")
            if result.outcome is SignInOutcome.SIGNED_IN:
                django_otp.login(request, result.device)
                return redirect(next_url or "identity:home")
            # Part signed in: the gates send them on to choose a password and set up an
            # authenticator app; the page they asked for waits until the end of that journey.
            if next_url:
                request.session[AFTER_SET_UP] = next_url
            return redirect("identity:home")
        if result.outcome is SignInOutcome.LOCKED:
            form.add_error(None, _locked_message())
            status = 429
        else:
            form.add_error(None, _(NOT_CORRECT))
    error_list, field_errors = form_errors(form, first_field="email")
    return render_staff(
        request,
        "sign_in.html",
        {
            "form": form,
            "next": next_url or "",
            "notice": notice,
            "error_list": error_list,
            "field_errors": field_errors,
        },
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def sign_out(request: HttpRequest) -> HttpResponse:
    """GET asks for confirmation (a link cannot safely sign anyone out); POST signs out."""
    if request.method == "POST":
        logout(request)
        request.session[SIGN_OUT_NOTICE] = _("You have signed out")
        return redirect("identity:sign-in")
    if not request.user.is_authenticated:
        return redirect("identity:sign-in")
    return render_staff(request, "sign_out.html")
