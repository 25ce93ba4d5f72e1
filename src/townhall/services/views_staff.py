"""Staff pages for an organisation's services: the list, adopting a library pattern, a service's
page, changing it, publishing and unpublishing it.

Every page starts with `get_membership_for_user`: 404 to anyone who is not a member, 403 to a
member whose role lacks the permission (viewing needs VIEW_ORGANISATION, changing EDIT_SERVICES,
publishing and unpublishing PUBLISH_SERVICES). Writes go through `services.actions`, which audit.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from townhall.identity.queries import get_membership_for_user
from townhall.identity.views._common import (
    current_user,
    form_errors,
    render_staff,
    staff_required,
    when,
)
from townhall.patterns.models import PatternVersion
from townhall.patterns.queries import pattern_version_latest_list, pattern_version_list
from townhall.services.actions import (
    service_create,
    service_publish,
    service_unpublish,
    service_update,
)
from townhall.services.diff import parameter_usage
from townhall.services.engine_cache import pattern_for_version
from townhall.services.forms import ServiceForm, field_items, parameter_display
from townhall.services.models import Service
from townhall.services.queries import (
    pattern_version_get,
    pattern_version_latest_by_id,
    service_get,
    service_list,
    service_upgrade_plan,
)
from townhall.tenancy.constants import Permission
from townhall.tenancy.models import Membership


def staff_render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    membership: Membership,
    status: int = 200,
) -> HttpResponse:
    """A staff page from `services/<template>`."""
    full = {"org_slug": membership.organisation.slug, **context}
    return render_staff(
        request, template, full, membership=membership, status=status, app="services"
    )


def service_for_staff(membership: Membership, service_slug: str) -> Service:
    """The organisation's service at this slug; 404 for another organisation's or none."""
    service = service_get(organisation_slug=membership.organisation.slug, service_slug=service_slug)
    if service is None:
        raise Http404("No such service.")
    return service


def _version_or_404(pattern_id: str, version: str) -> PatternVersion:
    found = pattern_version_get(pattern_id=pattern_id, version=version)
    if found is None:
        raise Http404("No such pattern version.")
    return found


def runner_address(service: Service) -> str:
    return reverse(
        "runner:start",
        kwargs={"organisation_slug": service.organisation.slug, "service_slug": service.slug},
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def service_list_view(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_ORGANISATION
    )
    services = list(service_list(organisation=membership.organisation))
    latest = pattern_version_latest_by_id(
        pattern_ids={service.pattern_version.pattern_id for service in services}
    )
    rows = []
    for service in services:
        version = service.pattern_version
        newest = latest.get(version.pattern_id, version)
        rows.append(
            {
                "service": service,
                "title": service.title_for("en"),
                "href": reverse("services:detail", args=[org_slug, service.slug]),
                "state": service.get_state_display(),
                "version": f"{version.pattern_id} {version.version}",
                "newer": (newest.major, newest.minor, newest.patch)
                > (version.major, version.minor, version.patch),
            }
        )
    return staff_render(
        request,
        "list.html",
        {"rows": rows, "can_edit": membership.has_permission(Permission.EDIT_SERVICES)},
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def adopt(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The library, to choose a pattern from (searchable, like the public library)."""
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.EDIT_SERVICES
    )
    query = request.GET.get("q", "").strip()[:200]
    return staff_render(
        request,
        "adopt.html",
        {"versions": pattern_version_latest_list(query=query), "query": query, "wide": True},
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def adopt_pattern(request: HttpRequest, org_slug: str, pattern_id: str) -> HttpResponse:
    """A pattern's published versions, newest first, to choose one to adopt."""
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.EDIT_SERVICES
    )
    versions = pattern_version_list(pattern_id=pattern_id)
    if not versions:
        raise Http404("No such pattern.")
    return staff_render(
        request,
        "adopt_pattern.html",
        {"versions": versions, "title": versions[0].title},
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest, org_slug: str, pattern_id: str, version: str) -> HttpResponse:
    """Adopt a pattern version: a draft service that editors can preview before an admin
    publishes it. The same pattern can be adopted again at another slug."""
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.EDIT_SERVICES
    )
    pattern_version = _version_or_404(pattern_id, version)
    pattern = pattern_for_version(pattern_version)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        with_slug=True,
        pattern=pattern,
        usage=parameter_usage(definition=pattern_version.definition),
    )
    if form.is_valid():
        try:
            service = service_create(
                organisation=membership.organisation,
                pattern_version=pattern_version,
                slug=form.cleaned_data["slug"],
                actor=user,
                **form.cleaned_settings(),
            )
        except ValidationError as error:
            form.errors_add(error)
        else:
            messages.success(request, f"Created the draft service {service.slug}")
            return redirect("services:detail", org_slug, service.slug)
    return _form_page(
        request,
        membership,
        form,
        first_field="slug",
        heading=f"Adopt {pattern_version.title} {pattern_version.version}",
        back=reverse("services:adopt-pattern", args=[org_slug, pattern_id]),
        button="Create draft service",
    )


