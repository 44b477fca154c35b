"""Judgment amounts against hand-computed cases (the arithmetic is in the comments)."""

from datetime import date
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiefen.law import annual_cap_percent
from jiefen.law.fees import FeePolicy
from jiefen.law.judgment import (
    COMPONENTS,
    Collateral,
    Guarantee,
    JudgmentInput,
    compute_judgment,
)

POLICY = FeePolicy()
AS_OF = date(2025, 7, 15)
LOAN_CLAIM = {
    "principal": D("50000"),
    "interest": D("3000"),
    "penalty_interest": D("9000"),
    "compound_interest": D("500"),
}


def loan(**kw: object) -> JudgmentInput:
    base: dict[str, object] = {
        "case_type": "financial_loan",
        "claimed": LOAN_CLAIM,
        "found": {},
        "cut_off_date": date(2025, 1, 1),
        "interest_from": date(2024, 1, 1),
        "contract_signed_on": date(2023, 9, 15),
        "debtors": ("张三",),
        "claimant": "某银行",
    }
    base.update(kw)
    return JudgmentInput(**base)  # type: ignore[arg-type]


def test_default_credit_card_judgment_fully_supported() -> None:
    # 180 days (2025-01-01 → 2025-06-30); cap 20,000 × 24% × 180 / 360 = 2,400.00;
    # interest-like 1,500 + 300 + 200 = 2,000 < 2,400 → nothing cut.
    # Fee base 22,000: 50 + 12,000 × 2.5% = 350, summary → 175, all on the defendant.
    inp = JudgmentInput(
        case_type="credit_card",
        claimed={
            "principal": D("20000"),
            "interest": D("1500"),
            "liquidated_damages": D("300"),
            "fees": D("200"),
        },
        found={},
        cut_off_date=date(2025, 6, 30),
        interest_from=date(2025, 1, 1),
        contract_signed_on=date(2022, 3, 1),
        debtors=("王五",),
        claimant="某银行",
    )
    r = compute_judgment(inp, cap=D("24"), fee_policy=POLICY, as_of=AS_OF)
    assert r.awarded_total == r.claimed_total == D("22000.00")
    assert not r.cap_reduced and not r.rejected_any
    assert r.cap_reason == "原告主张的利息、违约金、费用合计未超过年利率24%，本院予以支持"
    assert (r.acceptance_fee, r.fee_plaintiff, r.fee_defendants) == (D("175"), D("0"), D("175"))
    assert r.orders == (
        "被告王五于本判决生效之日起十日内偿还原告某银行透支本金20,000.00元、利息1,500.00元、"
        "违约金300.00元、费用200.00元，合计22,000.00元",
    )
    assert r.as_json()["awarded_total"] == 22000.0


def test_loan_cap_reduction_at_24_percent() -> None:
    # 2024 is a leap year: 366 days; cap 50,000 × 24% × 366 / 360 = 12,200.00.
    # Claimed 3,000 + 9,000 + 500 = 12,500 → excess 300, cut from compound (last): 500 → 200.
    r = compute_judgment(loan(), cap=D("24"), fee_policy=POLICY, as_of=AS_OF)
    assert r.awarded["compound_interest"] == D("200.00")
    assert r.awarded["penalty_interest"] == D("9000.00")
    assert r.cap_reductions["compound_interest"] == D("300.00")
    assert r.cap_reduced and r.rejected_any
    assert "上限12,200.00元，超出部分300.00元本院不予支持" in r.cap_reason
    assert "金融审判工作的若干意见》第二条" in r.cap_reason
    assert r.orders[-1] == "驳回原告某银行的其他诉讼请求"


