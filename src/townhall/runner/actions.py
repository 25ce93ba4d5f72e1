"""Writes to journeys: start, store answers, keep alive, expire, send, save and come back later,
and give feedback."""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Field, signals
from django.utils import timezone

from townhall.patterns.engine import Pattern, answers_prune_with_path, summary_build
from townhall.patterns.engine.values import JSON, Language, ParamValues
from townhall.runner.constants import TOUCH_EVERY_SECONDS, SaveLinkState
from townhall.runner.models import Journey, SaveLink
from townhall.runner.queries import save_link_state
from townhall.runner.tasks_save import save_link_email_send
from townhall.runner.uploads import (
    journey_files_delete,
    storage_files_delete,
    submission_files_copy,
)
from townhall.services.models import Service
from townhall.submissions.actions import (
    feedback_create,
    submission_answers_set,
    submission_create,
)
from townhall.submissions.constants import Channel, Satisfaction
from townhall.submissions.models import Submission

# A journey key, like a session key, is a bearer secret: 256 random bits.
JOURNEY_KEY_BYTES = 32


def journey_key_new() -> tuple[str, str]:
    """A new journey key and its stored hash."""
    key = secrets.token_urlsafe(JOURNEY_KEY_BYTES)
    return key, Journey.hash_key(key)


def journey_start(*, service: Service, preview: bool, language: Language) -> tuple[Journey, str]:
    """A new, empty journey on the service's current pattern version, and the key that opens it
    (only its hash is stored: the key itself goes into the browser's cookie and nowhere else)."""
    key, key_hash = journey_key_new()
    journey = Journey.objects.create(
        organisation_id=service.organisation_id,
        service=service,
        pattern_version_id=service.pattern_version_id,
        language=language,
        preview=preview,
        last_activity=timezone.now(),
        key_hash=key_hash,
    )
    return journey, key


def journey_answers_store(
    *,
    journey: Journey,
    pattern: Pattern,
    params: ParamValues,
    values: Mapping[str, JSON],
    language: Language,
) -> list[str]:
    """Store a page's validated values, then drop answers the new route has made irrelevant.

    Returns the path of the stored answers, so the caller need not route them again."""
    answers = {**journey.answers, **values}
    journey.answers, path = answers_prune_with_path(pattern=pattern, answers=answers, params=params)
    journey.language = language
    journey.last_activity = timezone.now()
    _journey_update(
        journey, ("answers", "language", "last_activity", "updated_at"), wait_for_disk=False
    )
    return path


def journey_touch(*, journey: Journey, language: Language) -> None:
    """Record activity (at most once a minute for page views), so the idle limit counts from it."""
    now = timezone.now()
    if journey.language == language and now - journey.last_activity < dt.timedelta(
        seconds=TOUCH_EVERY_SECONDS
    ):
        return
    journey.last_activity, journey.language = now, language
    _journey_update(journey, ("last_activity", "language", "updated_at"))


def _journey_update(
    journey: Journey, fields: tuple[str, ...], *, wait_for_disk: bool = True
) -> None:
    """`journey.save(update_fields=fields)` in one statement, written once per database.

    Answering a page saves its journey; Django's `save` builds the UPDATE through the ORM each
    time, which cost more than running it (bench/profile_runner.py). The values are prepared by the
    fields themselves (`updated_at` stamped, the answers encrypted), as `save` would. Should a
    signal receiver for journeys ever be connected, `save` runs instead, so that it is called.

    `wait_for_disk=False` is for a journey's answers, which are working state: if the database
    server crashed in the next fraction of a second, the resident would answer one page again,
    nothing more. On PostgreSQL, waiting for the write-ahead log to reach the disk on every
    answer is what limited answer POSTs (bench/: each worker sat idle through a disk flush). So the
    statement, committed on its own, sets `synchronous_commit` off for its own transaction only
    (`set_config(..., true)`, as SET LOCAL does): no BEGIN, SET or COMMIT round trips, and
    submissions and everything else keep full durability. Inside a caller's transaction, which
    the setting would outlast, the answers are written durably instead.
    """
    if signals.pre_save.has_listeners(Journey) or signals.post_save.has_listeners(Journey):
        journey.save(update_fields=list(fields))
        return
    alias = router.db_for_write(Journey)
    connection = connections[alias]
    plan = _journey_update_plan(alias, fields)
    params = [
        field.get_db_prep_save(field.pre_save(journey, False), connection) for field in plan.targets
    ]
    params.append(plan.pk.get_db_prep_value(journey.pk, connection))
    sql = plan.sql
    if not wait_for_disk and plan.sql_without_waiting and not connection.in_atomic_block:
        sql = plan.sql_without_waiting
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        updated = cursor.rowcount
    if updated == 0:
        # What `save(update_fields=...)` raises for a row that has gone (an idle journey deleted).
        raise DatabaseError("Save with update_fields did not affect any rows.")


