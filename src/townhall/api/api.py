"""The NinjaAPI instance behind `/api/v1/`. Routers live in `routers/` and are added here."""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from townhall.api import problems
from townhall.api.docs import SwaggerFromStatic
from townhall.api.routers import events as events_router
from townhall.api.routers import public
from townhall.api.routers import submissions as submissions_router


class TownhallAPI(NinjaAPI):
    """Ninja's API with its OpenAPI document saying what we serve: errors as problem+json."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problems.document(schema)
        return schema


api = TownhallAPI(
    title="Townhall API",
    version="1",
    description="Organisations, patterns and services in the open; an organisation's submissions "
    "with an API key. Errors are RFC 9457 problem details (`application/problem+json`). "
    "Guide: docs/api.md.",
    urls_namespace="api-v1",
    docs=SwaggerFromStatic(),
)
# Every error this API answers is RFC 9457 problem+json (api/problems.py).
problems.install(api)

api.add_router("", public.router)
api.add_router("", submissions_router.router)
api.add_router("", events_router.router)
