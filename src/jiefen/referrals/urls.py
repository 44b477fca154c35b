"""Pages of the referrals stage: referrals (涉嫌犯罪移送), reported fraud contacts and the
intervention tasks (反诈干预). The access matrix test maps these parameters (contract.md)."""

from django.urls import URLPattern, path

from jiefen.referrals import views

app_name = "referrals"

urlpatterns: list[URLPattern] = [
    path("", views.referral_list, name="list"),
    path("new/", views.new, name="new"),
    path("<int:referral_id>/", views.detail, name="detail"),
    path("<int:referral_id>/decide/", views.decide, name="decide"),
    path("<int:referral_id>/answer/", views.answer, name="answer"),
    path("<int:referral_id>/dismiss/", views.dismiss, name="dismiss"),
    path("<int:referral_id>/letter/", views.letter, name="letter"),
    path("<int:referral_id>/bundle/", views.bundle, name="bundle"),
    path("contacts/", views.contacts, name="contacts"),
    path("interventions/", views.intervention_list, name="interventions"),
    path("interventions/<int:intervention_id>/", views.intervention, name="intervention"),
]
