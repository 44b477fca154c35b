"""Pages and receipt endpoints of the service stage (under /service/)."""

from django.urls import path

from jiefen.service import views, webhooks

app_name = "service"

urlpatterns = [
    path("receipts/sms/", webhooks.sms_receipts, name="sms_receipts"),
    path("receipts/postal/", webhooks.postal_receipts, name="postal_receipts"),
    path("", views.desk_page, name="desk"),
    path("series/<int:series_id>/serve/", views.serve_series, name="serve_series"),
    path("jobs/<int:service_job_id>/", views.job_page, name="job"),
    path("jobs/<int:service_job_id>/progress/", views.job_progress, name="job_progress"),
    path("attempts/<int:attempt_id>/receipt/", views.upload_receipt, name="upload_receipt"),
    path("inbox/", views.inbox_page, name="inbox"),
    path("inbox/confirm/", views.inbox_confirm, name="inbox_confirm"),
    path("inbox/<int:document_id>/", views.inbox_download, name="inbox_download"),
]

# Outside /service/ (no login): the secret link of an SMS / e-mail and the notice board.
public_urlpatterns = [
    path("s/<str:token>/", views.link_page, name="link"),
    path("s/<str:token>/<int:document_id>/", views.link_download, name="link_download"),
    path("public/notices/", views.public_notices, name="public_notices"),
]
