"""The public URL map with the runner mounted last inside i18n_patterns, as config/urls.py does."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import URLPattern, URLResolver, include, path
from django.views.generic import RedirectView

urlpatterns: list[URLPattern | URLResolver] = [path("staff/", include("townhall.identity.urls"))]
urlpatterns += i18n_patterns(
    # base.html links to "home"; the real one is in townhall.web, which the runner may not import.
    path("", RedirectView.as_view(url="/organisations/"), name="home"),
    path("organisations/", include("townhall.tenancy.urls")),
    path("", include("townhall.runner.urls")),
    prefix_default_language=False,
)

handler403 = "townhall.web.views.permission_denied"
handler404 = "townhall.web.views.page_not_found"
