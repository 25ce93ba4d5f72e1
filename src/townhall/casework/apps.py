from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "townhall.casework"
    label = "casework"
    verbose_name = "Casework"
