"""Issue 6 point 1: the keyset cursor helper every list of the API uses walks any ordering
(by default newest first) without repeating or skipping rows, ties included."""

from __future__ import annotations

import datetime as dt

import pytest
from ninja.errors import ValidationError

from townhall.api.pagination import keyset_page
from townhall.tenancy.models import Organisation
from townhall.tenancy.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def walk(ordering: tuple[str, ...], limit: int) -> list[str]:
    slugs: list[str] = []
    cursor: str | None = None
    while True:
        page = keyset_page(
            Organisation.objects.all(), cursor=cursor, limit=limit, ordering=ordering
        )
        slugs += [organisation.slug for organisation in page.items]
        if page.next is None:
            return slugs
        cursor = page.next


def test_newest_first_by_default_with_ties() -> None:
    moment = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    for n in range(7):
        OrganisationFactory(slug=f"o{n}")
    # Three rows created in the same microsecond: the id decides between them.
    Organisation.objects.filter(slug__in=["o1", "o2", "o3"]).update(created_at=moment)
    expected = [o.slug for o in Organisation.objects.order_by("-created_at", "-id")]

    for limit in (1, 2, 3, 50):
        assert walk(("-created_at", "-id"), limit) == expected


def test_ascending_by_a_given_field() -> None:
    for name in ["b", "a", "c", "a"]:
        OrganisationFactory(short_name=name)
    expected = [o.slug for o in Organisation.objects.order_by("short_name", "id")]

    assert walk(("short_name", "id"), 1) == expected


@pytest.mark.parametrize("cursor", ["%%%", "bm90IGpzb24", "WzFd", "WyJ4IiwieCJd", "A" * 2000])
def test_cursor_that_is_not_ours_is_a_validation_error(cursor: str) -> None:
    with pytest.raises(ValidationError) as raised:
        keyset_page(Organisation.objects.all(), cursor=cursor)

    assert raised.value.errors[0]["loc"] == ("query", "cursor")
