"""Foundation: invite → set password → set up TOTP → signed in, in a real browser (Playwright
driving Debian's Chromium), with the invitation email delivered through a real SMTP server."""

from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp

from townhall.identity.tests.factories import PASSWORD, current_code
from townhall.tenancy.constants import Role
from townhall.tenancy.tests.factories import MembershipFactory

NEW_PASSWORD = "paper lantern orbit 42"


def _collect_console_errors(page, errors: list[str]) -> None:
    """Console errors (a CSP violation, a script failing), apart from the favicon, which the
    web app does not serve yet."""

    def record(message) -> None:
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            errors.append(f"{message.text} at {message.location['url']}")

    page.on("console", record)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_invite_set_password_set_up_totp_and_sign_in(
    browser_page, live_server, smtp_server, settings
):
    settings.TOWNHALL_BASE_URL = live_server.url
    admin = MembershipFactory.create(
        role=Role.ADMIN,
        user__totp=True,
        organisation__official_name="Browserton Borough Council",
        organisation__slug="browserton",
    )
    page = browser_page
    console_errors: list[str] = []
    _collect_console_errors(page, console_errors)

    # The admin signs in with password and authenticator code, then invites a colleague.
    page.goto(f"{live_server.url}/staff/sign-in/")
    page.locator("#email").fill(admin.user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("#code").fill(current_code(admin.user))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Your organisations").wait_for()
    page.get_by_role("link", name="Browserton Borough Council").click()
    page.get_by_role("link", name="Team").first.click()
    page.get_by_role("button", name="Invite someone").click()
    page.locator("#email").fill("new.colleague@council.example")
    page.get_by_label("Caseworker").check()
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_text("Invitation sent to new.colleague@council.example").wait_for()

    # The email reaches the SMTP server; the colleague opens its link in their own browser.
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "new.colleague@council.example"
    found = re.search(r"http://\S+/staff/invitations/\S+/", message.get_content())
    assert found, message.get_content()
    link = found.group(0)
    colleague = page.context.browser.new_context().new_page()
    _collect_console_errors(colleague, console_errors)
    colleague.goto(link)
    colleague.get_by_role("heading", name="Create your account").wait_for()
    colleague.locator("#full_name").fill("Cai Colleague")
    colleague.locator("#new_password").fill(NEW_PASSWORD)
    colleague.locator("#new_password_again").fill(NEW_PASSWORD)
    colleague.get_by_role("button", name="Continue").click()

    # Set up the authenticator from the key shown for typing in, as an app would.
    colleague.get_by_role("heading", name="Set up an authenticator app").wait_for()
    assert colleague.locator("svg.segno").count() == 1
    key = b32decode(colleague.locator("#authenticator-key").inner_text().replace(" ", ""))
    colleague.locator("#code").fill(f"{totp(key):06d}")
    colleague.get_by_role("button", name="Continue").click()

    colleague.get_by_role("heading", name="Save your recovery codes").wait_for()
    assert colleague.locator("#recovery-codes li").count() == 10
    colleague.get_by_role("button", name="I have saved my recovery codes").click()

    # Signed in, and a member of the organisation.
    colleague.get_by_role("heading", name="Your organisations").wait_for()
    colleague.get_by_role("link", name="Browserton Borough Council").click()
    colleague.get_by_text("Your role: Caseworker").wait_for()
    assert colleague.url == f"{live_server.url}/staff/browserton/"
    # Nothing was blocked by the Content-Security-Policy, and GOV.UK Frontend's scripts ran.
    assert console_errors == []
