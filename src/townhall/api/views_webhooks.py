"""Staff pages for an organisation's webhooks (admins only): subscribe a URL to events, see the
signing secret once, rotate it, turn a webhook off or delete it, read its delivery log and
redeliver an event.

Every page needs MANAGE_WEBHOOKS (admins). `get_membership_for_user` answers 404 to anyone
outside the organisation; subscriptions and deliveries are then fetched within it, so another
organisation's ids are 404 too. The secret is shown only in the response that creates it.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
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
from townhall.notifications.constants import WEBHOOK_RETRY_WINDOW_HOURS, WebhookEvent
from townhall.notifications.models import WebhookSubscription
from townhall.notifications.queries import (
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_subscription_get,
    webhook_subscription_list,
)
from townhall.notifications.webhooks import (
    InvalidWebhook,
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_disable,
    webhook_subscription_secret_rotate,
)
from townhall.services.queries import service_list
from townhall.tenancy.constants import Permission
from townhall.tenancy.models import Membership, Organisation

ALL_SERVICES = ""
STATE_TAGS = {
    "pending": "govuk-tag--yellow",
    "delivered": "govuk-tag--green",
    "failed": "govuk-tag--red",
}


class WebhookForm(forms.Form):
    url = forms.CharField(
        max_length=2000,
        error_messages={"required": "Enter the address to send events to"},
    )
    events = forms.MultipleChoiceField(
        choices=WebhookEvent.choices,
        error_messages={"required": "Choose at least one event"},
    )
    service = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        service = cast("forms.ChoiceField", self.fields["service"])
        service.choices = [(ALL_SERVICES, "All services"), *services]


def _membership(request: HttpRequest, org_slug: str) -> Membership:
    return get_membership_for_user(
        user=current_user(request), org_slug=org_slug, permission=Permission.MANAGE_WEBHOOKS
    )


def _subscription(membership: Membership, subscription_id: uuid.UUID) -> WebhookSubscription:
    subscription = webhook_subscription_get(
        organisation=membership.organisation, subscription_id=str(subscription_id)
    )
    if subscription is None:
        raise Http404("No such webhook in this organisation.")
    return subscription


def _service_names(organisation: Organisation) -> dict[str, str]:
    return {
        str(service.pk): service.title_for("en")
        for service in service_list(organisation=organisation)
    }


def _describe(subscription: WebhookSubscription, services: dict[str, str]) -> dict[str, Any]:
    labels = dict(WebhookEvent.choices)
    service = (
        services.get(str(subscription.service_id), "A deleted service")
        if subscription.service_id
        else "All services"
    )
    return {
        "pk": subscription.pk,
        "url": subscription.url,
        "events": [labels.get(value, value) for value in subscription.event_type_list],
        "event_codes": subscription.event_type_list,
        "service": service,
        "active": subscription.active,
        "created": when(subscription.created_at),
    }


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    membership: Membership,
    status: int = 200,
) -> HttpResponse:
    return render_staff(request, template, context, membership=membership, status=status, app="api")


@never_cache
@staff_required
@require_http_methods(["GET"])
def webhook_list(request: HttpRequest, org_slug: str) -> HttpResponse:
    membership = _membership(request, org_slug)
    services = _service_names(membership.organisation)
    rows = [
        _describe(subscription, services)
        for subscription in webhook_subscription_list(organisation=membership.organisation)
    ]
    return _render(request, "webhooks.html", {"rows": rows}, membership=membership)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def webhook_create(request: HttpRequest, org_slug: str) -> HttpResponse:
    """The form; on success the signing secret, on this response only."""
    membership = _membership(request, org_slug)
    services = _service_names(membership.organisation)
    form = WebhookForm(
        request.POST if request.method == "POST" else None, services=list(services.items())
    )
    if form.is_valid():
        service = form.cleaned_data["service"]
        try:
            subscription, secret = webhook_subscription_create(
                organisation_id=membership.organisation.pk,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["events"],
                service_id=uuid.UUID(service) if service else None,
                actor=current_user(request),
            )
        except InvalidWebhook as error:
            form.add_error("url", str(error))
        else:
            return _render(
                request,
                "webhook_secret.html",
                {
                    "heading": "Webhook added",
                    "webhook": _describe(subscription, services),
                    "secret": secret,
                },
                membership=membership,
            )
    error_list, field_errors = form_errors(form, first_field="url")
    data: Any = form.data if form.is_bound else {}
    chosen_events = data.getlist("events") if form.is_bound else []
    return _render(
        request,
        "webhook_create.html",
        {
            "form_data": data,
            "event_items": [
                {"value": value, "text": label, "checked": value in chosen_events}
                for value, label in WebhookEvent.choices
            ],
            "service_items": [
                {"value": value, "text": label, "selected": data.get("service", "") == value}
                for value, label in [(ALL_SERVICES, "All services"), *services.items()]
            ],
            "error_list": error_list,
            "field_errors": field_errors,
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def webhook_detail(request: HttpRequest, org_slug: str, subscription_id: uuid.UUID) -> HttpResponse:
    """A webhook and its delivery log: recent deliveries, each with its tries."""
    membership = _membership(request, org_slug)
    subscription = _subscription(membership, subscription_id)
    deliveries = [
        {
            "pk": delivery.pk,
            "event_id": str(delivery.event_id),
            "event_type": delivery.event_type,
            "reference": str(delivery.payload.get("reference", "")),
            "created": when(delivery.created_at),
            "state": delivery.state,
            "state_label": delivery.get_state_display(),
            "state_class": STATE_TAGS.get(delivery.state, ""),
            "attempts": delivery.attempts,
            "last_status_code": delivery.last_status_code,
            "last_error": delivery.last_error,
            "next_attempt": when(delivery.next_attempt_at),
            "can_redeliver": delivery.state != "pending",
            "log": [
                {
                    "at": when(attempt.at),
                    "status_code": attempt.status_code,
                    "error": attempt.error,
                    "duration_ms": attempt.duration_ms,
                }
                for attempt in delivery.log.all()
            ],
        }
        for delivery in webhook_delivery_list(
            organisation=membership.organisation, subscription=subscription
        )
    ]
    return _render(
        request,
        "webhook_detail.html",
        {
            "webhook": _describe(subscription, _service_names(membership.organisation)),
            "deliveries": deliveries,
            "retry_hours": WEBHOOK_RETRY_WINDOW_HOURS,
            "previous_secret_until": when(subscription.previous_secret_expires_at)
            if subscription.previous_secret_expires_at
            else None,
        },
        membership=membership,
    )


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def webhook_rotate(request: HttpRequest, org_slug: str, subscription_id: uuid.UUID) -> HttpResponse:
    """Confirm, then show the new secret once; the old one keeps signing for 24 hours."""
    membership = _membership(request, org_slug)
    subscription = _subscription(membership, subscription_id)
    webhook = _describe(subscription, _service_names(membership.organisation))
    if request.method == "POST":
        secret = webhook_subscription_secret_rotate(
            subscription=subscription, actor=current_user(request)
        )
        return _render(
            request,
            "webhook_secret.html",
            {
                "heading": "New secret created",
                "webhook": webhook,
                "secret": secret,
                "rotated": True,
            },
            membership=membership,
        )
    return _render(request, "webhook_rotate.html", {"webhook": webhook}, membership=membership)


@never_cache
@staff_required
@require_POST
def webhook_disable(
    request: HttpRequest, org_slug: str, subscription_id: uuid.UUID
) -> HttpResponse:
    membership = _membership(request, org_slug)
    subscription = _subscription(membership, subscription_id)
    webhook_subscription_disable(subscription=subscription, actor=current_user(request))
    messages.success(request, "The webhook is turned off. Townhall will send it no more events.")
    return redirect("webhooks:detail", org_slug=org_slug, subscription_id=subscription.pk)


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def webhook_delete(request: HttpRequest, org_slug: str, subscription_id: uuid.UUID) -> HttpResponse:
    membership = _membership(request, org_slug)
    subscription = _subscription(membership, subscription_id)
    if request.method == "POST":
        webhook_subscription_delete(subscription=subscription, actor=current_user(request))
        messages.success(request, "The webhook and its delivery log are deleted.")
        return redirect("webhooks:list", org_slug=org_slug)
    webhook = _describe(subscription, _service_names(membership.organisation))
    return _render(request, "webhook_delete.html", {"webhook": webhook}, membership=membership)


@never_cache
@staff_required
@require_POST
def webhook_redeliver(
    request: HttpRequest, org_slug: str, subscription_id: uuid.UUID, delivery_id: uuid.UUID
) -> HttpResponse:
    membership = _membership(request, org_slug)
    subscription = _subscription(membership, subscription_id)
    delivery = webhook_delivery_get(
        organisation=membership.organisation,
        subscription=subscription,
        delivery_id=str(delivery_id),
    )
    if delivery is None:
        raise Http404("No such delivery of this webhook.")
    webhook_delivery_redeliver(delivery=delivery, actor=current_user(request))
    messages.success(request, "Townhall is sending the event again, with the same event id.")
    return redirect("webhooks:detail", org_slug=org_slug, subscription_id=subscription.pk)
