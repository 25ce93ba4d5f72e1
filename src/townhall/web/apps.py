from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "townhall.web"
    label = "web"
    verbose_name = "Web foundation"
