"""The borrower portal and the staff pages, through the Django test client."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest

from jiefen.accounts.models import Role
from jiefen.cases.states import State
from jiefen.mediation import actions
from jiefen.mediation.models import MediationCase, OfferStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def med(screened_case, mediation_org, mediators):
    case = screened_case()
    actions.open_mediation([case.pk], mediation_org, by=None)
    m = MediationCase.objects.select_related("case").get(case=case)
    m.phone = case.phone
    return m


def _login(client, m, last_sms):
    party = m.case.defendants[0].party
    r = client.post(
        "/mediation/portal/", {"code": m.portal_code.lower(), "id6": party.id_number[-6:]}
    )
    assert r.status_code == 302 and r["Location"].endswith("/portal/verify/")
    otp = re.search(r"验证码(\d{6})", last_sms(m.phone)).group(1)
    r = client.post("/mediation/portal/verify/", {"otp": otp})
    assert r.status_code == 302 and r["Location"].endswith("/portal/case/")


def test_portal_refuses_wrong_id_digits_and_wrong_code(client, med, last_sms):
    r = client.post("/mediation/portal/", {"code": med.portal_code, "id6": "999999"})
    assert "查询码或证件号码后六位不正确" in r.content.decode()
    assert client.get("/mediation/portal/case/").status_code == 302  # not identified
    party = med.case.defendants[0].party
    client.post("/mediation/portal/", {"code": med.portal_code, "id6": party.id_number[-6:]})
    r = client.post("/mediation/portal/verify/", {"otp": "12345x"})
    assert "验证码错误" in r.content.decode()


def test_portal_shows_elements_and_amounts_and_takes_a_plan_inside_the_rule(
    client, med, last_sms, make_user, bank
):
    agent = make_user(Role.BANK_AGENT, bank)
    actions.set_rule(
        by=agent,
        max_instalments=24,
        min_first_payment_percent=Decimal("10"),
        waivable=["penalty_interest"],
    )
    _login(client, med, last_sms)
    page = client.get("/mediation/portal/case/").content.decode()
    assert "47100.00 元" in page and "截至2025年6月30日止，尚欠本金45,000.00元" in page
    assert "本金" in page and "罚息" in page
    r = client.post(
        "/mediation/portal/propose/",
        {
            "instalments": "12",
            "first_payment": "5000",
            "first_due": str(date.today() + timedelta(days=7)),
            "waived": ["penalty_interest"],
        },
        follow=True,
    )
    page = r.content.decode()
    assert "已自动接受" in page and "调解协议" in page and "46300.00 元" in page
    offer = med.offers.get()
    assert offer.status == OfferStatus.ACCEPTED and offer.decided_by_rule
    # Sign with a one-time code; the evidence keeps the IP and the hash.
    client.post("/mediation/portal/sign/code/")
    otp = re.search(r"验证码(\d{6})", last_sms(med.phone)).group(1)
    r = client.post("/mediation/portal/sign/", {"otp": otp}, follow=True)
    assert "您已签署" in r.content.decode()
    sig = med.agreement.signatures.get(role="borrower")
    assert sig.ip == "127.0.0.1" and sig.document_sha256 == med.agreement.sha256
    pdf = client.get("/mediation/portal/agreement.pdf")
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_portal_dispute_and_session(client, med, last_sms):
    _login(client, med, last_sms)
    r = client.post(
        "/mediation/portal/dispute/", {"elements": ["interest"], "reason": ""}, follow=True
    )
    assert "请填写异议理由" in r.content.decode()
    client.post("/mediation/portal/dispute/", {"elements": ["interest"], "reason": "利息算错"})
    med.refresh_from_db()
    assert med.response == "disputed" and med.dispute_reason == "利息算错"


def test_another_borrowers_case_is_not_reachable_from_a_session(
    client, med, screened_case, mediation_org, last_sms
):
    _login(client, med, last_sms)
    page = client.get("/mediation/portal/case/").content.decode()
    assert med.case.mediation_number in page
    other = screened_case()
    actions.open_mediation([other.pk], mediation_org, by=None)
    other_number = MediationCase.objects.get(case=other).case.mediation_number
    assert other_number not in client.get("/mediation/portal/case/").content.decode()


def test_mediator_bulk_offer_page_and_api_answers(client, med, screened_case, mediation_org):
    mediator = med.case.mediator
    client.force_login(mediator)
    series = med.case.series
    r = client.post(
        f"/mediation/series/{series.pk}/action/",
        {
            "action": "offer",
            "instalments": "6",
            "first_payment_percent": "20",
            "waived": ["penalty_interest"],
        },
        follow=True,
    )
    assert "已向 1 名借款人发送调解方案" in r.content.decode()
    assert med.offers.get().total == Decimal("46300.00")
    answers = client.get(f"/api/v1/mediation/series/{series.pk}/answers").json()
    assert answers["未回复"] == 1
    centre = client.get("/mediation/").content.decode()
    assert "诉前调解中心" in centre and "按调解员" in centre


def test_bank_pushes_payments_by_api_and_other_roles_are_refused(
    client, med, make_user, bank, last_sms
):
    agent = make_user(Role.BANK_AGENT, bank)
    actions.borrower_accept(med)
    med.refresh_from_db()
    code = actions.issue_code(med, "sign")
    actions.sign_as_borrower(med.agreement, code=code, ip=None)
    actions.sign_many([med.agreement.pk], by=agent, ip=None)
    actions.sign_many([med.agreement.pk], by=med.case.mediator, ip=None)
    client.force_login(med.case.mediator)
    body = {
        "payments": [
            {
                "contract_number": med.case.contract_number,
                "reference": "R1",
                "amount": "1000.00",
                "paid_on": "2025-08-01",
            }
        ]
    }
    assert (
        client.post("/api/v1/mediation/payments", body, content_type="application/json").status_code
        == 403
    )
    client.force_login(agent)
    r = client.post("/api/v1/mediation/payments", body, content_type="application/json")
    assert r.json() == {"recorded": 1, "duplicates": 0, "unmatched": [], "completed_plans": 0}
    med.plan.refresh_from_db()
    assert med.plan.paid == Decimal("1000.00")


def test_case_page_panel_shows_mediation_and_judge_rules_there(
    client, med, make_user, bank, court, last_sms
):
    judge = make_user(Role.JUDGE, court)
    agent = make_user(Role.BANK_AGENT, bank)
    actions.borrower_accept(med)
    med.refresh_from_db()
    actions.sign_as_borrower(med.agreement, code=actions.issue_code(med, "sign"), ip=None)
    actions.sign_many([med.agreement.pk], by=agent, ip=None)
    actions.sign_many([med.agreement.pk], by=med.case.mediator, ip=None)
    client.force_login(agent)
    r = client.post(
        f"/mediation/cases/{med.case_id}/action/", {"action": "confirm_apply"}, follow=True
    )
    page = r.content.decode()
    assert "已申请司法确认" in page and "民特1号" in page and "免交诉讼费" in page
    client.force_login(judge)
    r = client.post(
        f"/mediation/cases/{med.case_id}/action/", {"action": "confirm_yes"}, follow=True
    )
    assert "裁定确认调解协议有效" in r.content.decode()
    med.case.refresh_from_db()
    assert med.case.state == State.CONFIRMED
    client.force_login(
        make_user(Role.JUDGE, court)
    )  # not assigned: the case does not exist for them
    assert (
        client.post(
            f"/mediation/cases/{med.case_id}/action/", {"action": "confirm_yes"}
        ).status_code
        == 404
    )


def test_stats_json_has_the_mediation_section(med):
    from jiefen.mediation.selectors import stats_section

    s = stats_section()
    assert set(s) == {
        "cases",
        "success_rate",
        "judicial_confirmations",
        "notarized",
        "payment_orders",
        "to_filing",
        "instalment_plans",
        "missed_instalments",
        "average_days",
    }
    assert s["cases"] == 1 and s["success_rate"] == 0.0
