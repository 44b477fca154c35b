"""Pages of the mediation stage: staff pages and the borrower portal (/mediation/portal/)."""

from django.urls import path

from jiefen.mediation import portal, views

app_name = "mediation"

urlpatterns = [
    path("", views.centre, name="centre"),
    path("series/<int:series_id>/", views.series_page, name="series"),
    path("series/<int:series_id>/action/", views.series_action, name="series_action"),
    path("rules/", views.rules_page, name="rules"),
    path("offers/<int:offer_id>/decide/", views.decide, name="decide"),
    path("payments/", views.payments_page, name="payments"),
    path("cases/<int:case_id>/action/", views.case_action, name="case_action"),
    path("cases/<int:case_id>/agreement.pdf", views.agreement_pdf, name="agreement_pdf"),
    path("portal/", portal.identify, name="portal"),
    path("portal/verify/", portal.verify, name="portal_verify"),
    path("portal/case/", portal.case_page, name="portal_case"),
    path("portal/accept/", portal.accept, name="portal_accept"),
    path("portal/propose/", portal.propose, name="portal_propose"),
    path("portal/dispute/", portal.dispute, name="portal_dispute"),
    path("portal/session/", portal.session_request, name="portal_session"),
    path("portal/sign/code/", portal.sign_code, name="portal_sign_code"),
    path("portal/sign/", portal.sign, name="portal_sign"),
    path("portal/agreement.pdf", portal.agreement_pdf, name="portal_agreement"),
    path("portal/logout/", portal.logout, name="portal_logout"),
]
