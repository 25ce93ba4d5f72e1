"""Foundation: health check, GOV.UK error pages and the English/Welsh toggle (issue 2)."""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import DatabaseError
from django.test import Client


@pytest.mark.django_db
def test_healthz_reports_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_healthz_fails_when_the_database_is_unreachable(
    client: Client, caplog: pytest.LogCaptureFixture
) -> None:
    with mock.patch("townhall.web.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    # Probed every few seconds during an outage: one line each, no traceback.
    [record] = [r for r in caplog.records if r.name == "townhall.web.views"]
    assert record.getMessage() == "Health check could not reach the database: down"
    assert record.exc_info is None


@pytest.mark.django_db
def test_unknown_page_gets_the_gov_uk_404(client: Client) -> None:
    response = client.get("/this/does/not/exist/")
    assert response.status_code == 404
    body = response.content.decode()
    assert '<h1 class="govuk-heading-l">Page not found</h1>' in body
    assert "govuk-footer" in body


@pytest.mark.django_db
def test_unknown_page_in_welsh_gets_the_welsh_404(client: Client) -> None:
    response = client.get("/cy/this/does/not/exist/")
    assert response.status_code == 404
    body = response.content.decode()
    assert 'lang="cy"' in body
    assert "Heb ddod o hyd i’r dudalen" in body


@pytest.mark.django_db
def test_server_error_page_is_friendly(settings, client: Client) -> None:
    from townhall.web import views

    request = client.get("/").wsgi_request
    response = views.server_error(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


@pytest.mark.django_db
def test_csrf_failure_is_a_gov_uk_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/staff/sign-in/", {"email": "a@example.com"})
    assert response.status_code == 403
    assert "Sorry, this page has expired" in response.content.decode()


@pytest.mark.django_db
def test_language_toggle_switches_between_english_and_welsh(client: Client) -> None:
    english = client.get("/").content.decode()
    assert '<html lang="en"' in english
    toggle = re.search(r'<a [^>]*href="([^"]+)"[^>]*hreflang="cy"[^>]*>Cymraeg</a>', english)
    assert toggle, "English pages link to the Welsh version"
    welsh = client.get(toggle.group(1)).content.decode()
    assert '<html lang="cy"' in welsh
    assert "Neidio i’r prif gynnwys" in welsh
    back = re.search(r'<a [^>]*href="([^"]+)"[^>]*hreflang="en"[^>]*>English</a>', welsh)
    assert back
    assert back.group(1) == "/"


@pytest.mark.django_db
def test_admin_is_not_a_public_page(client: Client) -> None:
    response = client.get("/platform/")
    assert response.status_code == 302
