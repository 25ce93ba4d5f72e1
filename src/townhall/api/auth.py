"""API key authentication for an organisation's endpoints: `auth=ApiKeyAuth(scope="read")`.

A request sends `Authorization: Bearer th_XXXXXXXX_<secret>`. The answers, all problem+json
(api/problems.py):
- 401 for a missing, unknown, expired or revoked key, one answer for all four so a caller cannot
  tell which keys exist;
- 429 with `Retry-After` when the key has used up its requests for the current window
  (`TOWNHALL_API_RATE_LIMIT` per `TOWNHALL_API_RATE_WINDOW_SECONDS`, counted in the database so the
  limit holds across processes);
- 403 when the key lacks the scope (a read-only key on a write endpoint). Write includes read.

On success ninja sets `request.auth` to the `ApiKey`, with its organisation loaded: endpoints
scope everything to `api_key_of(request).organisation`.
"""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja.errors import AuthenticationError, AuthorizationError, Throttled
from ninja.security import HttpBearer

from townhall.identity.actions import api_key_use_record
from townhall.identity.constants import ApiKeyScope
from townhall.identity.models import ApiKey
from townhall.identity.queries import api_key_authenticate

UNAUTHENTICATED_DETAIL = "The API key is missing, unknown, expired or revoked"
CANNOT_WRITE_DETAIL = "This key cannot write"


class ApiKeyAuth(HttpBearer):
    """Bearer API keys of one organisation, requiring `scope` ("read" or "write")."""

    def __init__(self, *, scope: Literal["read", "write"]) -> None:
        super().__init__()
        self.scope = ApiKeyScope(scope)

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        """The usable key, or None (ninja answers 401). Raises Throttled (429) past the rate
        limit and AuthorizationError (403) without the scope; every request with a usable key
        counts towards the limit, refused ones included, so a broken client is slowed down too."""
        api_key = api_key_authenticate(raw_key=token.strip())
        if api_key is None:
            return None
        retry_after = api_key_use_record(api_key=api_key)
        if retry_after is not None:
            raise Throttled(wait=retry_after)
        if not api_key.allows(self.scope):
            raise AuthorizationError(message=CANNOT_WRITE_DETAIL)
        return api_key


def api_key_of(request: HttpRequest) -> ApiKey:
    """The key that authenticated this request. Only call it in an endpoint behind ApiKeyAuth."""
    api_key = getattr(request, "auth", None)
    if not isinstance(api_key, ApiKey):
        raise AuthenticationError(message=UNAUTHENTICATED_DETAIL)
    return api_key
