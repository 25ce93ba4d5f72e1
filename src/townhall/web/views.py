"""Home page, health check and GOV.UK-style error pages."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from townhall.services.queries import service_list_live
from townhall.tenancy.models import Organisation

logger = logging.getLogger(__name__)


DEMO_ORGANISATION_SLUG = "demo"


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """The home page, with a link to every demo service so a newcomer can try any pattern."""
    language = translation.get_language() or "en"
    demo = Organisation.objects.filter(slug=DEMO_ORGANISATION_SLUG, is_demo=True).first()
    demo_services = (
        [
            {"title": service.title_for(language), "href": f"/{demo.slug}/{service.slug}/"}
            for service in service_list_live(organisation=demo)
        ]
        if demo is not None
        else []
    )
    if language == "cy":
        demo_services = [{**s, "href": "/cy" + s["href"]} for s in demo_services]
    return render(request, "web/home.html", {"demo": demo, "demo_services": demo_services})


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    """For load balancers: 200 when this process can reach its database, 503 when it cannot."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        # One line per failed probe: a load balancer probes every few seconds, and a traceback
        # each time would bury the outage's first, useful one (from the request that hit it).
        logger.warning("Health check could not reach the database: %s", error)
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error(request: HttpRequest, *, status: int, title: str, paragraphs: list[str]) -> HttpResponse:
    return render(
        request, "web/error.html", {"title": title, "paragraphs": paragraphs}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        status=400,
        title=_("Sorry, there is a problem with your request"),
        paragraphs=[_("Check the address or the information you entered and try again.")],
    )


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        status=403,
        title=_("You do not have permission to see this page"),
        paragraphs=[_("If you think you should have access, ask an admin in your organisation.")],
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(
        request,
        status=404,
        title=_("Page not found"),
        paragraphs=[
            _("If you typed the web address, check it is correct."),
            _("If you pasted the web address, check you copied the entire address."),
        ],
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return _error(
        request,
        status=403,
        title=_("Sorry, this page has expired"),
        paragraphs=[_("Go back, refresh the page and try again. Your answers were not saved.")],
    )


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(
        request,
        status=500,
        title=_("Sorry, there is a problem with the service"),
        paragraphs=[_("Try again later.")],
    )