def _form_page(
    request: HttpRequest,
    membership: Membership,
    form: ServiceForm,
    *,
    first_field: str,
    heading: str,
    back: str,
    button: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    error_list, field_errors = form_errors(form, first_field=first_field)
    return staff_render(
        request,
        "form.html",
        {
            "heading": heading,
            "fields": field_items(form, field_errors),
            "error_list": error_list,
            "field_errors": field_errors,
            "back": back,
            "button": button,
            **(extra or {}),
        },
        membership=membership,
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def detail(request: HttpRequest, org_slug: str, service_slug: str) -> HttpResponse:
    membership = get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.VIEW_ORGANISATION
    )
    service = service_for_staff(membership, service_slug)
    version = service.pattern_version
    pattern = pattern_for_version(version)
    rows = [
        ("State", service.get_state_display()),
        ("Pattern", f"{version.title} ({version.pattern_id})"),
        ("Version", version.version),
        ("Web address", runner_address(service)),
        ("Contact details", service.contact_details or "Not set"),
        ("Team email address", service.team_email or "Not set"),
        ("Keep submissions for", f"{service.retention_days} days"),
        *[
            (f"Parameter: {name}", parameter_display(pattern=pattern, name=name, value=value))
            for name, value in service.parameters.items()
        ],
    ]
    if service.published_at:
        rows.append(("Last published", when(service.published_at)))
    can_edit = membership.has_permission(Permission.EDIT_SERVICES)
    return staff_render(
        request,
        "detail.html",
        {
            "service": service,
            "title": service.title_for("en"),
            "rows": [{"key": {"text": key}, "value": {"text": value}} for key, value in rows],
            "can_edit": can_edit,
            "can_publish": membership.has_permission(Permission.PUBLISH_SERVICES),
            "preview_href": runner_address(service),
            # Only editors can act on it; viewers see the version in the summary.
            "upgrade": service_upgrade_plan(service=service) if can_edit else None,
            "wide": True,
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, org_slug: str, service_slug: str) -> HttpResponse:
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.EDIT_SERVICES
    )
    service = service_for_staff(membership, service_slug)
    form = ServiceForm(
        request.POST if request.method == "POST" else None,
        with_slug=False,
        pattern=pattern_for_version(service.pattern_version),
        usage=parameter_usage(definition=service.pattern_version.definition),
        values=service.parameters,
        initial={
            "name": service.name,
            "name_cy": service.name_cy,
            "contact_details": service.contact_details,
            "team_email": service.team_email,
            "retention_days": service.retention_days,
        },
    )
    if form.is_valid():
        try:
            service_update(
                service=service,
                actor=user,
                **form.cleaned_settings(),
            )
        except ValidationError as error:
            form.errors_add(error)
        else:
            messages.success(request, f"Saved the changes to {service.slug}")
            return redirect("services:detail", org_slug, service.slug)
    return _form_page(
        request,
        membership,
        form,
        first_field="name",
        heading=f"Change {service.title_for('en')}",
        back=reverse("services:detail", args=[org_slug, service.slug]),
        button="Save changes",
    )


@never_cache
@staff_required
@require_POST
def publish(request: HttpRequest, org_slug: str, service_slug: str) -> HttpResponse:
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.PUBLISH_SERVICES
    )
    service = service_publish(service=service_for_staff(membership, service_slug), actor=user)
    messages.success(request, f"{service.title_for('en')} is live at {runner_address(service)}")
    return redirect("services:detail", org_slug, service.slug)


@never_cache
@staff_required
@require_POST
def unpublish(request: HttpRequest, org_slug: str, service_slug: str) -> HttpResponse:
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.PUBLISH_SERVICES
    )
    service = service_unpublish(service=service_for_staff(membership, service_slug), actor=user)
    messages.success(
        request,
        f"{service.title_for('en')} is no longer available to residents: they see your "
        "contact details instead",
    )
    return redirect("services:detail", org_slug, service.slug)
