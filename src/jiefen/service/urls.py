from django.urls import path

from jiefen.service import webhooks

app_name = "service"

urlpatterns = [
    path("receipts/sms/", webhooks.sms_receipts, name="sms_receipts"),
    path("receipts/postal/", webhooks.postal_receipts, name="postal_receipts"),
]
