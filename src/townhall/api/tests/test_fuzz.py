"""Issue 6 point 7: schemathesis fuzzes every operation of the committed OpenAPI document
(docs/openapi/v1.json) through the WSGI app: no 5xx, and every response matches the document.

Bounded and reproducible: a few examples per operation, derandomised, no deadline (the first
request of an operation warms caches). The database holds an organisation, a published pattern and
a live service named by the document's examples, so the fuzzer reaches real objects as well as
404s. Operations behind an API key get a valid write key from `api_headers`.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from townhall.services.tests.factories import ServiceFactory
from townhall.tenancy.tests.factories import OrganisationFactory

if TYPE_CHECKING:
    from pytest_django.fixtures import Settings

DOCUMENT = Path(__file__).resolve().parents[4] / "docs" / "openapi" / "v1.json"
MAX_EXAMPLES = 25

# Cursor parameters: opaque strings that only this API makes (api/pagination.py).
CURSOR_PARAMETERS = {"cursor", "since"}

schema = schemathesis.openapi.from_path(DOCUMENT)
# Every request, the checks' own probes included (e.g. the one without credentials), goes to
# Django's WSGI handler in this process and thus to the test database.
schema.app = get_wsgi_application()


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Django's WSGI handler closes "old" database connections around each request, which would
    close the test's transaction on PostgreSQL; Django's own test client stops it the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(db: None, keep_test_connection: None) -> None:
    """The objects the document's examples name (routers/public.py), plus a draft that must stay
    hidden and a second organisation so lists have more than one page at small limits."""
    organisation = OrganisationFactory(slug="powys", official_name="Powys County Council")
    ServiceFactory(organisation=organisation, live=True, pothole=True)
    ServiceFactory(organisation=organisation, slug="a-draft")
    OrganisationFactory(slug="cardiff", police=True)


@pytest.fixture
def api_headers(seeded: None, settings: Settings) -> dict[str, str]:
    """An `Authorization` header with a write key of the seeded organisation, once API keys
    exist (townhall.api.auth); no header before then, when no operation needs one."""
    if importlib.util.find_spec("townhall.api.auth") is None:
        return {}
    from townhall.identity.tests.factories import ApiKeyFactory
    from townhall.tenancy.models import Organisation

    # The fuzzer sends hundreds of requests with one key: keep them within its rate limit.
    settings.TOWNHALL_API_RATE_LIMIT = 1_000_000
    raw_key = "th_fuzz0001_" + "f" * 43
    ApiKeyFactory(organisation=Organisation.objects.get(slug="powys"), raw_key=raw_key, write=True)
    return {"Authorization": f"Bearer {raw_key}"}


@pytest.mark.django_db
@schema.parametrize()
@hypothesis_settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    # The fixtures only seed rows that every example may share.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_document(case: Any, api_headers: dict[str, str]) -> None:
    response = case.call(headers=api_headers)
    excluded = []
    if CURSOR_PARAMETERS & {name for name, value in (case.query or {}).items() if value}:
        # A cursor is opaque (api/pagination.py): a string the document allows may still not be
        # one we made, and a 422 naming `cursor` is the right answer to it. Every other check
        # (no 5xx, status codes, content types, response schemas, headers) still runs.
        excluded.append(positive_data_acceptance)
    case.validate_response(response, headers=api_headers, excluded_checks=excluded)
