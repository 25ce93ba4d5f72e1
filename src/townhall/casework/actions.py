"""Writes for casework: status changes, assignment, internal notes, exports' audit entries, and the
resident's emailed status check.

Every staff write checks that the actor may handle submissions in the submission's organisation
(the views check first; this is the one code path, so it checks again) and is audited in the same
transaction.

Status rules (issue 5): received → in progress → closed with an outcome. Any move between the three
is allowed, including reopening a closed submission (staff close by mistake, and residents come
back); reopening clears the outcome and closing time, and the history keeps the earlier closure.
A change must change something: the same status (and, for closed, the same outcome) is refused.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from townhall.casework.constants import (
    STATUS_CODE_DIGITS,
    STATUS_CODE_MAX_ATTEMPTS,
    STATUS_CODE_MAX_PER_HOUR,
    STATUS_CODE_TTL,
)
from townhall.casework.models import Note, StatusChange, StatusCheck
from townhall.casework.queries import (
    InboxFilters,
    assignable_member_list,
    status_check_latest,
    submission_resident_email,
)
from townhall.core.actions import audit_record
from townhall.identity.constants import ApiKeyScope
from townhall.identity.models import ApiKey, User
from townhall.notifications.actions import email_queue
from townhall.submissions.constants import Outcome, SubmissionStatus
from townhall.submissions.events import event_record
from townhall.submissions.models import Submission
from townhall.tenancy.constants import Permission
from townhall.tenancy.models import Membership, Organisation

logger = logging.getLogger(__name__)


class CaseworkError(ValueError):
    """A write refused for a reason staff can correct; the message is shown to them."""


def validate_status_change(*, submission: Submission, status: str, outcome: str) -> None:
    """Raise CaseworkError unless moving `submission` to `status` (with `outcome`) is allowed."""
    if status not in SubmissionStatus.values:
        raise CaseworkError("Select a status")
    if status == SubmissionStatus.CLOSED:
        if outcome not in Outcome.values:
            raise CaseworkError("Select an outcome")
    elif outcome:
        raise CaseworkError("Only a closed submission has an outcome")
    if status == submission.status and outcome == submission.outcome:
        raise CaseworkError("Select a different status or outcome")


# --- API keys act through the same code path (issue 6) -----------------------------------------
# The API's status changes and notes call the actions below with the request's ApiKey as `actor`:
# a write key of the submission's organisation may handle its submissions. The history and the
# audit log name the key ("API key <name> (<prefix>)"); no staff account is involved.
type CaseworkActor = User | ApiKey


@dataclass
class _KeyActor:
    """An API key as the audit log's `Actor` (an id and a name to show for it)."""

    pk: Any
    email: str


def _actor_user(actor: CaseworkActor) -> User | None:
    return actor if isinstance(actor, User) else None


def actor_for_audit(actor: CaseworkActor) -> User | _KeyActor:
    """Who the audit log and the history name: the user, or "API key <name> (<prefix>)"."""
    if isinstance(actor, User):
        return actor
    return _KeyActor(pk=actor.pk, email=f"API key {actor.name} ({actor.prefix})"[:254])


def _require_handler(*, actor: CaseworkActor, organisation_id: Any) -> None:
    if isinstance(actor, ApiKey):
        if actor.organisation_id != organisation_id or not actor.allows(ApiKeyScope.WRITE):
            raise PermissionDenied("Only a write key of the organisation changes submissions.")
        return
    membership = Membership.objects.filter(
        user=actor, organisation_id=organisation_id, user__is_platform_operator=False
    ).first()
    if membership is None or not membership.has_permission(Permission.HANDLE_SUBMISSIONS):
        raise PermissionDenied("Only caseworkers and admins change submissions.")


def _status_url(language: str) -> str:
    with translation.override(language):
        path = reverse("casework-public:start")
    return settings.TOWNHALL_BASE_URL.rstrip("/") + path


