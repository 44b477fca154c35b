"""Fees: every bracket boundary of every schedule, the worked examples of legal-rules.md
§1.5, the rounding policies, halving once, apportionment, and properties."""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiefen.law import (
    DEFAULT_FEE_POLICY,
    FeePolicy,
    acceptance_fee,
    apportion_fee,
    compute_fee,
    execution_fee,
    halving_applies,
    payment_order_fee,
    preservation_fee,
)
from jiefen.law.fees import acceptance_fee_after_payment_order

D = Decimal
CENT = D("0.01")


# Closed forms copied from legal-rules.md, independent of the YAML brackets.
def acceptance_closed(x: Decimal) -> Decimal:
    forms = [
        (D(10_000), lambda x: D(50)),
        (D(100_000), lambda x: D("0.025") * x - 200),
        (D(200_000), lambda x: D("0.02") * x + 300),
        (D(500_000), lambda x: D("0.015") * x + 1300),
        (D(1_000_000), lambda x: D("0.01") * x + 3800),
        (D(2_000_000), lambda x: D("0.009") * x + 4800),
        (D(5_000_000), lambda x: D("0.008") * x + 6800),
        (D(10_000_000), lambda x: D("0.007") * x + 11800),
        (D(20_000_000), lambda x: D("0.006") * x + 21800),
    ]
    for bound, form in forms:
        if x <= bound:
            return form(x)
    return D("0.005") * x + 41800


def execution_closed(x: Decimal) -> Decimal:
    if x <= 10_000:
        return D(50)
    if x <= 500_000:
        return D("0.015") * x - 100
    if x <= 5_000_000:
        return D("0.01") * x + 2400
    if x <= 10_000_000:
        return D("0.005") * x + 27400
    return D("0.001") * x + 67400


def preservation_closed(x: Decimal) -> Decimal:
    if x <= 1_000:
        return D(30)
    if x <= 100_000:
        return D("0.01") * x + 20
    return min(D("0.005") * x + 520, D(5000))


ACCEPTANCE_BOUNDS = [
    10_000,
    100_000,
    200_000,
    500_000,
    1_000_000,
    2_000_000,
    5_000_000,
    10_000_000,
    20_000_000,
]
EXECUTION_BOUNDS = [10_000, 500_000, 5_000_000, 10_000_000]
PRESERVATION_BOUNDS = [1_000, 100_000, 896_000]


def _around(bounds: list[int]) -> list[Decimal]:
    return [D(b) + delta for b in bounds for delta in (-CENT, D(0), CENT)]


@pytest.mark.parametrize("amount", _around(ACCEPTANCE_BOUNDS))
def test_acceptance_fee_at_every_bracket_boundary(amount: Decimal) -> None:
    assert acceptance_fee(amount).exact == acceptance_closed(amount)


@pytest.mark.parametrize("amount", _around(EXECUTION_BOUNDS))
def test_execution_fee_at_every_bracket_boundary(amount: Decimal) -> None:
    assert execution_fee(amount).exact == execution_closed(amount)


@pytest.mark.parametrize("amount", _around(PRESERVATION_BOUNDS))
def test_preservation_fee_at_every_bracket_boundary(amount: Decimal) -> None:
    assert preservation_fee(amount).exact == preservation_closed(amount)


@pytest.mark.parametrize("amount", _around(ACCEPTANCE_BOUNDS))
def test_payment_order_fee_is_a_third_at_every_boundary(amount: Decimal) -> None:
    expected = (acceptance_closed(amount) / 3).quantize(CENT, rounding=ROUND_HALF_UP)
    assert payment_order_fee(amount).payable == expected


@pytest.mark.parametrize(
    ("claim", "exact", "full", "half_exact", "half", "payment_order"),
    [
        ("8000", "50", "50", "25", "25", "16.67"),
        ("45000", "925", "925", "462.50", "463", "308.33"),
        ("123456.78", "2769.1356", "2769", "1384.5678", "1385", "923.05"),
        ("1000000", "13800", "13800", "6900", "6900", "4600"),
    ],
)
def test_worked_examples_of_the_reference(
    claim: str, exact: str, full: str, half_exact: str, half: str, payment_order: str
) -> None:
    fee = acceptance_fee(D(claim))
    halved = acceptance_fee(D(claim), halve=True)
    assert fee.exact == D(exact)
    assert fee.full == D(full)
    assert fee.payable == D(full)
    assert halved.exact / 2 == D(half_exact)
    assert halved.payable == D(half)
    assert halved.full == D(full)
    assert payment_order_fee(D(claim)).payable == D(payment_order)


def test_application_fee_examples() -> None:
    assert execution_fee(D("123456.78")).payable == D("1751.85")
    assert preservation_fee(D("123456.78")).payable == D("1137.28")
    assert preservation_fee(D(800_000)).payable == D(4520)
    assert preservation_fee(D(896_000)).payable == D(5000)
    assert preservation_fee(D(10_000_000)).payable == D(5000)
    assert preservation_fee(D("895999.99")).exact == D("4999.99995")
    assert preservation_fee(D("895998")).payable == D("4999.99")


@pytest.mark.parametrize(
    ("policy", "amount", "full", "half"),
    [
        (FeePolicy(), "45000", "925", "463"),
        (FeePolicy(rounding="fen"), "123456.78", "2769.14", "1384.57"),
        (FeePolicy(rounding="truncate_yuan"), "123456.78", "2769", "1384"),
        (FeePolicy(halve_after_rounding=True), "45000", "925", "462.50"),
        (FeePolicy(halve_after_rounding=True), "123456.78", "2769", "1384.50"),
        # exact 2,768.60 → full 2,769; half of exact 1,384.30 → 1,384 but half of full 1,384.50
        (FeePolicy(), "123430", "2769", "1384"),
        (FeePolicy(halve_after_rounding=True), "123430", "2769", "1384.50"),
    ],
)
def test_rounding_policies(policy: FeePolicy, amount: str, full: str, half: str) -> None:
    assert acceptance_fee(D(amount), policy=policy).full == D(full)
    assert acceptance_fee(D(amount), halve=True, policy=policy).payable == D(half)


