"""The page residents see at the address of a service its organisation unpublished: the service
is not available, and how to contact the organisation instead of "page not found"."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from townhall.runner.session import current_language
from townhall.services.engine_cache import pattern_for_version_id
from townhall.services.models import Service


def service_not_available(request: HttpRequest, service: Service) -> HttpResponse:
    """404, as before it was unpublished: the address may come back, so it is not "gone" (410),
    and search engines should drop it meanwhile."""
    language = current_language()
    organisation = service.organisation
    languages = pattern_for_version_id(service.pattern_version_id).spec.languages
    return render(
        request,
        "runner/not_available.html",
        {
            "title": _("This service is not available"),
            "service_name": service.title_for(language),
            "contact_details": service.contact_details,
            "organisation_name": organisation.official_name,
            "organisation_url": reverse("tenancy:detail", kwargs={"slug": organisation.slug}),
            "translatable": "cy" in languages,
        },
        status=404,
    )