def status_label(*, status: str, outcome: str, language: str) -> str:
    """The status as a resident reads it, in their language: "Closed: Resolved"."""
    with translation.override(language):
        text = str(SubmissionStatus(status).label)
        if outcome:
            text = f"{text}: {Outcome(outcome).label}"
    return text


def submission_status_change(
    *,
    submission: Submission,
    actor: CaseworkActor,
    status: str,
    outcome: str = "",
    public_note: str = "",
) -> StatusChange:
    """Move the submission to `status`, record it in its history and the audit log, and email the
    resident (when they gave an address) the new status and `public_note`."""
    _require_handler(actor=actor, organisation_id=submission.organisation_id)
    public_note = public_note.strip()
    with transaction.atomic():
        # Locked, so two caseworkers changing it at once leave a history that adds up.
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        validate_status_change(submission=locked, status=status, outcome=outcome)
        now = timezone.now()
        change = StatusChange.objects.create(
            organisation_id=locked.organisation_id,
            submission=locked,
            from_status=locked.status,
            to_status=status,
            outcome=outcome,
            public_note=public_note,
            actor=_actor_user(actor),
            actor_email=actor_for_audit(actor).email,
            at=now,
        )
        previous = {"status": locked.status, "outcome": locked.outcome}
        english = status_label(status=status, outcome=outcome, language="en")
        locked.status = status
        locked.outcome = outcome if status == SubmissionStatus.CLOSED else ""
        locked.closed_at = now if status == SubmissionStatus.CLOSED else None
        locked.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        event_record(  # the API's event feed and webhooks
            submission=locked, event_type="submission.status_changed", data={"previous": previous}
        )
        audit_record(
            actor=actor_for_audit(actor),
            action="submission.status_change",
            summary=f"Changed {locked.reference} to {english}",
            organisation_id=locked.organisation_id,
            target=locked,
            changes={"from": previous, "to": {"status": status, "outcome": outcome}},
        )
        to = submission_resident_email(submission=locked)
        if to:
            service = locked.service
            email_queue(
                organisation_id=locked.organisation_id,
                to=to,
                template="status_changed",
                context={
                    "reference": locked.reference,
                    "service_name": service.title_for(locked.language),
                    "status": status_label(
                        status=status, outcome=outcome, language=locked.language
                    ),
                    "note": f"{public_note}\n" if public_note else "",
                    "status_url": _status_url(locked.language),
                },
                language=locked.language,
            )
    submission.refresh_from_db()
    return change


def submission_assign(*, submission: Submission, actor: User, assignee: User | None) -> None:
    """Give the submission to `assignee` (a member who can handle submissions), or to nobody."""
    _require_handler(actor=actor, organisation_id=submission.organisation_id)
    if assignee is not None and assignee.pk not in {
        user.pk for user in assignable_member_list(organisation=submission.organisation)
    }:
        raise CaseworkError("Select someone in your team who handles submissions")
    with transaction.atomic():
        previous = submission.assignee.email if submission.assignee else ""
        submission.assignee = assignee
        submission.save(update_fields=["assignee", "updated_at"])
        audit_record(
            actor=actor,
            action="submission.assign",
            summary=(
                f"Assigned {submission.reference} to {assignee.email}"
                if assignee
                else f"Unassigned {submission.reference}"
            ),
            organisation_id=submission.organisation_id,
            target=submission,
            changes={"from": previous, "to": assignee.email if assignee else ""},
        )


def note_add(*, submission: Submission, actor: CaseworkActor, text: str) -> Note:
    """Add an internal note: staff only, never sent or shown to the resident."""
    _require_handler(actor=actor, organisation_id=submission.organisation_id)
    text = text.strip()
    if not text:
        raise CaseworkError("Enter a note")
    with transaction.atomic():
        note = Note.objects.create(
            organisation_id=submission.organisation_id,
            submission=submission,
            text=text,
            author=_actor_user(actor),
            author_email=actor_for_audit(actor).email,
        )
        # The note's text stays out of the audit log: it may hold personal details.
        audit_record(
            actor=actor_for_audit(actor),
            action="submission.note_add",
            summary=f"Added a note to {submission.reference}",
            organisation_id=submission.organisation_id,
            target=submission,
        )
    return note


