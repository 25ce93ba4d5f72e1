"""A resident's answers in progress are encrypted at rest: the journeys table, dumped without the
keys, shows none of them; with the keys they read back whole."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from townhall.core.crypto import decrypt_text
from townhall.runner.models import Journey
from townhall.runner.tests.helpers import answer, start
from townhall.services.models import Service

pytestmark = pytest.mark.django_db

LOCATION = "Outside 14 Distinctive Lane"


def test_journey_answers_hold_no_plaintext(pothole: Service) -> None:
    client = Client()
    start(client, pothole)
    answer(client, pothole, "danger", {"danger": "no"})
    answer(client, pothole, "road_type", {"road_type": "road"})
    answer(
        client,
        pothole,
        "location",
        {"location": LOCATION, "location-latitude": "52.24", "location-longitude": "-3.37"},
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT answers FROM {Journey._meta.db_table}")  # noqa: S608 - our table
        (stored,) = cursor.fetchone()
    assert "Distinctive" not in stored
    assert "road_type" not in stored  # not even the question ids
    assert LOCATION in decrypt_text(stored)
    journey = Journey.objects.get()
    assert journey.answers["road_type"] == "road"
    assert LOCATION in str(journey.answers["location"])
