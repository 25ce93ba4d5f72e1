"""Keyset ("cursor") pagination for every list of `/api/v1/`.

A page is `{"items": [...], "next": "<cursor or null>"}`. The cursor is opaque to clients: URL-safe
base64 of the JSON list of the last item's sort values (its sort key(s) then its id). The next page
asks for rows strictly after that key, so pages stay stable while rows are added (unlike offsets)
and the database walks an index rather than counting rows.

    page = keyset_page(Submission.objects.filter(organisation=org), cursor=cursor, limit=limit)
    page = keyset_page(orgs, ordering=("rank", "short_name", "id"), cursor=cursor, limit=limit)

The last ordering field must be unique (the id) so that no two rows share a key.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Field, Model, Q, QuerySet
from ninja.errors import ValidationError

LIMIT_DEFAULT = 50
LIMIT_MAX = 100
DEFAULT_ORDERING: tuple[str, ...] = ("-created_at", "-id")
# Longer than any cursor we make: refuse before decoding anything bigger.
CURSOR_MAX_LENGTH = 1000


@dataclass(frozen=True)
class Page[M: Model]:
    items: list[M]
    next: str | None


def _invalid_cursor() -> ValidationError:
    return ValidationError(
        [{"loc": ("query", "cursor"), "msg": "Not a valid cursor: use `next` from a page."}]
    )


def _encode(values: list[Any]) -> str:
    def plain(value: Any) -> Any:
        if isinstance(value, datetime.datetime | datetime.date):
            return value.isoformat()
        if isinstance(value, uuid.UUID | Decimal):
            return str(value)
        return value

    raw = json.dumps([plain(v) for v in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _output_field(queryset: QuerySet[Any], name: str) -> Field[Any, Any]:
    """The field behind an ordering name: a model field (following `__`) or an annotation."""
    if name in queryset.query.annotations:
        field: Field[Any, Any] = queryset.query.annotations[name].output_field
        return field
    model: type[Model] = queryset.model
    parts = name.split("__")
    for part in parts[:-1]:
        related = model._meta.get_field(part).related_model
        if related is None or isinstance(related, str):
            raise FieldDoesNotExist(name)
        model = related
    last = model._meta.get_field(parts[-1])
    if not isinstance(last, Field):
        raise FieldDoesNotExist(name)
    return last


def _decode(cursor: str, *, queryset: QuerySet[Any], names: Sequence[str]) -> list[Any]:
    """The sort values in `cursor`, each checked by its field, or a 422 naming `cursor`."""
    if len(cursor) > CURSOR_MAX_LENGTH:
        raise _invalid_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
    except (binascii.Error, ValueError):
        raise _invalid_cursor() from None
    if not isinstance(values, list) or len(values) != len(names):
        raise _invalid_cursor()
    checked = []
    for name, value in zip(names, values, strict=True):
        if value is not None and not isinstance(value, str | int | float | bool):
            raise _invalid_cursor()
        try:
            checked.append(_output_field(queryset, name).to_python(value))
        except (DjangoValidationError, TypeError, ValueError):
            raise _invalid_cursor() from None
    return checked


def _value(obj: Any, name: str) -> Any:
    for part in name.split("__"):
        obj = getattr(obj, part)
    return obj


def _after(names: Sequence[str], descending: Sequence[bool], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in this ordering: (a > x) or (a = x and b > y) or …"""
    condition = Q()
    for i, (name, desc) in enumerate(zip(names, descending, strict=True)):
        step = Q(**{f"{name}__{'lt' if desc else 'gt'}": values[i]})
        for earlier, value in zip(names[:i], values[:i], strict=True):
            step &= Q(**{earlier: value})
        condition |= step
    return condition


def keyset_page[M: Model](
    queryset: QuerySet[M],
    *,
    cursor: str | None,
    limit: int = LIMIT_DEFAULT,
    ordering: Sequence[str] = DEFAULT_ORDERING,
) -> Page[M]:
    """The page of `queryset` (sorted by `ordering`, last field unique) after `cursor`.

    Sort fields must not be null. A cursor that cannot be read raises ninja's `ValidationError`
    (problem+json 422 with `errors[0].field == "cursor"`).
    """
    limit = max(1, min(limit, LIMIT_MAX))
    names = [field.lstrip("-") for field in ordering]
    descending = [field.startswith("-") for field in ordering]
    queryset = queryset.order_by(*ordering)
    if cursor:
        queryset = queryset.filter(
            _after(names, descending, _decode(cursor, queryset=queryset, names=names))
        )
    rows = list(queryset[: limit + 1])
    if len(rows) <= limit:
        return Page(items=rows, next=None)
    items = rows[:limit]
    return Page(items=items, next=_encode([_value(items[-1], name) for name in names]))
