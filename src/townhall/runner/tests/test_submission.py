"""Runner (issue 4): sending stores exactly one submission, atomically, with a unique reference;
double clicks, refresh and back-and-resubmit never make a second; the confirmation shows it."""

from __future__ import annotations

import threading

import pytest
from django.db import connections
from django.test import Client

from townhall.runner.models import Journey
from townhall.runner.tests.helpers import (
    answer,
    answer_pothole,
    base_url,
    journey_cookie_name,
    location,
    main,
    start,
)
from townhall.submissions.models import Submission

pytestmark = [pytest.mark.django_db, pytest.mark.urls("townhall.runner.tests.urls")]


def test_a_double_click_stores_one_submission(client, pothole):
    answer_pothole(client, pothole)
    first = client.post(f"{base_url(pothole)}check-answers/")
    second = client.post(f"{base_url(pothole)}check-answers/")  # the second click
    assert location(first) == location(second) == f"{base_url(pothole)}confirmation/"
    assert Submission.objects.count() == 1


def test_refresh_and_back_and_resubmit_store_one_submission(client, pothole):
    answer_pothole(client, pothole)
    client.post(f"{base_url(pothole)}check-answers/")
    reference = Submission.objects.get().reference
    # Refreshing the confirmation, going back to check answers or a question, resubmitting.
    assert reference in main(client.get(f"{base_url(pothole)}confirmation/"))
    assert location(client.get(f"{base_url(pothole)}check-answers/")).endswith("/confirmation/")
    assert location(client.get(f"{base_url(pothole)}email/")).endswith("/confirmation/")
    resubmit = answer(client, pothole, "email", {"email": "again@example.com"})
    assert location(resubmit).endswith("/confirmation/")
    assert location(client.post(f"{base_url(pothole)}check-answers/")).endswith("/confirmation/")
    assert list(Submission.objects.values_list("reference", flat=True)) == [reference]
    assert Submission.objects.get().answers["email"] == "resident@example.com"


def test_the_answers_move_from_the_journey_to_the_submission(client, pothole):
    answer_pothole(client, pothole)
    client.post(f"{base_url(pothole)}check-answers/")
    journey = Journey.objects.get()
    assert journey.answers == {}
    assert journey.submission is not None
    assert journey.submission.journey_id == journey.pk


def test_starting_again_after_sending_makes_a_new_report(client, pothole):
    answer_pothole(client, pothole)
    client.post(f"{base_url(pothole)}check-answers/")
    answer_pothole(client, pothole)
    client.post(f"{base_url(pothole)}check-answers/")
    references = set(Submission.objects.values_list("reference", flat=True))
    assert len(references) == 2


def test_the_confirmation_before_sending_goes_back_to_the_journey(client, pothole):
    start(client, pothole)
    assert location(client.get(f"{base_url(pothole)}confirmation/")).endswith("/danger/")


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_sends_store_one_submission(pothole):
    """Two servers handle the same double click at once: the journey lock and the unique journey
    id leave one submission. SQLite serialises writers anyway; PostgreSQL is the real test."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent database connections (PostgreSQL)")
    first = Client()
    answer_pothole(first, pothole)
    second = Client()
    name = journey_cookie_name(pothole)
    second.cookies[name] = first.cookies[name].value
    barrier = threading.Barrier(2)
    results: list[str] = []

    def send(browser: Client) -> None:
        barrier.wait()
        try:
            results.append(location(browser.post(f"{base_url(pothole)}check-answers/")))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(b,)) for b in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [f"{base_url(pothole)}confirmation/"] * 2
    assert Submission.objects.count() == 1
