"""Enforcement money: receipts distributed, duplicates, scope, closing, resumed cases, files,
pay-outs (jiefen.enforcement.actions.money).

The fixture's title (figures worked by hand): costs 500.00, general interest 1,000.00, principal
10,000.00, other 100.00 (debt 11,600.00); execution fee 74.00 (11,600 × 1.5 % − 100); the
performance period ends 2026-01-10, so the doubled part (0.0175 % a day on costs + principal +
other, never on interest) runs from 2026-01-11.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, CaseEvent, Series
from jiefen.cases.states import State
from jiefen.enforcement.actions.money import (
    NOT_OPEN,
    ReceiptFileError,
    ReceiptRow,
    disburse,
    ledger,
    parse_receipts_csv,
    record_receipts,
    record_receipts_csv,
)
from jiefen.enforcement.models import (
    Disbursement,
    Enforcement,
    EnforcementState,
    Receipt,
    ReceiptSource,
    TitleKind,
)

D = Decimal
DEDUCTION = ReceiptSource.DEDUCTION
_numbers = itertools.count(1)


@pytest.fixture
def officer(make_user: Callable[..., User], court: Organisation) -> User:
    return make_user(Role.ENFORCEMENT_OFFICER, court, full_name="王执行")


@pytest.fixture
def make_enforcement(
    make_case: Callable[..., Case], officer: User, series: Series
) -> Callable[..., Enforcement]:
    """A filed enforcement case (执) of an effective judgment, built directly: the starting
    point, not what is under test. `resumed_from` makes a 执恢 case of the same case."""

    def make(
        *,
        case: Case | None = None,
        state: str = EnforcementState.OPEN,
        resumed_from: Enforcement | None = None,
        filed_on: date = date(2026, 1, 15),
        **fields: Any,
    ) -> Enforcement:
        if case is None:
            case = make_case(
                series=fields.pop("series", series),
                **({"institution": fields.pop("institution")} if "institution" in fields else {}),
            )
        n = next(_numbers)
        case_state = {
            EnforcementState.OPEN: State.IN_ENFORCEMENT,
            EnforcementState.TERMINATED_FOR_NOW: State.TERMINATED_FOR_NOW,
            EnforcementState.PERFORMED: State.CLOSED,
            EnforcementState.RESUMED: State.IN_ENFORCEMENT,
        }[state]
        Case.objects.filter(pk=case.pk).update(
            state=case_state,
            enforcement_officer=fields.pop("case_officer", officer),
            case_number=case.case_number or f"（2025）渝0105民初{n + 7000}号",
        )
        values: dict[str, Any] = {
            "case": case,
            "number": f"（2026）渝0105执{'恢' if resumed_from else ''}{n}号",
            "resumed_from": resumed_from,
            "title_kind": TitleKind.JUDGMENT,
            "title_reference": f"（2025）渝0105民初{n + 7000}号民事判决书",
            "filed_on": filed_on,
            "officer": officer,
            "state": state,
            "costs": D("500.00"),
            "interest": D("1000.00"),
            "principal": D("10000.00"),
            "other": D("100.00"),
            "delay_from": date(2026, 1, 10),
            "applied_total": D("11600.00"),
            "execution_fee": D("74.00"),
            "debt_outstanding": D("11600.00"),
        }
        values.update(fields)
        return Enforcement.objects.create(**values)

    return make


def _row(e: Enforcement, ref: str, on: date, amount: str, source: str = DEDUCTION) -> ReceiptRow:
    return ReceiptRow(e.pk, ref, on, D(amount), source)


def _split(r: Receipt) -> tuple[Decimal, ...]:
    return (
        r.to_execution_fee,
        r.to_costs,
        r.to_interest,
        r.to_principal,
        r.to_other,
        r.to_delay_interest,
        r.surplus,
    )


Z = D("0.00")


@pytest.mark.django_db
def test_two_receipts_are_distributed_in_the_legal_order(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    e = make_enforcement()
    first = record_receipts([_row(e, "KH001", date(2026, 1, 20), "3000.00")], by=officer)
    second = record_receipts([_row(e, "KH002", date(2026, 2, 19), "5000.00")], by=officer)
    assert (first.recorded, second.recorded, first.refused, second.refused) == (1, 1, {}, {})

    r1, r2 = Receipt.objects.filter(enforcement=e).order_by("received_on")
    # 3,000: fee 74 → costs 500 → interest 1,000 → principal 1,426 (8,574 left).
    assert _split(r1) == (D("74.00"), D("500.00"), D("1000.00"), D("1426.00"), Z, Z, Z)
    # Doubled part so far: 10,600 × 0.0175 % × 10 days (01-11..01-20) = 18.55, then
    # 8,674 × 0.0175 % × 30 days (01-21..02-19) = 45.5385 → 45.54; 5,000 all to principal.
    assert _split(r2) == (Z, Z, Z, D("5000.00"), Z, Z, Z)

    e.refresh_from_db()
    assert e.received == D("8000.00")
    assert e.fee_collected == D("74.00")
    assert e.debt_outstanding == D("3674.00")  # principal 3,574 + other 100
    assert e.delay_interest_outstanding == D("64.09")  # 18.55 + 45.54
    assert e.first_payment_on == date(2026, 1, 20)
    assert e.state == EnforcementState.OPEN
    assert CaseEvent.objects.filter(case=e.case, transition="record_receipt").count() == 2
    note = CaseEvent.objects.filter(case=e.case, transition="record_receipt").last()
    assert note is not None and "5000.00元" in note.note

    # The ledger 30 days later: 3,674 × 0.0175 % × 30 = 19.2885 → 19.29 more doubled part.
    later = ledger(e, as_of=date(2026, 3, 21))
    assert later.outstanding_debt == D("3674.00")
    assert later.outstanding_delay_interest == D("83.38")
    assert later.outstanding_execution_fee == Z


@pytest.mark.django_db
def test_a_backdated_receipt_redistributes_the_later_ones(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    e = make_enforcement()
    record_receipts([_row(e, "KH002", date(2026, 2, 19), "5000.00")], by=officer)
    record_receipts([_row(e, "KH001", date(2026, 1, 20), "3000.00")], by=officer)
    r1, r2 = Receipt.objects.filter(enforcement=e).order_by("received_on")
    assert r1.reference == "KH001"
    assert _split(r1) == (D("74.00"), D("500.00"), D("1000.00"), D("1426.00"), Z, Z, Z)
    assert _split(r2) == (Z, Z, Z, D("5000.00"), Z, Z, Z)
    e.refresh_from_db()
    assert (e.debt_outstanding, e.delay_interest_outstanding) == (D("3674.00"), D("64.09"))


@pytest.mark.django_db
def test_continuing_general_interest_is_paid_before_principal(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    e = make_enforcement(
        continuing_percent=D("18"), continuing_basis=360, continuing_from=date(2026, 1, 11)
    )
    record_receipts([_row(e, "KH001", date(2026, 1, 20), "3000.00")], by=officer)
    r = Receipt.objects.get(enforcement=e)
    # 10,000 × 18 % / 360 × 10 days (01-11..01-20) = 50.00 more interest: 1,050 before principal.
    assert _split(r) == (D("74.00"), D("500.00"), D("1050.00"), D("1376.00"), Z, Z, Z)
    e.refresh_from_db()
    assert e.debt_outstanding == D("8724.00")  # principal 8,624 + other 100
    assert e.delay_interest_outstanding == D("18.55")  # the base never includes the interest


@pytest.mark.django_db
def test_a_reupload_is_a_duplicate_and_changes_nothing(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    e = make_enforcement()
    rows = [
        _row(e, "KH001", date(2026, 1, 20), "3000.00"),
        _row(e, "KH002", date(2026, 2, 19), "5000.00"),
    ]
    record_receipts(rows, by=officer)
    e.refresh_from_db()
    before = (e.received, e.debt_outstanding, e.delay_interest_outstanding)
    events = CaseEvent.objects.filter(case=e.case).count()

    again = record_receipts(rows, by=officer)
    assert (again.recorded, again.duplicates, again.refused) == (0, 2, {})
    assert Receipt.objects.filter(enforcement=e).count() == 2
    e.refresh_from_db()
    assert (e.received, e.debt_outstanding, e.delay_interest_outstanding) == before
    assert CaseEvent.objects.filter(case=e.case).count() == events
    # The same 流水号 twice in one upload is recorded once.
    twice = record_receipts([_row(e, "KH003", date(2026, 2, 20), "1.00")] * 2, by=officer)
    assert (twice.recorded, twice.duplicates) == (1, 1)


@pytest.mark.django_db
def test_scope_and_refusals_are_per_row_with_their_reason(
    make_enforcement: Callable[..., Enforcement],
    agent: User,
    other_bank: Organisation,
    officer: User,
    make_user: Callable[..., User],
    court: Organisation,
) -> None:
    own = make_enforcement()
    foreign = make_enforcement(institution=other_bank)
    terminated = make_enforcement(state=EnforcementState.TERMINATED_FOR_NOW)
    tomorrow = timezone.localdate() + timedelta(days=1)
    report = record_receipts(
        [
            _row(own, "ZL001", date(2026, 1, 20), "3000.00", ReceiptSource.VOLUNTARY),
            _row(foreign, "ZL002", date(2026, 1, 20), "3000.00", ReceiptSource.VOLUNTARY),
            _row(terminated, "ZL003", date(2026, 1, 20), "100.00", ReceiptSource.VOLUNTARY),
            _row(own, "ZL004", date(2026, 1, 21), "0.00", ReceiptSource.VOLUNTARY),
            _row(own, "ZL005", tomorrow, "10.00", ReceiptSource.VOLUNTARY),
            ReceiptRow(99_999_999, "ZL006", date(2026, 1, 20), D("10.00"), DEDUCTION),
        ],
        by=agent,
    )
    assert report.recorded == 1
    assert report.refused == {
        "ZL002": "流水号ZL002：执行案件不存在或无权登记执行款",
        "ZL003": f"流水号ZL003：{NOT_OPEN}（{terminated.number}终结本次执行程序；"
        "终本案件须先恢复执行）",
        "ZL004": "流水号ZL004：金额必须大于零",
        "ZL005": f"流水号ZL005：到账日期{tomorrow:%Y-%m-%d}晚于今天，不能登记",
        "ZL006": "流水号ZL006：执行案件不存在或无权登记执行款",
    }
    assert not Receipt.objects.filter(enforcement__in=[foreign, terminated]).exists()
    # The creditor reported it; the lifecycle move is the platform's on its report.
    event = CaseEvent.objects.get(case=own.case, transition="record_receipt")
    assert event.actor is None and "申请执行人" in event.note

    # An officer records only for the cases assigned to them.
    colleague = make_user(Role.ENFORCEMENT_OFFICER, court)
    theirs = record_receipts([_row(own, "KH009", date(2026, 1, 22), "10.00")], by=colleague)
    assert theirs.refused == {"KH009": "流水号KH009：执行案件不存在或无权登记执行款"}
    # A judge may not record at all.
    judge = make_user(Role.JUDGE, court)
    with pytest.raises(TransitionRefused, match="登记执行款"):
        record_receipts([_row(own, "KH010", date(2026, 1, 22), "10.00")], by=judge)


def _wait_for_closing() -> None:
    try:
        from jiefen.enforcement.actions import closing  # noqa: F401
    except ImportError:
        pytest.skip("jiefen.enforcement.actions.closing (ACTIONS-1) is not written yet")


@pytest.mark.django_db
def test_full_performance_closes_the_case(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    _wait_for_closing()
    e = make_enforcement()
    record_receipts([_row(e, "KH001", date(2026, 1, 20), "3000.00")], by=officer)
    report = record_receipts([_row(e, "KH002", date(2026, 2, 19), "9000.00")], by=officer)
    assert report.performed == [e.pk]
    r2 = Receipt.objects.get(reference="KH002")
    # 9,000: principal 8,574 → other 100 → doubled part 64.09 → 261.91 back to the debtor.
    assert _split(r2) == (Z, Z, Z, D("8574.00"), D("100.00"), D("64.09"), D("261.91"))
    e.refresh_from_db()
    assert (e.debt_outstanding, e.delay_interest_outstanding) == (Z, Z)
    assert e.received == D("12000.00")
    assert e.state == EnforcementState.PERFORMED
    assert e.closed_on == date(2026, 2, 19)
    case = Case.objects.get(pk=e.case_id)
    assert case.state == State.CLOSED
    assert CaseEvent.objects.filter(case=case, transition="close").exists()
    # A receipt arriving after closing is refused, a re-upload of the closing file is harmless.
    late = record_receipts(
        [
            _row(e, "KH002", date(2026, 2, 19), "9000.00"),
            _row(e, "KH003", date(2026, 2, 20), "10.00"),
        ],
        by=officer,
    )
    assert late.duplicates == 1 and NOT_OPEN in late.refused["KH003"]


@pytest.mark.django_db
def test_exact_payment_performs_with_nothing_returned(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    _wait_for_closing()
    e = make_enforcement()
    record_receipts(
        [
            _row(e, "KH001", date(2026, 1, 20), "3000.00"),
            _row(e, "KH002", date(2026, 2, 19), "5000.00"),
        ],
        by=officer,
    )
    # 30 more days on 3,674: 19.29 → 3,674 + 64.09 + 19.29 = 3,757.38 performs exactly.
    short = record_receipts([_row(e, "KH003", date(2026, 3, 21), "3757.37")], by=officer)
    assert short.performed == []
    e.refresh_from_db()
    assert (e.debt_outstanding, e.delay_interest_outstanding) == (Z, D("0.01"))
    done = record_receipts([_row(e, "KH004", date(2026, 3, 21), "0.01")], by=officer)
    assert done.performed == [e.pk]
    assert _split(Receipt.objects.get(reference="KH004")) == (Z, Z, Z, Z, Z, D("0.01"), Z)


@pytest.mark.django_db
def test_a_resumed_enforcement_credits_the_receipts_of_the_terminated_one(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    first = make_enforcement()
    record_receipts([_row(first, "KH001", date(2026, 1, 20), "3000.00")], by=officer)
    Enforcement.objects.filter(pk=first.pk).update(state=EnforcementState.RESUMED)
    # The 执恢 case's own figures are irrelevant: one title, one debt (the root's).
    resumed = make_enforcement(
        case=first.case,
        resumed_from=first,
        filed_on=date(2026, 2, 1),
        costs=Z,
        interest=Z,
        principal=D("8574.00"),
        other=D("100.00"),
        execution_fee=Z,
    )
    report = record_receipts(
        [
            _row(resumed, "KH001", date(2026, 1, 20), "3000.00"),  # already credited
            _row(resumed, "KH002", date(2026, 2, 19), "5000.00"),
        ],
        by=officer,
    )
    assert (report.recorded, report.duplicates) == (1, 1)
    r2 = Receipt.objects.get(enforcement=resumed)
    assert _split(r2) == (Z, Z, Z, D("5000.00"), Z, Z, Z)
    resumed.refresh_from_db()
    first.refresh_from_db()
    assert resumed.received == D("5000.00")  # its own receipts; the first case keeps its 3,000
    assert first.received == D("3000.00") and first.fee_collected == D("74.00")
    assert resumed.debt_outstanding == D("3674.00")
    assert resumed.delay_interest_outstanding == D("64.09")
    assert ledger(resumed).outstanding_debt == D("3674.00")
    # The terminated case's ledger stops at its own receipts.
    assert ledger(first).outstanding_debt == D("8674.00")


CSV_OK = (
    "执行案号,流水号,到账日期,金额,来源\n"
    '{number},KH001,2026-01-20,"3,000.00",扣划\n'
    "{number},KH002,2026/2/19,5000,主动履行\n"
    "（2026）渝0105执9999号,KH003,2026-02-19,10.00,执行和解\n"
)


@pytest.mark.django_db
def test_csv_rows_are_recorded_by_case_number(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    e = make_enforcement()
    text = "\ufeff" + CSV_OK.format(number=e.number)
    assert parse_receipts_csv(text)[1] == (
        e.number,
        "KH002",
        date(2026, 2, 19),
        D("5000"),
        ReceiptSource.VOLUNTARY,
    )
    report = record_receipts_csv(text, by=officer)
    assert report.recorded == 2
    assert report.refused == {
        "KH003": "流水号KH003：执行案件不存在或无权登记执行款（（2026）渝0105执9999号）"
    }
    e.refresh_from_db()
    assert e.debt_outstanding == D("3674.00")


def test_csv_errors_name_the_row_and_the_field() -> None:
    text = (
        "执行案号,流水号,到账日期,金额,来源\n"
        "（2026）渝0105执1号,KH001,2026-01-20,3000.00,扣划\n"
        "（2026）渝0105执1号,KH002,2026-02-30,abc,扣划\n"
        "（2026）渝0105执1号,,2026-02-19,-5,转账\n"
        "（2026）渝0105执1号,KH004,2026-02-19,1.234,执行和解\n"
    )
    with pytest.raises(ReceiptFileError) as caught:
        parse_receipts_csv(text)
    assert caught.value.errors == [
        "第3行「到账日期」：「2026-02-30」不是有效日期（格式如2026-01-31）",
        "第3行「金额」：「abc」不是有效金额",
        "第4行「流水号」：不能为空",
        "第4行「金额」：必须大于零",
        "第4行「来源」：「转账」无效，应为扣划、主动履行或执行和解",
        "第5行「金额」：最多保留两位小数",
    ]
    with pytest.raises(ReceiptFileError) as missing:
        parse_receipts_csv("执行案号,流水号,金额\n")
    assert missing.value.errors == ["第1行：缺少列「到账日期」", "第1行：缺少列「来源」"]
    assert isinstance(missing.value, TransitionRefused)  # pages catch it like any refusal


@pytest.mark.django_db
def test_disburse_pays_out_received_less_fee_and_surplus(
    make_enforcement: Callable[..., Enforcement],
    officer: User,
    agent: User,
) -> None:
    _wait_for_closing()
    e = make_enforcement()
    record_receipts(
        [
            _row(e, "KH001", date(2026, 1, 20), "3000.00"),
            _row(e, "KH002", date(2026, 2, 19), "9000.00"),
        ],
        by=officer,
    )
    # 12,000 received − 74.00 fee − 261.91 returned to the debtor = 11,664.09 (11,600 + 64.09).
    assert disburse([e.pk], by=officer, on=date(2026, 2, 25)) == 1
    payout = Disbursement.objects.get(enforcement=e)
    assert (payout.amount, payout.paid_on) == (D("11664.09"), date(2026, 2, 25))
    e.refresh_from_db()
    assert e.paid_out == D("11664.09")
    assert disburse([e.pk], by=officer, on=date(2026, 2, 26)) == 0  # nothing more is held

    # Money the debtor paid the creditor directly (reported by its agent) is not on the
    # court's account: nothing to pay out of it.
    direct = make_enforcement()
    record_receipts(
        [_row(direct, "ZL001", date(2026, 1, 20), "3000.00", ReceiptSource.VOLUNTARY)], by=agent
    )
    assert disburse([direct.pk], by=officer) == 0
    # Nor is the execution fee taken from it: it stays owed to the court (办法 Art. 38).
    paid = Receipt.objects.get(enforcement=direct, reference="ZL001")
    to_debt = paid.to_costs + paid.to_interest + paid.to_principal + paid.to_other
    assert paid.to_execution_fee == D("0.00") and to_debt == D("3000.00")
    direct.refresh_from_db()
    assert direct.fee_collected == D("0.00")
    with pytest.raises(TransitionRefused):
        disburse([e.pk], by=agent)


@pytest.mark.django_db
def test_receipts_are_set_based(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    """The number of queries does not grow with the number of receipts and cases."""
    few = [make_enforcement() for _ in range(3)]
    many = [make_enforcement() for _ in range(30)]

    def queries(cases: list[Enforcement], prefix: str) -> int:
        rows = [_row(e, f"{prefix}{e.pk}", date(2026, 1, 20), "3000.00") for e in cases]
        with CaptureQueriesContext(connection) as ctx:
            assert record_receipts(rows, by=officer).recorded == len(cases)
        return len(ctx.captured_queries)

    n_many, n_few = queries(many, "M"), queries(few, "F")
    assert n_many == n_few
    for e in Enforcement.objects.filter(pk__in=[x.pk for x in many]):
        assert e.debt_outstanding == D("8674.00")


@pytest.mark.django_db
def test_receipt_documents_are_rendered_after_commit(
    make_enforcement: Callable[..., Enforcement],
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """The 收款收据 are not rendered inside the action: one task is enqueued on commit."""
    from django_tasks_db.models import DBTaskResult

    e = make_enforcement()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        record_receipts([_row(e, "KH001", date(2026, 1, 20), "3000.00")], by=officer)
    assert callbacks
    receipt = Receipt.objects.get(enforcement=e)
    assert receipt.document is None  # nothing rendered inside the transaction
    task = DBTaskResult.objects.get(task_path="jiefen.enforcement.tasks.render_documents_task")
    assert task.args_kwargs["args"][:2] == [[], [receipt.pk]]


@pytest.mark.django_db(transaction=True)
def test_the_same_file_uploaded_twice_at_once_is_recorded_once(
    make_enforcement: Callable[..., Enforcement], officer: User
) -> None:
    """Two uploads of one file racing (two clerks, two workers): the enforcement rows are
    locked, so the second sees the first's receipts and counts them as duplicates."""
    import threading

    cases = [make_enforcement() for _ in range(3)]
    rows = [_row(e, f"KH{e.pk}", date(2026, 1, 20), "3000.00") for e in cases]
    reports: list[Any] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def upload() -> None:
        try:
            barrier.wait()
            reports.append(record_receipts(rows, by=officer))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted((r.recorded, r.duplicates) for r in reports) == [(0, 3), (3, 0)]
    assert Receipt.objects.filter(enforcement__in=cases).count() == 3
    for e in Enforcement.objects.filter(pk__in=[c.pk for c in cases]):
        assert (e.received, e.debt_outstanding) == (D("3000.00"), D("8674.00"))