def test_application_rounding_policy() -> None:
    yuan = FeePolicy(application_rounding="half_up_yuan")
    assert execution_fee(D("123456.78"), policy=yuan).payable == D(1752)
    assert payment_order_fee(D("123456.78"), policy=yuan).payable == D(923)


def test_halving_only_once() -> None:
    assert halving_applies("summary_procedure", "mediation") is True
    assert halving_applies() is False
    both = acceptance_fee(D(45000), halve=halving_applies("summary_procedure", "mediation"))
    assert both.payable == D(463)  # ½, never ¼
    with pytest.raises(ValueError):
        halving_applies("appeal")  # type: ignore[arg-type]


def test_conversion_to_ordinary_tops_up_the_other_half() -> None:
    fee = acceptance_fee(D(45000), halve=True)
    assert fee.conversion_top_up == D(462)
    assert fee.payable + fee.conversion_top_up == fee.full


def test_judicial_confirmation_is_free_and_halving_other_fees_is_refused() -> None:
    assert compute_fee("judicial_confirmation", D(500_000)).payable == 0
    with pytest.raises(ValueError, match="only to the acceptance fee"):
        compute_fee("execution", D(1000), halve=True)


def test_execution_without_amount_and_negative_amounts_raise() -> None:
    with pytest.raises(ValueError, match="50–500"):
        execution_fee(None)
    with pytest.raises(ValueError):
        acceptance_fee(D(-1))
    with pytest.raises(TypeError):
        acceptance_fee(1000.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fee", "claimed", "awarded", "claimant", "defendant"),
    [
        ("925", "45000", "45000", "0.00", "925"),
        ("925", "45000", "36000", "185.00", "740.00"),
        ("925", "45000", "0", "925.00", "0.00"),
        ("463", "45000", "30000", "154.33", "308.67"),
        ("925", "45000", "50000", "0.00", "925"),
    ],
)
def test_apportionment_is_proportional_and_adds_up(
    fee: str, claimed: str, awarded: str, claimant: str, defendant: str
) -> None:
    c, d = apportion_fee(D(fee), claimed=D(claimed), awarded=D(awarded))
    assert (c, d) == (D(claimant), D(defendant))
    assert c + d == D(fee)


def test_payment_order_fee_is_credited_when_litigation_follows() -> None:
    paid = payment_order_fee(D(45000)).payable
    assert acceptance_fee_after_payment_order(D(45000), paid_payment_order_fee=paid) == D("616.67")


def test_fee_schedule_is_dated() -> None:
    from datetime import date

    from jiefen.law import OutOfTableError

    with pytest.raises(OutOfTableError):
        acceptance_fee(D(1000), as_of=date(2007, 3, 31))
    assert acceptance_fee(D(1000), as_of=date(2024, 1, 1)).payable == D(50)


amounts = st.decimals(
    min_value=0, max_value=50_000_000, places=2, allow_nan=False, allow_infinity=False
)
FEES: list[Callable[[Decimal], Decimal]] = [
    lambda a: acceptance_fee(a).exact,
    lambda a: acceptance_fee(a, halve=True).payable,
    lambda a: payment_order_fee(a).payable,
    lambda a: preservation_fee(a).exact,
    lambda a: execution_fee(a).exact,
    lambda a: acceptance_fee(a, policy=FeePolicy(rounding="truncate_yuan")).payable,
]


@given(a=amounts, b=amounts, which=st.integers(min_value=0, max_value=len(FEES) - 1))
def test_fees_are_monotonic_in_the_amount(a: Decimal, b: Decimal, which: int) -> None:
    low, high = sorted((a, b))
    assert FEES[which](low) <= FEES[which](high)


@pytest.mark.parametrize(
    ("fee", "bounds", "max_rate"),
    [
        (lambda a: acceptance_fee(a).exact, ACCEPTANCE_BOUNDS, D("0.025")),
        (lambda a: execution_fee(a).exact, EXECUTION_BOUNDS, D("0.015")),
        (lambda a: preservation_fee(a).exact, PRESERVATION_BOUNDS, D("0.01")),
    ],
)
@given(delta=st.decimals(min_value="0.01", max_value=1000, places=2))
def test_fees_are_continuous_at_bracket_edges(
    fee: Callable[[Decimal], Decimal], bounds: list[int], max_rate: Decimal, delta: Decimal
) -> None:
    for bound in bounds:
        b = D(bound)
        assert fee(b + delta) - fee(b) <= max_rate * delta
        assert fee(b) - fee(max(D(0), b - delta)) <= max_rate * delta


@given(
    amount=amounts,
    policy=st.sampled_from(
        [DEFAULT_FEE_POLICY, FeePolicy(rounding="fen"), FeePolicy(halve_after_rounding=True)]
    ),
)
def test_halving_never_applies_twice(amount: Decimal, policy: FeePolicy) -> None:
    full = acceptance_fee(amount, policy=policy)
    half = acceptance_fee(
        amount,
        halve=halving_applies(*("summary_procedure", "mediation", "withdrawal")),
        policy=policy,
    )
    # One halving: within one yuan of half the full fee, never near a quarter.
    assert abs(half.payable - full.exact / 2) <= 1
    assert half.payable >= full.full / 2 - 1
