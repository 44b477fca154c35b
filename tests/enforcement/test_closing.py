"""Ending enforcement: 终本 after 3 months, the six-monthly re-inquiry, resumption with a 执恢
number, closing as performed with the dishonest entry deleted within 3 working days."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from enforcement.factories import enf_officers, make_enforceable, make_open_enforcement
from jiefen.cases.models import CaseEvent
from jiefen.cases.states import State
from jiefen.enforcement.actions import (
    close_performed,
    collect_answers,
    delisting_sweep,
    freeze,
    list_dishonest,
    reinquiry_sweep,
    restrict_consumption,
    start_inquiries,
    terminate_for_now,
)
from jiefen.enforcement.actions.money import ReceiptRow, record_receipts
from jiefen.enforcement.models import (
    Asset,
    Enforcement,
    EnforcementState,
    Inquiry,
    Measure,
    MeasureKind,
)
from jiefen.lawdata.selectors import current_calendar

__all__ = ["enf_officers", "make_enforceable", "make_open_enforcement"]

FILED = date(2025, 11, 3)  # a Monday


def _ready_for_termination(e: Enforcement, on: date) -> None:
    """What 终本 needs first: the inquiry answered (nothing found), consumption restricted."""
    start_inquiries([e.pk], by=e.officer, on=on)
    collect_answers()
    restrict_consumption([e.pk], by=e.officer, on=on)


def _filed(make: Callable[..., Enforcement], **kwargs: Any) -> Enforcement:
    return make(on=FILED, performance_ends=date(2025, 9, 15), **kwargs)


def test_termination_only_after_three_months(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = _filed(make_open_enforcement)
    _ready_for_termination(e, date(2025, 11, 10))
    # Filed 2025-11-03: 3 months end on 2026-02-03; only a later day may terminate.
    early = terminate_for_now([e.pk], by=e.officer, on=date(2026, 2, 3))
    assert early.refused[e.pk] == (
        f"{e.number}：自执行案件立案之日（2025年11月3日）起尚未超过3个月（2026年2月3日届满），"
        "不得终结本次执行程序（《最高人民法院关于严格规范终结本次执行程序的规定（试行）》第一条第四项）"
    )
    not_heard = terminate_for_now([e.pk], by=e.officer, on=date(2026, 2, 4), creditor_heard=False)
    assert (
        "尚未将案件执行情况告知申请执行人并听取其对终结本次执行程序的意见"
        in (not_heard.refused[e.pk])
    )
    result = terminate_for_now([e.pk], by=e.officer, on=date(2026, 2, 4))
    assert result.done == [e.pk]
    e.refresh_from_db()
    assert e.state == EnforcementState.TERMINATED_FOR_NOW and e.closed_on == date(2026, 2, 4)
    # Every 6 months for 5 years: 2026-08-04 first, 2031-02-04 last.
    assert (e.next_inquiry_on, e.reinquiry_until) == (date(2026, 8, 4), date(2031, 2, 4))
    assert Measure.objects.filter(enforcement=e, kind=MeasureKind.TERMINATION).count() == 1
    e.case.refresh_from_db()
    assert e.case.state == State.TERMINATED_FOR_NOW


def test_termination_needs_restriction_and_no_disposable_assets(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = _filed(make_open_enforcement)
    on = date(2026, 2, 4)
    no_restriction = terminate_for_now([e.pk], by=e.officer, on=on)
    assert "尚未向被执行人发出限制消费令" in no_restriction.refused[e.pk]
    party = e.case.case_parties.get().party
    registry.add_holders(
        [
            {
                "id_number": party.id_number,
                "name": party.name,
                "assets": [
                    {"kind": "vehicle", "registry": "车管所", "identifier": "渝A1", "value": "9000"}
                ],
            }
        ]
    )
    _ready_for_termination(e, date(2025, 11, 10))
    found = terminate_for_now([e.pk], by=e.officer, on=on)
    assert "已发现被执行人有可供执行且能够处置的财产" in found.refused[e.pk]


def test_reinquiry_sweep_and_resumption(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = _filed(make_open_enforcement)
    _ready_for_termination(e, date(2025, 11, 10))
    terminate_for_now([e.pk], by=e.officer, on=date(2026, 2, 4))
    party = e.case.case_parties.get().party
    # An account the registry has only from 2026-08-01 on (appears after 终本).
    registry.add_holders(
        [
            {
                "id_number": party.id_number,
                "name": party.name,
                "assets": [
                    {
                        "kind": "deposit",
                        "registry": "长江银行",
                        "identifier": "6222000000000100",
                        "value": "60000.00",
                        "appears_on": "2026-08-01",
                    }
                ],
            }
        ]
    )
    assert reinquiry_sweep(today=date(2026, 8, 3)) == {"due": 0, "inquired": 0}
    assert reinquiry_sweep(today=date(2026, 8, 4)) == {"due": 1, "inquired": 1}
    assert reinquiry_sweep(today=date(2026, 8, 4)) == {"due": 0, "inquired": 0}
    inquiry = Inquiry.objects.get(enforcement=e, reinquiry=True)
    assert inquiry.requested_on == date(2026, 8, 4)
    assert Enforcement.objects.get(pk=e.pk).next_inquiry_on == date(2027, 2, 4)
    assert CaseEvent.objects.filter(case=e.case, transition="reinquire_assets").count() == 1
    # The answer shows the account: the case resumes with a 执恢 number, no new fee.
    assert collect_answers() == 1
    old = Enforcement.objects.get(pk=e.pk)
    assert old.state == EnforcementState.RESUMED and old.next_inquiry_on is None
    new = Enforcement.objects.get(resumed_from=old)
    assert new.number == "（2026）渝0105执恢1号"
    assert new.state == EnforcementState.OPEN
    assert (new.execution_fee, new.applied_total, new.officer_id) == (
        old.execution_fee,
        old.applied_total,
        old.officer_id,
    )
    assert (new.principal, new.delay_from) == (Decimal("50000.00"), date(2025, 9, 15))
    case = type(e.case).objects.get(pk=e.case_id)
    assert case.state == State.IN_ENFORCEMENT
    account = Asset.objects.get(matched=True, kind="deposit")
    assert account.enforcement_id == new.pk  # the new case acts on what was found
    assert Measure.objects.filter(enforcement=new, kind=MeasureKind.EXECUTION_NOTICE).count() == 1
    # And it can be frozen at once.
    assert freeze([account.pk], by=new.officer, on=date(2026, 12, 2)).done == [account.pk]


def test_a_reinquiry_finding_nothing_does_not_resume(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = _filed(make_open_enforcement)
    _ready_for_termination(e, date(2025, 11, 10))
    terminate_for_now([e.pk], by=e.officer, on=date(2026, 2, 4))
    reinquiry_sweep(today=date(2026, 8, 10))
    collect_answers()
    assert Enforcement.objects.get(pk=e.pk).state == EnforcementState.TERMINATED_FOR_NOW
    # Run late: the next date is the first scheduled one after the run.
    assert Enforcement.objects.get(pk=e.pk).next_inquiry_on == date(2027, 2, 4)


def test_close_performed_lifts_everything_and_delists_within_three_working_days(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()  # filed 2026-03-02
    party = e.case.case_parties.get().party
    registry.add_holders(
        [
            {
                "id_number": party.id_number,
                "name": party.name,
                "assets": [
                    {
                        "kind": "deposit",
                        "registry": "长江银行",
                        "identifier": "6222000000000200",
                        "value": "1000.00",
                    }
                ],
            }
        ]
    )
    start_inquiries([e.pk], by=e.officer, on=date(2026, 3, 3))
    collect_answers()
    freeze([a.pk for a in Asset.objects.filter(enforcement=e)], by=e.officer, on=date(2026, 3, 3))
    restrict_consumption([e.pk], by=e.officer, on=date(2026, 3, 3))
    list_dishonest([e.pk], ground="able_but_refuses", by=e.officer, on=date(2026, 3, 3))
    # Paid in full on Friday 2026-03-06: the doubled part for the 50 days 01-16 … 03-06 on
    # 50,525.00 is 50,525 × 0.0175% × 50 = 442.09375 → 442.09; with the debt 52,525.00 and
    # the execution fee 687.88: 53,654.97.
    report = record_receipts(
        [
            ReceiptRow(
                enforcement_id=e.pk,
                reference="BANK-TRANSFER-1",
                received_on=date(2026, 3, 6),
                amount=Decimal("53654.97"),
                source="voluntary",
            )
        ],
        by=e.officer,
    )
    assert report.performed == [e.pk], report
    e.refresh_from_db()
    assert e.state == EnforcementState.PERFORMED and e.closed_on == date(2026, 3, 6)
    listing = Measure.objects.get(enforcement=e, kind=MeasureKind.DISHONEST_LISTING)
    # Three working days after Fri 03-06: Mon 9, Tue 10, Wed 11 (法释〔2017〕7号 Art. 10).
    assert (listing.lifted_on, listing.lift_due) == (date(2026, 3, 6), date(2026, 3, 11))
    restriction = Measure.objects.get(enforcement=e, kind=MeasureKind.CONSUMPTION_RESTRICTION)
    assert restriction.lifted_on == date(2026, 3, 6)
    held = Measure.objects.get(enforcement=e, kind=MeasureKind.FREEZE)
    assert held.lifted_on == date(2026, 3, 6)
    assert Asset.objects.get(enforcement=e, matched=True).frozen == Decimal("0.00")
    assert Measure.objects.filter(enforcement=e, kind=MeasureKind.CLOSING).count() == 1
    case = type(e.case).objects.get(pk=e.case_id)
    assert case.state == State.CLOSED
    assert list(CaseEvent.objects.filter(case=case).values_list("transition", flat=True))[-2:] == [
        "close",
        "delist_dishonest",
    ]
    # Closing again refuses; the safety net finds nothing left.
    again = close_performed([e.pk], by=None, on=date(2026, 3, 9))
    assert again.done == [] and "执行完毕" in again.refused[e.pk]
    assert delisting_sweep(today=date(2026, 3, 9)) == 0


def test_delisting_deadline_over_a_holiday(court: Any) -> None:
    from jiefen.law.enforcement import delisting_deadline

    # Performed Tue 2025-09-30: 10-01 … 10-08 National Day holiday; 10-09, 10-10, 10-11
    # (Saturday 10-11 is a make-up working day in 2025) → 2025-10-11.
    assert delisting_deadline(date(2025, 9, 30), calendar=current_calendar()) == date(2025, 10, 11)


def test_delisting_sweep_is_the_safety_net(
    make_open_enforcement: Callable[..., Enforcement],
) -> None:
    performed = make_open_enforcement()
    expired = make_open_enforcement()
    on = date(2026, 3, 3)
    list_dishonest([performed.pk], ground="able_but_refuses", by=performed.officer, on=on)
    list_dishonest([expired.pk], ground="breaks_reporting", by=expired.officer, on=on)
    close_performed([performed.pk], by=None, on=date(2026, 3, 6))
    # Say the deletion did not happen (a failed worker): the sweep deletes it.
    Measure.objects.filter(enforcement=performed, kind=MeasureKind.DISHONEST_LISTING).update(
        lifted_on=None
    )
    assert delisting_sweep(today=date(2026, 3, 9)) == 1
    assert Measure.objects.get(
        enforcement=performed, kind=MeasureKind.DISHONEST_LISTING
    ).lifted_on == date(2026, 3, 9)
    # A 2-year listing from 2026-03-03 ends 2028-03-02: deleted by the sweep the day after.
    assert delisting_sweep(today=date(2028, 3, 2)) == 0
    assert delisting_sweep(today=date(2028, 3, 3)) == 1
    assert delisting_sweep(today=date(2028, 3, 3)) == 0


def test_a_listing_with_a_term_outlives_full_performance(
    make_open_enforcement: Callable[..., Enforcement],
) -> None:
    """失信规定 Art. 10 para. 2: "有纳入期限的，不适用前款规定" — an entry listed for breaking the
    reporting duty (2 years, Art. 2) is not deleted on performance; it is deleted within 3
    working days after its term has run."""
    e = make_open_enforcement()
    list_dishonest([e.pk], ground="breaks_reporting", by=e.officer, on=date(2026, 3, 3))
    close_performed([e.pk], by=None, on=date(2026, 3, 6))
    listing = Measure.objects.get(enforcement=e, kind=MeasureKind.DISHONEST_LISTING)
    assert listing.lifted_on is None and listing.ends_on == date(2028, 3, 2)
    assert delisting_sweep(today=date(2026, 3, 9)) == 0
    assert delisting_sweep(today=date(2028, 3, 3)) == 1
    listing.refresh_from_db()
    # Term ended Thu 2028-03-02: deleted the next day, well inside the three working days.
    assert listing.lifted_on == date(2028, 3, 3)
    events = CaseEvent.objects.filter(case_id=e.case_id).values_list("transition", flat=True)
    assert list(events)[-1] == "delist_dishonest"


def test_the_sweep_tasks_run_for_the_slot_date(
    make_enforceable: Callable[..., Any], registry: Any
) -> None:
    """The scheduler's tasks call the sweeps for the slot's local date (idempotent)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from jiefen.enforcement import tasks

    make_enforceable()
    slot = int(datetime(2026, 3, 2, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    assert tasks.prepare_applications_task.call(slot) == 1
    assert tasks.prepare_applications_task.call(slot) == 0
    assert tasks.collect_answers_task.call(slot) == 0
    assert tasks.reinquiry_sweep_task.call(slot) == {"due": 0, "inquired": 0}
    assert tasks.settlement_sweep_task.call(slot) == {"performed": 0, "broken": 0}
    assert tasks.delisting_sweep_task.call(slot) == 0
