"""Runner (issue 4): the pothole journey works completely with JavaScript off, in a real browser
(Playwright driving Debian's Chromium), from the start page to the confirmation's reference."""

from __future__ import annotations

import pytest

from townhall.services.tests.factories import ServiceFactory
from townhall.submissions.models import Submission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("townhall.runner.tests.urls"),
]


def test_report_a_pothole_with_javascript_off(browser_page, live_server):
    service = ServiceFactory.create(live=True, pothole=True)
    context = browser_page.context.browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/{service.organisation.slug}/report-a-pothole/")
        page.get_by_role("button", name="Start now").click()

        # An error first: the summary links to the field, and the title says so.
        page.get_by_role("button", name="Continue").click()
        assert page.title().startswith("Error: Is the pothole dangerous right now?")
        page.get_by_role("link", name="Select yes if the pothole is dangerous right now").wait_for()

        page.get_by_label("No").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Road", exact=True).check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Description of the location").fill("Outside 14 High Street")
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Bigger than a dinner plate").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Between 4cm and 10cm").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Describe the pothole").fill("Full of water after rain.")
        page.get_by_role("button", name="Continue").click()
        page.get_by_role("heading", name="Upload photos of the pothole (optional)").wait_for()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("Yes").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_label("What is your email address?").fill("resident@example.com")
        page.get_by_role("button", name="Continue").click()

        # Change an answer from check answers and come back to it.
        page.get_by_role("heading", name="Check your answers before sending your report").wait_for()
        page.get_by_role("link", name="Change Size").click()
        page.get_by_label("Smaller than a dinner plate").check()
        page.get_by_role("button", name="Continue").click()
        page.get_by_text("Smaller than a dinner plate").wait_for()

        page.get_by_role("button", name="Send").click()
        page.get_by_role("heading", name="Report sent").wait_for()
        reference = Submission.objects.get().reference
        page.get_by_text(reference).wait_for()
        # Back and send again: still one report.
        page.go_back()
        page.get_by_role("heading", name="Report sent").wait_for()
        assert Submission.objects.count() == 1
    finally:
        context.close()
