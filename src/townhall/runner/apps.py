from django.apps import AppConfig


class RunnerConfig(AppConfig):
    name = "townhall.runner"
    label = "runner"
    verbose_name = "Resident journeys"
