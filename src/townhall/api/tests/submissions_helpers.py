"""Keys, services and answers for the tests of the organisation-scoped submission API."""

from __future__ import annotations

import secrets
import string
from typing import Any

from django.test import Client

from townhall.identity.models import ApiKey
from townhall.identity.tests.factories import ApiKeyFactory
from townhall.services.models import Service
from townhall.services.tests.factories import POTHOLE_ANSWERS, ServiceFactory
from townhall.tenancy.models import Organisation

API = "/api/v1"


def raw_key() -> str:
    alphabet = string.ascii_letters + string.digits
    return "th_" + "".join(secrets.choice(alphabet) for _ in range(8)) + "_" + "s" * 43


def key_for(organisation: Organisation, *, write: bool = True) -> tuple[ApiKey, str]:
    """A usable key of `organisation` and the header value that sends it."""
    raw = raw_key()
    api_key = ApiKeyFactory.create(organisation=organisation, raw_key=raw, write=write)
    return api_key, f"Bearer {raw}"


def live_pothole() -> Service:
    return ServiceFactory.create(live=True, pothole=True)


def pothole_body(**overrides: Any) -> dict[str, Any]:
    """The runner's pothole answers as an API body: each page's posted fields by question id
    (the photos page posts nothing, so it is left out)."""
    answers: dict[str, Any] = {page_id: data for page_id, data in POTHOLE_ANSWERS if data}
    return {"answers": answers, "language": "en", "channel": "assisted", **overrides}


def post(client: Client, path: str, body: Any, auth: str, **headers: str) -> Any:
    return client.post(
        f"{API}{path}",
        body,
        content_type="application/json",
        headers={"Authorization": auth, **headers},
    )


def get(client: Client, path: str, auth: str, **params: Any) -> Any:
    return client.get(f"{API}{path}", params, headers={"Authorization": auth})
