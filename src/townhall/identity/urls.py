from django.urls import path

from townhall.identity import views

app_name = "identity"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
]
