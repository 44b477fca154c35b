"""A borrower walks through the portal on a phone; a mediator sends a bulk offer (Chromium)."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from jiefen.mediation import actions
from jiefen.mediation.models import MediationCase, OfferStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}


def _otp(sms_gateway, phone: str) -> str:
    return re.search(r"验证码(\d{6})", sms_gateway.inbox.query(phone, 1)[0]["text"]).group(1)


def test_borrower_on_a_phone_reads_the_claim_proposes_a_plan_and_signs(
    chromium, live_server, screened_case, mediation_org, mediators, sms_gateway, make_user, bank
):
    from jiefen.accounts.models import Role

    agent = make_user(Role.BANK_AGENT, bank)
    actions.set_rule(
        by=agent,
        max_instalments=24,
        min_first_payment_percent=Decimal("10"),
        waivable=["penalty_interest", "compound_interest"],
    )
    case = screened_case()
    actions.open_mediation([case.pk], mediation_org, by=None)
    m = MediationCase.objects.get(case=case)
    context = chromium.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/mediation/portal/")
        page.fill("#code", m.portal_code)
        page.fill("#id6", case.defendants[0].party.id_number[-6:])
        page.click("text=获取验证码")
        page.fill("#otp", _otp(sms_gateway, case.phone))
        page.click("text=进入")
        assert page.locator("text=47100.00 元").first.is_visible()
        assert page.locator("text=诉讼请求和依据").is_visible()
        # Nothing overflows the phone's width.
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "mediation_portal_phone.png"), full_page=True)
        page.click("text=提出分期还款方案")
        page.fill("#instalments", "12")
        page.fill("#first_payment", "6000")
        page.check("input[name=waived][value=penalty_interest]")
        page.click("#plan-form button[type=submit]")
        assert page.locator("text=已自动接受").is_visible()
        page.click("text=获取签署验证码")
        page.fill("#sign-otp", _otp(sms_gateway, case.phone))
        page.click("text=确认签署调解协议")
        assert page.locator("text=您已签署").first.is_visible()
        page.screenshot(path=str(SHOTS / "mediation_portal_signed.png"), full_page=True)
    finally:
        context.close()
    offer = m.offers.get()
    assert offer.status == OfferStatus.ACCEPTED and offer.total == Decimal("46300.00")
    assert m.agreement.signatures.filter(role="borrower", method="otp").exists()


def test_mediator_sends_a_bulk_offer_and_sees_who_answered(
    login_page, screened_case, mediation_org, make_user
):
    from jiefen.accounts.models import Role

    mediator = make_user(Role.MEDIATOR, mediation_org)
    cases = [screened_case() for _ in range(5)]
    actions.open_mediation([c.pk for c in cases], mediation_org, by=None, whole_series=True)
    first = MediationCase.objects.get(case=cases[0])
    actions.dispute(first, elements=["interest"], reason="利息有误")
    page = login_page(mediator.username)
    page.goto(
        page.url.split("/", 3)[0]
        + "//"
        + page.url.split("/", 3)[2]
        + f"/mediation/series/{cases[0].series_id}/"
    )
    assert page.locator("#answers >> text=对要素有异议").is_visible()
    page.fill("#instalments", "6")
    page.fill("#fpp", "20")
    page.check("input[name=waived][value=penalty_interest]")
    page.click("#bulk-offer button[type=submit]")
    assert page.locator("text=已向 5 名借款人发送调解方案").is_visible()
    page.screenshot(path=str(SHOTS / "mediation_series_bulk.png"), full_page=True)
    assert MediationCase.objects.filter(offers__status=OfferStatus.OPEN).count() == 5
