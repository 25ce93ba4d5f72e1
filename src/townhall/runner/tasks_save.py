"""Background work for "save and come back later": emailing the link.

A module of its own (not `runner/tasks.py`) so the email's wording sits beside the feature it
belongs to; the task is found by its import path like any other.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from townhall.patterns.engine.formatting import date_display
from townhall.patterns.engine.values import Language
from townhall.runner.models import SaveLink

logger = logging.getLogger(__name__)


@task()
def save_link_email_send(*, link_id: str, token: str, email: str, language: str) -> None:
    """Email the link to continue a saved journey, in the language of the page it was saved from.

    The raw token and the email address are arguments because the database keeps neither (only
    the token's hash). They therefore sit in the task queue until this runs: prune finished task
    results (`townhall prune_db_task_results`).
    """
    link = (
        SaveLink.objects.select_related(
            "journey__service__organisation", "journey__service__pattern_version"
        )
        .filter(pk=link_id, used_at__isnull=True)
        .first()
    )
    if link is None:
        logger.info("Save link %s was used or replaced before its email was sent", link_id)
        return
    service = link.journey.service
    lang: Language = "cy" if language == "cy" else "en"
    with translation.override(lang):
        address = settings.TOWNHALL_BASE_URL.rstrip("/") + reverse(
            "runner:resume",
            kwargs={
                "organisation_slug": service.organisation.slug,
                "service_slug": service.slug,
                "token": token,
            },
        )
        name = service.title_for(lang)
        last_day = date_display(timezone.localtime(link.expires_at).date(), lang)
        subject = _("Continue your application: %(service)s") % {"service": name}
        # Plain text in the style of GOV.UK Notify: short lines, the action first, no images.
        body = "\n".join(
            [
                _("You asked us to save your application for %(service)s.") % {"service": name},
                "",
                _("To continue your application, open this link:"),
                address,
                "",
                _("The link works once. You can use it until 11:59pm on %(date)s.")
                % {"date": last_day},
                _("After that we will delete your answers."),
                "",
                _("If you did not ask for this email, you can ignore it."),
                "",
                service.organisation.official_name,
            ]
        )
    send_mail(subject, body, None, [email])
