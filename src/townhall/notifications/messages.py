"""The emails Townhall sends, in English and Welsh, in the plain style of GOV.UK Notify.

Each template names the values it needs; `email_queue` refuses a message without them, so a
missing value fails where it is written rather than in a background task hours later. With GOV.UK
Notify configured, the wording here is not used: Notify holds its own copy of each template
(same names, same personalisation keys) and Townhall sends only the values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final


@dataclass(frozen=True)
class Wording:
    subject: str
    body: str


@dataclass(frozen=True)
class EmailTemplate:
    name: str
    # What staff see the email called (the "Emails not sent" page).
    title: str
    keys: frozenset[str]
    # Keyed by language; English is always present and used when a language is missing.
    wording: Mapping[str, Wording]

    def render(self, *, language: str, context: Mapping[str, str]) -> Wording:
        wording = self.wording.get(language) or self.wording["en"]
        values = dict(context)
        # An empty note reads as nothing, not as a blank "Note:" line.
        if "note" in values:
            values["note"] = f"\n{values['note']}\n" if values["note"] else ""
        return Wording(
            subject=wording.subject.format_map(values), body=wording.body.format_map(values)
        )


class UnknownTemplate(ValueError):
    pass


class ContextMismatch(ValueError):
    pass


_SUBMISSION_RECEIVED = EmailTemplate(
    name="submission_received",
    title="Confirmation to the resident",
    keys=frozenset({"reference", "service_name", "status_url"}),
    wording={
        "en": Wording(
            subject="{service_name}: we have received your request",
            body=(
                "We have received your request.\n"
                "\n"
                "Your reference number is {reference}\n"
                "\n"
                "Keep this email. Use the reference if you contact us about your request.\n"
                "\n"
                "To check what is happening with your request, go to:\n"
                "{status_url}\n"
                "\n"
                "{service_name}\n"
            ),
        ),
        "cy": Wording(
            subject="{service_name}: rydym wedi cael eich cais",
            body=(
                "Rydym wedi cael eich cais.\n"
                "\n"
                "Eich cyfeirnod yw {reference}\n"
                "\n"
                "Cadwch yr e-bost hwn. Defnyddiwch y cyfeirnod os byddwch yn cysylltu â ni "
                "am eich cais.\n"
                "\n"
                "I weld beth sy'n digwydd gyda'ch cais, ewch i:\n"
                "{status_url}\n"
                "\n"
                "{service_name}\n"
            ),
        ),
    },
)

_SUBMISSION_NEW_FOR_TEAM = EmailTemplate(
    name="submission_new_for_team",
    title="New request alert to the team",
    keys=frozenset({"reference", "service_name", "inbox_url"}),
    wording={
        "en": Wording(
            subject="New request {reference}: {service_name}",
            body=(
                "A new request has been sent to {service_name}.\n"
                "\n"
                "Reference: {reference}\n"
                "\n"
                "To see it, sign in to Townhall:\n"
                "{inbox_url}\n"
                "\n"
                "This email does not include the resident's answers, to keep them safe.\n"
            ),
        ),
    },
)

_STATUS_CHANGED = EmailTemplate(
    name="status_changed",
    title="Status update to the resident",
    keys=frozenset({"reference", "service_name", "status", "note", "status_url"}),
    wording={
        "en": Wording(
            subject="{service_name}: your request {reference} has been updated",
            body=(
                "Your request {reference} has been updated.\n"
                "\n"
                "Status: {status}\n"
                "{note}"
                "\n"
                "To see more, go to:\n"
                "{status_url}\n"
                "\n"
                "{service_name}\n"
            ),
        ),
        "cy": Wording(
            subject="{service_name}: mae eich cais {reference} wedi cael ei ddiweddaru",
            body=(
                "Mae eich cais {reference} wedi cael ei ddiweddaru.\n"
                "\n"
                "Statws: {status}\n"
                "{note}"
                "\n"
                "I weld rhagor, ewch i:\n"
                "{status_url}\n"
                "\n"
                "{service_name}\n"
            ),
        ),
    },
)

_STATUS_CHECK_CODE = EmailTemplate(
    name="status_check_code",
    title="Status check code to the resident",
    keys=frozenset({"reference", "code"}),
    wording={
        "en": Wording(
            subject="Your code to check request {reference}",
            body=(
                "Your code is {code}\n"
                "\n"
                "Enter it to see what is happening with request {reference}.\n"
                "\n"
                "The code works once and only for a short time.\n"
                "\n"
                "If you did not ask for this code, you can ignore this email.\n"
            ),
        ),
        "cy": Wording(
            subject="Eich cod i wirio cais {reference}",
            body=(
                "Eich cod yw {code}\n"
                "\n"
                "Rhowch y cod i weld beth sy'n digwydd gyda chais {reference}.\n"
                "\n"
                "Mae'r cod yn gweithio unwaith ac am gyfnod byr yn unig.\n"
                "\n"
                "Os na wnaethoch ofyn am y cod hwn, gallwch anwybyddu'r e-bost hwn.\n"
            ),
        ),
    },
)

TEMPLATES: Final[Mapping[str, EmailTemplate]] = MappingProxyType(
    {
        template.name: template
        for template in (
            _SUBMISSION_RECEIVED,
            _SUBMISSION_NEW_FOR_TEAM,
            _STATUS_CHANGED,
            _STATUS_CHECK_CODE,
        )
    }
)


def validate_email_context(*, template: str, context: Mapping[str, str]) -> EmailTemplate:
    """The template called `template`, if it exists and `context` has exactly its keys."""
    found = TEMPLATES.get(template)
    if found is None:
        raise UnknownTemplate(f"No email template called {template!r}.")
    given = set(context)
    if given != found.keys:
        missing = sorted(found.keys - given)
        extra = sorted(given - found.keys)
        # Key names only: the values may be personal data.
        raise ContextMismatch(
            f"Email {template!r} needs {sorted(found.keys)}; missing {missing}, unexpected {extra}."
        )
    if not all(isinstance(value, str) for value in context.values()):
        raise ContextMismatch(f"Email {template!r} takes only text values.")
    return found
