"""`Idempotency-Key` for the API's `POST` of a submission (IETF draft "The Idempotency-Key HTTP
Header Field").

A client that did not hear the answer to a `POST` sends it again with the same key: it gets the
first response instead of a second submission. The same key with a different request is refused,
so a client's bug never returns a stranger's answer. Keys live 24 hours; an expired key may be
used again.

Only successful responses are kept: a refused request (invalid answers) stores nothing, so the
client may correct it and send it with the same key. The record is written in the transaction
that stores the submission, and the unique (organisation, key) constraint decides a race between
two copies of one request: the loser waits for the winner's commit, then replays its response.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from townhall.submissions.models import IdempotencyRecord

IDEMPOTENCY_TTL = timedelta(hours=24)
# Printable ASCII without spaces, as UUIDs and random tokens are; long enough for any of them.
_KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")


class IdempotencyKeyInvalid(ValueError):
    """The header is empty, too long or holds characters other than printable ASCII."""


class IdempotencyKeyReused(ValueError):
    """The key was used, within 24 hours, with a different request."""


class IdempotencyKeyInProgress(RuntimeError):
    """Another request with this key has not finished (it cannot be replayed yet)."""


@dataclass(frozen=True)
class IdempotentResponse:
    """A response to send: `body` holds no personal data; `reference` names the submission whose
    personal parts (the summary) the caller adds back. `replayed` is True for a stored one."""

    status: int
    body: Mapping[str, Any]
    reference: str
    replayed: bool


def validate_idempotency_key(key: str) -> str:
    if not _KEY_PATTERN.fullmatch(key):
        raise IdempotencyKeyInvalid(key)
    return key


def request_hash(*, method: str, path: str, body: Any) -> str:
    """SHA-256 of the method, the path and the body as canonical JSON (sorted keys, no spaces),
    so the same request written with its keys in another order is the same request."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{method.upper()}\n{path}\n{canonical}".encode()).hexdigest()


def _live(*, organisation_id: uuid.UUID, key: str, now: datetime) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(
        organisation_id=organisation_id, key=key, created_at__gt=now - IDEMPOTENCY_TTL
    ).first()


def _replay(record: IdempotencyRecord, *, fingerprint: str) -> IdempotentResponse:
    if record.request_hash != fingerprint:
        raise IdempotencyKeyReused(record.key)
    if not record.response_status:
        raise IdempotencyKeyInProgress(record.key)
    return IdempotentResponse(
        status=record.response_status,
        body=record.response_body,
        reference=record.reference,
        replayed=True,
    )


def idempotent_create(
    *,
    organisation_id: uuid.UUID,
    key: str,
    fingerprint: str,
    now: datetime,
    create: Callable[[], tuple[int, Mapping[str, Any], str]],
) -> IdempotentResponse:
    """The stored response for (`organisation_id`, `key`), or run `create` and store its response.

    `create` returns (status, body without personal data, submission reference) and runs inside
    the transaction that writes the record, so it must raise to refuse a request (nothing is
    kept then). Raises IdempotencyKeyReused if the key came with another request, and
    IdempotencyKeyInProgress if a request with the key is still running.
    """
    existing = _live(organisation_id=organisation_id, key=key, now=now)
    if existing is not None:
        return _replay(existing, fingerprint=fingerprint)
    with transaction.atomic():
        # An expired record frees its key.
        IdempotencyRecord.objects.filter(
            organisation_id=organisation_id, key=key, created_at__lte=now - IDEMPOTENCY_TTL
        ).delete()
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    organisation_id=organisation_id, key=key, request_hash=fingerprint
                )
        except IntegrityError:
            # A concurrent request with this key won (on PostgreSQL the insert waited for its
            # commit): answer as a retry would.
            winner = _live(organisation_id=organisation_id, key=key, now=now)
            if winner is None:
                raise IdempotencyKeyInProgress(key) from None
            return _replay(winner, fingerprint=fingerprint)
        status, body, reference = create()
        record.response_status = status
        record.response_body = dict(body)
        record.reference = reference
        record.save(update_fields=["response_status", "response_body", "reference", "updated_at"])
    return IdempotentResponse(status=status, body=body, reference=reference, replayed=False)


def idempotency_records_expired_delete(*, now: datetime) -> int:
    """Delete the records of keys older than 24 hours (for `townhall housekeeping`); how many."""
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lte=now - IDEMPOTENCY_TTL).delete()
    return deleted
