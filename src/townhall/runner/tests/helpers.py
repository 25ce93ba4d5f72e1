"""Walking a service through the test client, as a resident's browser would."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from django.test import Client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

from townhall.runner import session
from townhall.services.models import Service
from townhall.services.tests.factories import POTHOLE_ANSWERS as POTHOLE_ANSWERS


def base_url(service: Service, *, language: str = "en") -> str:
    prefix = "/cy" if language == "cy" else ""
    return f"{prefix}/{service.organisation.slug}/{service.slug}/"


def journey_cookie_name(service: Service, *, preview: bool = False) -> str:
    return session.journey_cookie_name(service=service, preview=preview)


def journey_cookie(client: Client, service: Service, *, preview: bool = False) -> str:
    """The value of the browser's cookie for its journey through `service`."""
    return str(client.cookies[journey_cookie_name(service, preview=preview)].value)


def journey_id_of(client: Client, service: Service, *, preview: bool = False) -> uuid.UUID:
    """The id of the journey this browser's cookie opens."""
    return uuid.UUID(hex=journey_cookie(client, service, preview=preview).partition(".")[0])


def start(client: Client, service: Service, *, language: str = "en") -> str:
    """Press "Start now"; the address of the first page."""
    response = client.post(base_url(service, language=language))
    assert response.status_code == 302, response.status_code
    return str(response["Location"])


def answer(
    client: Client, service: Service, page_id: str, data: dict[str, Any], **options: Any
) -> Response:
    language = options.pop("language", "en")
    query = options.pop("query", "")
    return client.post(f"{base_url(service, language=language)}{page_id}/{query}", data, **options)


def answer_pothole(
    client: Client, service: Service, *, until: str = "", language: str = "en"
) -> None:
    """Start and answer the pothole's pages in order (stopping before `until`), checking that
    each answer leads to the next page."""
    start(client, service, language=language)
    for page_id, data in POTHOLE_ANSWERS:
        if page_id == until:
            return
        response = answer(client, service, page_id, data, language=language)
        assert response.status_code == 302, (page_id, main(response))


def main(response: Response) -> str:
    """The page's <main>, for assertions about what the resident sees."""
    body = response.content.decode()
    return body[body.index("<main") : body.index("</main>")]


def text_of(html: str) -> str:
    """Visible text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def location(response: Response) -> str:
    assert response.status_code == 302, response.status_code
    return str(response["Location"])
