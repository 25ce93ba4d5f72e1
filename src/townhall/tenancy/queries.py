"""Reads of organisations. The register is public, so these need no user to scope them."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Case, IntegerField, Prefetch, QuerySet, Value, When

from townhall.tenancy.models import Organisation
from townhall.tenancy.names import ALTERNATIVE, PRIMARY, normalise

# More words than any organisation's name has: a longer query cannot match anything useful and
# only makes the database work harder.
MAX_QUERY_WORDS = 12


def organisation_search(
    *,
    query: str = "",
    nations: Collection[str] = (),
    kinds: Collection[str] = (),
    include_inactive: bool = False,
) -> QuerySet[Organisation]:
    """Organisations whose names contain every word of `query` (as the start or middle of a
    word: "card" finds Cardiff), in any of `nations` and `kinds` (empty means any).

    A whole official or short name comes first, then a whole alternative name, then the rest;
    current before former, then by short name. Successors are prefetched for "replaced by".
    """
    organisations = Organisation.objects.all()
    if not include_inactive:
        organisations = organisations.filter(is_active=True)
    if nations:
        organisations = organisations.filter(nation__in=nations)
    if kinds:
        organisations = organisations.filter(kind__in=kinds)
    words = normalise(query).split()[:MAX_QUERY_WORDS]
    for word in words:
        organisations = organisations.filter(search_text__contains=word)
    phrase = " ".join(words)
    rank = (
        Case(
            When(search_text__contains=f"{PRIMARY}{phrase}{PRIMARY}", then=Value(0)),
            When(search_text__contains=f"{ALTERNATIVE}{phrase}{ALTERNATIVE}", then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
        if words
        else Value(0, output_field=IntegerField())
    )
    return (
        organisations.annotate(rank=rank)
        .order_by("rank", "-is_active", "short_name", "official_name")
        .prefetch_related(
            Prefetch("successors", queryset=Organisation.objects.order_by("short_name"))
        )
    )


def organisation_get(*, slug: str) -> Organisation:
    """The organisation at `slug`, current or former, with what its page shows.

    Raises `Organisation.DoesNotExist`.
    """
    return (
        Organisation.objects.select_related("parent")
        .prefetch_related(
            Prefetch("successors", queryset=Organisation.objects.order_by("short_name")),
            Prefetch("predecessors", queryset=Organisation.objects.order_by("short_name")),
            Prefetch("children", queryset=Organisation.objects.order_by("short_name")),
        )
        .get(slug=slug)
    )
