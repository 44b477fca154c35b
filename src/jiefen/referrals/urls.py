from django.urls import path

from jiefen.referrals import views

app_name = "referrals"

urlpatterns: list = [
    path("", views.referral_list, name="list"),
]
