"""The referral and intervention desks in Chromium: the judge opens a referral of the lender's
series from its series page and decides dismissal (the three suits are dismissed, the letter is
sealed); the police liaison lands on the list, finds it first (before an answered one), downloads
the 移送函 and answers 立案; the bank agent records the outcome of a fraud intervention.
Screenshots in /tmp/referrals-*.png."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import Case, Party, Series
from jiefen.referrals.actions.interventions import open_intervention
from jiefen.referrals.actions.referral import answer, decide, open_referral
from jiefen.referrals.models import InterventionOutcome, Outcome, Referral, ReferralState
from jiefen.risk.models import Warning, WarningKind

from .conftest import loan_facts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WITHHELD = loan_facts(agreed="50000.00", disbursed="40000.00", rate="12.0")


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=f"/tmp/referrals-{name}.png", full_page=True)


def test_judge_refers_a_series_and_the_liaison_answers(
    login_page: Any,
    live_server: Any,
    filed_case: Callable[..., Case],
    judge: User,
    liaison: User,
    police: Organisation,
    lender_series: Series,
    other_judge: User,
) -> None:
    cases = [filed_case(elements=WITHHELD) for _ in range(3)]
    # An older referral of another judge's case, already answered by the police.
    older = open_referral(
        [filed_case(judge=other_judge, series=None).pk],
        by=other_judge,
        grounds=["other"],
        statement="另案线索。",
        agency=police,
    )
    decide(older, Outcome.REFER_LEAD, by=other_judge, reason="线索与本案有关联。")
    answer(older, "declined", by=liaison, number="渝公(江)不立字〔2026〕5号")

    page = login_page(judge.username)
    page.goto(f"{live_server.url}/hearings/scheduling/series/{lender_series.pk}/")
    page.click("#open-referral")
    page.wait_for_load_state("networkidle")
    assert page.locator("#cases tbody tr").count() == 3
    page.check("input[name=grounds][value=withheld_interest]")
    page.check("input[name=grounds][value=professional_lender]")
    page.fill("#id_statement", "三笔借款合同金额均为50000元，实际出借40000元，预扣利息10000元。")
    page.select_option("#id_agency", label="重庆市公安局江北区分局（公安机关）")
    _shot(page, "new")
    page.click("#submit-referral")
    page.wait_for_load_state("networkidle")
    referral = Referral.objects.exclude(pk=older.pk).get()
    assert page.url.endswith(f"/referrals/{referral.pk}/")
    assert page.locator("#state").inner_text() == "待法官审查"
    assert page.locator("#cases tbody tr").count() == 3
    assert page.locator("#cases [data-signal=withheld_interest]").count() == 3

    page.check("#outcome-dismiss")
    page.fill("#id_reason", "出借人以预扣利息方式放贷，借贷行为本身涉嫌非法经营。")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#decide")
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "已移送"
    assert page.locator("#outcome").inner_text() == "裁定驳回起诉并移送"
    assert page.locator("#documents li.ruling").count() == 3
    assert page.locator("#cases td.case-state").all_inner_texts() == ["已驳回起诉"] * 3
    _shot(page, "decided")
    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT and referral.number

    police_page = login_page(liaison.username)
    assert police_page.url.endswith("/referrals/")
    rows = police_page.locator("#referrals tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-referral") == str(referral.pk)
    assert "待答复" in rows.nth(0).inner_text()
    _shot(police_page, "liaison-list")
    rows.nth(0).locator("a").click()
    police_page.wait_for_load_state("networkidle")
    with police_page.expect_download() as info:
        police_page.click("#letter-link")
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        assert f.read(4) == b"%PDF"

    police_page.check("#answer-accepted")
    police_page.fill("#id_number", "渝公(江)立字〔2026〕88号")
    police_page.fill("#id_note", "已对重庆速融商贸有限公司涉嫌非法经营立案侦查。")
    police_page.click("#send-answer")
    police_page.wait_for_load_state("networkidle")
    assert police_page.locator("#state").inner_text() == "公安机关已立案"
    assert police_page.locator("#answer-number").inner_text() == "渝公(江)立字〔2026〕88号"
    _shot(police_page, "answered")
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED
    for case in cases:
        case.refresh_from_db()
        assert case.state == "dismissed"


def test_bank_agent_records_an_intervention(
    login_page: Any,
    live_server: Any,
    make_case: Callable[..., Case],
    make_party: Callable[..., Party],
    bank: Organisation,
    agent: User,
) -> None:
    party = make_party(name="王五")
    case = make_case(defendant=party, state="in_mediation")
    warning = Warning.objects.create(
        kind=WarningKind.IDENTITY_MISUSE,
        fingerprint=f"identity_misuse:party:{party.pk}:institution:{bank.pk}",
        subject_key=f"party:{party.pk}:institution:{bank.pk}",
        subject_name=party.name,
        institution=bank,
        score=Decimal("1"),
        summary="王五报告借款系他人冒用其身份办理。",
        opened_on=date(2026, 11, 1),
        updated_on=date(2026, 11, 1),
    )
    warning.cases.set([case])
    task = open_intervention(warning, bank, by=None)

    page = login_page(agent.username)
    page.click("header nav >> text=反诈干预")
    page.wait_for_load_state("networkidle")
    page.click(f"#interventions tr[data-intervention='{task.pk}'] a")
    page.wait_for_load_state("networkidle")
    assert page.locator("#outcome").inner_text() == "待处置"
    assert "王五报告借款系他人冒用其身份办理" in page.locator("#facts").inner_text()
    page.check("input[name=outcome][value=dissuaded]")
    page.fill("#id_note", "已电话联系王五本人，确认未申请该笔贷款，已提示其挂失身份证并报警。")
    page.click("#record-outcome")
    page.wait_for_load_state("networkidle")
    assert page.locator("#outcome").inner_text() == "劝阻成功"
    assert page.locator("#outcome-form").count() == 0
    _shot(page, "intervention")
    task.refresh_from_db()
    assert task.outcome == InterventionOutcome.DISSUADED and task.done_by == agent
