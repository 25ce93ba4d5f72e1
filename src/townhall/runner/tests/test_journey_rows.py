"""Runner (issue 4): every request loads its journey and every answer saves it, by statements
written once instead of built by the ORM each time (`queries.journey_get`,
`actions._journey_update`). They must read and write exactly what the ORM would."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import DatabaseError, connection
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from townhall.runner.actions import _journey_update, _journey_update_plan, journey_answers_store
from townhall.runner.models import Journey
from townhall.runner.queries import journey_get
from townhall.runner.tests.factories import JourneyFactory
from townhall.services.engine_cache import pattern_for_version_id
from townhall.services.models import Service

pytestmark = pytest.mark.django_db


def _fields(journey: Journey) -> dict[str, Any]:
    return {field.attname: getattr(journey, field.attname) for field in Journey._meta.fields}


def test_a_journey_loads_as_the_orm_loads_it(pothole: Service) -> None:
    now = timezone.now()
    journey = JourneyFactory.create(
        service=pothole,
        answers={"danger": False, "location": {"text": "Outside 14 Lane", "lat": 52.2}},
        language="cy",
        preview=True,
        preview_sent_at=now - dt.timedelta(minutes=3),
        kept_until=now + dt.timedelta(days=7),
        feedback_given=True,
        key_hash=Journey.hash_key("key"),
    )
    loaded = journey_get(service=pothole, journey_id=journey.pk, preview=True, key="key")
    assert loaded is not None
    assert _fields(loaded) == _fields(Journey.objects.get(pk=journey.pk))
    assert isinstance(loaded.pk, uuid.UUID)
    assert loaded.last_activity.tzinfo is not None
    assert not loaded._state.adding
    assert loaded._state.db == "default"
    assert loaded.service == pothole  # relations load as usual


def test_only_this_services_journey_with_the_same_preview_flag_and_key_loads(
    pothole: Service,
) -> None:
    journey = JourneyFactory.create(service=pothole, key_hash=Journey.hash_key("key"))
    other = JourneyFactory.create(key_hash=Journey.hash_key("key"))
    assert journey_get(service=pothole, journey_id=journey.pk, preview=False, key="key") == journey
    assert journey_get(service=pothole, journey_id=journey.pk, preview=True, key="key") is None
    assert journey_get(service=pothole, journey_id=journey.pk, preview=False, key="kez") is None
    # No key: only a journey from before keys (its pointer in the session) matches.
    assert journey_get(service=pothole, journey_id=journey.pk, preview=False, key=None) is None
    assert journey_get(service=pothole, journey_id=other.pk, preview=False, key="key") is None
    assert journey_get(service=pothole, journey_id=uuid.uuid4(), preview=False, key="key") is None


def test_storing_answers_writes_what_save_would(pothole: Service) -> None:
    journey = JourneyFactory.create(service=pothole)
    before = Journey.objects.get(pk=journey.pk)
    journey_answers_store(
        journey=journey,
        pattern=pattern_for_version_id(pothole.pattern_version_id),
        params=pothole.parameters,
        values={"danger": False},
        language="cy",
    )
    stored = Journey.objects.get(pk=journey.pk)
    assert stored.answers == journey.answers == {"danger": False}
    assert stored.language == "cy"
    assert stored.last_activity == journey.last_activity
    assert stored.updated_at == journey.updated_at > before.updated_at
    # Nothing else changed.
    unchanged = {"answers", "language", "last_activity", "updated_at"}
    assert {key: value for key, value in _fields(stored).items() if key not in unchanged} == {
        key: value for key, value in _fields(before).items() if key not in unchanged
    }


def _store_captured(service: Service, journey: Journey) -> list[str]:
    pattern = pattern_for_version_id(service.pattern_version_id)
    with CaptureQueriesContext(connection) as captured:
        journey_answers_store(
            journey=journey,
            pattern=pattern,
            params=service.parameters,
            values={"danger": True},
            language="en",
        )
    assert Journey.objects.get(pk=journey.pk).answers == {"danger": True}
    return [query["sql"] for query in captured.captured_queries]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        (value,) = cursor.fetchone()
    return str(value)


@pytest.mark.django_db(transaction=True)
def test_an_answer_is_one_statement_that_postgresql_does_not_wait_on_the_disk_for(
    pothole: Service,
) -> None:
    journey = JourneyFactory.create(service=pothole)
    (write,) = _store_captured(pothole, journey)  # no BEGIN, SET or COMMIT around it
    if connection.vendor == "postgresql":
        assert "set_config('synchronous_commit', 'off', true)" in write
        assert _synchronous_commit() == "on"  # for that statement's transaction only
    else:
        assert write.startswith("UPDATE")


def test_inside_a_callers_transaction_answers_are_written_durably(pothole: Service) -> None:
    journey = JourneyFactory.create(service=pothole)
    # Test functions run inside a transaction, which the setting would outlast.
    (write,) = [sql for sql in _store_captured(pothole, journey) if "runner_journey" in sql]
    assert write.startswith("UPDATE")
    if connection.vendor == "postgresql":
        assert _synchronous_commit() == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL setting")
def test_the_statement_turns_the_wait_off_for_its_transaction(pothole: Service) -> None:
    journey = JourneyFactory.create(service=pothole)
    plan = _journey_update_plan("default", ("language", "updated_at"))
    with connection.cursor() as cursor:
        cursor.execute(plan.sql_without_waiting, ["cy", timezone.now(), journey.pk])
    assert _synchronous_commit() == "off"
    assert Journey.objects.get(pk=journey.pk).language == "cy"


def test_saving_a_journey_that_has_gone_fails_as_save_does(pothole: Service) -> None:
    journey = JourneyFactory.create(service=pothole)
    Journey.objects.filter(pk=journey.pk).delete()
    with pytest.raises(DatabaseError):
        _journey_update(journey, ("last_activity", "updated_at"))
    with pytest.raises(DatabaseError):
        journey.save(update_fields=["last_activity", "updated_at"])


def test_signal_receivers_still_hear_of_the_save(pothole: Service) -> None:
    journey = JourneyFactory.create(service=pothole)
    heard: list[frozenset[str] | None] = []

    def receiver(sender: type[Journey], update_fields: frozenset[str] | None, **_: Any) -> None:
        heard.append(update_fields)

    signals.post_save.connect(receiver, sender=Journey)
    try:
        journey.language = "cy"
        _journey_update(journey, ("language", "updated_at"))
    finally:
        signals.post_save.disconnect(receiver, sender=Journey)
    assert heard == [frozenset({"language", "updated_at"})]
    assert Journey.objects.get(pk=journey.pk).language == "cy"
