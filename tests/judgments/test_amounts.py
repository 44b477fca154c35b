"""Judgment amounts against hand-computed cases, through the whole path.

A heard case with its findings → `jiefen.judgments.rules.show(case)` (what `judgment_show` and
the bank API print) and the drafted judgment's stored computation. Every expected figure is
worked out by hand in the comments from the case's facts (the fixtures in conftest.py: cut-off
2025-06-30; loans overdue since 2024-12-31 at 6% × 1.5; cards overdue since 2025-01-05 at
0.05% a day; the court's default policies: 24% cap, fee exact → halved → rounded half up to
the yuan).

Acceptance fee (诉讼费用交纳办法 Art. 13(一)): 50 yuan up to 10,000, then 2.5% to 100,000;
summary procedure halves it (Art. 16).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO
from typing import Any

from django.core.management import call_command

from jiefen.accounts.models import InstitutionKind, Organisation, User
from jiefen.cases.models import Case, CaseType, Procedure
from jiefen.cases.states import State
from jiefen.judgments.actions.drafting import draft
from jiefen.judgments.models import Judgment
from jiefen.judgments.rules import compute, show


def _drafted(case: Case, judge: User) -> dict[str, Any]:
    result = draft([case.pk], by=judge)
    assert result.not_ready == {}
    return Judgment.objects.get(case=case).computation


def test_default_credit_card_case_fully_supported(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(name="张三", case_type=CaseType.CREDIT_CARD, default=True)
    # Claimed: 透支本金 45,000.00 + 利息 1,234.56 = 46,234.56.
    # Cap: 45,000 × 24% × 176 days (2025-01-05 → 2025-06-30) ÷ 360 = 5,280.00 ≥ 1,234.56.
    # Fee: 50 + (46,234.56 − 10,000) × 2.5% = 955.864; halved 477.932 → 478; nothing
    # rejected, so the defendant bears all 478.
    obj = show(case)
    assert obj["case_number"] == case.case_number
    assert obj["state"] == State.HEARD
    assert obj["claimed"]["principal"] == 45000.0
    assert obj["awarded"] == obj["claimed"]
    assert obj["claimed_total"] == obj["awarded_total"] == 46234.56
    assert obj["cap"] == {
        "annual_percent": 24.0,
        "reduced": False,
        "reason": "原告主张的利息合计未超过年利率24%，本院予以支持",
    }
    assert (obj["acceptance_fee"], obj["fee_plaintiff"], obj["fee_defendants"]) == (478, 0, 478)
    assert obj["performance_days"] == 10
    assert obj["guarantors"] == []

    computed = compute(case)
    assert computed.orders == (
        "被告张三于本判决生效之日起十日内偿还原告长江银行股份有限公司重庆分行"
        "透支本金45,000.00元、利息1,234.56元，合计46,234.56元",
    )
    assert computed.fee_text == "案件受理费956.00元，减半收取478.00元，由被告张三负担478.00元"
    assert not computed.rejected_any

    drafted = _drafted(case, judge)
    assert drafted == obj
    assert Judgment.objects.get(case=case).default is True


def test_loan_with_a_cap_reduction(make_heard_case: Callable[..., Case], judge: User) -> None:
    case = make_heard_case(
        name="李四",
        amounts={
            "interest": "2000.00",
            "penalty_interest": "3000.00",
            "compound_interest": "600.00",
            "fees": "500.00",
        },
    )
    # Interest-like claimed: 2,000 + 3,000 + 600 + 500 = 6,100.00.
    # Allowed at 24%: 45,000 × 24% × 181 days (2024-12-31 → 2025-06-30) ÷ 360
    #   = 10,800 × 181 ÷ 360 = 5,430.00; excess 6,100 − 5,430 = 670.00.
    # Cut in priority order from the last: fees 500 → 0, then compound 170 → 430.00.
    # Awarded: 45,000 + 2,000 + 3,000 + 430 = 50,430.00 of 51,100.00 claimed.
    # Fee: 50 + 41,100 × 2.5% = 1,077.50; halved 538.75 → 539;
    #   plaintiff 539 × 670 ÷ 51,100 = 7.0671 → 7.07; defendants 539 − 7.07 = 531.93.
    obj = show(case)
    assert obj["claimed_total"] == 51100.0
    assert obj["awarded"] == {
        "principal": 45000.0,
        "interest": 2000.0,
        "penalty_interest": 3000.0,
        "compound_interest": 430.0,
        "fees": 0.0,
        "liquidated_damages": 0.0,
        "lawyer_fees": 0.0,
    }
    assert obj["awarded_total"] == 50430.0
    assert obj["cap"]["reduced"] is True
    assert obj["cap"]["annual_percent"] == 24.0
    assert obj["cap"]["reason"] == (
        "原告主张的利息、罚息、复利、费用合计6,100.00元，超过以本金45,000.00元为基数"
        "按年利率24%自2024年12月31日至2025年6月30日计算的上限5,430.00元，"
        "超出部分670.00元本院不予支持（《最高人民法院关于进一步加强金融审判工作的若干意见》第二条）"
    )
    assert (obj["acceptance_fee"], obj["fee_plaintiff"], obj["fee_defendants"]) == (
        539,
        7.07,
        531.93,
    )

    computed = compute(case)
    assert computed.cap_reductions["fees"] == 500
    assert computed.cap_reductions["compound_interest"] == 170
    assert computed.cap_reductions["interest"] == computed.cap_reductions["penalty_interest"] == 0
    # Continuing penalty interest at 6% × 1.5 = 9% (below the cap) on the principal found.
    assert computed.continuing is not None
    assert computed.continuing.text == (
        "以45,000.00元为基数，按年利率9%计算，自2025年7月1日起至实际清偿之日止"
    )
    assert computed.orders[-1] == "驳回原告长江银行股份有限公司重庆分行的其他诉讼请求"

    judgment = Judgment.objects.get(pk=draft([case.pk], by=judge).drafted[0])
    assert judgment.reduced_for_cap is True
    assert str(judgment.awarded_total) == "50430.00"
    assert judgment.computation["cap"] == obj["cap"]


def test_partial_rejection_splits_the_fee_to_the_fen(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(
        name="王五",
        amounts={"lawyer_fees": "3000.00"},
        disputed={
            "principal": {
                "reason": "已偿还本金5,000元",
                "text": "被告已偿还本金5,000元，本院认定欠付本金40,000.00元",
                "amounts": {"principal": "40000.00"},
            },
            "enforcement_costs": {
                "reason": "律师费未实际支付",
                "text": "原告未举证证明律师费已实际支付",
                "amounts": {"lawyer_fees_allowed": "false"},
            },
        },
    )
    # Claimed: 45,000 + 1,234.56 + 3,000 = 49,234.56.
    # Found: principal 40,000.00; lawyer's fees not allowed; interest 1,234.56 (under the cap
    #   40,000 × 24% × 181 ÷ 360 = 4,826.67). Awarded 41,234.56; rejected 8,000.00.
    # Fee: 50 + 39,234.56 × 2.5% = 1,030.864; halved 515.432 → 515;
    #   plaintiff 515 × 8,000 ÷ 49,234.56 = 83.6811 → 83.68; defendants 515 − 83.68 = 431.32.
    obj = show(case)
    assert obj["claimed_total"] == 49234.56
    assert obj["awarded"]["principal"] == 40000.0
    assert obj["awarded"]["lawyer_fees"] == 0.0
    assert obj["awarded_total"] == 41234.56
    assert obj["cap"]["reduced"] is False
    assert obj["acceptance_fee"] == 515
    assert obj["fee_plaintiff"] == 83.68
    assert obj["fee_defendants"] == 431.32

    computed = compute(case)
    assert computed.fee_plaintiff + computed.fee_defendants == computed.acceptance_fee
    assert computed.rejected_any
    assert computed.fee_text == (
        "案件受理费1,031.00元，减半收取515.00元，由原告长江银行股份有限公司重庆分行负担83.68元，"
        "被告王五负担431.32元"
    )
    assert computed.orders[-1] == "驳回原告长江银行股份有限公司重庆分行的其他诉讼请求"
    assert not any("律师费" in order for order in computed.orders)
    assert _drafted(case, judge)["fee_plaintiff"] == 83.68


def test_general_guarantee_order_never_says_joint(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(name="赵六", guarantors=[{"name": "钱七", "kind": "general"}])
    computed = compute(case)
    # Orders: 1 the debt, 2 the continuing penalty interest, 3 the guarantor.
    assert len(computed.orders) == 3
    assert computed.orders[2] == (
        "被告钱七对被告赵六上述第一、二项债务经依法强制执行后仍不能履行的部分承担清偿责任；"
        "被告钱七承担保证责任后，有权向被告赵六追偿"
    )
    assert not any("连带" in order for order in computed.orders)
    obj = show(case)
    assert obj["guarantors"] == [{"name": "钱七", "liability": "general", "limit": None}]
    # The guarantor shares the defendants' fee (fully supported: all of 478).
    assert computed.fee_text.endswith("由被告赵六、钱七负担478.00元")
    assert _drafted(case, judge)["guarantors"] == obj["guarantors"]


def test_judgment_show_json_prints_the_same_object(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(
        name="孙八",
        amounts={"interest": "2000.00", "penalty_interest": "3000.00", "fees": "1500.00"},
    )

    def printed() -> dict[str, Any]:
        out = StringIO()
        call_command("judgment_show", case.case_number, "--json", stdout=out)
        return json.loads(out.getvalue())

    before = printed()
    assert before == show(case)
    assert before["cap"]["reduced"] is True
    draft([case.pk], by=judge)
    assert printed() == show(case) == Judgment.objects.get(case=case).computation


def test_ordinary_procedure_is_not_halved(make_heard_case: Callable[..., Case]) -> None:
    case = make_heard_case(name="周九", procedure=Procedure.ORDINARY)
    # 955.864 → 956 (not halved, 办法 Art. 13 only); all borne by the defendant.
    obj = show(case)
    assert (obj["acceptance_fee"], obj["fee_plaintiff"], obj["fee_defendants"]) == (956, 0, 956)
    assert compute(case).fee_text == "案件受理费956.00元，由被告周九负担956.00元"


def test_a_private_lenders_loan_is_capped_at_four_times_the_lpr(
    make_heard_case: Callable[..., Case], claimant: Organisation
) -> None:
    """A claimant without a lending licence lends privately (民间借贷规定 Art. 1): the cap is
    4 × the one-year LPR when the contract was formed (Art. 25; Art. 29 for the claims together),
    not the 24% of licensed lenders."""
    claimant.institution_kind = InstitutionKind.OTHER
    claimant.save(update_fields=["institution_kind"])
    case = make_heard_case(
        name="王五",
        amounts={
            "interest": "2000.00",
            "penalty_interest": "3000.00",
            "compound_interest": "600.00",
            "fees": "500.00",
        },
    )
    # Contract of 2023-03-15: one-year LPR 3.65% (in force 2022-08-22 → 2023-06-19) → cap 14.6%.
    # Allowed: 45,000 × 14.6% × 181 days (2024-12-31 → 2025-06-30) ÷ 360 = 3,303.25;
    # claimed 6,100.00, excess 2,796.75; awarded 45,000 + 3,303.25 = 48,303.25.
    obj = show(case)
    assert obj["cap"]["annual_percent"] == 14.6
    assert obj["cap"]["reduced"] is True
    assert obj["awarded_total"] == 48303.25
    assert obj["cap"]["reason"].endswith(
        "（《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第二十九条）"
    )
