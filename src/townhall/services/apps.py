from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "townhall.services"
    label = "services"
    verbose_name = "Services"
