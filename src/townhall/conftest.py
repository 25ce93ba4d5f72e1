"""Fixtures shared by every app's tests.

- `smtp_server`: a real SMTP server (aiosmtpd) on 127.0.0.1; Django's default mailer points at it.
- `browser_page`: a Playwright page in Debian's headless Chromium, a fresh browser context per test.
  Browser tests are marked `@pytest.mark.browser` and use `live_server` with
  `@pytest.mark.django_db(transaction=True)`.
- `staff_client`: a test client signed in as a user with both factors (password and authenticator).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connections
from django.test import Client

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page
    from pytest_django.fixtures import Settings

    from townhall.identity.models import User

CHROMIUM = Path("/usr/bin/chromium")
# Quiet, sandbox-free Chromium: containers have no user namespaces for its sandbox, and the flags
# stop it phoning home (updates, sync, QUIC probes) during a test run.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class SMTPServer:
    """What the test SMTP server has received, as parsed email messages."""

    def __init__(self, *, host: str, port: int) -> None:
        self.host = host
        self.port = port
        self.messages: list[EmailMessage] = []
        self._arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(
            envelope.original_content or envelope.content, policy=policy.default
        )
        with self._arrived:
            self.messages.append(message)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    def wait_for(self, count: int = 1, *, timeout: float = 10) -> list[EmailMessage]:
        """Block until `count` messages have arrived (sending may happen on another thread)."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages) >= count, timeout=timeout):
                raise AssertionError(
                    f"Expected {count} email(s) at the test SMTP server, got {len(self.messages)}."
                )
            return list(self.messages)


def _free_port() -> int:
    # aiosmtpd's Controller cannot bind port 0 (it connects to its own port to start), so ask the
    # kernel for a free one first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def smtp_server(settings: Settings) -> Iterator[SMTPServer]:
    from aiosmtpd.controller import Controller

    server = SMTPServer(host="127.0.0.1", port=_free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    # Django 6.1 configures email with MAILERS (EMAIL_BACKEND/EMAIL_HOST are not allowed with it).
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": server.host, "port": server.port, "timeout": 5},
        }
    }
    try:
        yield server
    finally:
        controller.stop()


@contextlib.contextmanager
def chromium_launched() -> Iterator[Browser]:
    """Debian's Chromium under Playwright, for as long as the block runs (skipped without it,
    failed in CI)."""
    if not CHROMIUM.exists():
        message = (
            f"Browser tests need Debian's Chromium at {CHROMIUM} (`make browser` installs it)."
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an asyncio loop in this thread, so Django would refuse the test's
    # own database calls as "async unsafe". They are not: the loop only drives the browser.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            try:
                yield browser
            finally:
                browser.close()
                # Database connections opened while Playwright's loop ran live in asgiref's
                # per-loop storage, where Django's test teardown cannot see them: a PostgreSQL
                # connection left open there stops the test database being dropped.
                connections.close_all()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def browser_page() -> Iterator[Page]:
    with chromium_launched() as browser:
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()


@pytest.fixture
def staff_client() -> Callable[[User], Client]:
    """`staff_client(user)`: a new Client signed in as `user` with both factors.

    Gives the user a confirmed authenticator if they have none, as a real sign-in would need.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from townhall.identity.tests.factories import TOTPDeviceFactory

    def sign_in(user: User) -> Client:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDeviceFactory.create(user=user)
        client = Client()
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A Welsh request leaves Welsh active in the thread: put English back after each test."""
    from django.utils import translation

    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _forget_live_services() -> None:
    """Each test's database is rolled back without signals: start with no remembered services."""
    from townhall.services.queries import live_services_forget

    live_services_forget()
