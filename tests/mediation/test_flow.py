"""Mediation through the actions: assignment, offers and rules, agreement, outcomes, instalments."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jiefen.accounts.models import Role
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases
from jiefen.docket.models import Filing
from jiefen.mediation import actions
from jiefen.mediation.actions import ActionRefused
from jiefen.mediation.models import (
    Conflict,
    EnforcementDraft,
    MediationCase,
    Notice,
    OfferStatus,
    Outcome,
    PlanStatus,
)

pytestmark = pytest.mark.django_db
TODAY = date.today()


def _open(cases, org, **kw):
    return actions.open_mediation([c.pk for c in cases], org, by=None, **kw)


def test_assignment_balances_load_numbers_cases_and_skips_conflicted_mediator(
    screened_case, mediation_org, mediators, bank, last_sms
):
    Conflict.objects.create(mediator=mediators[0], institution=bank, reason="曾任该行法务")
    cases = [screened_case() for _ in range(6)]
    result = _open(cases, mediation_org, as_of=date(2025, 7, 1))
    assert len(result.opened) == 6 and not result.unassigned
    got = list(Case.objects.filter(pk__in=result.opened).order_by("pk"))
    assert {c.state for c in got} == {State.IN_MEDIATION}
    assert {c.mediator_id for c in got} == {mediators[1].pk, mediators[2].pk}
    assert sum(c.mediator_id == mediators[1].pk for c in got) == 3
    assert [c.mediation_number for c in got] == [
        f"（2025）渝0105民诉前调{n}号" for n in range(1, 7)
    ]
    # The notice is queued, then delivered through the SMS gateway over HTTP.
    assert Notice.objects.filter(status="queued").count() == 6
    assert actions.deliver_notices() == 6
    assert actions.deliver_notices() == 0  # idempotent
    code = MediationCase.objects.get(case=got[0]).portal_code
    text = last_sms(cases[0].phone)
    assert code in text and "民诉前调1号" in text and "/mediation/portal/" in text


def test_whole_series_goes_to_one_mediator_and_nobody_conflicted_means_unassigned(
    screened_case, mediation_org, mediators, bank
):
    cases = [screened_case() for _ in range(4)]
    result = _open(cases[:3], mediation_org, whole_series=True)
    assert len({c.mediator_id for c in Case.objects.filter(pk__in=result.opened)}) == 1
    for m in mediators:
        Conflict.objects.create(mediator=m, institution=bank, reason="关联关系")
    result = _open(cases[3:], mediation_org)
    assert result.unassigned == [cases[3].pk]
    assert Case.objects.get(pk=cases[3].pk).state == State.SCREENING


def test_manual_reassignment_refuses_a_conflicted_mediator(
    screened_case, mediation_org, mediators, bank, make_user
):
    case = screened_case()
    _open([case], mediation_org)
    case.refresh_from_db()
    Conflict.objects.create(mediator=mediators[2], institution=bank, reason="近亲属在该行任职")
    with pytest.raises(ActionRefused, match="回避"):
        actions.reassign(case, mediators[2], by=make_user(Role.PLATFORM_ADMIN))
    other = next(m for m in mediators[:2] if m.pk != case.mediator_id)
    actions.reassign(case, other, by=make_user(Role.PLATFORM_ADMIN))
    assert Case.objects.get(pk=case.pk).mediator_id == other.pk


@pytest.fixture
def in_mediation(screened_case, mediation_org, mediators):
    def make(**kw):
        case = screened_case(**kw)
        _open([case], mediation_org)
        m = MediationCase.objects.select_related("case").get(case=case)
        m.phone = case.phone
        return m

    return make


def test_plan_inside_the_standing_rule_is_accepted_at_once_outside_waits_for_the_bank(
    in_mediation, agent
):
    actions.set_rule(
        by=agent,
        max_instalments=24,
        min_first_payment_percent=Decimal("10"),
        waivable=["penalty_interest", "compound_interest"],
    )
    inside, outside = in_mediation(), in_mediation()
    due = TODAY + timedelta(days=10)
    offer = actions.propose_plan(
        inside,
        instalments=12,
        first_payment=Decimal("5000"),
        first_due=due,
        waived=["penalty_interest", "compound_interest"],
    )
    assert offer.status == OfferStatus.ACCEPTED and offer.decided_by_rule
    assert offer.total == Decimal("46234.56") and offer.waived_amount == Decimal("865.44")
    assert inside.agreement.sha256 and len(inside.agreement.sha256) == 64
    offer2 = actions.propose_plan(
        outside, instalments=36, first_payment=Decimal("1000"), first_due=due, waived=["interest"]
    )
    assert offer2.status == OfferStatus.OPEN
    assert any("36期" in r for r in offer2.outside_reasons)
    assert any("利息" in r for r in offer2.outside_reasons)
    counter = actions.counter_offer(offer2, by=agent, instalments=24, first_payment=Decimal("5000"))
    offer2.refresh_from_db()
    assert offer2.status == OfferStatus.COUNTERED and counter.made_by == "institution"
    assert counter.total == Decimal("47100.00")
    accepted = actions.borrower_accept(outside)
    assert accepted.pk == counter.pk
    assert MediationCase.objects.get(pk=outside.pk).response == "accepted"


def test_bulk_offer_supersedes_open_offers_and_only_reaches_own_cases(
    in_mediation, mediators, last_sms
):
    meds = [in_mediation() for _ in range(4)]
    mediator = meds[0].case.mediator
    series = meds[0].case.series
    bulk = actions.send_bulk_offer(
        series,
        by=mediator,
        instalments=6,
        first_payment_percent=Decimal("20"),
        waived=["penalty_interest"],
    )
    mine = [m for m in meds if m.case.mediator_id == mediator.pk]
    assert bulk.count == len(mine) == bulk.offers.count()
    o = bulk.offers.get(mediation=mine[0])
    assert o.total == Decimal("46300.00") and o.first_payment == Decimal("9260.00")
    again = actions.send_bulk_offer(
        series, by=mediator, instalments=3, first_payment_percent=Decimal("0")
    )
    o.refresh_from_db()
    assert o.status == OfferStatus.SUPERSEDED and again.count == len(mine)
    actions.deliver_notices()
    assert "分3期" in last_sms(mine[0].phone)


def test_dispute_needs_elements_and_reason(in_mediation):
    m = in_mediation()
    with pytest.raises(ActionRefused, match="理由"):
        actions.dispute(m, elements=["interest"], reason=" ")
    actions.dispute(m, elements=["interest", "penalty_interest"], reason="罚息计算有误")
    m.refresh_from_db()
    assert m.response == "disputed" and m.disputed_elements == ["interest", "penalty_interest"]


def _signed(m, agent, last_sms):
    actions.borrower_accept(m)
    m.refresh_from_db()
    agreement = m.agreement
    code = actions.issue_code(m, "sign")
    assert code in last_sms(m.phone)
    with pytest.raises(ActionRefused, match="验证码"):
        actions.sign_as_borrower(
            agreement, code="000000" if code != "000000" else "111111", ip="10.0.0.9"
        )
    actions.sign_as_borrower(agreement, code=code, ip="10.0.0.9")
    assert actions.sign_many([agreement.pk], by=agent, ip="10.0.0.1") == 1
    assert actions.sign_many([agreement.pk], by=m.case.mediator, ip="10.0.0.2") == 1
    return MediationCase.objects.select_related("case").get(pk=m.pk)


def test_signed_agreement_mediates_the_case_with_evidence_and_plan(in_mediation, agent, last_sms):
    m = _signed(in_mediation(), agent, last_sms)
    assert m.case.state == State.MEDIATED and m.outcome == Outcome.AGREED
    sigs = {s.role: s for s in m.agreement.signatures.all()}
    assert set(sigs) == {"borrower", "claimant", "mediator"}
    assert sigs["borrower"].method == "otp" and sigs["borrower"].ip == "10.0.0.9"
    assert {s.document_sha256 for s in sigs.values()} == {m.agreement.sha256}
    assert m.plan.total == Decimal("47100.00") and m.plan.instalments.count() == 1
    assert AuditRecord.objects.filter(action="mediation.agreement.signed").exists()


def test_judicial_confirmation_is_free_numbered_and_ruled_by_the_judge(
    in_mediation, agent, last_sms, make_user, court
):
    judge = make_user(Role.JUDGE, court)
    m = _signed(in_mediation(), agent, last_sms)
    conf = actions.apply_confirmation(m, by=agent)
    assert conf.case_number.endswith("民特1号") and conf.judge == judge
    assert conf.window_ends >= m.agreement.effective_on + timedelta(days=30)
    with pytest.raises(ActionRefused):
        actions.rule_on_confirmation(conf, by=make_user(Role.JUDGE, court), confirm=True)
    actions.rule_on_confirmation(conf, by=judge, confirm=True)
    m.refresh_from_db()
    assert (
        Case.objects.get(pk=m.case_id).state == State.CONFIRMED and m.outcome == Outcome.CONFIRMED
    )


def test_confirmation_after_30_days_is_refused(in_mediation, agent, last_sms, make_user, court):
    make_user(Role.JUDGE, court)
    m = _signed(in_mediation(), agent, last_sms)
    with pytest.raises(ActionRefused, match="三十日"):
        actions.apply_confirmation(m, by=agent, on=m.agreement.effective_on + timedelta(days=45))


def test_payment_order_fee_objection_and_effect(in_mediation, agent, last_sms, make_user, court):
    judge = make_user(Role.JUDGE, court)
    m1 = _signed(
        in_mediation(
            principal=Decimal("45000"),
            interest=Decimal("0"),
            penalty_interest=Decimal("0"),
            compound_interest=Decimal("0"),
            claim_total=Decimal("45000"),
        ),
        agent,
        last_sms,
    )
    po = actions.apply_payment_order(m1, by=agent)
    assert po.fee == Decimal("308.33") and "民督" in po.case_number  # 办法 Art. 14(三): 925 / 3
    actions.issue_payment_order(po, by=judge, served_on=date(2024, 9, 20))
    po.refresh_from_db()
    assert po.objection_ends == date(2024, 10, 8)  # National Day holiday pushes the 15th day
    actions.object_to_payment_order(po, text="已部分还款，金额有误", on=date(2024, 10, 8))
    assert Case.objects.get(pk=m1.case_id).state == State.AWAITING_FILING
    # Filed after the objection: the payment-order fee is credited (民诉解释 Art. 195).
    filed = file_cases([m1.case_id], by=make_user(Role.CLERK, court), filed_on=date(2024, 10, 15))
    filing = Filing.objects.get(case_id=m1.case_id)
    assert filing.case.acceptance_fee == Decimal("463.00")  # small claims: 925 halved
    assert filing.fee_credited == Decimal("308.33")
    assert filed.fees_total == Decimal("154.67")
    m2 = _signed(in_mediation(), agent, last_sms)
    po2 = actions.apply_payment_order(m2, by=agent)
    actions.issue_payment_order(po2, by=judge, served_on=date(2024, 9, 20))
    assert actions.payment_orders_take_effect(as_of=date(2024, 10, 9)) == [m2.case_id]
    assert Case.objects.get(pk=m2.case_id).state == State.PAYMENT_ORDER_EFFECTIVE


def test_expired_mediation_goes_to_filing(in_mediation):
    m = in_mediation()
    moved = actions.expire_mediations(as_of=m.deadline + timedelta(days=1))
    assert moved == [m.case_id]
    m.refresh_from_db()
    assert (
        m.outcome == Outcome.TO_FILING
        and Case.objects.get(pk=m.case_id).state == State.AWAITING_FILING
    )


def _plan_case(in_mediation, agent, last_sms):
    m = in_mediation()
    actions.propose_plan(
        m, instalments=3, first_payment=Decimal("10000"), first_due=TODAY + timedelta(days=5)
    )
    m.refresh_from_db()
    offer = m.offers.get()
    actions.decide_offer(offer, by=agent, approve=True)  # no rule set: the bank approves by hand
    code = actions.issue_code(m, "sign")
    m.refresh_from_db()
    actions.sign_as_borrower(m.agreement, code=code, ip="10.1.1.1")
    actions.sign_many([m.agreement.pk], by=agent, ip=None)
    actions.sign_many([m.agreement.pk], by=m.case.mediator, ip=None)
    return MediationCase.objects.select_related("case").get(pk=m.pk)


def test_payments_csv_matches_instalments_and_missed_title_opens_enforcement(
    in_mediation, agent, last_sms, make_user, court, bank
):
    judge = make_user(Role.JUDGE, court)
    m = _plan_case(in_mediation, agent, last_sms)
    amounts = [i.amount for i in m.plan.instalments.all()]
    assert amounts == [Decimal("10000.00"), Decimal("18550.00"), Decimal("18550.00")]
    conf = actions.apply_confirmation(m, by=agent)
    actions.rule_on_confirmation(conf, by=judge, confirm=True)
    csv_text = (
        "合同编号,流水号,金额,还款日期\n"
        f"{m.case.contract_number},P-1,10000.00,{TODAY + timedelta(days=5)}\n"
        f"{m.case.contract_number},P-2,550.00,{TODAY + timedelta(days=30)}\n"
        "NOPE,P-3,1.00,2025-01-01\n"
    )
    report = actions.record_payments(bank, actions.parse_csv(csv_text), by=agent, source="csv")
    assert (report.recorded, report.unmatched) == (2, ["NOPE"])
    again = actions.record_payments(bank, actions.parse_csv(csv_text), by=agent, source="csv")
    assert again.recorded == 0 and again.duplicates == 2
    m.plan.refresh_from_db()
    assert m.plan.paid == Decimal("10550.00") and m.plan.balance == Decimal("36550.00")
    second = m.plan.instalments.get(number=2)
    # Within the grace period nothing happens; after it, an enforcement application is opened.
    assert actions.sweep_missed(as_of=second.due_date + timedelta(days=m.plan.grace_days)) == {
        "enforcement_drafts": 0,
        "to_filing": 0,
    }
    assert (
        actions.sweep_missed(as_of=second.due_date + timedelta(days=m.plan.grace_days + 1))[
            "enforcement_drafts"
        ]
        == 1
    )
    draft = EnforcementDraft.objects.get(mediation=m)
    assert draft.unpaid == Decimal("36550.00") and draft.missed_instalment == 2
    assert draft.execution_fee == Decimal("448.25")  # 办法 Art. 14(一): 36,550 × 1.5% − 100
    assert "民特" in draft.title
    m.plan.refresh_from_db()
    assert m.plan.status == PlanStatus.MISSED
    assert actions.sweep_missed(as_of=TODAY + timedelta(days=400))["enforcement_drafts"] == 0


def test_missed_unconfirmed_agreement_goes_to_filing(in_mediation, agent, last_sms):
    m = _plan_case(in_mediation, agent, last_sms)
    first = m.plan.instalments.get(number=1)
    result = actions.sweep_missed(as_of=first.due_date + timedelta(days=m.plan.grace_days + 1))
    assert result == {"enforcement_drafts": 0, "to_filing": 1}
    assert Case.objects.get(pk=m.case_id).state == State.AWAITING_FILING
    assert Case.objects.get(pk=m.case_id).events.last().transition == "instalments_missed"


def test_paid_in_full_closes_the_case(in_mediation, agent, last_sms, bank):
    m = _signed(in_mediation(), agent, last_sms)
    actions.record_payments(
        bank, [actions.PaymentRow(m.case.contract_number, "X1", Decimal("47100"), TODAY)], by=agent
    )
    m.plan.refresh_from_db()
    assert m.plan.status == PlanStatus.COMPLETED
    assert Case.objects.get(pk=m.case_id).state == State.CLOSED
