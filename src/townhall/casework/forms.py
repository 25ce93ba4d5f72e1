"""Form validation for the casework pages. Templates render the fields with GOV.UK macros.

Staff forms are English only (the staff pages are); the resident's forms use gettext, since the
status check is bilingual.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from townhall.casework.constants import STATUS_CODE_DIGITS, InboxSort
from townhall.casework.queries import UNASSIGNED, InboxFilters
from townhall.identity.models import User
from townhall.services.models import Service
from townhall.submissions.constants import Outcome, SubmissionStatus


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def _date_from_parts(
    form: forms.Form, cleaned: dict[str, Any], prefix: str, subject: str
) -> datetime.date | None:
    parts = [
        str(cleaned.get(f"{prefix}_{part}") or "").strip() for part in ("day", "month", "year")
    ]
    if not any(parts):
        return None
    if not all(parts):
        form.add_error(f"{prefix}_day", f"{subject} must include a day, month and year")
        return None
    try:
        day, month, year = (int(part) for part in parts)
        return datetime.date(year, month, day)
    except ValueError:
        form.add_error(f"{prefix}_day", f"{subject} must be a real date")
        return None


class InboxFilterForm(forms.Form):
    """The inbox's filters, read from the query string. Unknown choices are errors, not ignored:
    a list silently wider than asked for would mislead."""

    service = forms.ChoiceField(required=False)
    status = forms.ChoiceField(required=False, choices=[("", ""), *SubmissionStatus.choices])
    assignee = forms.ChoiceField(required=False)
    from_day = forms.CharField(required=False, max_length=2)
    from_month = forms.CharField(required=False, max_length=2)
    from_year = forms.CharField(required=False, max_length=4)
    to_day = forms.CharField(required=False, max_length=2)
    to_month = forms.CharField(required=False, max_length=2)
    to_year = forms.CharField(required=False, max_length=4)
    reference = forms.CharField(required=False, max_length=20)
    sort = forms.ChoiceField(required=False, choices=InboxSort.choices)

    def __init__(self, *args: Any, services: list[Service], members: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        _choice_field(self, "service").choices = [("", "")] + [
            (str(s.pk), s.slug) for s in services
        ]
        _choice_field(self, "assignee").choices = [("", ""), (UNASSIGNED, "")] + [
            (str(user.pk), user.email) for user in members
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start = _date_from_parts(self, cleaned, "from", "Date from")
        end = _date_from_parts(self, cleaned, "to", "Date to")
        if start and end and end < start:
            self.add_error("to_day", "Date to must be the same as or after date from")
        cleaned["submitted_from"] = start
        cleaned["submitted_to"] = end
        return cleaned

    def filters(self) -> InboxFilters:
        """The filters to apply; only call after `is_valid()` returned True."""
        data = self.cleaned_data
        return InboxFilters(
            service_id=uuid.UUID(data["service"]) if data.get("service") else None,
            status=data.get("status") or "",
            assignee=data.get("assignee") or "",
            submitted_from=data.get("submitted_from"),
            submitted_to=data.get("submitted_to"),
            reference=data.get("reference") or "",
            sort=InboxSort(data.get("sort") or InboxSort.NEWEST),
        )


class StatusChangeForm(forms.Form):
    status = forms.ChoiceField(
        choices=SubmissionStatus.choices, error_messages={"required": "Select a status"}
    )
    outcome = forms.ChoiceField(required=False, choices=[("", ""), *Outcome.choices])
    public_note = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("status") == SubmissionStatus.CLOSED and not cleaned.get("outcome"):
            self.add_error("outcome", "Select an outcome")
        if cleaned.get("status") != SubmissionStatus.CLOSED:
            # The outcome radios sit under "Closed": a choice left there means nothing otherwise.
            cleaned["outcome"] = ""
        return cleaned


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, members: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.members = {str(user.pk): user for user in members}
        _choice_field(self, "assignee").choices = [("", "")] + [(key, "") for key in self.members]

    def chosen_user(self) -> User | None:
        return self.members.get(self.cleaned_data.get("assignee") or "")


class NoteForm(forms.Form):
    text = forms.CharField(max_length=5000, error_messages={"required": "Enter a note"})


class StatusLookupForm(forms.Form):
    reference = forms.CharField(
        max_length=20, error_messages={"required": _("Enter your reference number")}
    )
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
        },
    )


class StatusCodeForm(forms.Form):
    code = forms.CharField(
        max_length=20, error_messages={"required": _("Enter the code from the email")}
    )

    def clean_code(self) -> str:
        code = "".join(str(self.cleaned_data["code"]).split())
        if not (code.isdigit() and len(code) == STATUS_CODE_DIGITS):
            raise forms.ValidationError(_("The code must be 6 numbers"))
        return code
