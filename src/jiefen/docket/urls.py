"""Pages of the docket stage."""

from django.urls import path

from jiefen.docket import views

app_name = "docket"
urlpatterns = [
    path("", views.filing_page, name="filing"),
    path("series/<int:series_id>/file/", views.file_series, name="file_series"),
    path("series/<int:series_id>/documents.zip", views.series_zip, name="series_zip"),
    path("jobs/<int:job_id>/", views.job_page, name="job"),
    path("jobs/<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("documents/<int:document_id>/word/", views.word_copy, name="word_copy"),
]
