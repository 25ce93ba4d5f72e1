"""Resident journeys, mounted last inside i18n_patterns (so Welsh is /cy/<org>/<service>/…).

Fixed pages come before `<page_id>/`. Page ids use underscores, never hyphens, so the hyphenated
addresses cannot clash with one; `declaration` and `confirmation` win over a page of that id.
"""

from django.urls import path

from townhall.runner import views

app_name = "runner"

_SERVICE = "<slug:organisation_slug>/<slug:service_slug>/"

urlpatterns = [
    path(_SERVICE, views.start, name="start"),
    path(f"{_SERVICE}check-answers/", views.check_answers, name="check-answers"),
    path(f"{_SERVICE}declaration/", views.declaration, name="declaration"),
    path(f"{_SERVICE}confirmation/", views.confirmation, name="confirmation"),
    path(f"{_SERVICE}session-ended/", views.session_ended, name="session-ended"),
    path(f"{_SERVICE}<slug:page_id>/", views.page, name="page"),
]
