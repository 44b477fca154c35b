"""Pages of the intake stage."""

from django.urls import path

from jiefen.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.batch_list, name="batches"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/progress/", views.batch_progress, name="progress"),
    path("batches/<int:batch_id>/errors.<str:fmt_name>", views.batch_errors, name="errors"),
    path("template/<str:case_type>.xlsx", views.template, name="template"),
]
