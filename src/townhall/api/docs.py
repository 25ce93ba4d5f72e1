"""The interactive API reference at /api/v1/docs: Swagger UI from our own static files.

Ninja's default page loads Swagger UI from a CDN and runs inline script, which our Content Security
Policy forbids (script-src 'self' + nonce). This page loads the copy `web/vendor.py` made from
swagger-ui-dist and starts it with one script carrying the request's CSP nonce.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

if TYPE_CHECKING:
    from ninja import NinjaAPI

TEMPLATE = "api/docs.html"


class SwaggerFromStatic(DocsBase):
    """Swagger UI with `settings` merged over ours; never phones a validator or a CDN."""

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        self.settings: dict[str, Any] = {
            "dom_id": "#swagger-ui",
            "deepLinking": True,
            "layout": "BaseLayout",
            # Swagger UI otherwise sends the document to validator.swagger.io for a badge.
            "validatorUrl": None,
            **(settings or {}),
        }

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(
            request, TEMPLATE, {"title": api.title, "swagger_settings": settings}, using="jinja2"
        )
