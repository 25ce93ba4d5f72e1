"""Issue 6, point 5: the webhook staff pages. Admins add a webhook (the secret shown once), rotate
its secret, turn it off or delete it, read its delivery log and redeliver; every page is for
admins only and answers 404 to staff of other organisations and for another organisation's
webhook. The URL list is read from `api/urls_webhooks.py`, so a new URL is covered at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from townhall.api import urls_webhooks
from townhall.core.models import AuditEntry
from townhall.identity.models import User
from townhall.identity.tests.factories import UserFactory
from townhall.notifications.constants import WebhookEvent, WebhookState
from townhall.notifications.models import WebhookDelivery, WebhookSubscription
from townhall.notifications.webhooks import webhook_event_fanout, webhook_subscription_create
from townhall.services.tests.factories import ServiceFactory
from townhall.tenancy.constants import Role
from townhall.tenancy.models import Organisation
from townhall.tenancy.tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

CREATED = WebhookEvent.SUBMISSION_CREATED.value
# Each POST with valid data, so a refusal is the gate's and not the form's.
POSTS: dict[str, dict[str, Any]] = {
    "create": {"url": "https://hooks.example.org/in", "events": [CREATED], "service": ""},
    "rotate": {},
    "disable": {},
    "delete": {},
    "redeliver": {},
}
GET_ONLY = {"list", "detail"}
POST_ONLY = {"disable", "redeliver"}


@dataclass
class Org:
    organisation: Organisation
    subscription: WebhookSubscription
    delivery: WebhookDelivery

    def member(self, role: str) -> User:
        user: User = UserFactory.create()
        MembershipFactory.create(organisation=self.organisation, user=user, role=role)
        return user


def org() -> Org:
    organisation = OrganisationFactory.create()
    subscription, _ = webhook_subscription_create(
        organisation_id=organisation.pk,
        url="https://hooks.example.org/townhall",
        event_types=[CREATED],
        service_id=None,
        actor=None,
    )
    webhook_event_fanout(
        organisation_id=organisation.pk,
        service_id=uuid.uuid4(),
        event_id=uuid.uuid4(),
        event_type=CREATED,
        payload={"reference": "POT-7K3F-9QX2", "service": "report-a-pothole", "status": "received"},
    )
    # As if it had been given up on (no on-commit ran in the test's transaction).
    WebhookDelivery.objects.filter(subscription=subscription).update(
        state=WebhookState.FAILED, attempts=3, last_status_code=500
    )
    return Org(organisation, subscription, WebhookDelivery.objects.get(subscription=subscription))


def _names() -> set[str]:
    return {pattern.name for pattern in urls_webhooks.urlpatterns if pattern.name}


def _url(name: str, slug: str, target: Org) -> str:
    kwargs: dict[str, Any] = {"org_slug": slug}
    pattern = next(p for p in urls_webhooks.urlpatterns if p.name == name)
    if "subscription_id" in str(pattern.pattern):
        kwargs["subscription_id"] = target.subscription.pk
    if "delivery_id" in str(pattern.pattern):
        kwargs["delivery_id"] = target.delivery.pk
    return reverse(f"webhooks:{name}", kwargs=kwargs)


def _request(client: Client, name: str, url: str) -> Any:
    if name in POSTS:
        return client.post(url, POSTS[name])
    return client.get(url)


def test_every_url_is_classified() -> None:
    assert _names() == GET_ONLY | set(POSTS)


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("name", sorted(_names()))
def test_only_admins_may_use_the_pages(name, role, staff_client) -> None:
    a = org()
    response = _request(staff_client(a.member(role)), name, _url(name, a.organisation.slug, a))
    if role == Role.ADMIN:
        assert response.status_code in {200, 302}, response.status_code
    else:
        assert response.status_code == 403
        a.subscription.refresh_from_db()
        assert a.subscription.active
        assert WebhookSubscription.objects.filter(organisation=a.organisation).count() == 1


@pytest.mark.parametrize("name", sorted(_names()))
def test_other_organisations_get_404(name, staff_client) -> None:
    a, b = org(), org()
    client = staff_client(b.member(Role.ADMIN))
    assert _request(client, name, _url(name, a.organisation.slug, a)).status_code == 404
    if name not in {"list", "create"}:
        # B's own address with A's webhook: still no such webhook.
        assert _request(client, name, _url(name, b.organisation.slug, a)).status_code == 404
    a.subscription.refresh_from_db()
    assert a.subscription.active
    assert WebhookSubscription.objects.filter(organisation=a.organisation).count() == 1


@pytest.mark.parametrize("name", sorted(_names()))
def test_signed_out_visitors_are_sent_to_sign_in(name) -> None:
    a = org()
    response = _request(Client(), name, _url(name, a.organisation.slug, a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in"))


@pytest.mark.parametrize("name", sorted(GET_ONLY | POST_ONLY))
def test_methods_are_limited(name, staff_client) -> None:
    a = org()
    client = staff_client(a.member(Role.ADMIN))
    url = _url(name, a.organisation.slug, a)
    wrong = client.post(url) if name in GET_ONLY else client.get(url)
    assert wrong.status_code == 405


def test_an_admin_adds_a_webhook_for_one_service_and_sees_the_secret_once(staff_client) -> None:
    a = org()
    service = ServiceFactory.create(organisation=a.organisation, name="Report a pothole")
    ServiceFactory.create(name="Another council's service")
    client = staff_client(a.member(Role.ADMIN))
    form = client.get(reverse("webhooks:create", args=[a.organisation.slug]))
    assert b"Report a pothole" in form.content
    assert b"Another council" not in form.content
    response = client.post(
        reverse("webhooks:create", args=[a.organisation.slug]),
        {
            "url": "https://hooks.example.org/pothole",
            "events": [CREATED, WebhookEvent.SUBMISSION_STATUS_CHANGED.value],
            "service": str(service.pk),
        },
    )
    assert response.status_code == 200
    created = WebhookSubscription.objects.get(url="https://hooks.example.org/pothole")
    assert created.secret.encode() in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    assert created.service_id == service.pk
    assert created.created_by is not None
    detail = client.get(reverse("webhooks:detail", args=[a.organisation.slug, created.pk]))
    assert created.secret.encode() not in detail.content
    assert b"Report a pothole" in detail.content
    assert AuditEntry.objects.filter(
        action="notifications.webhook_create", organisation_id=a.organisation.pk
    ).exists()


def test_the_form_refuses_bad_input(staff_client, settings) -> None:
    settings.TOWNHALL_WEBHOOKS_ALLOW_PRIVATE = False
    a = org()
    client = staff_client(a.member(Role.ADMIN))
    url = reverse("webhooks:create", args=[a.organisation.slug])
    empty = client.post(url, {"url": "", "service": ""})
    assert b"Enter the address" in empty.content
    assert b"Choose at least one event" in empty.content
    private = client.post(url, {"url": "https://10.0.0.1/", "events": [CREATED], "service": ""})
    assert b"private network" in private.content
    other = client.post(
        url,
        {"url": "https://hooks.example.org/", "events": [CREATED], "service": str(uuid.uuid4())},
    )
    assert other.status_code == 200
    assert b"govuk-error-summary" in other.content
    assert WebhookSubscription.objects.filter(organisation=a.organisation).count() == 1


def test_the_delivery_log_shows_tries_and_redeliver_keeps_the_event_id(staff_client) -> None:
    a = org()
    client = staff_client(a.member(Role.ADMIN))
    detail = client.get(reverse("webhooks:detail", args=[a.organisation.slug, a.subscription.pk]))
    assert b"POT-7K3F-9QX2" in detail.content
    assert b"Redeliver" in detail.content
    assert str(a.delivery.event_id).encode() in detail.content
    response = client.post(_url("redeliver", a.organisation.slug, a))
    assert response.status_code == 302
    a.delivery.refresh_from_db()
    assert (a.delivery.state, a.delivery.attempts) == (WebhookState.PENDING, 0)
    assert WebhookDelivery.objects.filter(subscription=a.subscription).count() == 1


def test_rotate_shows_a_new_secret_and_keeps_the_old_one_for_a_while(staff_client) -> None:
    a = org()
    old = a.subscription.secret
    client = staff_client(a.member(Role.ADMIN))
    response = client.post(_url("rotate", a.organisation.slug, a))
    a.subscription.refresh_from_db()
    assert a.subscription.secret != old
    assert a.subscription.previous_secret == old
    assert a.subscription.secret.encode() in response.content
    assert old.encode() not in response.content


def test_turn_off_and_delete(staff_client) -> None:
    a = org()
    client = staff_client(a.member(Role.ADMIN))
    client.post(_url("disable", a.organisation.slug, a))
    a.subscription.refresh_from_db()
    assert not a.subscription.active
    client.post(_url("delete", a.organisation.slug, a))
    assert not WebhookSubscription.objects.filter(pk=a.subscription.pk).exists()
    assert not WebhookDelivery.objects.filter(pk=a.delivery.pk).exists()


def test_admins_see_the_webhooks_navigation_item_and_others_do_not(staff_client) -> None:
    a = org()
    home = reverse("identity:organisation", args=[a.organisation.slug])
    link = reverse("webhooks:list", args=[a.organisation.slug]).encode()
    assert link in staff_client(a.member(Role.ADMIN)).get(home).content
    assert link not in staff_client(a.member(Role.EDITOR)).get(home).content
