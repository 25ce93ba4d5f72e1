"""Language helpers shared by every page: the link to the same page in the other language."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import translate_url
from django.utils import translation


def language_switch(request: HttpRequest) -> dict[str, str]:
    """The link to this same page in the other language (English ⇄ Welsh)."""
    current = translation.get_language() or "en"
    other = "en" if current == "cy" else "cy"
    return {
        "href": translate_url(request.get_full_path(), other),
        "lang": other,
        "text": "English" if other == "en" else "Cymraeg",
    }
