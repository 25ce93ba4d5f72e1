"""Issue 6 point 1: the interactive reference at /api/v1/docs loads Swagger UI from our own static
files (never a CDN) under our Content Security Policy."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_reference_page_uses_only_our_static_files(client: Client) -> None:
    response = client.get("/api/v1/docs")

    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert all(url.startswith("/static/swagger-ui/") for url in urls), urls
    assert "//" not in "".join(urls)
    assert '"url": "/api/v1/openapi.json"' in html
    assert '"validatorUrl": null' in html


def test_reference_page_scripts_carry_the_csp_nonce(client: Client) -> None:
    response = client.get("/api/v1/docs")

    policy = response["Content-Security-Policy"]
    nonce = re.search(r"'nonce-([^']+)'", policy)
    assert nonce is not None, policy
    html = response.content.decode()
    assert html.count("<script") == html.count(f'nonce="{nonce.group(1)}"') == 2
    assert "cdn" not in html.lower()


def test_swagger_assets_are_served(client: Client) -> None:
    for name in ("swagger-ui.css", "swagger-ui-bundle.js", "LICENSE"):
        response = client.get(f"/static/swagger-ui/{name}")
        assert response.status_code == 200, name


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reference_page_renders_under_our_csp(browser_page: Page, live_server: Any) -> None:
    """In a real browser: Swagger UI starts, lists the operations, and breaks no CSP rule."""
    problems: list[str] = []
    # CSP violations are console errors ("Refused to …"); the browser's own /favicon.ico
    # request (this page names none) is the one 404 to expect.
    browser_page.on(
        "console",
        lambda message: (
            problems.append(message.text)
            if message.type == "error" and "favicon" not in (message.location or {}).get("url", "")
            else None
        ),
    )
    browser_page.on("pageerror", lambda error: problems.append(str(error)))
    outside: list[str] = []
    browser_page.on(
        "request",
        lambda request: (
            None if request.url.startswith(live_server.url) else outside.append(request.url)
        ),
    )

    browser_page.goto(f"{live_server.url}/api/v1/docs")
    browser_page.wait_for_selector("#operations-Public-organisations_list")

    assert problems == []
    assert outside == []
