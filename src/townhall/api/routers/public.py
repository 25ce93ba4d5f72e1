"""Public reads, no key: the organisation register, the pattern library and live services.

Thin handlers: each calls one query of the owning app and shapes the answer (api/schemas.py).
Everything here is already public on the website; nothing scoped to one organisation's staff.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Router
from ninja.errors import ValidationError
from ninja.params.functions import Path as PathParam
from ninja.params.functions import Query as QueryParam

from townhall.api.pagination import CURSOR_MAX_LENGTH, LIMIT_DEFAULT, LIMIT_MAX, keyset_page
from townhall.api.schemas import (
    NO_NUL,
    SEMVER,
    SLUG,
    OrganisationDetailOut,
    OrganisationPage,
    PatternDetailOut,
    PatternList,
    PatternVersionOut,
    PatternVersionSummaryOut,
    Problem,
    ServiceList,
)
from townhall.patterns.models import PatternVersion
from townhall.patterns.queries import (
    pattern_version_get,
    pattern_version_latest_list,
    pattern_version_list,
)
from townhall.services.models import Service
from townhall.services.queries import service_list_live
from townhall.tenancy.constants import OrganisationKind
from townhall.tenancy.models import Organisation
from townhall.tenancy.queries import MAX_QUERY_WORDS, organisation_get, organisation_search

router = Router(tags=["Public"])

NOT_FOUND: dict[int, Any] = {404: Problem}
INVALID: dict[int, Any] = {422: Problem}
# Documented examples name real objects (Powys is in the register, the pothole in the library),
# so readers can try them and the fuzzer (tests/test_fuzz.py, which seeds them) reaches them.
Slug = Annotated[
    str, PathParam(pattern=SLUG, example="powys", description="The organisation's slug.")
]
PatternId = Annotated[
    str, PathParam(pattern=SLUG, example="report-a-pothole", description="A pattern's id.")
]
Version = Annotated[
    str, PathParam(pattern=SEMVER, example="1.0.0", description="A published version.")
]
# The longest search worth running: longer text cannot match an organisation's name.
Q_MAX_LENGTH = 200


def _organisation(request: HttpRequest, organisation: Organisation) -> dict[str, Any]:
    return {
        "slug": organisation.slug,
        "name": organisation.official_name,
        "short_name": organisation.short_name,
        "kind": organisation.kind,
        "nation": organisation.nation,
        "region": organisation.region,
        "gss_code": organisation.gss_code,
        "is_active": organisation.is_active,
        "url": request.build_absolute_uri(
            reverse("tenancy:detail", kwargs={"slug": organisation.slug})
        ),
    }


def _pattern(version: PatternVersion) -> dict[str, Any]:
    return {
        "id": version.pattern_id,
        "version": version.version,
        "title": version.title,
        "summary": version.summary,
        "tags": [str(tag) for tag in version.tags],
        "lgsl_codes": [str(code) for code in version.lgsl_codes],
        "languages": [str(language) for language in version.languages],
        "published_at": version.published_at,
    }


def _service(request: HttpRequest, service: Service, organisation: Organisation) -> dict[str, Any]:
    version = service.pattern_version
    # Welsh only where there is Welsh: the service's own Welsh name or a Welsh pattern title.
    title = version.definition.get("title")
    has_welsh = bool(service.name_cy) or (isinstance(title, dict) and bool(title.get("cy")))
    return {
        "slug": service.slug,
        "title": {
            "en": service.title_for("en"),
            "cy": service.title_for("cy") if has_welsh else None,
        },
        "pattern": {"id": version.pattern_id, "version": version.version},
        "url": request.build_absolute_uri(
            reverse(
                "runner:start",
                kwargs={"organisation_slug": organisation.slug, "service_slug": service.slug},
            )
        ),
    }


def _organisation_or_404(slug: str) -> Organisation:
    try:
        return organisation_get(slug=slug)
    except Organisation.DoesNotExist:
        raise Http404 from None


@router.get(
    "/organisations",
    response={200: OrganisationPage, **INVALID},
    operation_id="organisations_list",
    summary="List organisations",
    description="Current organisations in the register, best match first when searching, "
    "a page at a time (`next` is the cursor of the following page).",
)
def organisations_list(
    request: HttpRequest,
    q: Annotated[
        str,
        QueryParam(
            max_length=Q_MAX_LENGTH,
            pattern=NO_NUL,
            description="Words in the organisation's names.",
        ),
    ] = "",
    kind: Annotated[
        OrganisationKind | None, QueryParam(description="Only organisations of this kind.")
    ] = None,
    cursor: Annotated[
        str | None,
        QueryParam(
            max_length=CURSOR_MAX_LENGTH,
            pattern=r"^[-A-Za-z0-9_]*$",
            description="`next` from the previous page.",
        ),
    ] = None,
    limit: Annotated[int, QueryParam(ge=1, le=LIMIT_MAX)] = LIMIT_DEFAULT,
) -> dict[str, Any]:
    if len(q.split()) > MAX_QUERY_WORDS:
        raise ValidationError(
            [{"loc": ("query", "q"), "msg": f"Use at most {MAX_QUERY_WORDS} words."}]
        )
    organisations = organisation_search(query=q, kinds=[kind] if kind else ())
    page = keyset_page(
        organisations, cursor=cursor, limit=limit, ordering=("rank", "short_name", "id")
    )
    return {
        "items": [_organisation(request, organisation) for organisation in page.items],
        "next": page.next,
    }


@router.get(
    "/organisations/{slug}",
    response={200: OrganisationDetailOut, **NOT_FOUND, **INVALID},
    operation_id="organisations_get",
    summary="Get an organisation",
)
def organisations_get(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    organisation = _organisation_or_404(slug)
    return {
        **_organisation(request, organisation),
        "alternative_names": [str(name) for name in organisation.alternative_names],
        "type_name": organisation.type_name,
        "start_date": organisation.start_date,
        "end_date": organisation.end_date,
        "parent": organisation.parent.slug if organisation.parent else None,
        "successors": [other.slug for other in organisation.successors.all()],
        "predecessors": [other.slug for other in organisation.predecessors.all()],
    }


@router.get(
    "/organisations/{slug}/services",
    response={200: ServiceList, **NOT_FOUND, **INVALID},
    operation_id="organisations_services_list",
    summary="List an organisation's live services",
    description="Only live services: drafts and unpublished services are never listed. A former "
    "organisation has none.",
)
def organisations_services_list(request: HttpRequest, slug: Slug) -> dict[str, Any]:
    organisation = _organisation_or_404(slug)
    # Residents cannot reach a former organisation's services (services.queries.service_get_live).
    services = service_list_live(organisation=organisation) if organisation.is_active else []
    items: list[dict[str, Any]] = [_service(request, service, organisation) for service in services]
    return {"items": items}


@router.get(
    "/patterns",
    response={200: PatternList, **INVALID},
    operation_id="patterns_list",
    summary="List patterns",
    description="The latest published version of each pattern, by title.",
)
def patterns_list(
    request: HttpRequest,
    q: Annotated[
        str,
        QueryParam(
            max_length=Q_MAX_LENGTH,
            pattern=NO_NUL,
            description="Words in id, title, summary, tags.",
        ),
    ] = "",
    tag: Annotated[
        str | None,
        QueryParam(max_length=100, pattern=NO_NUL, description="Only patterns with this tag."),
    ] = None,
) -> dict[str, Any]:
    versions = pattern_version_latest_list(query=q, tags=[tag] if tag else ())
    return {"items": [_pattern(version) for version in versions]}


@router.get(
    "/patterns/{pattern_id}",
    response={200: PatternDetailOut, **NOT_FOUND, **INVALID},
    operation_id="patterns_get",
    summary="Get a pattern and its versions",
    description="The latest version's description and every published version, newest first.",
)
def patterns_get(request: HttpRequest, pattern_id: PatternId) -> dict[str, Any]:
    latest = pattern_version_get(pattern_id=pattern_id)
    if latest is None:
        raise Http404
    versions = pattern_version_list(pattern_id=pattern_id)
    return {
        **_pattern(latest),
        "versions": [
            PatternVersionSummaryOut(
                version=version.version,
                change_type=version.change_type,
                changelog=version.changelog,
                published_at=version.published_at,
            )
            for version in versions
        ],
    }


@router.get(
    "/patterns/{pattern_id}/versions/{version}",
    response={200: PatternVersionOut, **NOT_FOUND, **INVALID},
    operation_id="patterns_versions_get",
    summary="Get a published version of a pattern",
    description="Including its definition (the pattern format as JSON) and content hash.",
)
def patterns_versions_get(
    request: HttpRequest, pattern_id: PatternId, version: Version
) -> dict[str, Any]:
    found = pattern_version_get(pattern_id=pattern_id, version=version)
    if found is None:
        raise Http404
    return {
        **_pattern(found),
        "change_type": found.change_type,
        "changelog": found.changelog,
        "owner": found.owner,
        "content_hash": found.content_hash,
        "definition": found.definition,
    }
