from django.apps import AppConfig


class PatternsConfig(AppConfig):
    name = "townhall.patterns"
    label = "patterns"
    verbose_name = "Service patterns"