def test_loan_cap_under_four_times_lpr() -> None:
    # Contract 2023-09-15: one-year LPR 3.45% → cap 13.80%.
    # 50,000 × 13.8% × 366 / 360 = 7,015.00; excess 12,500 − 7,015 = 5,485:
    # compound 500 → 0 (4,985 left), penalty 9,000 → 4,015.00, interest kept.
    cap = annual_cap_percent("bank", date(2023, 9, 15), court_policy="4lpr")
    r = compute_judgment(loan(), cap=cap, fee_policy=POLICY, as_of=AS_OF)
    assert r.cap_annual_percent == D("13.80")
    assert r.awarded["compound_interest"] == D("0.00")
    assert r.awarded["penalty_interest"] == D("4015.00")
    assert r.awarded["interest"] == D("3000.00")
    assert "年利率13.8%" in r.cap_reason and "上限7,015.00元" in r.cap_reason


def test_partial_rejection_splits_fee_in_proportion() -> None:
    # Claimed 30,000 + 2,000 + 1,000 lawyer = 33,000; found principal 28,000, lawyer refused:
    # awarded 30,000, rejected 3,000. Ordinary: fee 50 + 23,000 × 2.5% = 625.
    # Claimant 625 × 3,000 / 33,000 = 56.818… → 56.82; defendants 625 − 56.82 = 568.18.
    inp = loan(
        claimed={"principal": D("30000"), "interest": D("2000"), "lawyer_fees": D("1000")},
        found={"principal": D("28000")},
        procedure="ordinary",
    )
    r = compute_judgment(inp, cap=None, fee_policy=POLICY, as_of=AS_OF)
    assert r.awarded["lawyer_fees"] == D("0.00") and r.awarded_total == D("30000.00")
    assert (r.fee_plaintiff, r.fee_defendants) == (D("56.82"), D("568.18"))
    assert r.fee_plaintiff + r.fee_defendants == r.acceptance_fee == D("625")
    assert r.rejected_any


@pytest.mark.parametrize(
    ("procedure", "outcome", "fee", "plaintiff"),
    [
        # 100,000: 50 + 90,000 × 2.5% = 2,300; one halving → 1,150, never 575.
        ("ordinary", "judgment", D("2300"), D("0")),
        ("summary", "judgment", D("1150"), D("0")),
        ("summary", "mediation", D("1150"), D("0")),
        ("ordinary", "withdrawal", D("1150"), D("1150")),
    ],
)
def test_fee_halved_once(procedure: str, outcome: str, fee: D, plaintiff: D) -> None:
    inp = loan(claimed={"principal": D("100000")}, procedure=procedure, outcome=outcome)
    r = compute_judgment(inp, cap=None, fee_policy=POLICY, as_of=AS_OF)
    assert r.acceptance_fee == fee and r.fee_plaintiff == plaintiff
    assert r.fee_plaintiff + r.fee_defendants == fee


def test_withdrawal_orders_nothing_but_permission() -> None:
    r = compute_judgment(loan(outcome="withdrawal"), cap=D("24"), fee_policy=POLICY, as_of=AS_OF)
    assert r.orders == ("准许原告某银行撤回起诉",) and r.awarded_total == 0


@pytest.mark.parametrize(
    ("guarantee", "liability", "text"),
    [
        (Guarantee("李四", "joint"), "joint", "被告李四对上述第一项债务承担连带清偿责任"),
        (
            Guarantee("李四", "general"),
            "general",
            "被告李四对被告张三上述第一项债务经依法强制执行后仍不能履行的部分承担清偿责任",
        ),
        (Guarantee("李四", "", None, date(2020, 6, 1)), "joint", "承担连带清偿责任"),
        (Guarantee("李四", "", None, date(2021, 3, 1)), "general", "经依法强制执行后仍不能履行"),
        (
            Guarantee("李四", "joint", D("20000")),
            "joint",
            "被告李四在20,000.00元范围内对上述第一项债务承担连带清偿责任",
        ),
    ],
)
def test_guarantor_wording(guarantee: Guarantee, liability: str, text: str) -> None:
    r = compute_judgment(loan(guarantees=(guarantee,)), cap=None, fee_policy=POLICY, as_of=AS_OF)
    (g,) = r.guarantors
    assert g.liability == liability and text in g.text
    assert g.text.endswith("被告李四承担保证责任后，有权向被告张三追偿")
    assert g.text in r.orders
    assert ("连带" in g.text) == (liability == "joint")


