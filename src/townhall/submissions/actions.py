"""Storing submissions (exactly one per journey, with a unique reference) and feedback."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from townhall.notifications.actions import email_queue
from townhall.patterns.engine import SummaryRow
from townhall.patterns.engine.values import JSON, Language
from townhall.patterns.models import PatternVersion
from townhall.services.engine_cache import pattern_for_version
from townhall.services.models import Service
from townhall.submissions.constants import Channel, Satisfaction
from townhall.submissions.events import event_record
from townhall.submissions.models import Feedback, Submission
from townhall.submissions.queries import resident_email_from_answers
from townhall.submissions.references import reference_generate

logger = logging.getLogger(__name__)

# A collision needs two draws of the same 8 characters from 30: even ten in a row means the random
# source is broken, and failing loudly beats looping.
_REFERENCE_ATTEMPTS = 10


class ReferenceUnavailable(RuntimeError):
    """No unused reference after several draws: the random source cannot be trusted."""


def summary_to_json(summary: Sequence[SummaryRow]) -> list[JSON]:
    return [
        {"question_id": row.question_id, "label": row.label, "lines": list(row.lines)}
        for row in summary
    ]


def submission_create(
    *,
    service: Service,
    pattern_version: PatternVersion,
    journey_id: uuid.UUID | None,
    answers: Mapping[str, JSON],
    summary: Sequence[SummaryRow],
    language: Language,
    channel: Channel,
) -> Submission:
    """Store a submission, or return the one already stored for `journey_id`.

    The unique constraint on `journey_id` is what guarantees one submission per journey: when two
    requests race (a double click on two servers), the loser's insert fails and it returns the
    winner's row. Call it inside the caller's transaction if other writes must go with it.
    """
    if journey_id is not None:
        existing = Submission.objects.filter(journey_id=journey_id).first()
        if existing is not None:
            return existing
    pattern = pattern_for_version(pattern_version)
    prefix = pattern.spec.outcome.reference_prefix
    # One transaction for the row and its emails: a resident is never told of a submission that
    # was rolled back, and a stored submission never misses its emails.
    with transaction.atomic():
        for _attempt in range(_REFERENCE_ATTEMPTS):
            try:
                with transaction.atomic():
                    submission = Submission.objects.create(
                        organisation_id=service.organisation_id,
                        service=service,
                        pattern_version=pattern_version,
                        reference=reference_generate(prefix=prefix),
                        # Encrypted JSON fields, typed as text by django-stubs.
                        answers=cast("Any", dict(answers)),
                        summary=cast("Any", summary_to_json(summary)),
                        language=language,
                        channel=channel,
                        submitted_at=timezone.now(),
                        journey_id=journey_id,
                    )
            except IntegrityError:
                if journey_id is not None:
                    existing = Submission.objects.filter(journey_id=journey_id).first()
                    if existing is not None:
                        return existing
                continue  # the reference was taken: draw another
            _submission_emails_queue(
                submission=submission,
                service=service,
                resident_email=resident_email_from_answers(pattern=pattern, answers=answers),
            )
            event_record(submission=submission, event_type="submission.created")  # API feed
            # References are not personal data; answers never go to the log.
            logger.info("Stored submission %s for service %s", submission.reference, service.pk)
            return submission
    raise ReferenceUnavailable(f"No unused {prefix} reference after {_REFERENCE_ATTEMPTS} draws")


def _submission_emails_queue(
    *, submission: Submission, service: Service, resident_email: str | None
) -> None:
    base = settings.TOWNHALL_BASE_URL.rstrip("/")
    language = submission.language
    if resident_email is not None:
        # The status page is in the resident's language (Welsh pages live under /cy/).
        status_url = f"{base}/cy/status/" if language == "cy" else f"{base}/status/"
        email_queue(
            organisation_id=service.organisation_id,
            to=resident_email,
            template="submission_received",
            context={
                "reference": submission.reference,
                "service_name": service.title_for(language),
                "status_url": status_url,
            },
            language=language,
        )
    if service.team_email:
        org_slug = service.organisation.slug
        email_queue(
            organisation_id=service.organisation_id,
            to=service.team_email,
            template="submission_new_for_team",
            context={
                "reference": submission.reference,
                "service_name": service.title_for("en"),
                "inbox_url": f"{base}/staff/{org_slug}/inbox/{submission.pk}/",
            },
            language="en",
        )


def feedback_create(
    *, service: Service, rating: Satisfaction, comment: str, language: Language
) -> Feedback:
    """Store one anonymous feedback on `service`, dated by day only (see `Feedback`).

    Callers decide how often someone may give it; the runner allows one per finished journey.
    """
    return Feedback.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        rating=rating,
        comment=comment.strip(),
        language=language,
        given_on=timezone.localdate(),
    )


def submission_answers_set(*, submission: Submission, answers: Mapping[str, JSON]) -> Submission:
    """Replace the answers of a submission that is being stored, inside the transaction that
    creates it: the runner moves uploaded files under the reference and points their refs there.
    A stored submission's answers never change after that transaction."""
    submission.answers = dict(answers)
    submission.save(update_fields=["answers", "updated_at"])
    return submission
