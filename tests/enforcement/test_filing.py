"""Filing for enforcement: prepared applications, the bank's submission, numbers, fee, officers,
the 2-year window (民诉法 Art. 250), scope, debtors, notices, and set-based bulk filing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enforcement.factories import (
    FILED_ON,
    enf_officers,
    enforceable_case,
    make_enforceable,
    make_open_enforcement,
    officers,
)
from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import State
from jiefen.enforcement.actions import (
    apply_for_title,
    prepare_applications,
    submit_applications,
)
from jiefen.enforcement.models import (
    Application,
    ApplicationState,
    Enforcement,
    EnforcementState,
    Measure,
    MeasureKind,
    TitleKind,
)
from jiefen.enforcement.rules import balanced_officers, execution_fee_for, title_debt

__all__ = ["enf_officers", "make_enforceable", "make_open_enforcement"]  # fixtures used here


@pytest.fixture(autouse=True)
def calendar_2028(court: Organisation) -> None:
    """Labelled test data for 2028 (weekends and New Year's Day), where the 2-year windows
    end — never presented as the State Council's notice."""
    from jiefen.lawdata.models import HolidayDay, HolidayYear

    year, _ = HolidayYear.objects.get_or_create(
        year=2028, defaults={"complete": True, "source": "测试数据（非官方节假日安排）"}
    )
    HolidayDay.objects.get_or_create(
        year=year, day=date(2028, 1, 1), defaults={"is_holiday": True, "name": "元旦"}
    )


def test_filing_numbers_fee_debt_and_notices(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    first, second = make_enforceable(), make_enforceable(lawyer_fees="3000.00")
    result = apply_for_title([first.pk, second.pk], by=agent, on=FILED_ON)
    assert result.refused == {}
    e1, e2 = Enforcement.objects.filter(pk__in=result.filed).order_by("pk")
    assert (e1.number, e2.number) == ("（2026）渝0105执1号", "（2026）渝0105执2号")
    # Debt fixed by the judgment: costs = acceptance fee borne 525 (+ lawyer's fee 3,000).
    assert (e1.costs, e1.interest, e1.principal, e1.other) == (
        Decimal("525.00"),
        Decimal("2000.00"),
        Decimal("50000.00"),
        Decimal("0.00"),
    )
    assert e1.applied_total == e1.debt_outstanding == Decimal("52525.00")
    assert e2.costs == Decimal("3525.00") and e2.applied_total == Decimal("55525.00")
    # 办法 Art. 14(一): 50 + (52,525 − 10,000) × 1.5% = 687.875 → 687.88 (the court's
    # fixture policy keeps application fees to the fen, half up); 55,525 → 732.875 → 732.88.
    assert (e1.execution_fee, e2.execution_fee) == (Decimal("687.88"), Decimal("732.88"))
    assert e1.delay_from == date(2026, 1, 15) and e1.filed_on == FILED_ON
    assert e1.title_kind == TitleKind.JUDGMENT
    assert e1.title_reference == f"{first.case_number}民事判决书"
    assert e1.state == EnforcementState.OPEN
    first.refresh_from_db()
    assert first.state == State.IN_ENFORCEMENT and first.enforcement_officer_id == e1.officer_id
    kinds = Counter(Measure.objects.filter(enforcement=e1).values_list("kind", flat=True))
    assert kinds == {MeasureKind.EXECUTION_NOTICE: 1, MeasureKind.REPORT_ORDER: 1}
    assert list(CaseEvent.objects.filter(case=first).values_list("transition", flat=True)) == [
        "apply_enforcement",
        "issue_execution_notice",
    ]
    app = Application.objects.get(case=first)
    assert app.state == ApplicationState.SUBMITTED and app.submitted_by == agent
    assert app.application_deadline == date(2028, 1, 17)  # 2028-01-15 is a Saturday


def test_numbers_restart_each_year_per_court(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    e = apply_for_title([make_enforceable().pk], by=agent, on=date(2026, 3, 2)).filed
    assert Enforcement.objects.get(pk=e[0]).number == "（2026）渝0105执1号"


def test_execution_fee_brackets(court: Organisation) -> None:
    # Hand-worked, 办法 Art. 14(一): 8,000 → 50; 123,456.78 → 0.015 × 123,456.78 − 100 =
    # 1,751.8517 → 1,751.85 (legal-rules §1.5); 1,000,000 → 0.01 × 1,000,000 + 2,400 = 12,400.
    on = date(2026, 3, 2)
    assert execution_fee_for(court, Decimal("8000"), on) == Decimal("50")
    assert execution_fee_for(court, Decimal("123456.78"), on) == Decimal("1751.85")
    assert execution_fee_for(court, Decimal("1000000"), on) == Decimal("12400")


def test_officers_are_balanced_by_open_enforcements(
    court: Organisation, bank: Organisation, agent: User
) -> None:
    a, b = officers(court, 2)
    # Both start with none open: the first filing goes to A (tie, lower pk), the second to B.
    busy = [enforceable_case(court, bank) for _ in range(2)]
    apply_for_title([busy[0].pk], by=agent, on=FILED_ON)
    apply_for_title([busy[1].pk], by=agent, on=FILED_ON)
    assert Counter(Enforcement.objects.values_list("officer_id", flat=True)) == {
        a.pk: 1,
        b.pk: 1,
    }  # each went to the least loaded (A first by pk, then B)
    assert [u.pk for u in balanced_officers(court, 4)] == [a.pk, b.pk, a.pk, b.pk]
    Enforcement.objects.filter(officer=a).update(state=EnforcementState.PERFORMED)
    # A has 0 open, B 1: A, A (tie 1–1 → A by pk), B, A … gives A 3, B 1 of four.
    assert [u.pk for u in balanced_officers(court, 4)] == [a.pk, a.pk, b.pk, a.pk]
    cases = [enforceable_case(court, bank) for _ in range(4)]
    apply_for_title([c.pk for c in cases], by=agent, on=FILED_ON)
    open_counts = Counter(
        Enforcement.objects.filter(state=EnforcementState.OPEN).values_list("officer_id", flat=True)
    )
    assert open_counts == {a.pk: 3, b.pk: 2}


def test_a_court_without_officers_cannot_file(
    court: Organisation, bank: Organisation, agent: User
) -> None:
    case = enforceable_case(court, bank, officer_count=0)
    result = apply_for_title([case.pk], by=agent, on=FILED_ON)
    assert result.filed == [] and result.refused == {case.pk: "本院尚未配置执行员"}
    case.refresh_from_db()
    assert case.state == State.EFFECTIVE


def test_past_the_two_year_window_is_refused_with_its_date(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    # Performance period ended Mon 2024-01-15: the window ends Thu 2026-01-15 (a working day).
    case = make_enforceable(performance_ends=date(2024, 1, 15))
    result = apply_for_title([case.pk], by=agent, on=date(2026, 1, 16))
    reason = "已超过申请执行期限（2026年1月15日届满，民事诉讼法第二百五十条）"
    assert result.refused == {case.pk: reason}
    app = Application.objects.get(case=case)
    assert app.state == ApplicationState.REFUSED and app.refusal == reason
    assert not Enforcement.objects.exists()
    # On the last day itself it is still in time.
    other = make_enforceable(performance_ends=date(2024, 1, 15))
    assert apply_for_title([other.pk], by=agent, on=date(2026, 1, 15)).filed


def test_a_bank_cannot_submit_another_banks_applications(
    make_enforceable: Callable[..., Case],
    other_bank: Organisation,
    make_user: Callable[..., User],
    agent: User,
) -> None:
    case = make_enforceable()
    prepare_applications(today=FILED_ON)
    app = Application.objects.get(case=case)
    stranger = make_user(Role.BANK_AGENT, other_bank)
    result = submit_applications([app.pk], by=stranger, on=FILED_ON)
    assert result.refused == {app.pk: "不是本机构的案件，不能提交执行申请"}
    assert apply_for_title([case.pk], by=stranger, on=FILED_ON).refused == {
        case.pk: "不是本机构的案件，不能申请执行"
    }
    officer = User.objects.filter(role=Role.ENFORCEMENT_OFFICER).first()
    with pytest.raises(TransitionRefused, match="执行员"):
        submit_applications([app.pk], by=officer, on=FILED_ON)  # type: ignore[arg-type]
    assert Application.objects.get(pk=app.pk).state == ApplicationState.PREPARED
    assert submit_applications([app.pk], by=agent, on=FILED_ON).filed


def test_prepare_sweep_is_idempotent_and_skips_unripe_titles(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    ripe = make_enforceable(performance_ends=date(2026, 2, 27))
    today_ends = make_enforceable(performance_ends=date(2026, 3, 2))
    assert prepare_applications(today=date(2026, 3, 2)) == 1
    assert prepare_applications(today=date(2026, 3, 2)) == 0
    app = Application.objects.get()
    assert app.case == ripe and app.state == ApplicationState.PREPARED
    assert app.amount == Decimal("52525.00")
    assert app.title_reference == f"{ripe.case_number}民事判决书"
    assert app.performance_ends == date(2026, 2, 27)
    assert app.application_deadline == date(2028, 2, 28)  # 2028-02-27 is a Sunday
    assert not Application.objects.filter(case=today_ends).exists()
    # Submitting twice: the second finds it submitted.
    assert submit_applications([app.pk], by=agent, on=date(2026, 3, 3)).filed
    again = submit_applications([app.pk], by=agent, on=date(2026, 3, 3))
    assert again.filed == [] and again.refused == {app.pk: "执行申请已于2026年3月3日提交"}
    assert Enforcement.objects.count() == 1
    # A case in enforcement gets no new application from the sweep.
    assert prepare_applications(today=date(2026, 3, 4)) == 1  # today_ends is ripe now
    assert Application.objects.filter(case=ripe).count() == 1


def test_ten_cases_at_once_leave_one_submission_record(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    cases = [make_enforceable() for _ in range(10)]
    prepare_applications(today=FILED_ON)
    ids = list(Application.objects.values_list("pk", flat=True))
    before = AuditRecord.objects.count()
    result = submit_applications(ids, by=agent, on=FILED_ON)
    assert len(result.filed) == 10 and result.refused == {}
    new = list(AuditRecord.objects.order_by("seq").values_list("action", flat=True)[before:])
    assert new.count("enforcement.submit_applications") == 1
    # The moves are recorded once per batch as well, never once per case.
    assert new.count("case.apply_enforcement.bulk") == 1
    assert new.count("case.issue_execution_notice.bulk") == 1
    assert len(new) == 3
    numbers = sorted(Enforcement.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 10
    assert {c.pk for c in cases} == set(Enforcement.objects.values_list("case_id", flat=True))


def test_joint_guarantor_is_a_debtor_general_guarantor_is_not(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    case = make_enforceable(guarantors=[("周保", "joint"), ("吴一般", "general")])
    td = title_debt(case)
    assert [p.name for p in td.debtors] == ["张三", "周保"]
    e = Enforcement.objects.get(pk=apply_for_title([case.pk], by=agent, on=FILED_ON).filed[0])
    notified = sorted(
        Measure.objects.filter(enforcement=e, kind=MeasureKind.EXECUTION_NOTICE).values_list(
            "party__name", flat=True
        )
    )
    assert notified == sorted(["张三", "周保"])


def test_a_case_without_an_effective_title_is_refused(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    case = make_enforceable()
    Case.objects.filter(pk=case.pk).update(state=State.APPEALED)
    result = apply_for_title([case.pk], by=agent, on=FILED_ON)
    assert result.refused == {case.pk: "案件当前状态为「已上诉」，不能申请执行"}


def test_mediation_document_title(make_enforceable: Callable[..., Case], agent: User) -> None:
    case = make_enforceable(kind="mediation")
    e = Enforcement.objects.get(pk=apply_for_title([case.pk], by=agent, on=FILED_ON).filed[0])
    assert e.title_kind == TitleKind.MEDIATION_DOCUMENT
    assert e.title_reference == f"{case.case_number}民事调解书"


def test_a_future_filing_date_is_refused(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    with pytest.raises(TransitionRefused, match="晚于今天"):
        apply_for_title([make_enforceable().pk], by=agent, on=date(2099, 1, 1))


def _queries(make: Callable[..., Case], agent: User, n: int) -> int:
    cases = [make() for _ in range(n)]
    with CaptureQueriesContext(connection) as ctx:
        result = apply_for_title([c.pk for c in cases], by=agent, on=FILED_ON)
    assert len(result.filed) == n
    return len(ctx.captured_queries)


def test_filing_is_set_based(make_enforceable: Callable[..., Case], agent: User) -> None:
    """The number of queries does not grow with the size of the series."""
    small = _queries(make_enforceable, agent, 5)
    large = _queries(make_enforceable, agent, 60)
    assert large <= small + 2, (small, large)


@pytest.mark.slow
def test_thousands_of_applications_file_in_one_submission(
    court: Organisation, bank: Organisation, agent: User, settings: Any
) -> None:
    """Set-based filing: 2,000 applications numbered in sequence, each with its two measures
    (its speed is `benchmarks/enforcement.py`'s, never a timed assertion here)."""
    from jiefen.cases.models import CaseParty, IdType, Party, PartyKind, PartyRole
    from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
    from jiefen.privacy import blind_index

    officers(court, 20)
    n = 2_000
    template = enforceable_case(court, bank)
    Case.objects.bulk_create(
        [
            Case(
                case_type=template.case_type,
                state=State.EFFECTIVE,
                institution=bank,
                court=court,
                series=template.series,
                contract_number=f"BULK-{i:06d}",
                product=template.product,
                cut_off_date=template.cut_off_date,
                principal=template.principal,
                interest=template.interest,
                claim_total=template.claim_total,
                elements={"until_paid": False},
                case_number=f"（2025）渝0105民初{20000 + i}号",
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    cases = list(Case.objects.filter(contract_number__startswith="BULK-").order_by("pk"))
    parties = Party.objects.bulk_create(
        [
            Party(
                kind=PartyKind.NATURAL_PERSON,
                name=f"债务人{i}",
                id_type=IdType.RESIDENT_ID,
                id_number=f"500105198001{i:06d}",
                id_index=blind_index(f"500105198001{i:06d}"),
            )
            for i in range(n)
        ],
        batch_size=1000,
    )
    CaseParty.objects.bulk_create(
        [
            CaseParty(case=c, party=p, role=PartyRole.DEFENDANT)
            for c, p in zip(cases, parties, strict=True)
        ],
        batch_size=1000,
    )
    computation = template.judgment.computation
    Judgment.objects.bulk_create(
        [
            Judgment(
                case=c,
                kind=DecisionKind.JUDGMENT,
                state=DecisionState.EFFECTIVE,
                computation=computation,
                signed_at=template.judgment.signed_at,
                performance_ends=date(2026, 1, 15),
                enforceable=True,
            )
            for c in cases
        ],
        batch_size=1000,
    )
    assert prepare_applications(today=FILED_ON) == n + 1
    ids = list(Application.objects.values_list("pk", flat=True))
    result = submit_applications(ids, by=agent, on=FILED_ON)
    assert len(result.filed) == n + 1 and result.refused == {}
    assert Enforcement.objects.count() == n + 1
    assert Enforcement.objects.order_by("-pk").first().number == f"（2026）渝0105执{n + 1}号"  # type: ignore[union-attr]
    assert Measure.objects.count() == 2 * (n + 1)


def test_documents_are_rendered_after_commit(
    make_enforceable: Callable[..., Case],
    agent: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The notices and the application are rendered by the task once the filing commits."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    case = make_enforceable()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        result = apply_for_title([case.pk], by=agent, on=FILED_ON)
    assert len(callbacks) == 1  # one task for the whole batch
    notices = Measure.objects.filter(enforcement_id=result.filed[0])
    assert notices.count() == 2 and not notices.filter(document=None).exists()
    assert Application.objects.get(case=case).document is not None


def _mediated(case: Case, mediation_org: Organisation, state: str) -> Any:
    from jiefen.mediation.models import MediationCase

    Case.objects.filter(pk=case.pk).update(state=state)
    from jiefen.judgments.models import Judgment

    Judgment.objects.filter(case=case).delete()  # the title is the mediation stage's
    return MediationCase.objects.create(
        case=case,
        organisation=mediation_org,
        portal_code=f"P{case.pk:07d}",
        opened_on=date(2025, 8, 1),
        deadline=date(2025, 8, 31),
    )


def test_confirmed_agreement_with_a_missed_instalment(
    make_enforceable: Callable[..., Case],
    mediation_org: Organisation,
    make_user: Callable[..., User],
    agent: User,
) -> None:
    from jiefen.mediation.models import Confirmation, EnforcementDraft

    case = make_enforceable()
    mediation = _mediated(case, mediation_org, State.CONFIRMED)
    Confirmation.objects.create(
        mediation=mediation,
        case_number="（2025）渝0105民特88号",
        applied_on=date(2025, 9, 1),
        window_ends=date(2025, 9, 30),
        judge=make_user(Role.JUDGE, case.court),
        ruling="confirmed",
        ruling_on=date(2025, 9, 10),
    )
    draft = EnforcementDraft.objects.create(
        mediation=mediation,
        title="（2025）渝0105民特88号民事裁定书（确认调解协议有效）",
        unpaid=Decimal("30000.00"),
        execution_fee=Decimal("400.00"),
        missed_instalment=2,
        due_date=date(2026, 1, 20),
        created_on=date(2026, 1, 25),
    )
    assert prepare_applications(today=FILED_ON) == 1
    app = Application.objects.get(case=case)
    assert (app.title_kind, app.title_reference) == (TitleKind.CONFIRMATION, draft.title)
    assert (app.amount, app.performance_ends) == (Decimal("30000.00"), date(2026, 1, 20))
    e = Enforcement.objects.get(pk=submit_applications([app.pk], by=agent, on=FILED_ON).filed[0])
    assert (e.principal, e.costs, e.interest, e.delay_from) == (
        Decimal("30000.00"),
        Decimal("0.00"),
        Decimal("0.00"),
        date(2026, 1, 20),
    )
    # 50 + (30,000 − 10,000) × 1.5% = 350.00.
    assert e.execution_fee == Decimal("350.00")
    draft.refresh_from_db()
    assert draft.submitted is True


def test_payment_order_title(
    make_enforceable: Callable[..., Case], mediation_org: Organisation, agent: User
) -> None:
    from jiefen.mediation.models import PaymentOrder

    case = make_enforceable()
    mediation = _mediated(case, mediation_org, State.PAYMENT_ORDER_EFFECTIVE)
    PaymentOrder.objects.create(
        mediation=mediation,
        case_number="（2025）渝0105民督7号",
        amount=Decimal("20000.00"),
        fee=Decimal("50.00"),
        applied_on=date(2025, 10, 1),
        issued_on=date(2025, 10, 9),
        served_on=date(2025, 10, 10),
        objection_ends=date(2025, 10, 27),
        effective_on=date(2025, 10, 28),
    )
    e = Enforcement.objects.get(pk=apply_for_title([case.pk], by=agent, on=FILED_ON).filed[0])
    assert (e.title_kind, e.title_reference) == (
        TitleKind.PAYMENT_ORDER,
        "（2025）渝0105民督7号支付令",
    )
    assert (e.principal, e.delay_from) == (Decimal("20000.00"), date(2025, 10, 27))


def test_continuing_interest_of_the_judgment_is_carried(
    make_enforceable: Callable[..., Case], agent: User
) -> None:
    """A judgment ordering the penalty interest "计算至实际清偿之日止": 6% × 1.5 = 9% a year on
    the principal from the day after the cut-off (2025-06-30), basis 360."""
    case = make_enforceable(
        elements={
            "contract": {"name": "个人消费借款合同", "number": "GRXF-1", "signed_on": "2023-03-15"},
            "rates": {
                "annual_rate_percent": "6",
                "penalty_multiplier": "1.5",
                "compound": False,
                "basis": "360",
            },
            "disbursed_on": "2023-03-15",
            "overdue_since": "2024-12-31",
            "until_paid": True,
        }
    )
    e = Enforcement.objects.get(pk=apply_for_title([case.pk], by=agent, on=FILED_ON).filed[0])
    assert e.continuing_percent == Decimal("9")
    assert (e.continuing_basis, e.continuing_from) == (360, date(2025, 7, 1))
