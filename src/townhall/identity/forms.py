"""Form validation for staff pages. Templates render the fields with GOV.UK Frontend macros."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from townhall.identity.constants import API_KEY_MAX_DAYS, ApiKeyScope
from townhall.identity.models import User
from townhall.identity.queries import membership_exists_for_email, user_get_by_email
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Organisation

_EMAIL_ERRORS = {
    "required": _("Enter your email address"),
    "invalid": _("Enter an email address in the correct format, like name@example.com"),
}


class SignInForm(forms.Form):
    email = forms.EmailField(max_length=254, error_messages=_EMAIL_ERRORS)
    password = forms.CharField(strip=False, error_messages={"required": _("Enter your password")})
    # Not required here: an account that has not set up an authenticator yet signs in without
    # one. Whether a missing code is acceptable is decided with the password, in one answer.
    code = forms.CharField(required=False, max_length=32)


class NewPasswordForm(forms.Form):
    """A new password typed twice, checked by Django's validators (AUTH_PASSWORD_VALIDATORS).

    `user` is the account the password is for (or an unsaved one with its email and name), so the
    similarity validator can refuse a password that resembles them.
    """

    new_password = forms.CharField(
        strip=False, error_messages={"required": _("Enter a new password")}
    )
    new_password_again = forms.CharField(
        strip=False, error_messages={"required": _("Enter the new password again")}
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        password = cleaned.get("new_password")
        again = cleaned.get("new_password_again")
        if password and again and password != again:
            self.add_error("new_password_again", _("The passwords do not match"))
        elif password:
            self._validate_new_password(password)
        return cleaned

    def _validate_new_password(self, password: str) -> None:
        try:
            validate_password(password, self.user)
        except ValidationError as error:
            self.add_error("new_password", error)


class PasswordChangeForm(NewPasswordForm):
    """Someone changing a password they chose asks for the current one; someone replacing a
    one-time password has just typed it to sign in, so is not asked again."""

    current_password = forms.CharField(strip=False, required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.asks_current_password = not user.must_change_password

    def clean_current_password(self) -> str:
        current: str = self.cleaned_data.get("current_password", "")
        if self.asks_current_password:
            if not current:
                raise ValidationError(_("Enter your current password"))
            if not self.user.check_password(current):
                raise ValidationError(_("Your current password is not correct"))
        return current


class InvitationAcceptForm(NewPasswordForm):
    full_name = forms.CharField(
        max_length=200, error_messages={"required": _("Enter your full name")}
    )

    field_order = ["full_name", "new_password", "new_password_again"]

    def _validate_new_password(self, password: str) -> None:
        self.user.full_name = self.cleaned_data.get("full_name", "")
        super()._validate_new_password(password)


class AuthenticatorCodeForm(forms.Form):
    code = forms.CharField(
        max_length=32,
        error_messages={"required": _("Enter the 6-digit code from your authenticator app")},
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (code.isdigit() and len(code) == 6):
            raise ValidationError(_("The code must be 6 digits"))
        return code


class InvitationForm(forms.Form):
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": _("Enter the email address of the person you want to invite"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )
    role = forms.ChoiceField(choices=Role.choices, error_messages={"required": _("Select a role")})

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        invitee = user_get_by_email(email=email)
        if invitee is not None and invitee.is_platform_operator:
            # Operators run the platform from outside every organisation (they see no staff pages).
            raise ValidationError(_("This is a platform operator's account. Use another address"))
        if membership_exists_for_email(organisation=self.organisation, email=email):
            raise ValidationError(
                _("%(email)s is already a member of %(organisation)s"),
                params={"email": email, "organisation": self.organisation.official_name},
            )
        return email


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, error_messages={"required": _("Select a role")})


# --- API keys -------------------------------------------------------------------------------------

API_KEY_EXPIRY_PRESETS = ("30", "90", "365")
API_KEY_EXPIRY_DATE = "date"


class ApiKeyForm(forms.Form):
    """A new API key: a name, a scope, and an expiry, either a number of days from now or a date
    (the key works until the end of that day, UK time). Never more than API_KEY_MAX_DAYS away."""

    name = forms.CharField(
        max_length=100,
        error_messages={
            "required": _("Enter a name for the key"),
            "max_length": _("The name must be 100 characters or fewer"),
        },
    )
    scope = forms.ChoiceField(
        choices=ApiKeyScope.choices,
        error_messages={"required": _("Select what the key may do")},
    )
    expiry = forms.ChoiceField(
        choices=[(days, days) for days in API_KEY_EXPIRY_PRESETS]
        + [(API_KEY_EXPIRY_DATE, API_KEY_EXPIRY_DATE)],
        error_messages={"required": _("Select when the key expires")},
    )
    expires_day = forms.CharField(required=False, max_length=2)
    expires_month = forms.CharField(required=False, max_length=2)
    expires_year = forms.CharField(required=False, max_length=4)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        expiry = cleaned.get("expiry")
        now = timezone.now()
        if expiry in API_KEY_EXPIRY_PRESETS:
            cleaned["expires_at"] = now + timedelta(days=int(expiry))
        elif expiry == API_KEY_EXPIRY_DATE:
            self._clean_date(cleaned, now=now)
        return cleaned

    def _clean_date(self, cleaned: dict[str, Any], *, now: datetime) -> None:
        parts = [cleaned.get(f"expires_{part}", "").strip() for part in ("day", "month", "year")]
        if not all(parts):
            self.add_error("expires_day", _("Enter the date the key expires"))
            return
        try:
            day = date(int(parts[2]), int(parts[1]), int(parts[0]))
        except ValueError:
            self.add_error("expires_day", _("The expiry date must be a real date"))
            return
        today = timezone.localdate(now)
        if day < today:
            self.add_error("expires_day", _("The expiry date must be today or in the future"))
        elif day > today + timedelta(days=API_KEY_MAX_DAYS):
            self.add_error(
                "expires_day",
                _("The expiry date must be within %(days)s days") % {"days": API_KEY_MAX_DAYS},
            )
        else:
            # The key works until the end of the chosen day, UK time.
            end = datetime.combine(day + timedelta(days=1), time.min)
            cleaned["expires_at"] = timezone.make_aware(end)
