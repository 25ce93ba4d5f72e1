"""A test-only API with one read and one write endpoint behind ApiKeyAuth, for test_auth.py.

Its own NinjaAPI (with the real problem+json handlers), so the key tests do not depend on which
real endpoints exist.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import path
from ninja import NinjaAPI

from townhall.api import problems
from townhall.api.auth import ApiKeyAuth, api_key_of

test_api = NinjaAPI(urls_namespace="test-api-key-auth", docs_url=None)
problems.install(test_api)


@test_api.get("/read", auth=ApiKeyAuth(scope="read"), operation_id="test_read")
def read(request: HttpRequest) -> dict[str, str]:
    api_key = api_key_of(request)
    return {"organisation": api_key.organisation.slug, "key": api_key.prefix}


@test_api.post("/write", auth=ApiKeyAuth(scope="write"), operation_id="test_write")
def write(request: HttpRequest) -> dict[str, str]:
    return {"organisation": api_key_of(request).organisation.slug}


urlpatterns = [path("test-api/", test_api.urls)]
