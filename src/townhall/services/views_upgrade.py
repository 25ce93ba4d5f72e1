"""Keeping a service current: the newest version of its pattern, what changed, and applying it.

Minor and patch upgrades apply in one POST, keeping the parameter values. A major upgrade (or any
whose kept values the new version refuses) first asks for the new or changed parameters,
prefilled with the current values that still apply. Journeys already started finish on the
version they began with (the runner keeps `Journey.pattern_version`).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from townhall.identity.queries import get_membership_for_user
from townhall.identity.views._common import current_user, form_errors, staff_required
from townhall.services.actions import service_upgrade
from townhall.services.diff import parameter_usage
from townhall.services.engine_cache import pattern_for_version
from townhall.services.forms import ParametersForm, field_items
from townhall.services.queries import service_upgrade_plan
from townhall.services.views_staff import service_for_staff, staff_render
from townhall.tenancy.constants import Permission


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def upgrade(request: HttpRequest, org_slug: str, service_slug: str) -> HttpResponse:
    user = current_user(request)
    membership = get_membership_for_user(
        user=user, org_slug=org_slug, permission=Permission.EDIT_SERVICES
    )
    service = service_for_staff(membership, service_slug)
    detail = reverse("services:detail", args=[org_slug, service.slug])
    plan = service_upgrade_plan(service=service)
    if plan is None:
        messages.success(request, f"{service.slug} is on the newest version of its pattern")
        return redirect(detail)
    posted = request.method == "POST"
    if posted and request.POST.get("version") != plan.target.version:
        # Another version was published since the page was shown: show what is now on offer.
        return redirect(reverse("services:upgrade", args=[org_slug, service.slug]))
    # Values still valid are prefilled; asked-about values the new version refuses are not.
    prefill = {name: value for name, value in plan.carried.items() if name not in plan.errors}
    form = ParametersForm(
        request.POST if posted and not plan.one_step else None,
        pattern=pattern_for_version(plan.target),
        usage=parameter_usage(definition=plan.target.definition),
        values=prefill,
        names=plan.ask,
    )
    if posted and (plan.one_step or form.is_valid()):
        kept = {name: value for name, value in prefill.items() if name not in plan.ask}
        parameters = plan.carried if plan.one_step else {**kept, **form.cleaned_parameters()}
        try:
            service_upgrade(
                service=service, pattern_version=plan.target, parameters=parameters, actor=user
            )
        except ValidationError as error:
            form.errors_add(error)
        else:
            messages.success(
                request, f"{service.slug} now uses version {plan.target.version} for new journeys"
            )
            return redirect(detail)
    error_list, field_errors = form_errors(form, first_field=next(iter(form.fields), "version"))
    return staff_render(
        request,
        "upgrade.html",
        {
            "service": service,
            "title": service.title_for("en"),
            "plan": plan,
            "fields": field_items(form, field_errors),
            "error_list": error_list,
            "field_errors": field_errors,
            "back": detail,
        },
        membership=membership,
        status=400 if form.errors else 200,
    )
