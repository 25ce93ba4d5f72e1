"""Placeholder: filled in by the issue 5 work."""

from django.urls import URLPattern

app_name = "services"
urlpatterns: list[URLPattern] = []
