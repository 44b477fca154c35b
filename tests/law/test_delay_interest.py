"""Delayed-performance interest, doubled part (法释〔2014〕8号)."""

from datetime import date
from decimal import Decimal

import pytest

from jiefen.law import (
    DelayPolicy,
    OutOfTableError,
    Payment,
    delayed_performance_interest,
    doubled_interest,
)

D = Decimal


def test_reference_example() -> None:
    assert doubled_interest(D(100_000), 30, as_of=date(2024, 3, 2)) == D("525.00")
    result = delayed_performance_interest(
        D(100_000), expiry=date(2024, 3, 1), end=date(2024, 3, 31)
    )
    assert result.days == 30
    assert result.doubled_interest == D("525.00")


def test_counting_the_expiry_day_is_a_policy() -> None:
    result = delayed_performance_interest(
        D(100_000),
        expiry=date(2024, 3, 1),
        end=date(2024, 3, 31),
        policy=DelayPolicy(count_expiry_day=True),
    )
    assert result.days == 31
    assert result.doubled_interest == D("542.50")


def test_partial_payment_ends_the_period_for_the_part_paid() -> None:
    result = delayed_performance_interest(
        D(100_000),
        expiry=date(2024, 3, 1),
        end=date(2024, 3, 31),
        payments=[Payment(date(2024, 3, 11), D(40_000))],
    )
    assert [(s.days, s.debt, s.interest) for s in result.segments] == [
        (10, D(100_000), D("175.00")),
        (20, D(60_000), D("210.00")),
    ]
    assert result.doubled_interest == D("385.00")
    assert result.debt_outstanding == D(60_000)


def test_payments_go_to_the_debt_first_then_to_the_doubled_interest() -> None:
    result = delayed_performance_interest(
        D(100_000),
        expiry=date(2024, 3, 1),
        end=date(2024, 4, 30),
        payments=[Payment(date(2024, 3, 31), D(100_300))],
    )
    assert result.doubled_interest == D("525.00")
    assert result.debt_paid == D(100_000)
    assert result.doubled_interest_paid == D(300)
    assert result.doubled_interest_outstanding == D("225.00")
    assert result.overpaid == 0


def test_suspension_not_caused_by_the_debtor_is_excluded() -> None:
    result = delayed_performance_interest(
        D(100_000),
        expiry=date(2024, 3, 1),
        end=date(2024, 3, 31),
        suspensions=[(date(2024, 3, 11), date(2024, 3, 20))],
    )
    assert result.days == 20
    assert result.doubled_interest == D("350.00")


def test_payment_within_the_performance_period_reduces_the_debt() -> None:
    result = delayed_performance_interest(
        D(100_000),
        expiry=date(2024, 3, 1),
        end=date(2024, 3, 31),
        payments=[Payment(date(2024, 2, 20), D(50_000))],
    )
    assert result.doubled_interest == D("262.50")


def test_delay_before_the_interpretation_is_refused() -> None:
    with pytest.raises(OutOfTableError):
        delayed_performance_interest(D(1000), expiry=date(2014, 6, 1), end=date(2014, 9, 1))
