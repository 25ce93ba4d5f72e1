"""Outbox tests: an organisation, and the SMTP server's address that is certainly closed."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from townhall.tenancy.tests.factories import OrganisationFactory


@pytest.fixture
def organisation(db: Any) -> Any:
    return OrganisationFactory.create()


@pytest.fixture
def smtp_down(settings: Any) -> Callable[[], None]:
    """Point Django's mailer at a loopback port nobody listens on (SMTP "down"); call the
    returned function to do it again after another fixture has changed MAILERS."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # The socket is closed again here, so connecting to `port` is refused at once.

    def point_at_closed_port() -> None:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 2},
            }
        }

    point_at_closed_port()
    return point_at_closed_port


@pytest.fixture
def receiver() -> Iterator[Any]:
    """A real webhook receiver on loopback (`webhook_receiver.Receiver`), over plain HTTP."""
    from townhall.notifications.tests.webhook_receiver import Receiver, serving

    state = Receiver()
    with serving(state) as port:
        state.url = f"http://127.0.0.1:{port}/hooks/townhall?source=test"
        yield state
