"""Public pages: find an organisation, and an organisation's page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from townhall.tenancy.constants import Nation, OrganisationKind
from townhall.tenancy.models import Organisation
from townhall.tenancy.organisation_page import organisation_service_links
from townhall.tenancy.queries import organisation_get, organisation_search

PAGE_SIZE = 20
_MAX_QUERY_LENGTH = 200


@dataclass(frozen=True)
class FindFilters:
    """What the "find an organisation" form asked for. Values it does not offer are ignored:
    the form is a GET form anyone can edit in the address bar, and a filter that cannot match
    is not worth an error page."""

    query: str
    nations: list[str]
    kinds: list[str]
    include_inactive: bool

    @classmethod
    def from_query(cls, params: QueryDict) -> FindFilters:
        return cls(
            query=" ".join(params.get("q", "").split())[:_MAX_QUERY_LENGTH],
            nations=[n for n in Nation.values if n in params.getlist("nation")],
            kinds=[k for k in OrganisationKind.values if k in params.getlist("type")],
            include_inactive=params.get("former") == "yes",
        )

    def query_params(self) -> list[tuple[str, str]]:
        """The filters as they appear in the address, without the values that were ignored."""
        params = [("q", self.query)] if self.query else []
        params += [("type", kind) for kind in self.kinds]
        params += [("nation", nation) for nation in self.nations]
        return params + ([("former", "yes")] if self.include_inactive else [])

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or self.nations or self.kinds or self.include_inactive)


@require_safe
def organisation_find(request: HttpRequest) -> HttpResponse:
    filters = FindFilters.from_query(request.GET)
    organisations = organisation_search(
        query=filters.query,
        nations=filters.nations,
        kinds=filters.kinds,
        include_inactive=filters.include_inactive,
    )
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "count": page.paginator.count,
        "kind_items": [
            {"value": value, "text": label, "checked": value in filters.kinds}
            for value, label in OrganisationKind.choices
        ],
        "nation_items": [
            {"value": value, "text": label, "checked": value in filters.nations}
            for value, label in Nation.choices
        ],
        "pagination": _pagination(filters, page),
    }
    return render(request, "tenancy/find.html", context)


@require_safe
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        organisation = organisation_get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None
    context = {
        "organisation": organisation,
        "services": organisation_service_links(
            organisation=organisation, language=translation.get_language() or "en"
        )
        if organisation.is_active
        else [],
        "end_date": date_format(organisation.end_date, "j F Y") if organisation.end_date else "",
        # The layout's header and footer show whose page this is.
        "organisation_name": organisation.official_name,
        "organisation_url": reverse("tenancy:detail", kwargs={"slug": organisation.slug}),
    }
    return render(request, "tenancy/detail.html", context)


def _pagination(filters: FindFilters, page: Page[Any]) -> dict[str, Any] | None:
    """govukPagination's options for `page`, keeping the search in every link."""
    if page.paginator.num_pages < 2:
        return None

    def href(number: int) -> str:
        return f"?{urlencode([*filters.query_params(), ('page', number)])}"

    items: list[dict[str, Any]] = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1):
        if not isinstance(number, int):  # Paginator.ELLIPSIS
            items.append({"ellipsis": True})
        else:
            items.append(
                {
                    "number": number,
                    "href": href(number),
                    "current": number == page.number,
                    "visuallyHiddenText": _("Page %(number)s") % {"number": number},
                }
            )
    previous_html = _('Previous<span class="govuk-visually-hidden"> page</span>')
    next_html = _('Next<span class="govuk-visually-hidden"> page</span>')
    return {
        "landmarkLabel": _("Pages of results"),
        "items": items,
        "previous": {"href": href(page.previous_page_number()), "html": previous_html}
        if page.has_previous()
        else None,
        "next": {"href": href(page.next_page_number()), "html": next_html}
        if page.has_next()
        else None,
    }
