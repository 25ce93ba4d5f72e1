"""When the database cannot be reached: 503 Service Unavailable, never a 500 or a crash.

Django turns an exception into a response at every middleware layer
(`convert_exception_to_response` → `handler500`), so the 500 handler sees every failure: in a
view, and in middleware too (loading a session to find `request.user`, saving it). That handler
is `townhall.config.errors.server_error`, in the top layer so that it can answer each address in
its own format: while it runs the exception is still being handled (`sys.exc_info()`; asgiref
re-raises it in the thread an ASGI server hands it to), and when the database could not be
reached it answers 503 with `Retry-After` and `Cache-Control: no-store` instead of the 500 page:

- resident and staff pages: GOV.UK's "Sorry, the service is unavailable" page, in Welsh under
  `/cy/` (the language is read from the address: the middleware that sets it may not have run);
- `/api/v1/…`: RFC 9457 `application/problem+json` from `townhall.api.problems`, as every other
  API error (its handlers re-raise database errors so that they end there);
- `/open311/v2/…`: the GeoReport v2 error list from `townhall.api.open311.formats`, in JSON or in
  XML after the address's extension.

This module holds what every address shares: telling an outage from another failure
(`database_unreachable`), the page, and the headers and the one log line (`outage_finish`).

Nothing here touches the database: no `request.user`, no session, no organisation. The page is
rendered from constant text; if even that fails, a plain HTML page says the same. Django's session
middleware saves nothing on a 5xx answer, so an outage cannot half-save a session either.

The 503 is logged once, as one WARNING line with the method, the path and the exception's class:
never its message (which may quote SQL), the query string or the body. Django's own ERROR line
with the traceback is skipped: an outage is an operations event, not a bug to debug.

With `TOWNHALL_DEBUG=true` Django shows its debug page before asking the 500 handler.
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# How long clients (and residents) are asked to wait: a PostgreSQL restart or fail-over takes
# seconds to a minute.
RETRY_AFTER_SECONDS = 30
# What a database that is down, restarting or unreachable raises: refused or dropped
# connections (OperationalError) and connections already closed under us (InterfaceError).
UNREACHABLE: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
_CHAIN_LIMIT = 10  # causes and contexts followed, so a cycle cannot loop
_LOGGED = "_townhall_outage_logged"


def database_unreachable(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised from or while handling, says the database
    cannot be reached."""
    for _depth in range(_CHAIN_LIMIT):
        if error is None:
            return False
        if isinstance(error, UNREACHABLE):
            return True
        error = error.__cause__ or error.__context__
    return False


def outage_finish(
    request: HttpRequest, response: HttpResponse, *, error: BaseException | None
) -> HttpResponse:
    """`response`, the 503 for this address, with `Retry-After` and `Cache-Control: no-store`,
    logged once as one WARNING line."""
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    if not getattr(request, _LOGGED, False):
        setattr(request, _LOGGED, True)  # a failure in an outer layer too is still one outage
        logger.warning(
            "Database unreachable: answered %s %s with 503 (%s)",
            request.method,
            request.path,
            type(error).__name__ if error is not None else "no exception",
        )
    # Tells Django's request logger not to log it again, at ERROR with the traceback.
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def outage_page(request: HttpRequest) -> HttpResponse:
    """GOV.UK's "Sorry, the service is unavailable" page, in Welsh under `/cy/`."""
    language = "cy" if translation.get_language_from_path(request.path_info) == "cy" else "en"
    with translation.override(language):
        try:
            # Constant text only: no language switch (it is not needed, and every piece of
            # the page that is left out is one that cannot fail).
            html: str = render_to_string(
                "web/outage.html", {"translatable": False}, request=request
            )
        except Exception:
            logger.exception("The service unavailable page could not be rendered")
            html = _plain_page(language)
    return HttpResponse(html, status=int(HTTPStatus.SERVICE_UNAVAILABLE))


def _plain_page(language: str) -> str:
    title = escape(_("Sorry, the service is unavailable"))
    later = escape(_("You will be able to use the service later."))
    again = escape(_("Try again in a few minutes."))
    return (
        f'<!DOCTYPE html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{title}</title></head><body><main><h1>{title}</h1>"
        f"<p>{later}</p><p>{again}</p></main></body></html>"
    )
