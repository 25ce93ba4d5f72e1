"""Issue 5, point 3: the inbox filters by service, status, date range, assignee and reference,
sorts newest or oldest first, and pages by keyset (no count, no offset)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from townhall.casework.constants import InboxSort
from townhall.casework.queries import Cursor, InboxFilters, inbox_page
from townhall.casework.tests.factories import (
    CaseworkSubmissionFactory,
    ContactServiceFactory,
    world,
)
from townhall.submissions.constants import Outcome, SubmissionStatus
from townhall.tenancy.constants import Role

pytestmark = pytest.mark.django_db


def _at(day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(2027, 3, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def inbox(inbox_and_service: Any) -> Any:
    return inbox_and_service[0]


@pytest.fixture
def inbox_and_service() -> Any:
    w = world(reference="AAA-0001-AAAA", submitted_at=_at(1))
    other_service = ContactServiceFactory.create(organisation=w.organisation, name="Bins")
    caseworker = w.member(Role.CASEWORKER)
    CaseworkSubmissionFactory.create(
        service=other_service, reference="BBB-0002-BBBB", submitted_at=_at(5)
    )
    CaseworkSubmissionFactory.create(
        service=w.service,
        reference="CCC-0003-CCCC",
        submitted_at=_at(10),
        status=SubmissionStatus.IN_PROGRESS,
        assignee=caseworker,
    )
    CaseworkSubmissionFactory.create(
        service=w.service,
        reference="DDD-0004-DDDD",
        submitted_at=_at(20),
        status=SubmissionStatus.CLOSED,
        outcome=Outcome.RESOLVED,
        closed_at=_at(21),
    )
    return w, other_service


def _refs(client: Any, w: Any, **params: str) -> list[str]:
    response = client.get(reverse("casework:inbox", args=[w.organisation.slug]), params)
    assert response.status_code == 200, response.content[:2000]
    body = response.content.decode()
    return [
        ref
        for ref in ["AAA-0001-AAAA", "BBB-0002-BBBB", "CCC-0003-CCCC", "DDD-0004-DDDD"]
        if ref in body
    ]


def test_the_inbox_lists_every_submission_newest_first(inbox, staff_client):
    client = staff_client(inbox.member(Role.VIEWER))
    response = client.get(reverse("casework:inbox", args=[inbox.organisation.slug]))
    body = response.content.decode()
    positions = [
        body.index(ref)
        for ref in ["DDD-0004-DDDD", "CCC-0003-CCCC", "BBB-0002-BBBB", "AAA-0001-AAAA"]
    ]
    assert positions == sorted(positions)
    assert "Closed: Resolved" in body


def test_oldest_first(inbox, staff_client):
    body = (
        staff_client(inbox.member(Role.VIEWER))
        .get(reverse("casework:inbox", args=[inbox.organisation.slug]), {"sort": "oldest"})
        .content.decode()
    )
    assert body.index("AAA-0001-AAAA") < body.index("DDD-0004-DDDD")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "in_progress"}, ["CCC-0003-CCCC"]),
        ({"status": "closed"}, ["DDD-0004-DDDD"]),
        ({"reference": "bbb-0002-bbbb "}, ["BBB-0002-BBBB"]),
        ({"assignee": "none"}, ["AAA-0001-AAAA", "BBB-0002-BBBB", "DDD-0004-DDDD"]),
        (
            {
                "from_day": "5",
                "from_month": "3",
                "from_year": "2027",
                "to_day": "10",
                "to_month": "3",
                "to_year": "2027",
            },
            ["BBB-0002-BBBB", "CCC-0003-CCCC"],
        ),
        ({"from_day": "11", "from_month": "3", "from_year": "2027"}, ["DDD-0004-DDDD"]),
        ({"to_day": "1", "to_month": "3", "to_year": "2027"}, ["AAA-0001-AAAA"]),
    ],
)
def test_each_filter(inbox, staff_client, params, expected):
    assert _refs(staff_client(inbox.member(Role.CASEWORKER)), inbox, **params) == expected


def test_filter_by_service_and_assignee(inbox_and_service, staff_client):
    inbox, other_service = inbox_and_service
    client = staff_client(inbox.member(Role.CASEWORKER))
    assert _refs(client, inbox, service=str(other_service.pk)) == ["BBB-0002-BBBB"]
    assert _refs(client, inbox, assignee=str(inbox.member(Role.CASEWORKER).pk)) == ["CCC-0003-CCCC"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"from_day": "31", "from_month": "2", "from_year": "2027"},
            "Date from must be a real date",
        ),
        ({"from_day": "3", "from_year": "2027"}, "Date from must include a day, month and year"),
        (
            {
                "from_day": "3",
                "from_month": "3",
                "from_year": "2027",
                "to_day": "1",
                "to_month": "3",
                "to_year": "2027",
            },
            "Date to must be the same as or after date from",
        ),
    ],
)
def test_wrong_dates_are_explained(inbox, staff_client, params, message):
    response = staff_client(inbox.member(Role.VIEWER)).get(
        reverse("casework:inbox", args=[inbox.organisation.slug]), params
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert message in body


def test_an_unknown_service_is_an_error_not_a_wider_list(inbox, staff_client):
    response = staff_client(inbox.member(Role.VIEWER)).get(
        reverse("casework:inbox", args=[inbox.organisation.slug]),
        {"service": "00000000-0000-0000-0000-000000000000"},
    )
    assert response.status_code == 400
    assert "AAA-0001-AAAA" not in response.content.decode()


def test_keyset_pages_forwards_and_back():
    w = world(submitted_at=_at(1, 0))
    for hour in range(1, 5):
        CaseworkSubmissionFactory.create(service=w.service, submitted_at=_at(1, hour))
    # Two in the same instant: the id breaks the tie, so neither is skipped nor repeated.
    same = _at(2)
    CaseworkSubmissionFactory.create_batch(2, service=w.service, submitted_at=same)
    everything = []
    page = inbox_page(organisation=w.organisation, filters=InboxFilters(), size=2)
    pages = [page]
    while page.next_cursor is not None:
        page = inbox_page(
            organisation=w.organisation, filters=InboxFilters(), after=page.next_cursor, size=2
        )
        pages.append(page)
    for p in pages:
        everything += p.rows
    assert len(everything) == 7 == len({s.pk for s in everything})
    assert [s.submitted_at for s in everything] == sorted(
        (s.submitted_at for s in everything), reverse=True
    )
    assert pages[0].previous_cursor is None
    # Back from the last page gives the page before it.
    back = inbox_page(
        organisation=w.organisation,
        filters=InboxFilters(),
        before=pages[-1].previous_cursor,
        size=2,
    )
    assert [s.pk for s in back.rows] == [s.pk for s in pages[-2].rows]
    oldest = inbox_page(
        organisation=w.organisation, filters=InboxFilters(sort=InboxSort.OLDEST), size=7
    )
    assert [s.pk for s in oldest.rows] == [s.pk for s in everything][::-1]


def test_the_page_links_carry_the_filters(staff_client):
    w = world()
    CaseworkSubmissionFactory.create_batch(50, service=w.service)
    client = staff_client(w.member(Role.VIEWER))
    url = reverse("casework:inbox", args=[w.organisation.slug])
    first = client.get(url, {"status": "received"})
    assert first.status_code == 200
    body = first.content.decode()
    assert "status=received&amp;after=" in body
    cursor = body.split("after=")[1].split('"')[0]
    second = client.get(url, {"status": "received", "after": cursor})
    assert second.status_code == 200
    assert second.content.decode().count("/inbox/") >= 1
    assert Cursor.decode(cursor) is not None
    assert Cursor.decode("not-a-cursor") is None


def test_the_inbox_is_in_the_staff_navigation(inbox, staff_client):
    response = staff_client(inbox.member(Role.VIEWER)).get(
        reverse("identity:organisation", args=[inbox.organisation.slug])
    )
    assert reverse("casework:inbox", args=[inbox.organisation.slug]) in response.content.decode()
