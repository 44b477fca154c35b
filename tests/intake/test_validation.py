"""Every rejection kind gets its row, column and Chinese reason; good rows are unaffected."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jiefen.cases.models import Case
from jiefen.intake.generator import BAD_KINDS, generate_rows, render
from jiefen.intake.models import BatchStatus, Policy

pytestmark = pytest.mark.django_db

EXPECTED = {
    "bad_check_digit": ("借款人身份证号码", "身份证号码校验码错误"),
    "negative_amount": ("欠付利息", "金额不能为负数"),
    "sum_mismatch": ("标的总额", "与标的总额"),
    "end_before_start": ("借款到期日", "借款到期日早于借款起始日"),
    "missing_field": ("借款人姓名", "必填项为空"),
    "duplicate_contract": ("合同编号", "合同编号与本批次第2行重复"),
    "bad_date": ("欠款截止日", "日期无法识别"),
    "missing_guarantee_kind": ("保证人1保证方式", "有保证人时必填（连带责任保证/一般保证）"),
    "missing_costs_claim": ("主张诉讼费用由被告承担", "必填项为空"),
    "missing_registration": ("已办理抵押/质押登记", "有担保物时必填"),
}


def _errors(batch: Any) -> dict[int, list[tuple[str, str]]]:
    found: dict[int, list[tuple[str, str]]] = {}
    for e in batch.errors.all():
        found.setdefault(e.row, []).append((e.column, e.reason))
    return found


def test_generated_bad_rows_are_rejected_with_row_column_reason(
    run_import: Callable[..., Any],
) -> None:
    rows, info = generate_rows("financial_loan", 70, bad_fraction=0.2, seed=11)
    assert set(info.bad) == set(BAD_KINDS)
    batch = run_import(render(rows, "financial_loan"))
    assert batch.status == BatchStatus.DONE
    assert (batch.rows_total, batch.rejected, batch.accepted) == (70, 14, 56)
    errors = _errors(batch)
    assert set(errors) == set(info.bad_rows)
    for row, kind in info.bad_rows.items():
        column, reason = EXPECTED[kind]
        assert any(c == column and reason in r for c, r in errors[row]), (kind, errors[row])
    # Accepted rows are exactly the good ones, with their amounts as given.
    accepted = set(Case.objects.filter(batch=batch).values_list("batch_row", flat=True))
    assert accepted == set(range(2, 72)) - set(info.bad_rows)
    first = Case.objects.get(batch=batch, batch_row=2)
    assert first.contract_number == rows[0]["contract_number"]
    assert first.claim_total == Decimal(rows[0]["claim_total"])
    assert (
        first.principal
        + first.interest
        + first.penalty_interest
        + first.compound_interest
        + first.fees
        + first.liquidated_damages
        + first.lawyer_fees
        == first.claim_total
    )


def test_card_batch_bad_kinds(run_import: Callable[..., Any]) -> None:
    rows, info = generate_rows("credit_card", 30, bad_fraction=0.25, seed=5)
    batch = run_import(render(rows, "credit_card"), "credit_card")
    errors = _errors(batch)
    for row, kind in info.bad_rows.items():
        if kind == "end_before_start":
            assert any(c == "逾期起始日" and "晚于欠款截止日" in r for c, r in errors[row])
    assert batch.rejected == len(info.bad_rows)
    assert batch.accepted == 30 - len(info.bad_rows)


@pytest.mark.parametrize(
    ("key", "value", "column", "reason"),
    [
        ("borrower_id", "50010519900101123", "借款人身份证号码", "应为18位"),
        ("borrower_id", "500105199002301234", "借款人身份证号码", "出生日期无效"),
        ("borrower_mobile", "1234567", "借款人手机号码", "11位"),
        ("principal", "12.345", "欠付本金", "金额格式错误"),
        ("principal", "0", "欠付本金", "须大于0"),
        ("annual_rate", "180", "合同年利率(%)", "不超过100"),
        ("e_service_consent", "也许", "同意电子送达", "是"),
        ("repayment_method", "随便还", "还款方式", "取值应为"),
        ("signed_on", "2026-01-01", "合同签订日期", "晚于欠款截止日"),
        ("loan_disbursed", "99999999.00", "实际发放金额", "大于约定借款金额"),
        ("contract_number", "", "合同编号", "必填项为空"),
    ],
)
def test_single_cell_rejections(
    run_import: Callable[..., Any],
    rows: Callable[..., Any],
    key: str,
    value: str,
    column: str,
    reason: str,
) -> None:
    data = rows(n=3, seed=2)
    data[1][key] = value
    batch = run_import(data)
    assert batch.accepted == 2 and batch.rejected == 1
    error = batch.errors.get()
    assert (error.row, error.column) == (3, column)
    assert reason in error.reason


def test_guarantor_same_as_borrower_and_missing_id(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    data = rows(n=2, seed=3)
    data[0].update(guarantor1_name="李四", guarantor1_id=data[0]["borrower_id"])
    data[1].update(guarantor1_name="王五", guarantor1_id="")
    batch = run_import(data)
    reasons = {e.row: e.reason for e in batch.errors.all()}
    assert reasons == {2: "保证人与借款人为同一人", 3: "填写了保证人但缺少身份证号码"}


def test_reject_all_policy_imports_nothing(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    data = rows(n=5, seed=4)
    data[3]["principal"] = "-1"
    batch = run_import(data, policy=Policy.REJECT_ALL)
    assert batch.status == BatchStatus.REJECTED
    assert batch.accepted == 0 and batch.rejected == 1
    assert Case.objects.count() == 0
    assert "整批退回" in batch.message


def test_gbk_csv_is_read(run_import: Callable[..., Any], rows: Callable[..., Any]) -> None:
    data = rows("credit_card", n=4, seed=6)
    batch = run_import(render(data, "credit_card", encoding="gbk"), "credit_card")
    assert batch.accepted == 4
    case = Case.objects.get(batch=batch, batch_row=2)
    party = case.case_parties.get().party
    assert party.name == data[0]["borrower_name"]
    assert case.elements["card"]["holder"] == data[0]["borrower_name"]


def test_xlsx_is_read(run_import: Callable[..., Any], rows: Callable[..., Any]) -> None:
    data = rows(n=5, seed=7)
    data[2]["cut_off_date"] = "2025/13/01"
    batch = run_import(data, name="batch.xlsx")
    assert (batch.accepted, batch.rejected) == (4, 1)
    assert batch.errors.get().row == 4


def test_dates_in_chinese_and_compact_forms(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    data = rows(n=2, seed=8)
    data[0]["cut_off_date"] = "2025年6月30日"
    data[1]["cut_off_date"] = "20250630"
    batch = run_import(data)
    assert batch.accepted == 2
    assert {str(d) for d in Case.objects.values_list("cut_off_date", flat=True)} == {"2025-06-30"}
