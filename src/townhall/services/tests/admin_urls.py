"""The platform console, for test_admin.py."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(url="/staff/"), name="home"),
    path("platform/", admin.site.urls),
    path("staff/", include("townhall.identity.urls")),
]
