"""The 2025 element lists: every template element is present, in order, filled from the case."""

from decimal import Decimal

import pytest

from jiefen.cases.elements import CLAIMS, FACTS, complaint_elements

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("case_type", "claims", "facts"),
    [("financial_loan", 8, 19), ("credit_card", 7, 16)],  # 2025 revised templates
)
def test_element_counts_match_the_2025_templates(make_case, case_type, claims, facts):
    rows = complaint_elements(make_case(case_type=case_type))
    assert [r.number for r in rows if r.section == CLAIMS] == list(range(1, claims + 1))
    assert [r.number for r in rows if r.section == FACTS] == list(range(1, facts + 1))


def test_elements_are_filled_from_the_case(make_case):
    case = make_case(
        principal=Decimal("45000.00"),
        interest=Decimal("1234.56"),
        penalty_interest=Decimal("300.00"),
        claim_total=Decimal("46534.56"),
        elements={
            "contract": {
                "name": "《个人消费借款合同》",
                "number": "JK-1",
                "signed_on": "2023-05-29",
            },
            "guarantees": [{"name": "李四", "kind": "连带责任保证", "signed_on": "2023-05-29"}],
            "acceleration": "accelerate",
        },
    )
    text = {r.key: r.text for r in complaint_elements(case)}
    assert text["principal"] == "截至2025年6月30日止，尚欠本金45,000.00元（人民币，下同）"
    assert "罚息300.00元" in text["interest"]
    assert text["claim_total"] == "46,534.56元"
    assert text["contract"].startswith("《个人消费借款合同》，编号JK-1，签订时间2023年5月29日")
    assert text["acceleration"] == "是，提前还款（加速到期）"
    assert "李四" in text["guarantee_claim"] and text["guarantee_kind"] == "连带责任保证"
