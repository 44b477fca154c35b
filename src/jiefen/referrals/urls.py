"""Pages of the referrals stage: referrals (涉嫌犯罪移送), reported fraud contacts and the
intervention tasks (反诈干预). The access matrix test maps these parameters (contract.md)."""

from django.urls import URLPattern, path

from jiefen.referrals.views import fraud, referrals

app_name = "referrals"

urlpatterns: list[URLPattern] = [
    path("", referrals.referral_list, name="list"),
    path("new/", referrals.new, name="new"),
    path("<int:referral_id>/", referrals.detail, name="detail"),
    path("<int:referral_id>/decide/", referrals.decide, name="decide"),
    path("<int:referral_id>/answer/", referrals.answer, name="answer"),
    path("<int:referral_id>/dismiss/", referrals.dismiss, name="dismiss"),
    path("<int:referral_id>/letter/", referrals.letter, name="letter"),
    path("<int:referral_id>/bundle/", referrals.bundle, name="bundle"),
    path("contacts/", fraud.contacts, name="contacts"),
    path("interventions/", fraud.intervention_list, name="interventions"),
    path("interventions/<int:intervention_id>/", fraud.intervention, name="intervention"),
]
