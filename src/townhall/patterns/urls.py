from django.urls import path

from townhall.patterns import views

app_name = "patterns"
urlpatterns = [
    path("", views.pattern_list, name="list"),
    path("<slug:pattern_id>/", views.pattern_detail, name="detail"),
    path("<slug:pattern_id>/<str:version>/", views.pattern_detail, name="version"),
]
