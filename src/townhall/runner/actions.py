"""Writes to journeys: start, store answers, keep alive, expire, and send."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from townhall.patterns.engine import Pattern, answers_prune, summary_build
from townhall.patterns.engine.values import JSON, Language, ParamValues
from townhall.runner.constants import TOUCH_EVERY_SECONDS
from townhall.runner.models import Journey
from townhall.services.models import Service
from townhall.submissions.actions import submission_create
from townhall.submissions.constants import Channel
from townhall.submissions.models import Submission


def journey_start(*, service: Service, preview: bool, language: Language) -> Journey:
    """A new, empty journey on the service's current pattern version."""
    return Journey.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        pattern_version_id=service.pattern_version_id,
        language=language,
        preview=preview,
        last_activity=timezone.now(),
    )


def journey_answers_store(
    *,
    journey: Journey,
    pattern: Pattern,
    params: ParamValues,
    values: Mapping[str, JSON],
    language: Language,
) -> Journey:
    """Store a page's validated values, then drop answers the new route has made irrelevant."""
    answers = {**journey.answers, **values}
    journey.answers = answers_prune(pattern=pattern, answers=answers, params=params)
    journey.language = language
    journey.last_activity = timezone.now()
    journey.save(update_fields=["answers", "language", "last_activity", "updated_at"])
    return journey


def journey_touch(*, journey: Journey, language: Language) -> None:
    """Record activity (at most once a minute for page views), so the idle limit counts from it."""
    now = timezone.now()
    if journey.language == language and now - journey.last_activity < dt.timedelta(
        seconds=TOUCH_EVERY_SECONDS
    ):
        return
    journey.last_activity, journey.language = now, language
    journey.save(update_fields=["last_activity", "language", "updated_at"])


def journey_is_idle(*, journey: Journey, idle_seconds: int) -> bool:
    return timezone.now() - journey.last_activity > dt.timedelta(seconds=idle_seconds)


def journey_expire(*, journey: Journey) -> None:
    """Delete an idle journey and its answers: the resident sees "your session has ended"."""
    Journey.objects.filter(pk=journey.pk).delete()


def journeys_idle_delete(*, idle_seconds: int) -> int:
    """Delete every journey idle for longer than the limit (a periodic clean-up); how many."""
    cutoff = timezone.now() - dt.timedelta(seconds=idle_seconds)
    deleted, _ = Journey.objects.filter(last_activity__lt=cutoff).delete()
    return deleted


def journey_submit(
    *, journey: Journey, pattern: Pattern, params: ParamValues, language: Language
) -> Submission:
    """Store the journey's one submission, or return it if it already exists.

    The journey row is locked, so a second request for the same journey (a double click, a
    refresh, back and resubmit) waits for the first and then finds its submission. The answers
    move to the submission and leave the journey.
    """
    if journey.preview:
        raise ValueError("A preview journey never creates a submission.")
    with transaction.atomic():
        # Lock only the journey row ("of self"): PostgreSQL cannot lock the nullable side of the
        # outer join to the submission.
        locked = (
            Journey.objects.select_for_update(of=("self",))
            .select_related("service", "pattern_version", "submission")
            .get(pk=journey.pk)
        )
        if locked.submission is not None:
            return locked.submission
        summary = summary_build(
            pattern=pattern, answers=locked.answers, params=params, language=language
        )
        submission = submission_create(
            service=locked.service,
            pattern_version=locked.pattern_version,
            journey_id=locked.pk,
            answers=locked.answers,
            summary=summary,
            language=language,
            channel=Channel.WEB,
        )
        locked.submission = submission
        locked.answers = {}
        locked.language = language
        locked.last_activity = timezone.now()
        locked.save(
            update_fields=["submission", "answers", "language", "last_activity", "updated_at"]
        )
    return submission


def journey_preview_send(*, journey: Journey) -> Journey:
    """An editor "sends" a preview: it is marked finished and nothing is stored anywhere else."""
    if journey.preview_sent_at is None:
        journey.preview_sent_at = timezone.now()
        journey.last_activity = journey.preview_sent_at
        journey.save(update_fields=["preview_sent_at", "last_activity", "updated_at"])
    return journey
