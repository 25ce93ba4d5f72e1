"""Accepting an invitation from its emailed link."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from townhall.identity.actions import (
    InvitationNotUsableError,
    invitation_accept,
    invitation_accept_as_new_user,
)
from townhall.identity.forms import InvitationAcceptForm
from townhall.identity.models import Invitation, User
from townhall.identity.queries import (
    InvitationState,
    invitation_get_by_token,
    invitation_state,
    user_get_by_email,
    user_has_authenticator,
)
from townhall.identity.views._common import (
    AFTER_SET_UP,
    form_errors,
    is_verified,
    render_staff,
)
from townhall.tenancy.constants import Role

_UNUSABLE = {
    InvitationState.EXPIRED: (
        "This invitation has expired",
        "Ask your organisation's admin to invite you again.",
    ),
    InvitationState.REVOKED: (
        "This invitation has been withdrawn",
        "Ask your organisation's admin to invite you again.",
    ),
    InvitationState.ACCEPTED: (
        "This invitation has already been used",
        "Each invitation link works once. If you accepted it, sign in to continue.",
    ),
}


@sensitive_post_parameters("new_password", "new_password_again")
@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_get_by_token(token=token)
    if invitation is None:
        return _unusable_page(
            request,
            title=_("This invitation link is not valid"),
            body=_("Check you copied the entire link from the email, or ask to be invited again."),
            status=404,
        )
    state = invitation_state(invitation=invitation)
    if state is not InvitationState.USABLE:
        return _unusable(request, state)
    existing = user_get_by_email(email=invitation.email)
    if existing is None:
        return _accept_as_new_user(request, invitation)
    return _accept_as_existing_user(request, invitation, existing)


def _unusable(request: HttpRequest, state: InvitationState) -> HttpResponse:
    title, body = _UNUSABLE[state]
    return _unusable_page(request, title=_(title), body=_(body), status=410)


def _unusable_page(request: HttpRequest, *, title: str, body: str, status: int) -> HttpResponse:
    return render_staff(
        request, "invitation_unusable.html", {"heading": title, "body": body}, status=status
    )


def _accept_as_new_user(request: HttpRequest, invitation: Invitation) -> HttpResponse:
    form = InvitationAcceptForm(
        request.POST if request.method == "POST" else None, user=User(email=invitation.email)
    )
    if form.is_valid():
        try:
            user = invitation_accept_as_new_user(
                invitation=invitation,
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["new_password"],
            )
        except InvitationNotUsableError:
            invitation.refresh_from_db()
            return _unusable(request, invitation_state(invitation=invitation))
        # Part signed in: they have proved the email link and chosen a password; the gates keep
        # them to setting up an authenticator app until that is done.
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("identity:authenticator-setup")
    error_list, field_errors = form_errors(form, first_field="full_name")
    return render_staff(
        request,
        "invitation_accept.html",
        {
            "invitation": invitation,
            "role": Role(invitation.role).label,
            "form": form,
            "error_list": error_list,
            "field_errors": field_errors,
        },
    )


def _accept_as_existing_user(
    request: HttpRequest, invitation: Invitation, existing: User
) -> HttpResponse:
    context = {"invitation": invitation, "role": Role(invitation.role).label}
    if request.user.is_authenticated and request.user.pk == existing.pk:
        if not is_verified(request):
            if user_has_authenticator(user=existing):
                return redirect_to_login(request.get_full_path(), reverse("identity:sign-in"))
            request.session[AFTER_SET_UP] = request.get_full_path()
            return redirect("identity:home")  # the gates take them through set-up first
        if request.method == "POST":
            try:
                membership = invitation_accept(invitation=invitation, user=existing)
            except InvitationNotUsableError:
                invitation.refresh_from_db()
                return _unusable(request, invitation_state(invitation=invitation))
            messages.success(
                request,
                _("You have joined %(organisation)s")
                % {"organisation": membership.organisation.official_name},
            )
            return redirect("identity:organisation", membership.organisation.slug)
        return render_staff(request, "invitation_join.html", context)
    # Signed out, or signed in as someone else: this invitation is for another account.
    sign_in_url = reverse("identity:sign-in") + "?" + urlencode({"next": request.path})
    return render_staff(
        request,
        "invitation_sign_in.html",
        {**context, "sign_in_url": sign_in_url, "signed_in_as": request.user},
    )
