"""Issue 5's resident-facing pages pass axe-core's WCAG 2.2 A and AA rules, in English and Welsh,
with and without errors: checking the status of a submission (reference and email, the emailed
code, the status itself) and the "not available" page of an unpublished service."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from townhall.casework.actions import submission_status_change
from townhall.casework.tests.factories import world
from townhall.conftest import chromium_launched
from townhall.runner.tests.accessibility import axe_prepare, axe_violations
from townhall.services.tests.factories import ServiceFactory
from townhall.tenancy.constants import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page() -> Iterator[Page]:
    browser: Browser
    with chromium_launched() as browser:
        context = browser.new_context()
        axe_prepare(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()


def _audit(page: Page, found: list[str], *, expect_error: bool = False) -> None:
    page.get_by_role("heading", level=1).wait_for()
    if expect_error:
        assert page.locator(".govuk-error-summary").count() == 1, page.url
    found += axe_violations(page)


def _submit(page: Page) -> None:
    with page.expect_navigation():
        page.locator("main form button[type=submit], main form .govuk-button").first.click()


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_checking_a_status_has_no_wcag_violations(page, live_server, smtp_server, prefix):
    w = world(email="resident@example.org")
    submission_status_change(
        submission=w.submission,
        actor=w.member(Role.CASEWORKER),
        status="closed",
        outcome="resolved",
        public_note="We filled the pothole.",
    )
    found: list[str] = []
    page.goto(f"{live_server.url}{prefix}/status/")
    _audit(page, found)
    _submit(page)
    _audit(page, found, expect_error=True)
    page.fill("[name=reference]", w.submission.reference)
    page.fill("[name=email]", "resident@example.org")
    before = len(smtp_server.messages)
    _submit(page)
    _audit(page, found)
    page.fill("[name=code]", "000000")
    _submit(page)
    _audit(page, found, expect_error=True)
    message = smtp_server.wait_for(before + 1)[-1]
    code = re.search(r"\b(\d{6})\b", message.get_content())
    assert code is not None
    page.fill("[name=code]", code.group(1))
    _submit(page)
    _audit(page, found)
    assert "We filled the pothole." in page.content()
    assert not found, "\n".join(found)


@pytest.mark.parametrize("prefix", ["", "/cy"])
def test_the_not_available_page_has_no_wcag_violations(page, live_server, prefix):
    service = ServiceFactory.create(unpublished=True, contact_details="Call 01632 960 000")
    found: list[str] = []
    page.goto(f"{live_server.url}{prefix}/{service.organisation.slug}/{service.slug}/")
    _audit(page, found)
    assert "01632 960 000" in page.content()
    assert not found, "\n".join(found)
