"""A member of staff's own account: password, authenticator app, recovery codes, sessions."""

from __future__ import annotations

from base64 import b32encode

import django_otp
import segno
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from townhall.identity.actions import (
    authenticator_confirm,
    authenticator_prepare,
    recovery_codes_regenerate,
    user_password_change,
    user_sign_out_everywhere,
)
from townhall.identity.forms import AuthenticatorCodeForm, PasswordChangeForm
from townhall.identity.queries import (
    membership_list_for_user,
    recovery_code_count,
    user_has_authenticator,
)
from townhall.identity.views._common import (
    AFTER_SET_UP,
    SIGN_OUT_NOTICE,
    current_user,
    form_errors,
    is_verified,
    part_signed_in_allowed,
    render_staff,
    safe_next_url,
    staff_required,
)

# Recovery codes wait here between being generated and being shown, once.
_NEW_RECOVERY_CODES = "townhall_new_recovery_codes"


@never_cache
@staff_required
@require_http_methods(["GET"])
def account(request: HttpRequest) -> HttpResponse:
    return _account_page(request, regenerate_form=AuthenticatorCodeForm())


def _account_page(
    request: HttpRequest, *, regenerate_form: AuthenticatorCodeForm, status: int = 200
) -> HttpResponse:
    user = current_user(request)
    error_list, field_errors = (
        form_errors(regenerate_form, first_field="code") if regenerate_form.is_bound else ([], {})
    )
    return render_staff(
        request,
        "account.html",
        {
            "user": user,
            "memberships": membership_list_for_user(user=user),
            "recovery_codes_left": recovery_code_count(user=user),
            "error_list": error_list,
            "field_errors": field_errors,
        },
        status=status,
    )


@sensitive_post_parameters("current_password", "new_password", "new_password_again")
@never_cache
@part_signed_in_allowed
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = PasswordChangeForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_valid():
        user_password_change(user=user, password=form.cleaned_data["new_password"])
        # Keep this session; the new password's hash ends every other one.
        update_session_auth_hash(request, user)
        if is_verified(request):
            messages.success(request, _("You have changed your password"))
            return redirect("identity:account")
        return redirect("identity:authenticator-setup")
    first = "current_password" if form.asks_current_password else "new_password"
    error_list, field_errors = form_errors(form, first_field=first)
    return render_staff(
        request,
        "password_change.html",
        {"form": form, "error_list": error_list, "field_errors": field_errors},
    )


@sensitive_post_parameters("code")
@never_cache
@part_signed_in_allowed
@require_http_methods(["GET", "POST"])
def authenticator_setup(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    if user.must_change_password:
        return redirect("identity:password-change")
    if user_has_authenticator(user=user):
        return redirect("identity:account")
    device = authenticator_prepare(user=user)
    form = AuthenticatorCodeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        codes = authenticator_confirm(user=user, device=device, code=form.cleaned_data["code"])
        if codes is not None:
            device.refresh_from_db()
            django_otp.login(request, device)
            request.session[_NEW_RECOVERY_CODES] = codes
            return redirect("identity:recovery-codes")
        form.add_error("code", _("The code is not correct. Check your app and try again"))
    error_list, field_errors = form_errors(form, first_field="code")
    secret = b32encode(device.bin_key).decode()
    return render_staff(
        request,
        "authenticator_setup.html",
        {
            "form": form,
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=4, dark="#0b0c0c", light="#ffffff", title=_("QR code for your authenticator")
            ),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "error_list": error_list,
            "field_errors": field_errors,
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Shows newly made recovery codes once; "I have saved my recovery codes" forgets them."""
    codes: list[str] | None = request.session.get(_NEW_RECOVERY_CODES)
    if request.method == "POST" or not codes:
        request.session.pop(_NEW_RECOVERY_CODES, None)
        after = safe_next_url(request, request.session.pop(AFTER_SET_UP, None))
        return redirect(after or ("identity:home" if codes else "identity:account"))
    return render_staff(
        request, "recovery_codes.html", {"codes": [_grouped(code) for code in codes]}
    )


def _grouped(code: str) -> str:
    return f"{code[:4]} {code[4:]}"


@sensitive_post_parameters("code")
@never_cache
@staff_required
@require_POST
def recovery_codes_regenerate_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = AuthenticatorCodeForm(request.POST)
    if form.is_valid():
        codes = recovery_codes_regenerate(user=user, code=form.cleaned_data["code"])
        if codes is not None:
            request.session[_NEW_RECOVERY_CODES] = codes
            messages.success(request, _("Your old recovery codes no longer work"))
            return redirect("identity:recovery-codes")
        form.add_error("code", _("The code is not correct. Check your app and try again"))
    return _account_page(request, regenerate_form=form)


@never_cache
@staff_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user_sign_out_everywhere(user=current_user(request))
    logout(request)
    request.session[SIGN_OUT_NOTICE] = _(
        "You have signed out on every device. Sign in again to continue."
    )
    return redirect("identity:sign-in")
