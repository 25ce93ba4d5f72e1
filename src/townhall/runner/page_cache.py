"""Runner pages rendered once per shape, then filled in per request.

GOV.UK Frontend's Jinja macros cost about three quarters of a question page's time (they build
attribute strings and re-indent nested markup on every call). Almost all of a page's markup is the
same for every resident: only their typed values, the error texts, the CSRF token, the CSP nonce
and a few addresses change. So each page context is built with those parts replaced by *slots*
(numbered placeholders); the markup rendered from that context is cached, and each request fills
its own escaped values into the slots.

Correct by construction: everything else in the context — texts, which options are checked, which
fields have errors, how many items an "add another" page shows — is part of the cache key, so two
requests share markup only when the macros would have been given the same input. A slot's value is
escaped exactly as Jinja's autoescaping would have; a value the macros would transform (one with
a line break, which `indent` re-indents) makes the page render directly instead.
`tests/test_page_cache.py` proves the filled markup equals a direct render for every page of every
shipped pattern, with and without errors.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections import OrderedDict
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template import loader
from django.utils import translation
from markupsafe import Markup, escape

from townhall.core.i18n import language_switch

# Private-use characters: autoescaping leaves them alone, and residents' values never reach the
# cached markup (they are only filled in), so a value containing them cannot be mistaken for a slot.
_OPEN, _CLOSE = "\ue000", "\ue001"
_SLOT = re.compile(f"{_OPEN}(\\d+){_CLOSE}")

# Per worker process. A page shape is one (service version, page, language, checked options,
# fields in error, item count); a few hundred cover a busy instance's live services, and each
# entry is the page's markup (about 15-25 KB).
CACHE_SIZE = 600
# Off only in tests that compare the cached pages with direct renders.
ENABLED = True


class Slots:
    """The per-request parts of one page: each becomes a numbered placeholder in the context."""

    def __init__(self, *, enabled: bool | None = None) -> None:
        self.enabled = ENABLED if enabled is None else enabled
        self._fills: list[str] = []

    def text(self, value: str) -> str:
        """A plain string the template will autoescape."""
        return self._slot(value, str(escape(value)))

    def markup(self, value: Markup) -> Markup:
        """Markup the template outputs as it is."""
        # Either `value` itself (already markup) or a placeholder of our own characters.
        return Markup(self._slot(value, str(value)))  # noqa: S704

    def _slot(self, value: str, filled: str) -> str:
        if not value:
            # Empty and non-empty values render differently (an omitted `value` attribute), so
            # emptiness stays in the markup and therefore in the key.
            return value
        if not self.enabled:
            return value
        if "\n" in value or "\r" in value:
            # `indent` would re-indent the value's lines: render this page directly.
            self.enabled = False
            return value
        self._fills.append(filled)
        return f"{_OPEN}{len(self._fills) - 1}{_CLOSE}"

    def fill(self, markup: str) -> str:
        return _SLOT.sub(lambda match: self._fills[int(match[1])], markup)


class _Cache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[bytes, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: bytes) -> str | None:
        with self._lock:
            markup = self._entries.get(key)
            if markup is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return markup

    def put(self, key: bytes, markup: str) -> None:
        with self._lock:
            self._entries[key] = markup
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0


page_cache = _Cache(CACHE_SIZE)


def _key(template_name: str, context: dict[str, Any]) -> bytes | None:
    # repr() of the context is exact for the str, Markup, bool, int, None, list and dict values
    # page contexts hold; an object without a value repr would make an unstable key, so such a
    # page is rendered directly rather than cached under the wrong key.
    described = repr((template_name, translation.get_language(), sorted(context.items())))
    if " object at 0x" in described:
        return None
    return hashlib.blake2b(described.encode(), digest_size=20).digest()


def page_render(
    request: HttpRequest, template_name: str, context: dict[str, Any], *, slots: Slots
) -> HttpResponse:
    """The page's response: cached markup with this request's values filled in, or a direct
    render when `slots` were turned off."""
    if not slots.enabled:
        return HttpResponse(loader.render_to_string(template_name, context, request))
    token = get_token(request)
    switch = language_switch(request) if context.get("translatable", True) else None
    nonce = get_nonce(request)
    full = {
        **context,
        # One token for both, as a template would get; each get_token() call masks afresh.
        "csrf_input": slots.markup(
            Markup('<input type="hidden" name="csrfmiddlewaretoken" value="{}">').format(token)
        ),
        "csrf_token": slots.text(token),
        "csp_nonce": slots.text(str(nonce)) if nonce is not None else None,
        "switch_link": {**switch, "href": slots.text(switch["href"])} if switch else None,
    }
    if not slots.enabled:  # a line break in the language switch's address: render directly
        return HttpResponse(loader.render_to_string(template_name, context, request))
    key = _key(template_name, full)
    markup = page_cache.get(key) if key is not None else None
    if markup is None:
        template = loader.get_template(template_name, using="jinja2")
        # The backend's own render would put the request and the real token back into the
        # context; the underlying Jinja template renders exactly what the key describes.
        markup = template.template.render(full)  # type: ignore[attr-defined]
        if key is not None:
            page_cache.put(key, markup)
    return HttpResponse(slots.fill(markup))
