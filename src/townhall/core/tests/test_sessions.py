"""Sessions load through one plain SQL statement (townhall.core.sessions): the same answers as
Django's own database backend."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from townhall.core.sessions import SessionStore


@pytest.mark.django_db
def test_a_saved_session_loads_with_its_data():
    store = SessionStore()
    store["journeys"] = {"service": "journey"}
    store.save()
    loaded = SessionStore(session_key=store.session_key)
    assert loaded["journeys"] == {"service": "journey"}
    assert loaded.session_key == store.session_key


@pytest.mark.django_db
def test_an_expired_session_loads_empty_and_gets_a_new_key_when_saved():
    store = SessionStore()
    store["journeys"] = {"service": "journey"}
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )
    loaded = SessionStore(session_key=store.session_key)
    assert loaded.get("journeys") is None
    loaded["other"] = 1
    loaded.save()
    assert loaded.session_key != store.session_key


@pytest.mark.django_db
def test_unknown_and_tampered_sessions_load_empty():
    assert SessionStore(session_key="x" * 32).load() == {}
    store = SessionStore()
    store["journeys"] = {"service": "journey"}
    store.save()
    Session.objects.filter(session_key=store.session_key).update(session_data="tampered")
    assert SessionStore(session_key=store.session_key).load() == {}
