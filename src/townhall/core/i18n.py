"""Language helpers shared by every page: the link to the same page in the other language."""

from __future__ import annotations

import functools

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, translate_url
from django.utils import translation


def language_switch(request: HttpRequest) -> dict[str, str]:
    """The link to this same page in the other language (English ⇄ Welsh)."""
    current = translation.get_language() or "en"
    other = "en" if current == "cy" else "cy"
    href = _translated(
        request.get_full_path(),
        current,
        other,
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
    )
    return {"href": href, "lang": other, "text": "English" if other == "en" else "Cymraeg"}


# translate_url() resolves the address and reverses it again: a sixth of a resident's question
# page (bench/profile_runner.py). Its answer depends only on these arguments (the active language
# decides how a /cy/ address resolves). Bounded, as the query string is the visitor's to choose.
@functools.lru_cache(maxsize=4096)
def _translated(path: str, current: str, other: str, urlconf: str, script_prefix: str) -> str:
    return translate_url(path, other)
