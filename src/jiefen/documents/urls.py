"""Pages of the documents stage."""

from django.urls import path

from jiefen.documents import views

app_name = "documents"
urlpatterns = [
    path("<int:document_id>/", views.preview, name="preview"),
    path("<int:document_id>/download/", views.download, name="download"),
]
