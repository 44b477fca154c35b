"""A series through enforcement in Chromium.

The bank submits the applications the platform prepared (one is past the two-year window and is
refused with its reason); the officer inquires every debtor's assets online, reads the answers
per debtor (a same-name stranger's account struck through, never acted on), freezes and deducts
the deposits in bulk, and reads the money table; the bank then sees what it recovered.

Debt of each case (hand-worked): principal 57,500.00 + interest 2,000.00 + costs 500.00 =
60,000.00; execution fee 60,000 × 1.5% − 100 = 800.00. 张三's deposit of 30,000.00 is frozen
and deducted whole: fee 800.00, costs 500.00, interest 2,000.00, principal 26,700.00.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from enforcement.factories import FILED_ON, enforceable_case, officers, open_enforcement
from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import Case
from jiefen.enforcement.models import (
    Asset,
    Enforcement,
    EnforcementState,
    Receipt,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/enf_pages")
DEBT = {"principal": "57500.00", "interest": "2000.00", "fee_defendants": "500.00"}
ZHANG, LI, WANG, STRANGER = (
    "500105199001011234",
    "500105198502021235",
    "500105197803031236",
    "500105199912121237",
)


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """Documents render inside the request (no separate worker in this test)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _row(page: Any, number: str) -> Any:
    return page.locator(f"#enforcements tr[data-number='{number}']")


def _case(court: Organisation, bank: Organisation, name: str, id_number: str, **kw: Any) -> Case:
    person = {"name": name, "id_number": id_number}
    return enforceable_case(court, bank, officer_count=1, debtor_kwargs=person, **DEBT, **kw)


