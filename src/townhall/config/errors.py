"""Django's 500 handler (`handler500`): a 503 in each address's own format while the database
cannot be reached, otherwise the usual "there is a problem with the service" page.

It lives in the top layer because it answers for every app: the API's problem+json
(`townhall.api.problems`), Open311's error list (`townhall.api.open311.formats`) and the web's
GOV.UK page (`townhall.web.outage`, which also says what counts as an outage and adds the
headers and the log line).
"""

from __future__ import annotations

import sys
from http import HTTPStatus

from django.http import HttpRequest, HttpResponse

from townhall.api.open311.formats import error as open311_error
from townhall.api.problems import problem
from townhall.web import views as web_views
from townhall.web.outage import database_unreachable, outage_finish, outage_page

API_PREFIX = "/api/v1/"
OPEN311_PREFIX = "/open311/"
UNAVAILABLE = HTTPStatus.SERVICE_UNAVAILABLE


def server_error(request: HttpRequest) -> HttpResponse:
    # Django calls the handler while the exception is being handled, in a view or in middleware.
    error = sys.exc_info()[1]
    if not database_unreachable(error):
        return web_views.server_error(request)
    path = request.path_info
    if path.startswith(API_PREFIX):
        response = problem(
            request=request,
            status=int(UNAVAILABLE),
            title=UNAVAILABLE.phrase,
            detail="The service is temporarily unavailable. Try again after the number of "
            "seconds in Retry-After.",
        )
    elif path.startswith(OPEN311_PREFIX):
        response = open311_error(
            fmt="xml" if path.endswith(".xml") else "json",
            status=int(UNAVAILABLE),
            description="The service is temporarily unavailable. Try again in a few minutes.",
        )
    else:
        response = outage_page(request)
    return outage_finish(request, response, error=error)
