from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "townhall.submissions"
    label = "submissions"
    verbose_name = "Submissions"
