"""Both practices for a halved fee: whole yuan, or keep half a yuan (legal-rules.md §1.3).

When a court rounds the full acceptance fee first and then halves it (办法 Arts. 15–16:
summary procedure, mediation, withdrawal), some courts round the half again to the yuan,
others keep 0.50. A whole-yuan court never prints 角 or 分 in any payable fee.

The worked examples below are computed by hand from the brackets of 办法 Art. 13(一)
(50 up to 10,000; 2.5% to 100,000; 2% to 200,000; 1.5% to 500,000; 1% to 1,000,000) and
Art. 14, not by the code:

- 10,020: 50 + 20 × 2.5% = 50.50 → 51 → half 25.5;
- 45,000: 50 + 35,000 × 2.5% = 925 → half 462.5;
- 52,980: 50 + 42,980 × 2.5% = 1,124.50 → 1,125 → half 562.5 (truncating court: 1,124 → 562);
- 123,430: 50 + 2,250 + 23,430 × 2% = 2,768.60 → 2,769 → half 1,384.5;
- 123,456.78: 2,300 + 23,456.78 × 2% = 2,769.1356 → 2,769 → half 1,384.5;
- 250,020: 2,300 + 2,000 + 50,020 × 1.5% = 5,050.30 → 5,050 → half 2,525;
- payment order = 1/3 (Art. 14(三)): 50/3 = 16.67, 925/3 = 308.33, 2,769.1356/3 = 923.05;
- preservation on 123,456.78 (Art. 14(二)): 30 + 99,000 × 1% + 23,456.78 × 0.5% = 1,137.28;
- execution on 123,456.78 (Art. 14(一)): 50 + 113,456.78 × 1.5% = 1,751.85.
"""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiefen.law import FeePolicy, HalfRounding, acceptance_fee, compute_fee, halving_applies
from jiefen.law.fees import FEE_KINDS
from jiefen.law.policies import CourtPolicy

D = Decimal
WHOLE = HalfRounding.WHOLE_YUAN
KEEP = HalfRounding.KEEP_HALF_YUAN


@pytest.mark.parametrize(
    ("amount", "full", "whole_yuan", "keep_half_yuan"),
    [
        ("8000", "50", "25", "25.00"),
        ("10020", "51", "26", "25.50"),
        ("45000", "925", "463", "462.50"),
        ("52980", "1125", "563", "562.50"),
        ("123430", "2769", "1385", "1384.50"),
        ("123456.78", "2769", "1385", "1384.50"),
        ("250020", "5050", "2525", "2525.00"),
        ("1000000", "13800", "6900", "6900.00"),
    ],
)
def test_round_first_then_halve_worked_examples(
    amount: str, full: str, whole_yuan: str, keep_half_yuan: str
) -> None:
    for half_rounding, expected in ((WHOLE, whole_yuan), (KEEP, keep_half_yuan)):
        policy = FeePolicy(halve_after_rounding=True, half_rounding=half_rounding)
        fee = acceptance_fee(D(amount), halve=True, policy=policy)
        assert fee.full == D(full)
        assert str(fee.payable) == expected, half_rounding


@pytest.mark.parametrize(("amount", "half"), [("10020", "25"), ("52980", "562")])
def test_a_truncating_whole_yuan_court_rounds_the_half_down(amount: str, half: str) -> None:
    policy = FeePolicy(rounding="truncate_yuan", halve_after_rounding=True, half_rounding=WHOLE)
    assert acceptance_fee(D(amount), halve=True, policy=policy).payable == D(half)


@pytest.mark.parametrize(
    ("kind", "amount", "whole_yuan", "keep_half_yuan"),
    [
        ("payment_order", "8000", "17", "16.67"),
        ("payment_order", "45000", "308", "308.33"),
        ("payment_order", "123456.78", "923", "923.05"),
        ("preservation", "123456.78", "1137", "1137.28"),
        ("execution", "123456.78", "1752", "1751.85"),
    ],
)
def test_application_fees_of_a_whole_yuan_court(
    kind: str, amount: str, whole_yuan: str, keep_half_yuan: str
) -> None:
    for half_rounding, expected in ((WHOLE, whole_yuan), (KEEP, keep_half_yuan)):
        fee = compute_fee(kind, D(amount), policy=FeePolicy(half_rounding=half_rounding))  # type: ignore[arg-type]
        assert str(fee.payable) == expected


def test_whole_yuan_cannot_be_combined_with_keeping_the_fen() -> None:
    with pytest.raises(ValueError, match="whole-yuan"):
        FeePolicy(rounding="fen", half_rounding=WHOLE)
    with pytest.raises(ValueError):
        CourtPolicy.from_dict({"fee_rounding": "fen", "fee_half_rounding": "whole_yuan"})


def test_the_default_keeps_half_a_yuan_and_the_legal_rules_figures() -> None:
    """legal-rules.md §1.5 under the default policy: 45,000 → half 463, payment order 308.33."""
    assert FeePolicy().half_rounding is KEEP
    assert acceptance_fee(D(45000), halve=True).payable == D(463)
    assert compute_fee("payment_order", D(45000)).payable == D("308.33")


# Procedure → halving of the acceptance fee (办法 Art. 16: summary procedure, incl. small
# claims, halves); the other grounds (mediation, withdrawal) halve too, once only.
PROCEDURE_HALVES = {
    "ordinary": halving_applies(),
    "summary": halving_applies("summary_procedure"),
    "small_claims": halving_applies("small_claims"),
    "ordinary, mediated": halving_applies("mediation"),
    "ordinary, withdrawn": halving_applies("withdrawal"),
}
WHOLE_YUAN_POLICIES = [
    FeePolicy(rounding=rounding, halve_after_rounding=after, half_rounding=WHOLE)
    for rounding in ("half_up_yuan", "truncate_yuan")
    for after in (False, True)
]


@given(
    amount=st.decimals(min_value=0, max_value=50_000_000, places=2),
    kind=st.sampled_from(FEE_KINDS),
    procedure=st.sampled_from(sorted(PROCEDURE_HALVES)),
    policy=st.sampled_from(WHOLE_YUAN_POLICIES),
)
def test_a_whole_yuan_court_never_prints_jiao(
    amount: Decimal, kind: str, procedure: str, policy: FeePolicy
) -> None:
    halve = PROCEDURE_HALVES[procedure] and kind == "acceptance"
    fee = compute_fee(kind, amount, halve=halve, policy=policy)  # type: ignore[arg-type]
    assert fee.payable % 1 == 0
    assert fee.full % 1 == 0
