"""Enforcement stops for a referral and resumes when the police decline
(jiefen.enforcement.actions.suspension, through the referral's decision and answer).

While suspended, the officer's acts on the enforcement are refused (a receipt recorded, a
consumption restriction); after 不立案 the enforcement is open again and money is recorded.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.enforcement.actions.measures import restrict_consumption
from jiefen.enforcement.actions.money import NOT_OPEN, ReceiptRow, record_receipts
from jiefen.enforcement.actions.suspension import resume_enforcements, suspend_enforcements
from jiefen.enforcement.models import Enforcement, EnforcementState, ReceiptSource, TitleKind
from jiefen.referrals.actions.referral import answer, decide, open_referral
from jiefen.referrals.models import Answer, CaseOutcome, Outcome, ReferralCase

D = Decimal
_numbers = itertools.count(1)


@pytest.fixture
def officer(make_user: Callable[..., User], court: Organisation) -> User:
    return make_user(Role.ENFORCEMENT_OFFICER, court, full_name="王执行")


@pytest.fixture
def enforcement_of(filed_case: Callable[..., Case], officer: User) -> Callable[..., Enforcement]:
    """An enforcement (执) of one of the lender's judged cases, built directly: the starting
    point, not what is under test. The case keeps its trial judge."""

    def make(state: str = EnforcementState.OPEN) -> Enforcement:
        n = next(_numbers)
        case_state = (
            State.IN_ENFORCEMENT if state == EnforcementState.OPEN else State.TERMINATED_FOR_NOW
        )
        case = filed_case(state=case_state, enforcement_officer=officer)
        today = timezone.localdate()
        return Enforcement.objects.create(
            case=case,
            number=f"（2026）渝0105执{900 + n}号",
            title_kind=TitleKind.JUDGMENT,
            title_reference=f"{case.case_number}民事判决书",
            filed_on=today - timedelta(days=90),
            officer=officer,
            state=state,
            costs=D("500.00"),
            interest=D("1000.00"),
            principal=D("10000.00"),
            other=D("0.00"),
            delay_from=today - timedelta(days=100),
            applied_total=D("11500.00"),
            execution_fee=D("72.50"),
            debt_outstanding=D("11500.00"),
        )

    return make


def _receipt(e: Enforcement, reference: str) -> ReceiptRow:
    return ReceiptRow(e.pk, reference, timezone.localdate(), D("1000.00"), ReceiptSource.VOLUNTARY)


def test_a_referral_stops_enforcement_and_declined_resumes_it(
    enforcement_of: Callable[..., Enforcement],
    filed_case: Callable[..., Case],
    judge: User,
    officer: User,
    police: Organisation,
    liaison: User,
) -> None:
    enforcement = enforcement_of()
    suit = filed_case(state=State.SERVED)
    referral = open_referral(
        [enforcement.case_id, suit.pk],
        by=judge,
        grounds=["withheld_interest"],
        statement="放款时预扣利息，执行依据所涉借贷涉嫌犯罪。",
        agency=police,
    )

    decide(referral, Outcome.SUSPEND, by=judge, reason="中止诉讼并中止执行")

    enforcement.refresh_from_db()
    case = Case.objects.get(pk=enforcement.case_id)
    assert enforcement.state == EnforcementState.SUSPENDED
    assert enforcement.suspended_from == EnforcementState.OPEN
    assert case.state == State.SUSPENDED and case.suspended_from == State.IN_ENFORCEMENT
    event = CaseEvent.objects.get(case=case)
    assert (event.transition, event.actor) == ("suspend_enforcement", None)
    assert Case.objects.get(pk=suit.pk).state == State.SUSPENDED
    outcomes = dict(ReferralCase.objects.values_list("case_id", "outcome"))
    assert outcomes == {case.pk: CaseOutcome.SUSPENDED, suit.pk: CaseOutcome.SUSPENDED}
    rulings = StoredDocument.objects.filter(kind="enf_suspension_ruling", case=case)
    assert rulings.exists() and all(d.signed for d in rulings)
    assert StoredDocument.objects.filter(kind="crime_suspension_ruling", case=suit).exists()
    assert AuditRecord.objects.filter(action="enforcement.suspend").count() == 1

    # Suspended: no money recorded, no measure taken.
    report = record_receipts([_receipt(enforcement, "LS-001")], by=officer)
    assert report.recorded == 0
    assert NOT_OPEN in report.refused["LS-001"] and "中止执行" in report.refused["LS-001"]
    restricted = restrict_consumption([enforcement.pk], by=officer)
    assert restricted.done == []
    assert "执行案件当前状态为「中止执行」，不能采取执行措施" in restricted.refused[enforcement.pk]

    answer(referral, Answer.DECLINED, by=liaison, number="江公（经）不立字〔2026〕50号")

    enforcement.refresh_from_db()
    case.refresh_from_db()
    assert enforcement.state == EnforcementState.OPEN and enforcement.suspended_from == ""
    assert case.state == State.IN_ENFORCEMENT and case.suspended_from == ""
    assert Case.objects.get(pk=suit.pk).state == State.SERVED
    assert ReferralCase.objects.get(case=case).outcome == CaseOutcome.RESUMED
    report = record_receipts([_receipt(enforcement, "LS-002")], by=officer)
    assert report.recorded == 1 and report.refused == {}
    enforcement.refresh_from_db()
    assert enforcement.received == D("1000.00")


def test_a_terminated_enforcement_is_suspended_and_returns_to_terminated(
    enforcement_of: Callable[..., Enforcement],
) -> None:
    enforcement = enforcement_of(EnforcementState.TERMINATED_FOR_NOW)
    case_id = enforcement.case_id

    assert suspend_enforcements([case_id], by=None, note="涉嫌犯罪移送") == [case_id]
    assert suspend_enforcements([case_id], by=None, note="涉嫌犯罪移送") == []  # idempotent

    enforcement.refresh_from_db()
    assert enforcement.state == EnforcementState.SUSPENDED
    assert enforcement.suspended_from == EnforcementState.TERMINATED_FOR_NOW
    assert Case.objects.get(pk=case_id).suspended_from == State.TERMINATED_FOR_NOW

    assert resume_enforcements([case_id], by=None, note="不予立案") == [case_id]
    assert resume_enforcements([case_id], by=None, note="不予立案") == []

    enforcement.refresh_from_db()
    assert enforcement.state == EnforcementState.TERMINATED_FOR_NOW
    assert Case.objects.get(pk=case_id).state == State.TERMINATED_FOR_NOW
    assert list(
        CaseEvent.objects.filter(case_id=case_id)
        .order_by("pk")
        .values_list("transition", flat=True)
    ) == ["suspend_enforcement", "resume"]


def test_cases_in_other_states_are_left_alone(
    enforcement_of: Callable[..., Enforcement], filed_case: Callable[..., Case]
) -> None:
    suit = filed_case()
    assert suspend_enforcements([suit.pk], by=None, note="x") == []
    assert resume_enforcements([suit.pk], by=None, note="x") == []
    assert Case.objects.get(pk=suit.pk).state == State.FILED


def test_an_officer_suspends_only_cases_in_scope(
    enforcement_of: Callable[..., Enforcement],
    make_user: Callable[..., User],
    court: Organisation,
    officer: User,
) -> None:
    enforcement = enforcement_of()
    stranger = make_user(Role.ENFORCEMENT_OFFICER, court)

    assert suspend_enforcements([enforcement.case_id], by=stranger, note="x") == []
    enforcement.refresh_from_db()
    assert enforcement.state == EnforcementState.OPEN

    assert suspend_enforcements([enforcement.case_id], by=officer, note="x") == [
        enforcement.case_id
    ]
    enforcement.refresh_from_db()
    assert enforcement.state == EnforcementState.SUSPENDED
