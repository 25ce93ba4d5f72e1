"""Foundation: security headers are present on every kind of response (issue 2, web foundation)."""

from __future__ import annotations

import pytest
from django.test import Client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/cy/", "/organisations/", "/no-such-page/", "/staff/sign-in/"]
)
def test_every_page_sends_the_security_headers(client: Client, path: str) -> None:
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'self'" in csp
    assert "'unsafe-inline'" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_the_inline_script_carries_the_nonce_from_the_header(client: Client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


@pytest.mark.django_db
def test_hsts_is_sent_over_https_only(client: Client) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", secure=True)
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.django_db
def test_public_pages_set_no_cookies(client: Client) -> None:
    """Only essential cookies: browsing public pages, in either language, sets none at all."""
    for path in ["/", "/cy/", "/organisations/", "/cy/organisations/"]:
        response = client.get(path)
        assert response.cookies == {}, path
