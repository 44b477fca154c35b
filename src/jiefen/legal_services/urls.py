"""Pages of legal-service matching (法律服务对接)."""

from django.urls import URLPattern, path

from jiefen.legal_services import views

app_name = "legal_services"

urlpatterns: list[URLPattern] = [
    path("", views.desk, name="desk"),
    path("<int:request_id>/", views.detail, name="detail"),
    path("<int:request_id>/answer/", views.answer, name="answer"),
    path("<int:request_id>/follow-up/", views.follow_up, name="follow_up"),
    path("<int:request_id>/close/", views.close, name="close"),
    path("file/<int:institution_id>/", views.service_file, name="file"),
]
