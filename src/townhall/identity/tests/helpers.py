"""Small helpers for identity tests: posting the sign-in form and reading pages."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from django.test import Client

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

SIGN_IN = "/staff/sign-in/"
NOT_CORRECT = "The email address, password or security code is not correct"
LOCKED = "You have tried to sign in too many times. Wait 15 minutes and try again."


def sign_in(client: Client, *, email: str, password: str, code: str = "", **extra: str) -> Response:
    return client.post(SIGN_IN, {"email": email, "password": password, "code": code, **extra})


def main_content(response: Response) -> str:
    """The page's <main>, without the per-request CSRF token, for comparing two answers."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", main)


def is_signed_in(client: Client) -> bool:
    """Fully signed in: the staff home page answers instead of redirecting."""
    return client.get("/staff/").status_code == 200
