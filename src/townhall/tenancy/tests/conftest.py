"""Fixtures for the tenancy tests: the real register, imported once per test module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import transaction

from townhall.tenancy.actions import ImportResult, organisation_register_import
from townhall.tenancy.register import BUNDLED_FILES, read_register


@pytest.fixture(scope="module")
def real_register(django_db_setup: None, django_db_blocker) -> Iterator[ImportResult]:
    """The bundled register, imported once for the test module and rolled back after it.

    Tests that use it also need `@pytest.mark.django_db`: each then runs in a savepoint inside
    this module's transaction, so what one test changes the next does not see.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield organisation_register_import(register=read_register(BUNDLED_FILES))
        transaction.set_rollback(True)
