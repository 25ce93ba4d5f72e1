"""A URL map with the platform console on PlatformAdminSite, for test_platform.py."""

from django.urls import include, path
from django.views.generic import RedirectView

from townhall.identity.platform import PlatformAdminSite

site = PlatformAdminSite(name="platform-test")

urlpatterns = [
    # base.html links to "home"; the real one lives in townhall.web, which identity may not import.
    path("", RedirectView.as_view(url="/staff/"), name="home"),
    path("platform/", site.urls),
    path("staff/", include("townhall.identity.urls")),
]

handler403 = "townhall.web.views.permission_denied"
handler404 = "townhall.web.views.page_not_found"
