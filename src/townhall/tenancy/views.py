"""Public pages: find an organisation, and an organisation's page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from townhall.tenancy.models import Organisation


def organisation_find(request: HttpRequest) -> HttpResponse:
    return render(request, "tenancy/find.html", {"organisations": []})


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_object_or_404(Organisation, slug=slug)
    return render(request, "tenancy/detail.html", {"organisation": organisation})
