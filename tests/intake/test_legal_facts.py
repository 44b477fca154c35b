"""The legal facts the complaint rests on are the bank's, never assumed: a missing or bad one
rejects the row with its row number, column and reason; given ones are stored on the case."""

from collections.abc import Callable
from typing import Any

import pytest

from jiefen.cases.models import Case
from jiefen.intake.generator import render

pytestmark = pytest.mark.django_db

PASSWORD = "test-pass-123"  # tests/conftest.py

FACT_KEYS = (
    "guarantor1_name",
    "guarantor1_id",
    "guarantor1_mobile",
    "guarantor1_address",
    "guarantor1_kind",
    "guarantor1_limit",
    "guarantor2_name",
    "guarantor2_id",
    "guarantor2_mobile",
    "guarantor2_address",
    "guarantor2_kind",
    "guarantor2_limit",
    "guarantee_signed_on",
    "collateral",
    "collateral_kind",
    "collateral_signed_on",
    "collateral_maximum",
    "collateral_registered",
    "collateral_registration_number",
    "collateral_registered_on",
)
GUARANTOR = {"guarantor1_name": "李四", "guarantor1_id": "500105198803150013"}
HOUSE = {"collateral": "渝(2021)江北区不动产权第000123号房屋", "collateral_kind": "不动产抵押"}


def _plain(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    """Rows with no guarantor and no collateral, costs claimed."""
    for row in rows:
        for key in FACT_KEYS:
            row.pop(key, None)
        row["claims_costs"] = "是"
    return rows


@pytest.mark.parametrize(
    ("cells", "column", "reason"),
    [
        (GUARANTOR, "保证人1保证方式", "有保证人时必填（连带责任保证/一般保证）"),
        (
            {**GUARANTOR, "guarantor1_kind": "连带"},
            "保证人1保证方式",
            "取值应为：连带责任保证、一般保证",
        ),
        (
            {**GUARANTOR, "guarantor1_kind": "一般保证", "guarantor1_limit": "0"},
            "保证人1保证限额",
            "金额须大于0",
        ),
        (
            {**GUARANTOR, "guarantor1_kind": "一般保证", "guarantor1_limit": "五万"},
            "保证人1保证限额",
            "金额格式错误",
        ),
        ({"guarantor2_kind": "连带责任保证"}, "保证人2保证方式", "未填写保证人，不应填写此项"),
        (
            {"guarantor1_address": "重庆市江北区建新北路12号3-1"},
            "保证人1住址",
            "未填写保证人，不应填写此项",
        ),
        (
            {**GUARANTOR, "guarantor1_kind": "一般保证", "guarantor1_address": "重" * 201},
            "保证人1住址",
            "内容过长",
        ),
        ({"claims_costs": ""}, "主张诉讼费用由被告承担", "必填项为空"),
        ({"claims_costs": "看情况"}, "主张诉讼费用由被告承担", "应填“是”或“否”"),
        (
            {
                **HOUSE,
                "collateral_kind": "",
                "collateral_registered": "是",
                "collateral_registration_number": "渝(2021)江北区不动产证明第000456号",
            },
            "担保物类型",
            "有担保物时必填",
        ),
        (
            {**HOUSE, "collateral_kind": "房子", "collateral_registered": "否"},
            "担保物类型",
            "取值应为",
        ),
        (HOUSE, "已办理抵押/质押登记", "有担保物时必填，应填“是”或“否”"),
        (
            {**HOUSE, "collateral_registered": "是"},
            "抵押/质押登记证明号",
            "已办理登记时必填登记证明号",
        ),
        (
            {**HOUSE, "collateral_registered": "否", "collateral_registration_number": "X-1"},
            "抵押/质押登记证明号",
            "未办理登记，不应填写此项",
        ),
        (
            {"collateral_registered": "是"},
            "已办理抵押/质押登记",
            "未填写抵押物/质押物，不应填写此项",
        ),
    ],
)
def test_missing_or_bad_fact_rejects_the_row(
    run_import: Callable[..., Any],
    rows: Callable[..., Any],
    cells: dict[str, str],
    column: str,
    reason: str,
) -> None:
    data = _plain(rows(n=3, seed=2))
    data[1].update(cells)
    batch = run_import(data)
    assert (batch.accepted, batch.rejected) == (2, 1)
    error = batch.errors.get()
    assert (error.row, error.column) == (3, column)
    assert reason in error.reason
    assert not Case.objects.filter(batch=batch, batch_row=3).exists()


def test_card_batch_needs_no_guarantee_or_collateral_columns(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    data = _plain(rows("credit_card", n=2, seed=9))
    data[1]["claims_costs"] = "否"
    batch = run_import(render(data, "credit_card"), "credit_card")
    assert (batch.accepted, batch.rejected) == (2, 0)
    costs = dict(Case.objects.values_list("batch_row", "elements__claims_costs"))
    assert costs == {2: True, 3: False}


def test_facts_as_given_are_stored_on_the_case(
    run_import: Callable[..., Any], rows: Callable[..., Any]
) -> None:
    data = _plain(rows(n=1, seed=12))
    data[0].update(
        {
            **GUARANTOR,
            "guarantor1_kind": "连带责任保证",
            "guarantor1_limit": "50000",
            "guarantor2_name": "王五",
            "guarantor2_id": "50010519900101003X",
            "guarantor2_kind": "一般保证",
            "claims_costs": "否",
            **HOUSE,
            "collateral_registered": "否",
        }
    )
    batch = run_import(data)
    assert batch.rejected == 0, list(batch.errors.values_list("column", "reason"))
    elements = Case.objects.get(batch=batch).elements
    assert [(g["name"], g["kind"], g["limit"]) for g in elements["guarantees"]] == [
        ("李四", "joint", "50000.00"),
        ("王五", "general", ""),
    ]
    assert elements["claims_costs"] is False
    collateral = elements["collateral"]
    assert (collateral["kind"], collateral["registered"], collateral["registration_number"]) == (
        "real_estate_mortgage",
        False,
        "",
    )


@pytest.mark.parametrize("case_type", ["financial_loan", "credit_card"])
def test_template_carries_the_legal_fact_columns(client: Any, agent: Any, case_type: str) -> None:
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    client.login(username=agent.username, password=PASSWORD)
    book = load_workbook(
        io.BytesIO(client.get(reverse("intake:template", args=[case_type])).content)
    )
    headers = [c.value for c in book["批次"][1]]
    for header in (
        "主张诉讼费用由被告承担",
        "保证人1保证方式",
        "保证人1保证限额",
        "保证人1住址",
        "保证人2保证限额",
        "保证人2住址",
        "担保物类型",
        "已办理抵押/质押登记",
        "抵押/质押登记证明号",
    ):
        assert header in headers
    guide = {row[0].value: row for row in book["填写说明"].iter_rows(min_row=2)}
    assert guide["主张诉讼费用由被告承担"][1].value == "是"
    assert "有保证人时必填" in guide["保证人1保证方式"][3].value
    assert "用于邮寄送达" in guide["保证人1住址"][3].value
    assert "不动产抵押、动产抵押、质押" in guide["担保物类型"][3].value
