"""Casework URLs, mounted at /staff/<org_slug>/inbox/: every view receives `org_slug`.

`tests/test_access.py` walks this list: a new URL without its refusal test fails the suite.
"""

from django.urls import path

from townhall.casework import views, views_export, views_outbox

app_name = "casework"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("export.csv", views_export.export_csv, name="export-csv"),
    path("export.xlsx", views_export.export_xlsx, name="export-xlsx"),
    # Emails the organisation could not send (admins only); written with the notifications work.
    path("emails/", views_outbox.outbox, name="outbox"),
    path("<uuid:submission_id>/", views.detail, name="detail"),
    path("<uuid:submission_id>/status/", views.status_change, name="status-change"),
    path("<uuid:submission_id>/assign/", views.assign, name="assign"),
    path("<uuid:submission_id>/notes/", views.note_create, name="note-add"),
    path("<uuid:submission_id>/files/<int:index>/", views_export.file_download, name="file"),
]
