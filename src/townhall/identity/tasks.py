"""Background work for staff identity: sending invitation emails."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from townhall.identity.models import Invitation
from townhall.tenancy.constants import Role

logger = logging.getLogger(__name__)


@task()
def invitation_email_send(*, invitation_id: str, token: str) -> None:
    """Email the invitation link.

    The raw token is an argument because the database keeps only its hash. It therefore sits in
    the task queue until this runs: prune finished task results (`townhall prune_db_task_results`).
    """
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        logger.info("Invitation %s was withdrawn or used before its email was sent", invitation_id)
        return
    link = settings.TOWNHALL_BASE_URL.rstrip("/") + reverse(
        "identity:invitation-accept", kwargs={"token": token}
    )
    organisation = invitation.organisation.official_name
    inviter = invitation.invited_by
    inviter_name = (inviter.full_name or inviter.email) if inviter is not None else "An admin"
    expires = timezone.localtime(invitation.expires_at)
    # Plain text in the style of GOV.UK Notify: short lines, the action first, no images.
    body = "\n".join(
        [
            "Hello,",
            "",
            f"{inviter_name} has invited you to join {organisation} on Townhall "
            f"as {_with_article(str(Role(invitation.role).label))}.",
            "",
            "To accept the invitation, open this link:",
            link,
            "",
            f"The link works once and expires at {expires:%-I:%M%p on %-d %B %Y}.".replace(
                "AM", "am"
            ).replace("PM", "pm"),
            "",
            "You will choose a password and set up an authenticator app on your phone.",
            "",
            "If you were not expecting this email, you can ignore it.",
            "",
            "Townhall",
        ]
    )
    send_mail(
        f"You have been invited to join {organisation} on Townhall",
        body,
        None,
        [invitation.email],
    )


def _with_article(role: str) -> str:
    lowered = role.lower()
    return f"an {lowered}" if lowered[:1] in "aeiou" else f"a {lowered}"
