"""URL map. Public pages sit inside i18n_patterns, so Welsh lives at /cy/… without a cookie."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from townhall.api.api import api
from townhall.web import views as web_views

urlpatterns = [
    path("healthz", web_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("open311/v2/", include("townhall.api.open311.urls")),
    path("platform/", admin.site.urls),
    # Before identity's `<org_slug>/` pages: deeper staff paths of an organisation.
    path("staff/<slug:org_slug>/services/", include("townhall.services.urls_staff")),
    path("staff/<slug:org_slug>/inbox/", include("townhall.casework.urls_staff")),
    path("staff/<slug:org_slug>/webhooks/", include("townhall.api.urls_webhooks")),
    path("staff/", include("townhall.identity.urls")),
]
urlpatterns += i18n_patterns(
    path("", web_views.home, name="home"),
    path("organisations/", include("townhall.tenancy.urls")),
    path("patterns/", include("townhall.patterns.urls")),
    # Residents check the status of what they sent (one segment: never a service address).
    path("status/", include("townhall.casework.urls_public")),
    # Last: services live at /<organisation-slug>/<service-slug>/.
    path("", include("townhall.runner.urls")),
    prefix_default_language=False,
)

handler400 = "townhall.web.views.bad_request"
handler403 = "townhall.web.views.permission_denied"
handler404 = "townhall.web.views.page_not_found"
# 503 instead of 500 while the database cannot be reached (config/errors.py).
handler500 = "townhall.config.errors.server_error"
