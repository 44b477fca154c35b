"""Distributing money executed (法释〔2014〕8号 Arts. 1-4; 民法典 Art. 561; 诉讼费用交纳办法 Arts. 20, 38).

Every expected figure is worked by hand in the comment beside it: the doubled part is
base × 0.0175 % × days (0.000175 a day), general interest principal × rate ÷ basis × days.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiefen.law.delay_interest import DelayPolicy, Payment
from jiefen.law.distribution import GeneralInterestTerms, MoneyDebt, distribute
from jiefen.law.errors import LawError, OutOfTableError

D = Decimal
JAN1 = date(2024, 1, 1)


def pay(day: date, amount: str) -> Payment:
    return Payment(day, D(amount))


def test_full_payment_pays_debt_then_doubled_part() -> None:
    # 2024-01-01 → 2024-01-31: 30 delay days; 100,000 × 0.000175 × 30 = 525.00.
    result = distribute(
        MoneyDebt(principal=D(100_000)),
        delay_from=JAN1,
        payments=[pay(date(2024, 1, 31), "100525")],
    )
    (a,) = result.allocations
    assert (a.to_debt, a.to_principal, a.to_delay_interest, a.surplus) == (
        D(100_000),
        D(100_000),
        D("525.00"),
        D(0),
    )
    assert result.delay_interest_accrued == D("525.00")
    assert result.outstanding_debt == D(0)
    assert result.outstanding_delay_interest == D(0)
    assert result.as_of == date(2024, 1, 31)
    assert "法释〔2014〕8号" in result.citation


def test_partial_payment_ends_the_delay_for_the_part_paid() -> None:
    # 1st: 30 days on 100,000 → 525.00 accrued, all 50,000 to the debt (debt first, Art. 4).
    # 2nd: 2024-01-31 → 2024-03-01 = 30 days (Feb 2024 has 29) on 50,000 → 262.50;
    #      doubled part accrued 787.50; 50,787.50 = 50,000 debt + 787.50.
    result = distribute(
        MoneyDebt(principal=D(100_000)),
        delay_from=JAN1,
        payments=[pay(date(2024, 1, 31), "50000"), pay(date(2024, 3, 1), "50787.50")],
    )
    first, second = result.allocations
    assert (first.to_debt, first.to_delay_interest, first.surplus) == (D(50_000), D(0), D(0))
    assert (second.to_debt, second.to_delay_interest, second.surplus) == (
        D(50_000),
        D("787.50"),
        D(0),
    )
    assert result.delay_interest_accrued == D("787.50")
    assert result.outstanding_debt == D(0)
    assert result.outstanding_delay_interest == D(0)


def test_insufficient_payment_goes_to_the_debt_first() -> None:
    # 2024-01-01 → 2024-04-10: 30 (Jan) + 29 (Feb) + 31 (Mar) + 10 (Apr) = 100 days;
    # 10,000 × 0.000175 × 100 = 175.00, all still owed; the 5,000 goes to the debt.
    result = distribute(
        MoneyDebt(principal=D(10_000)),
        delay_from=JAN1,
        payments=[pay(date(2024, 4, 10), "5000")],
    )
    (a,) = result.allocations
    assert (a.to_debt, a.to_delay_interest) == (D(5000), D(0))
    assert result.delay_interest_accrued == D("175.00")
    assert result.outstanding_debt == D(5000)
    assert result.outstanding.principal == D(5000)
    assert result.outstanding_delay_interest == D("175.00")


@pytest.mark.parametrize("paid_on", [date(2024, 3, 20), date(2024, 3, 31)])
def test_payment_before_or_on_the_last_day_of_the_period_bears_no_delay(paid_on: date) -> None:
    result = distribute(
        MoneyDebt(principal=D(10_000)),
        delay_from=date(2024, 3, 31),
        payments=[pay(paid_on, "10000")],
        as_of=date(2024, 6, 30),
    )
    assert result.delay_interest_accrued == D(0)
    assert result.outstanding_debt == D(0)
    assert result.allocations[0].surplus == D(0)


def test_components_costs_then_interest_and_interest_never_bears_the_doubled_part() -> None:
    # 2,500 paid on the last day of the period: 1,000 costs, 1,500 of the 2,000 interest.
    # Base afterwards = 0 costs + 10,000 principal + 500 other = 10,500 (500 interest left
    # out); 20 days to 2024-01-21: 10,500 × 0.000175 × 20 = 36.75.
    debt = MoneyDebt(costs=D(1000), interest=D(2000), principal=D(10_000), other=D(500))
    assert debt.total == D(13_500)
    result = distribute(
        debt, delay_from=JAN1, payments=[pay(JAN1, "2500")], as_of=date(2024, 1, 21)
    )
    (a,) = result.allocations
    assert (a.to_costs, a.to_interest, a.to_principal, a.to_other) == (
        D(1000),
        D(1500),
        D(0),
        D(0),
    )
    assert result.outstanding == MoneyDebt(
        costs=D(0), interest=D(500), principal=D(10_000), other=D(500)
    )
    assert result.outstanding_debt == D(11_000)
    assert result.delay_interest_accrued == D("36.75")


def test_other_money_debt_comes_after_the_principal_and_surplus_is_returned() -> None:
    result = distribute(
        MoneyDebt(principal=D(1000), other=D(500)),
        delay_from=JAN1,
        payments=[pay(JAN1, "1200"), pay(JAN1, "400")],
    )
    first, second = result.allocations
    assert (first.to_principal, first.to_other) == (D(1000), D(200))
    assert (second.to_other, second.surplus) == (D(300), D(100))


def test_execution_fee_is_taken_first_from_each_amount() -> None:
    # Fee 50 owed: the first 1,000 pays 50 fee + 950 principal; the second payment owes no fee.
    result = distribute(
        MoneyDebt(principal=D(10_000)),
        delay_from=JAN1,
        payments=[pay(JAN1, "1000"), pay(JAN1, "2000")],
        execution_fee=D(50),
    )
    first, second = result.allocations
    assert (first.to_execution_fee, first.to_principal) == (D(50), D(950))
    assert (second.to_execution_fee, second.to_principal) == (D(0), D(2000))
    assert result.outstanding_execution_fee == D(0)
    assert result.outstanding_debt == D(7050)


def test_execution_fee_larger_than_the_payment_stays_owed() -> None:
    result = distribute(
        MoneyDebt(principal=D(10_000)),
        delay_from=JAN1,
        payments=[pay(JAN1, "30")],
        execution_fee=D(50),
    )
    assert result.allocations[0].to_execution_fee == D(30)
    assert result.outstanding_execution_fee == D(20)
    assert result.outstanding_debt == D(10_000)


def test_continuing_general_interest_accrues_and_is_paid_before_principal() -> None:
    # 10,000 at 18 %/yr, basis 360, from 2024-01-01 (included) to 2024-01-30: 30 days →
    # 10,000 × 0.18 ÷ 360 × 30 = 150.00. Fee 100, then interest 150, then principal.
    terms = GeneralInterestTerms(annual_percent=D(18), basis=360, start=JAN1)
    result = distribute(
        MoneyDebt(principal=D(10_000)),
        delay_from=date(2024, 1, 30),
        payments=[pay(date(2024, 1, 30), "2250")],
        execution_fee=D(100),
        general_interest=terms,
        as_of=date(2024, 2, 29),
    )
    (a,) = result.allocations
    assert (a.to_execution_fee, a.to_interest, a.to_principal) == (D(100), D(150), D(2000))
    # Then 8,000 principal from 2024-01-31 to 2024-02-29: 30 days → 8,000 × 0.18 ÷ 360 × 30
    # = 120.00 (accrued 270.00 in all); doubled part on 8,000 for the 30 days after
    # 2024-01-30: 8,000 × 0.000175 × 30 = 42.00.
    assert result.general_interest_accrued == D("270.00")
    assert result.outstanding == MoneyDebt(interest=D("120.00"), principal=D(8000))
    assert result.outstanding_debt == D("8120.00")
    assert result.delay_interest_accrued == D("42.00")


def test_general_interest_is_rounded_per_segment_on_basis_365() -> None:
    # 8,150 at 18 %/yr basis 365 for 30 days (2024-01-01..30): 8,150 × 0.18 × 30 ÷ 365
    # = 120.575… → 120.58; the doubled part on 8,150 for 29 days after 2024-01-01:
    # 8,150 × 0.000175 × 29 = 41.36125 → 41.36.
    terms = GeneralInterestTerms(annual_percent=D(18), basis=365, start=JAN1)
    result = distribute(
        MoneyDebt(principal=D(8150)),
        delay_from=JAN1,
        payments=[],
        general_interest=terms,
        as_of=date(2024, 1, 30),
    )
    assert result.general_interest_accrued == D("120.58")
    assert result.delay_interest_accrued == D("41.36")
    assert result.outstanding_debt == D("8270.58")


def test_counting_the_expiry_day_adds_one_day_to_the_first_segment_only() -> None:
    # 31 days on 100,000 → 542.50; then 30 days on 50,000 → 262.50; 805.00 in all.
    result = distribute(
        MoneyDebt(principal=D(100_000)),
        delay_from=JAN1,
        payments=[pay(date(2024, 1, 31), "50000"), pay(date(2024, 3, 1), "50805")],
        policy=DelayPolicy(count_expiry_day=True),
    )
    assert result.delay_interest_accrued == D("805.00")
    assert result.allocations[1].to_delay_interest == D("805.00")
    assert result.outstanding_delay_interest == D(0)


def test_without_payments_figures_run_to_as_of() -> None:
    # 30 days after 2024-03-01 on 100,000 → 525.00 (as `jiefen law delay-interest`).
    result = distribute(
        MoneyDebt(principal=D(100_000)),
        delay_from=date(2024, 3, 1),
        payments=[],
        as_of=date(2024, 3, 31),
    )
    assert result.allocations == ()
    assert result.delay_interest_accrued == D("525.00")
    assert result.outstanding_debt == D(100_000)
    default = distribute(MoneyDebt(principal=D(100_000)), delay_from=JAN1, payments=[])
    assert default.as_of == JAN1
    assert default.delay_interest_accrued == D(0)


def test_payments_are_taken_in_date_order() -> None:
    result = distribute(
        MoneyDebt(principal=D(100_000)),
        delay_from=JAN1,
        payments=[pay(date(2024, 3, 1), "50787.50"), pay(date(2024, 1, 31), "50000")],
    )
    assert [a.on for a in result.allocations] == [date(2024, 1, 31), date(2024, 3, 1)]
    assert result.outstanding_debt == D(0)


@pytest.mark.parametrize("amount", ["0", "-1"])
def test_payment_must_be_positive(amount: str) -> None:
    with pytest.raises(LawError, match="2024-01-31"):
        distribute(
            MoneyDebt(principal=D(100)), delay_from=JAN1, payments=[pay(date(2024, 1, 31), amount)]
        )


def test_as_of_before_the_last_payment_is_refused() -> None:
    with pytest.raises(LawError, match="2024-01-31"):
        distribute(
            MoneyDebt(principal=D(100)),
            delay_from=JAN1,
            payments=[pay(date(2024, 1, 31), "10")],
            as_of=date(2024, 1, 30),
        )


def test_bad_inputs_are_refused() -> None:
    with pytest.raises(LawError):
        MoneyDebt(principal=D(-1))
    with pytest.raises(LawError):
        GeneralInterestTerms(annual_percent=D(18), basis=364, start=JAN1)
    with pytest.raises(OutOfTableError):  # the 0.0175 % rate applies from 2014-08-01
        distribute(MoneyDebt(principal=D(100)), delay_from=date(2014, 1, 1), payments=[])


amounts = st.integers(min_value=0, max_value=5_000_000).map(lambda n: D(n) / 100)
positive = st.integers(min_value=1, max_value=5_000_000).map(lambda n: D(n) / 100)


@settings(max_examples=200, deadline=None)
@given(
    costs=amounts,
    interest=amounts,
    principal=amounts,
    other=amounts,
    fee=amounts,
    rate=st.sampled_from([None, D(0), D("3.45"), D(18), D(24)]),
    payments=st.lists(st.tuples(st.integers(min_value=-30, max_value=400), positive), max_size=6),
    tail=st.integers(min_value=0, max_value=200),
)
def test_allocations_add_up_and_nothing_goes_negative(
    costs: Decimal,
    interest: Decimal,
    principal: Decimal,
    other: Decimal,
    fee: Decimal,
    rate: Decimal | None,
    payments: list[tuple[int, Decimal]],
    tail: int,
) -> None:

    debt = MoneyDebt(costs=costs, interest=interest, principal=principal, other=other)
    paid = [Payment(JAN1 + timedelta(days=offset), amount) for offset, amount in payments]
    last = max((p.on for p in paid), default=JAN1)
    terms = None if rate is None else GeneralInterestTerms(rate, 360, date(2023, 12, 1))
    result = distribute(
        debt,
        delay_from=JAN1,
        payments=paid,
        as_of=last + timedelta(days=tail),
        execution_fee=fee,
        general_interest=terms,
    )
    for a in result.allocations:
        parts = (
            a.to_execution_fee,
            a.to_costs,
            a.to_interest,
            a.to_principal,
            a.to_other,
            a.to_delay_interest,
            a.surplus,
        )
        assert sum(parts, D(0)) == a.amount
        assert all(part >= 0 for part in parts)
    out = result.outstanding
    assert min(out.costs, out.interest, out.principal, out.other) >= 0
    assert result.outstanding_delay_interest >= 0
    assert result.outstanding_execution_fee >= 0
    to_debt = sum((a.to_debt for a in result.allocations), D(0))
    assert to_debt <= debt.total + result.general_interest_accrued
    assert to_debt + result.outstanding_debt == debt.total + result.general_interest_accrued
    to_delay = sum((a.to_delay_interest for a in result.allocations), D(0))
    assert to_delay + result.outstanding_delay_interest == result.delay_interest_accrued
    if rate is None:
        assert result.general_interest_accrued == 0


def test_a_payment_made_to_the_creditor_directly_leaves_the_fee_owed_to_the_court() -> None:
    """办法 Arts. 20, 38: the execution fee is taken from money the court executed; what the
    debtor paid the creditor directly pays the debt, and the fee stays owed to the court.
    10,000 debt, fee 50, 5,000 paid directly on the day the performance period ends (no delay):
    all 5,000 to the debt; then 5,100 through the court 10 days later: 50 fee, 5,000 debt, and
    the doubled part on 5,000 for 10 days = 8.75, surplus 41.25."""
    result = distribute(
        MoneyDebt(principal=Decimal("10000")),
        delay_from=date(2024, 1, 1),
        payments=[
            Payment(date(2024, 1, 1), Decimal("5000"), to_court=False),
            Payment(date(2024, 1, 11), Decimal("5100")),
        ],
        execution_fee=Decimal("50"),
    )
    first, second = result.allocations
    assert (first.to_execution_fee, first.to_debt) == (Decimal("0"), Decimal("5000"))
    assert second.to_execution_fee == Decimal("50")
    assert second.to_debt == Decimal("5000")
    assert second.to_delay_interest == Decimal("8.75")
    assert second.surplus == Decimal("41.25")
    assert result.outstanding_execution_fee == 0 and result.outstanding_debt == 0