def submission_export_record(
    *, organisation: Organisation, actor: User, filters: InboxFilters, file_format: str
) -> None:
    """Audit an export: who took which list of residents' data out of Townhall."""
    audit_record(
        actor=actor,
        action="submission.export",
        summary=f"Exported submissions as {file_format.upper()}",
        organisation_id=organisation.id,
        changes={
            "filters": {
                key: str(value) for key, value in vars(filters).items() if value not in (None, "")
            }
        },
    )


def submission_file_download_record(*, submission: Submission, actor: User, name: str) -> None:
    audit_record(
        actor=actor,
        action="submission.file_download",
        summary=f"Downloaded {name[:200]} from {submission.reference}",
        organisation_id=submission.organisation_id,
        target=submission,
    )


# --- The resident's status check ---------------------------------------------------------------


def _code_hash(*, check_salt: str, code: str) -> str:
    # Keyed with the secret key and the submission: a stolen table alone cannot be brute-forced
    # across a million codes.
    return salted_hmac(f"casework.status-check.{check_salt}", code, algorithm="sha256").hexdigest()


def status_code_new() -> str:
    """Six random digits."""
    return "".join(secrets.choice("0123456789") for _ in range(STATUS_CODE_DIGITS))


def status_check_start(*, submission: Submission, email: str, language: str) -> StatusCheck | None:
    """Email a code to the resident if `email` is the address they gave; None (and nothing sent)
    if not. Callers show the same page either way, so nobody learns which references exist."""
    expected = submission_resident_email(submission=submission)
    if not expected or expected.casefold() != email.strip().casefold():
        return None
    recent = StatusCheck.objects.filter(
        organisation_id=submission.organisation_id,
        submission=submission,
        created_at__gt=timezone.now() - timedelta(hours=1),
    ).count()
    if recent >= STATUS_CODE_MAX_PER_HOUR:
        # Each code allows a few tries: capping codes caps the guesses an attacker gets.
        logger.info("Status check refused for %s: too many codes this hour.", submission.pk)
        return None
    code = status_code_new()
    with transaction.atomic():
        check = StatusCheck.objects.create(
            organisation_id=submission.organisation_id,
            submission=submission,
            code_hash=_code_hash(check_salt=str(submission.pk), code=code),
            expires_at=timezone.now() + STATUS_CODE_TTL,
        )
        email_queue(
            organisation_id=submission.organisation_id,
            to=expected,
            template="status_check_code",
            context={"reference": submission.reference, "code": code},
            language=language,
        )
    return check


def status_check_verify(*, submission: Submission, code: str) -> bool:
    """Whether `code` is the latest unused, unexpired code for the submission. Each wrong try
    counts; after the fifth the code is dead and the resident must ask for a new one."""
    with transaction.atomic():
        latest = status_check_latest(submission=submission)
        if latest is None:
            return False
        check = StatusCheck.objects.select_for_update().get(pk=latest.pk)
        if (
            check.used_at is not None
            or check.expires_at <= timezone.now()
            or check.attempts >= STATUS_CODE_MAX_ATTEMPTS
        ):
            return False
        expected = _code_hash(check_salt=str(submission.pk), code=code.strip().replace(" ", ""))
        if constant_time_compare(expected, check.code_hash):
            check.used_at = timezone.now()
            check.save(update_fields=["used_at", "updated_at"])
            return True
        check.attempts += 1
        check.save(update_fields=["attempts", "updated_at"])
        return False


def status_checks_expired_delete(*, now: datetime) -> int:
    """Delete status-check codes a day after they expired: long past any use, and past the hour
    that the per-submission limit on codes counts back over."""
    deleted, _ = StatusCheck.objects.filter(expires_at__lt=now - timedelta(days=1)).delete()
    return deleted
