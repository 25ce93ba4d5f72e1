from django.urls import path

from townhall.tenancy import views

app_name = "tenancy"
urlpatterns = [
    path("", views.organisation_find, name="find"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
]