def test_a_series_goes_through_enforcement(
    login_page: Any,
    live_server: Any,
    registry: Any,
    immediate_tasks: None,
    court: Organisation,
    bank: Organisation,
    agent: User,
) -> None:
    from jiefen.enforcement.actions import prepare_applications

    today = timezone.localdate()
    (officer,) = officers(court, 1, names=["周执行"])
    zhang = _case(court, bank, "张三", ZHANG)
    li = _case(court, bank, "李四", LI)
    late = _case(
        court, bank, "赵六", "500105196004041238", performance_ends=today - timedelta(days=800)
    )
    # 王五's case was filed in March: its execution notice's period has run.
    wang = open_enforcement(_case(court, bank, "王五", WANG), agent, on=FILED_ON)
    prepare_applications(today=today)
    registry.add_holders(
        [
            {
                "id_number": ZHANG,
                "name": "张三",
                "assets": [
                    {
                        "kind": "deposit",
                        "registry": "长江银行",
                        "identifier": "6222020000001111",
                        "description": "活期存款",
                        "value": "30000.00",
                    }
                ],
            },
            {
                "id_number": STRANGER,
                "name": "张三",
                "assets": [
                    {
                        "kind": "deposit",
                        "registry": "巴渝银行",
                        "identifier": "6228480000002222",
                        "description": "活期存款",
                        "value": "88000.00",
                    }
                ],
            },
            {
                "id_number": LI,
                "name": "李四",
                "assets": [
                    {
                        "kind": "deposit",
                        "registry": "长江银行",
                        "identifier": "6222020000003333",
                        "description": "定期存款",
                        "value": "100000.00",
                    },
                    {
                        "kind": "vehicle",
                        "registry": "重庆市公安局交通管理局",
                        "identifier": "渝A12345",
                        "description": "小型轿车",
                        "value": "80000.00",
                    },
                ],
            },
        ]
    )

    # --- the bank submits the prepared applications ---
    bank_page = login_page(agent.username)
    bank_page.goto(f"{live_server.url}/enforcement/recoveries/")
    assert bank_page.locator("#applications tbody tr").count() == 3
    assert "已超过" in bank_page.locator(f"tr[data-case='{late.case_number}']").inner_text()
    _shot(bank_page, "recoveries_prepared")
    bank_page.check("#select-all-applications")
    bank_page.click("#submit-applications")
    bank_page.wait_for_load_state("networkidle")
    assert "提交执行申请：已处理 2 件" in bank_page.content()
    refusal = bank_page.locator("#refusals").inner_text()
    assert late.case_number in refusal and "已超过申请执行期限" in refusal
    numbers = {e.case_id: e.number for e in Enforcement.objects.filter(case__in=[zhang, li])}
    assert len(numbers) == 2

    # --- the officer inquires, freezes and deducts ---
    page = login_page(officer.username)
    page.goto(f"{live_server.url}/enforcement/")
    assert page.locator("#enforcement-series tbody tr").count() == 1
    _shot(page, "desk")
    page.click(f"a[href='/enforcement/series/{zhang.series_id}/']")
    page.wait_for_load_state("networkidle")
    assert page.locator("#enforcements tbody tr").count() == 3
    assert "未查控" in _row(page, numbers[zhang.pk]).inner_text()

    page.check("#select-all")
    page.click("#act-inquire")
    page.wait_for_load_state("networkidle")
    assert "发起网络查控：已处理 3 件" in page.content()
    page.click("#act-collect")
    page.wait_for_load_state("networkidle")
    zhang_row = _row(page, numbers[zhang.pk])
    assets = zhang_row.locator("td[data-label='财产']")
    assert "长江银行" in assets.locator("label.matched").inner_text()
    assert "30,000.00" in assets.locator("label.matched").inner_text()
    stranger = assets.locator(".unmatched")
    assert stranger.locator("del").count() == 1 and "巴渝银行" in stranger.inner_text()
    assert "证件号码不一致" in stranger.inner_text()
    assert STRANGER not in page.content() and ZHANG not in page.content()
    assert zhang_row.locator(".inquiry").inner_text().startswith("已反馈")
    assert "未查询到财产" in _row(page, wang.number).locator("td[data-label='财产']").inner_text()
    li_assets = _row(page, numbers[li.pk]).locator("td[data-label='财产']")
    assert li_assets.locator("input[data-kind=vehicle]").count() == 1
    _shot(page, "series_answers")

    page.check("#select-all")
    page.click("#act-freeze")
    page.wait_for_load_state("networkidle")
    assert "冻结选中存款：已处理 2 项" in page.content()
    assert "已冻结 30,000.00" in _row(page, numbers[zhang.pk]).inner_text()
    assert "冻结" in _row(page, numbers[li.pk]).locator(".measures").inner_text()
    assert Asset.objects.get(registry="巴渝银行").frozen == Decimal("0.00")

    # The frozen deposit covers 李四's debt: seizing the car too would exceed it.
    _row(page, numbers[li.pk]).locator("input[data-kind=vehicle]").check()
    page.click("#act-seize")
    page.wait_for_load_state("networkidle")
    assert "查封车辆/不动产：已处理 0 项，1 项未处理" in page.content()
    refused = page.locator("#refusals").inner_text()
    assert "机动车" in refused and "不得超标的查封" in refused

    page.check("#select-all")
    page.click("#act-deduct")
    page.wait_for_load_state("networkidle")
    assert "扣划已冻结存款：已处理 2 项" in page.content()
    assert "已扣划 30,000.00" in _row(page, numbers[zhang.pk]).inner_text()
    assert _row(page, numbers[li.pk]).get_attribute("data-state") == EnforcementState.PERFORMED
    assert "30,000.00" in _row(page, numbers[zhang.pk]).locator(".received").inner_text()

    # Consumption restriction: the cases filed today are refused, each named with the reason.
    page.check("#select-all")
    page.click("#act-restrict")
    page.wait_for_load_state("networkidle")
    assert "限制高消费：已处理 1 件" in page.content()
    refused = page.locator("#refusals").inner_text()
    assert numbers[zhang.pk] in refused and "执行通知书" in refused
    assert "限制消费" in _row(page, wang.number).locator(".measures").inner_text()

    # 王五 has nothing: listed for breaking the reporting duty, then the round terminated.
    _row(page, wang.number).locator("input[name=enforcement]").check()
    page.select_option("#ground", "breaks_reporting")
    page.click("#act-list")
    page.wait_for_load_state("networkidle")
    assert "纳入失信名单：已处理 1 件" in page.content()
    listed = _row(page, wang.number).locator(".measures").inner_text()
    assert "失信（王五）：违反财产报告制度，至" in listed
    page.on("dialog", lambda dialog: dialog.accept())
    _row(page, wang.number).locator("input[name=enforcement]").check()
    page.click("#act-terminate")
    page.wait_for_load_state("networkidle")
    assert "终结本次执行：已处理 0 件，1 件未处理" in page.content()
    assert wang.number in page.locator("#refusals").inner_text()
    _row(page, wang.number).locator("input[name=enforcement]").check()
    page.check("#creditor-heard")
    page.click("#act-terminate")
    page.wait_for_load_state("networkidle")
    assert "终结本次执行：已处理 1 件" in page.content()
    terminated = EnforcementState.TERMINATED_FOR_NOW
    assert _row(page, wang.number).get_attribute("data-state") == terminated
    _shot(page, "series_after_measures")

    # --- the money table of 张三's case ---
    page.click(f"a:has-text('{numbers[zhang.pk]}')")
    page.wait_for_load_state("networkidle")
    receipt = Receipt.objects.get(enforcement__case=zhang)
    row = page.locator(f"#receipts tr[data-reference='{receipt.reference}']")
    cells = [
        row.locator(f"td[data-label='{k}']").inner_text()
        for k in (
            "金额",
            "执行费",
            "实现债权费用",
            "一般利息",
            "本金",
            "其他",
            "迟延履行利息",
            "退还",
        )
    ]
    assert cells == [
        "30,000.00",
        "800.00",
        "500.00",
        "2,000.00",
        "26,700.00",
        "0.00",
        "0.00",
        "0.00",
    ]
    assert page.locator("#received").inner_text() == "30,000.00"
    assert page.locator("#held").inner_text() == "29,200.00"
    kinds = page.locator("#measures tr[data-kind]").evaluate_all(
        "rows => rows.map(r => r.dataset.kind)"
    )
    assert {"execution_notice", "report_order", "freeze", "deduct"} <= set(kinds)
    _shot(page, "case")
    page.click("#disburse")
    page.wait_for_load_state("networkidle")
    assert "累计发还 29,200.00 元" in page.content()
    assert page.locator("#paid-out").inner_text() == "29,200.00"

    # --- the bank sees its recoveries ---
    bank_page.goto(f"{live_server.url}/enforcement/recoveries/")
    series_row = bank_page.locator(f"#recovery-series tr[data-series='{zhang.series_id}']")
    assert series_row.locator("td[data-label='执行案件数']").inner_text() == "3"
    assert series_row.locator("td[data-label='申请执行标的']").inner_text() == "180,000.00"
    recovered = Decimal(series_row.locator(".recovered").inner_text().replace(",", ""))
    # 张三's 29,200.00 and 李四's whole debt of 60,000.00 (plus delay interest) at least.
    assert recovered >= Decimal("89200.00")
    assert series_row.locator("td[data-label='失信']").inner_text() == "1"
    assert series_row.locator("td[data-label='终本']").inner_text() == "1"
    assert series_row.locator("td[data-label='执行完毕']").inner_text() == "1"
    assert bank_page.locator("#no-applications").count() == 1
    _shot(bank_page, "recoveries")
    bank_page.goto(f"{live_server.url}/cases/{zhang.pk}/")
    assert numbers[zhang.pk] in bank_page.locator("#case-enforcements").inner_text()
    _shot(bank_page, "case_panel")

    # On a phone the series' table becomes one card per case with its labels.
    phone = login_page(officer.username, viewport={"width": 390, "height": 844})
    phone.goto(f"{live_server.url}/enforcement/series/{zhang.series_id}/")
    cell = phone.locator(f"#enforcements tr[data-number='{wang.number}'] td[data-label='状态']")
    assert cell.is_visible() and "终结本次执行程序" in cell.inner_text()
    _shot(phone, "series_phone")
