"""An organisation's services, for its staff, at /staff/<org_slug>/services/.

`adopt/` comes before `<service_slug>/`, and the adoption form refuses the slug "adopt", so no
service is hidden behind it.
"""

from django.urls import URLPattern, path

from townhall.services import views_staff, views_upgrade

app_name = "services"
urlpatterns: list[URLPattern] = [
    path("", views_staff.service_list_view, name="list"),
    path("adopt/", views_staff.adopt, name="adopt"),
    path("adopt/<slug:pattern_id>/", views_staff.adopt_pattern, name="adopt-pattern"),
    path("adopt/<slug:pattern_id>/<str:version>/", views_staff.create, name="create"),
    path("<slug:service_slug>/", views_staff.detail, name="detail"),
    path("<slug:service_slug>/edit/", views_staff.edit, name="edit"),
    path("<slug:service_slug>/publish/", views_staff.publish, name="publish"),
    path("<slug:service_slug>/unpublish/", views_staff.unpublish, name="unpublish"),
    path("<slug:service_slug>/upgrade/", views_upgrade.upgrade, name="upgrade"),
]
