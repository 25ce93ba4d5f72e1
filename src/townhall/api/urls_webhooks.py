"""Webhook staff URLs, mounted at /staff/<org_slug>/webhooks/: every view receives `org_slug`.

`api/tests/test_webhooks_staff.py` walks this list: every URL is admin-only and 404 for staff of
other organisations.
"""

from django.urls import path

from townhall.api import views_webhooks as views

app_name = "webhooks"
urlpatterns = [
    path("", views.webhook_list, name="list"),
    path("new/", views.webhook_create, name="create"),
    path("<uuid:subscription_id>/", views.webhook_detail, name="detail"),
    path("<uuid:subscription_id>/rotate-secret/", views.webhook_rotate, name="rotate"),
    path("<uuid:subscription_id>/turn-off/", views.webhook_disable, name="disable"),
    path("<uuid:subscription_id>/delete/", views.webhook_delete, name="delete"),
    path(
        "<uuid:subscription_id>/deliveries/<uuid:delivery_id>/redeliver/",
        views.webhook_redeliver,
        name="redeliver",
    ),
]
