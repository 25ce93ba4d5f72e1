"""Platform console and system checks (foundation issue): operators can look organisations up but
not edit them outside the register import; tenancy.W001 keeps Townhall's own top-level URLs out of
the slugs organisations can be given."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory
from django.urls import include, path

from townhall.tenancy.admin import OrganisationAdmin
from townhall.tenancy.checks import check_reserved_slugs
from townhall.tenancy.models import Organisation
from townhall.tenancy.tests.factories import OrganisationFactory


def _view(request: HttpRequest, **kwargs: str) -> HttpResponse:
    """Stands in for a view in the URLconf below."""
    return HttpResponse()


urlpatterns = [
    path("healthz", _view),
    path("organisations/", include([path("<slug:slug>/", _view)])),
    path("newthing/", _view),
    path("<slug:organisation>/<slug:service>/", _view),
]


def test_the_project_urls_are_all_reserved() -> None:
    assert check_reserved_slugs() == []


def test_an_unreserved_top_level_url_is_a_warning(settings) -> None:
    settings.ROOT_URLCONF = __name__
    messages = check_reserved_slugs()
    assert [(m.id, m.msg) for m in messages] == [
        ("tenancy.W001", "The top-level URL segment 'newthing' is not in RESERVED_SLUGS.")
    ]


@pytest.mark.django_db
def test_the_console_lists_and_searches_but_does_not_edit() -> None:
    model_admin = admin.site._registry[Organisation]
    assert isinstance(model_admin, OrganisationAdmin)
    request = RequestFactory().get("/platform/tenancy/organisation/")
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    cardiff = OrganisationFactory.create(
        official_name="City of Cardiff Council", gss_code="W06000015"
    )
    OrganisationFactory.create()
    for term in ("cardiff", "W06000015"):
        found, _ = model_admin.get_search_results(request, Organisation.objects.all(), term)
        assert list(found) == [cardiff]