@dataclass(frozen=True, slots=True)
class _UpdatePlan:
    sql: str
    # The same for a commit that does not wait for the disk; "" where the database has no such
    # setting (SQLite writes through its own journal either way).
    sql_without_waiting: str
    targets: list[Field[Any, Any]]
    pk: Field[Any, Any]


@functools.lru_cache(maxsize=32)
def _journey_update_plan(alias: str, fields: tuple[str, ...]) -> _UpdatePlan:
    connection = connections[alias]
    meta = Journey._meta
    quote = connection.ops.quote_name
    targets: list[Field[Any, Any]] = []
    for name in fields:
        field = meta.get_field(name)
        assert isinstance(field, Field)  # noqa: S101 - only the model's own columns are saved
        targets.append(field)
    pk = meta.pk
    assert pk is not None  # noqa: S101 - every model has one
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in targets)
    table, key = quote(meta.db_table), quote(str(pk.column))
    sql = f"UPDATE {table} SET {assignments} WHERE {key} = %s"  # noqa: S608
    without_waiting = ""
    if connection.vendor == "postgresql":
        setting = "SELECT set_config('synchronous_commit', 'off', true)"
        without_waiting = (
            f"WITH working_state AS ({setting}) "  # noqa: S608 - quoted names only, as above
            f"UPDATE {table} SET {assignments} FROM working_state WHERE {key} = %s"
        )
    return _UpdatePlan(sql=sql, sql_without_waiting=without_waiting, targets=targets, pk=pk)


def journey_is_idle(*, journey: Journey, idle_seconds: int) -> bool:
    """Idle for longer than the limit, and not kept by a "save and come back later" link."""
    now = timezone.now()
    if journey.kept_until is not None and journey.kept_until > now:
        return False
    return now - journey.last_activity > dt.timedelta(seconds=idle_seconds)


def journey_expire(*, journey: Journey) -> None:
    """Delete an idle journey, its answers and its files: the resident sees "your session has
    ended"."""
    Journey.objects.filter(pk=journey.pk).delete()
    # Robust: a storage hiccup must not stop the resident seeing that page; housekeeping retries.
    transaction.on_commit(
        functools.partial(journey_files_delete, journey_id=journey.pk), robust=True
    )


def journeys_idle_delete(*, idle_seconds: int) -> int:
    """Delete every journey idle for longer than the limit (a periodic clean-up); how many."""
    now = timezone.now()
    cutoff = now - dt.timedelta(seconds=idle_seconds)
    _total, by_model = (
        Journey.objects.filter(last_activity__lt=cutoff).exclude(kept_until__gt=now).delete()
    )
    # Journeys only: the total also counts the save links deleted with them.
    return by_model.get(Journey._meta.label, 0)


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
    copies: list[str] = []  # uploaded files copied to the submission's folder
    try:
        with transaction.atomic():
            # Lock only the journey row ("of self"): PostgreSQL cannot lock the nullable side of
            # the outer join to the submission.
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
            # Uploaded files move under the reference in the same transaction: the originals go
            # only once it commits, and the copies go if it does not (below).
            moved = submission_files_copy(
                answers=submission.answers, journey_id=locked.pk, reference=submission.reference
            )
            copies = moved.copies
            if moved.copies:
                submission = submission_answers_set(submission=submission, answers=moved.answers)
            transaction.on_commit(
                functools.partial(storage_files_delete, moved.originals), robust=True
            )
            locked.submission = submission
            locked.answers = {}
            locked.language = language
            locked.last_activity = timezone.now()
            locked.save(
                update_fields=["submission", "answers", "language", "last_activity", "updated_at"]
            )
    except BaseException:
        storage_files_delete(copies)
        raise
    return submission


