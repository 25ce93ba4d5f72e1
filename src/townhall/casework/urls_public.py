"""Residents' status check, mounted at /status/ inside i18n_patterns (Welsh at /cy/status/)."""

from django.urls import path

from townhall.casework import views_public

app_name = "casework-public"
urlpatterns = [
    path("", views_public.status_start, name="start"),
    path("code/", views_public.status_code, name="code"),
    path("<str:reference>/", views_public.status_detail, name="detail"),
]
