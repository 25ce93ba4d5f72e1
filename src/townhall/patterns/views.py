"""Public library pages: every published pattern, and one pattern's journey, parameters,
versions and design notes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe
from markdown_it import MarkdownIt

from townhall.patterns.display import localised, page_rows, parameter_rows
from townhall.patterns.queries import (
    organisation_types_for,
    pattern_lgsl_all,
    pattern_tags_all,
    pattern_version_get,
    pattern_version_latest_list,
    pattern_version_list,
)

ORGANISATION_TYPES = ("council", "police_force")
# Raw HTML in notes.md is escaped, never rendered: notes come from anyone who shares a pattern.
_markdown = MarkdownIt("commonmark", {"html": False})


@require_safe
def pattern_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    tags = request.GET.getlist("tag")
    lgsl = request.GET.getlist("lgsl")
    kinds = [kind for kind in request.GET.getlist("for") if kind in ORGANISATION_TYPES]
    results = pattern_version_latest_list(
        query=query, tags=tags, lgsl=lgsl, organisation_types=kinds
    )
    language = translation.get_language() or "en"
    page = Paginator(results, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "patterns/list.html",
        {
            "query": query,
            "selected_tags": tags,
            "selected_lgsl": lgsl,
            "selected_types": kinds,
            "all_tags": pattern_tags_all(),
            "all_lgsl": pattern_lgsl_all(),
            "count": len(results),
            "page": page,
            "rows": [
                {
                    "version": version,
                    "title": localised(version.definition.get("title"), language),
                    "summary": localised(version.definition.get("summary"), language),
                    "types": organisation_types_for(version),
                }
                for version in page.object_list
            ],
        },
    )


@require_safe
def pattern_detail(
    request: HttpRequest, pattern_id: str, version: str | None = None
) -> HttpResponse:
    shown = pattern_version_get(pattern_id=pattern_id, version=version)
    if shown is None:
        raise Http404("No such pattern or version")
    language = translation.get_language() or "en"
    definition = shown.definition
    versions = pattern_version_list(pattern_id=pattern_id)
    return render(
        request,
        "patterns/detail.html",
        {
            "version": shown,
            "is_latest": versions[0].pk == shown.pk,
            "latest": versions[0],
            "title": localised(definition.get("title"), language),
            "summary": localised(definition.get("summary"), language),
            "start": localised((definition.get("start") or {}).get("body"), language),
            "pages": page_rows(definition.get("pages"), language),
            "parameters": parameter_rows(definition.get("parameters"), language),
            "versions": versions,
            "notes_html": _markdown.render(shown.notes),
            "open311": bool(definition.get("open311")),
            "licence": definition.get("licence", ""),
        },
    )
