"""Resident journeys, mounted last inside i18n_patterns (so Welsh is /cy/<org>/<service>/…).

Fixed pages come before `<page_id>/`. Page ids use underscores, never hyphens, so the hyphenated
addresses cannot clash with one; `declaration`, `confirmation` and `feedback` win over a page of
that id. Addresses of two segments (`return/<token>/`, `feedback/thank-you/`) never reach
`<page_id>/`.
"""

from django.urls import path

from townhall.runner import views, views_feedback, views_save

app_name = "runner"

_SERVICE = "<slug:organisation_slug>/<slug:service_slug>/"

urlpatterns = [
    path(_SERVICE, views.start, name="start"),
    path(f"{_SERVICE}check-answers/", views.check_answers, name="check-answers"),
    path(f"{_SERVICE}declaration/", views.declaration, name="declaration"),
    path(f"{_SERVICE}confirmation/", views.confirmation, name="confirmation"),
    path(f"{_SERVICE}session-ended/", views.session_ended, name="session-ended"),
    path(f"{_SERVICE}save-for-later/", views_save.save, name="save"),
    path(f"{_SERVICE}save-for-later/email/", views_save.save_email, name="save-email"),
    path(f"{_SERVICE}return/<slug:token>/", views_save.resume, name="resume"),
    path(f"{_SERVICE}feedback/", views_feedback.feedback, name="feedback"),
    path(f"{_SERVICE}feedback/thank-you/", views_feedback.thanks, name="feedback-thanks"),
    path(f"{_SERVICE}<slug:page_id>/", views.page, name="page"),
]
