"""The NinjaAPI instance behind `/api/v1/`. Routers live in `routers/` and are added here."""

from __future__ import annotations

from ninja import NinjaAPI

api = NinjaAPI(
    title="Townhall API",
    version="1",
    description="Organisations, patterns and services in the open; an organisation's submissions "
    "with an API key.",
    urls_namespace="api-v1",
)
