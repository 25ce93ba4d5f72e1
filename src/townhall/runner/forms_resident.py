"""Forms of the runner's own pages (not a pattern's questions): the email address for "save and
come back later", and feedback. Error messages follow the GOV.UK Design System's wording."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from townhall.submissions.constants import FEEDBACK_COMMENT_MAX_CHARS, Satisfaction

# The longest an email address can be.
EMAIL_MAX_CHARS = 254


class SaveEmailForm(forms.Form):
    email = forms.EmailField(
        max_length=EMAIL_MAX_CHARS,
        error_messages={
            "required": _("Enter your email address"),
            "invalid": _("Enter an email address in the correct format, like name@example.com"),
            "max_length": _("Email address must be 254 characters or less"),
        },
    )


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=Satisfaction.choices,
        coerce=int,
        error_messages={
            "required": _("Select how you felt about the service"),
            "invalid_choice": _("Select how you felt about the service"),
        },
    )
    # Not a max_length: browsers send line breaks as two characters, GOV.UK's character count
    # shows them as one, so the limit is checked after normalising them.
    comment = forms.CharField(required=False)

    def clean_comment(self) -> str:
        comment: str = self.cleaned_data.get("comment", "")
        comment = comment.replace("\r\n", "\n").strip()
        if len(comment) > FEEDBACK_COMMENT_MAX_CHARS:
            raise ValidationError(_("Your comment must be 1,200 characters or less"))
        return comment

    def rating_value(self) -> Satisfaction:
        value: Any = self.cleaned_data["rating"]
        return Satisfaction(value)