def test_guarantor_refers_to_continuing_and_lawyer_orders() -> None:
    inp = loan(
        claimed={**LOAN_CLAIM, "lawyer_fees": D("2000")},
        lawyer_fees_allowed=True,
        until_paid=True,
        annual_rate_percent=D("12"),
        penalty_multiplier=D("1.5"),
        guarantees=(Guarantee("李四", "joint"),),
    )
    r = compute_judgment(inp, cap=None, fee_policy=POLICY, as_of=AS_OF)
    assert r.money_orders == (1, 2, 3)
    assert "上述第一、二、三项债务" in r.guarantors[0].text
    assert r.orders[1] == (
        "被告张三于本判决生效之日起十日内向原告某银行支付罚息（以50,000.00元为基数，"
        "按年利率18%计算，自2025年1月2日起至实际清偿之日止）"
    )


@pytest.mark.parametrize(
    ("kind", "registered", "priority"),
    [
        ("real_estate_mortgage", True, True),
        ("real_estate_mortgage", False, False),
        ("movable_mortgage", False, True),
    ],
)
def test_priority_only_where_security_exists(kind: str, registered: bool, priority: bool) -> None:
    c = Collateral("渝A12345号小型轿车", kind, registered)
    r = compute_judgment(loan(collateral=c), cap=None, fee_policy=POLICY, as_of=AS_OF)
    assert (r.priority is not None) == priority
    if priority:
        assert r.priority is not None
        assert r.priority.text == (
            "原告某银行对被告张三名下的渝A12345号小型轿车折价或者拍卖、变卖所得价款"
            "在上述第一项债务范围内享有优先受偿权"
        )
        assert r.priority.text in r.orders
    else:
        assert "第四百零二条" in r.priority_refused_reason
        assert not any("优先受偿" in o for o in r.orders)


def test_continuing_interest_rate_capped() -> None:
    # 18% × 1.5 = 27% a year after the cut-off > 24% → continuing at 24%, part rejected.
    inp = loan(
        claimed={"principal": D("50000")},
        until_paid=True,
        annual_rate_percent=D("18"),
        penalty_multiplier=D("1.5"),
    )
    r = compute_judgment(inp, cap=D("24"), fee_policy=POLICY, as_of=AS_OF)
    assert r.continuing is not None and r.continuing.capped
    assert r.continuing.annual_percent == D("24")
    assert (
        r.continuing.text
        == "以50,000.00元为基数，按年利率24%计算，自2025年1月2日起至实际清偿之日止"
    )
    assert "按年利率27%计算至实际清偿之日止，超过年利率24%的部分本院不予支持" in r.cap_reason
    assert r.cap_reduced and r.rejected_any


amounts = st.decimals(min_value=0, max_value=500000, places=2)


@settings(max_examples=60, deadline=None)
@given(
    claimed=st.fixed_dictionaries({c: amounts for c in COMPONENTS}),
    found=st.dictionaries(st.sampled_from(COMPONENTS), amounts),
    allowed=st.booleans(),
    procedure=st.sampled_from(("ordinary", "summary", "small_claims")),
    outcome=st.sampled_from(("judgment", "mediation", "withdrawal")),
)
def test_property_awarded_within_claim_and_fee_adds_up(
    claimed: dict[str, D], found: dict[str, D], allowed: bool, procedure: str, outcome: str
) -> None:
    inp = loan(
        claimed=claimed,
        found=found,
        lawyer_fees_allowed=allowed,
        procedure=procedure,
        outcome=outcome,
    )
    r = compute_judgment(inp, cap=D("24"), fee_policy=POLICY, as_of=AS_OF)
    assert all(r.awarded[c] <= r.claimed[c] for c in COMPONENTS)
    assert r.fee_plaintiff + r.fee_defendants == r.acceptance_fee
    assert r.fee_plaintiff >= 0 and r.fee_defendants >= 0