def journey_preview_send(*, journey: Journey) -> Journey:
    """An editor "sends" a preview: it is marked finished, its uploaded files are deleted and
    nothing is stored anywhere else."""
    if journey.preview_sent_at is None:
        journey.preview_sent_at = timezone.now()
        journey.last_activity = journey.preview_sent_at
        journey.save(update_fields=["preview_sent_at", "last_activity", "updated_at"])
        transaction.on_commit(
            functools.partial(journey_files_delete, journey_id=journey.pk), robust=True
        )
    return journey


# --- Save and come back later -------------------------------------------------------------------

SAVE_TOKEN_BYTES = 32


class SaveLinkUnusableError(Exception):
    """The link was used, replaced or expired, or its journey finished, before it could be used."""

    def __init__(self, state: SaveLinkState) -> None:
        super().__init__(state)
        self.state = state


def save_link_expiry(*, days: int) -> dt.datetime:
    """The end of the local day `days` from today: residents read "until 11:59pm on <date>",
    which is easier to act on than an exact time a week away."""
    last_day = timezone.localdate() + dt.timedelta(days=days)
    end = dt.datetime.combine(last_day, dt.time(23, 59, 59))
    return timezone.make_aware(end)


def save_link_create(*, journey: Journey, email: str, language: Language) -> SaveLink:
    """Keep the journey until the new link expires and email the link to `email`.

    The address is not stored: it is an argument of the email task, enqueued when the transaction
    commits, like the raw token (the database keeps only its hash). Earlier links of the journey
    are used up, so only the newest email works.
    """
    if journey.preview:
        raise ValueError("A preview journey cannot be saved.")
    token = secrets.token_urlsafe(SAVE_TOKEN_BYTES)
    now = timezone.now()
    expires_at = save_link_expiry(days=settings.TOWNHALL_SAVE_RETURN_DAYS)
    with transaction.atomic():
        SaveLink.objects.filter(journey=journey, used_at__isnull=True).update(
            used_at=now, updated_at=now
        )
        link = SaveLink.objects.create(
            organisation_id=journey.organisation_id,
            journey=journey,
            token_hash=SaveLink.hash_token(token),
            expires_at=expires_at,
        )
        journey.kept_until = expires_at
        journey.language = language
        # The browser that saved it lets go (its cookie is deleted), and a copy of that cookie
        # opens nothing: from now on only the emailed link does, and it brings a new key.
        _unknown_key, journey.key_hash = journey_key_new()
        journey.save(update_fields=["kept_until", "language", "key_hash", "updated_at"])
        link_id = str(link.pk)
        transaction.on_commit(
            lambda: save_link_email_send.enqueue(
                link_id=link_id, token=token, email=email, language=language
            )
        )
    return link


def save_link_use(*, link: SaveLink) -> tuple[Journey, str]:
    """Use the link up and wake its journey: the idle limit counts from now again. Returns the
    journey with its new key, for the browser that opened the link.

    The link row is locked, so two clicks (or two browsers) race for it and exactly one wins;
    the other gets SaveLinkUnusableError, as does anyone with a used, replaced or expired link.
    """
    with transaction.atomic():
        locked = (
            SaveLink.objects.select_for_update(of=("self",))
            .select_related("journey")
            .get(pk=link.pk)
        )
        state = save_link_state(link=locked)
        if state is not SaveLinkState.USABLE:
            raise SaveLinkUnusableError(state)
        now = timezone.now()
        locked.used_at = now
        locked.save(update_fields=["used_at", "updated_at"])
        journey = locked.journey
        journey.kept_until = None
        journey.last_activity = now
        key, journey.key_hash = journey_key_new()
        journey.save(update_fields=["kept_until", "last_activity", "key_hash", "updated_at"])
    return journey, key


# --- Feedback ---------------------------------------------------------------------------------


def journey_feedback_give(
    *, journey: Journey, rating: Satisfaction, comment: str, language: Language
) -> bool:
    """Store the feedback of a finished journey, once: False (storing nothing) if this journey
    already gave it. A preview journey's feedback is never stored.

    The flag flips with a conditional update, so two posts at once store one feedback.
    """
    if journey.preview or not journey.is_finished:
        return False
    with transaction.atomic():
        claimed = Journey.objects.filter(pk=journey.pk, feedback_given=False).update(
            feedback_given=True, updated_at=timezone.now()
        )
        if not claimed:
            return False
        feedback_create(service=journey.service, rating=rating, comment=comment, language=language)
    journey.feedback_given = True
    return True
