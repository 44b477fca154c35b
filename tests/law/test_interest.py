"""Interest: day count (算头不算尾), simple and penalty interest, segments with
repayments and LPR changes, compound interest, LPR and benchmark lookup."""

from datetime import date
from decimal import Decimal

import pytest

from jiefen.law import (
    LprFixing,
    OutOfTableError,
    RateChange,
    Repayment,
    accrue,
    benchmark_rate_on,
    compound_interest,
    days_between,
    load_parameters,
    lpr_on,
    lpr_rates,
    simple_interest,
)

D = Decimal


def test_days_count_the_start_day_and_not_the_end_day() -> None:
    assert days_between(date(2024, 3, 1), date(2024, 3, 31)) == 30
    assert days_between(date(2024, 1, 1), date(2025, 1, 1)) == 366
    assert days_between(date(2024, 3, 1), date(2024, 3, 1)) == 0
    with pytest.raises(ValueError):
        days_between(date(2024, 3, 2), date(2024, 3, 1))


@pytest.mark.parametrize(
    ("principal", "rate", "days", "basis", "multiplier", "expected"),
    [
        ("100000", "3.45", 182, 360, "1.5", "2616.25"),
        ("100000", "3.45", 182, 365, "1.5", "2580.41"),
        ("10000", "18", 30, 360, "1", "150.00"),
        ("10000", "18", 30, 365, "1", "147.95"),
        ("12345.67", "4.35", 0, 360, "1", "0.00"),
    ],
)
def test_simple_and_penalty_interest(
    principal: str, rate: str, days: int, basis: int, multiplier: str, expected: str
) -> None:
    value = simple_interest(D(principal), D(rate), days, basis=basis, multiplier=D(multiplier))  # type: ignore[arg-type]
    assert value == D(expected)


def test_basis_must_be_360_or_365() -> None:
    with pytest.raises(ValueError):
        simple_interest(D(1), D(1), 1, basis=366)  # type: ignore[arg-type]


def test_repayment_ends_interest_on_the_part_repaid() -> None:
    result = accrue(
        D(100_000),
        date(2024, 1, 1),
        date(2024, 3, 1),
        rates=D(5),
        repayments=[Repayment(date(2024, 2, 1), D(40_000))],
    )
    assert [(s.days, s.principal, s.interest) for s in result.segments] == [
        (31, D(100_000), D("430.56")),
        (29, D(60_000), D("241.67")),
    ]
    assert result.total == D("672.23")


def test_lpr_changes_inside_an_interest_period() -> None:
    rates = lpr_rates(date(2024, 7, 1), date(2024, 12, 31))
    assert rates == [
        RateChange(date(2024, 7, 1), D("3.45")),
        RateChange(date(2024, 7, 22), D("3.35")),
        RateChange(date(2024, 10, 21), D("3.10")),
    ]
    result = accrue(D(100_000), date(2024, 7, 1), date(2024, 12, 31), rates=rates)
    assert [(s.days, s.annual_rate_percent, s.interest) for s in result.segments] == [
        (21, D("3.45"), D("201.25")),
        (91, D("3.35"), D("846.81")),
        (71, D("3.10"), D("611.39")),
    ]
    assert result.total == D("1659.45")
    assert result.days == 183


def test_lpr_based_penalty_rate_with_factor_and_spread() -> None:
    rates = lpr_rates(date(2025, 4, 1), date(2025, 6, 1), factor=D("1.5"), spread_bp=50)
    assert rates == [
        RateChange(date(2025, 4, 1), D("3.10") * D("1.5") + D("0.5")),
        RateChange(date(2025, 5, 20), D("3.00") * D("1.5") + D("0.5")),
    ]


def test_repayments_and_rate_changes_together() -> None:
    result = accrue(
        D(50_000),
        date(2024, 1, 1),
        date(2024, 4, 1),
        rates=[RateChange(date(2024, 1, 1), D(6)), RateChange(date(2024, 3, 1), D(9))],
        repayments=[Repayment(date(2024, 2, 1), D(20_000))],
        multiplier=D("1.5"),
    )
    assert [(s.start, s.principal, s.annual_rate_percent) for s in result.segments] == [
        (date(2024, 1, 1), D(50_000), D(6)),
        (date(2024, 2, 1), D(30_000), D(6)),
        (date(2024, 3, 1), D(30_000), D(9)),
    ]
    assert result.total == sum(
        (
            simple_interest(s.principal, s.annual_rate_percent, s.days, multiplier=D("1.5"))
            for s in result.segments
        ),
        D(0),
    )


def test_compound_interest_on_unpaid_interest() -> None:
    unpaid = [(date(2024, 1, 21), D("500.00")), (date(2024, 2, 21), D("480.00"))]
    result = compound_interest(unpaid, date(2024, 3, 21), rates=D(6), multiplier=D("1.5"))
    assert result.total == simple_interest(D(500), D(6), 60, multiplier=D("1.5")) + simple_interest(
        D(480), D(6), 29, multiplier=D("1.5")
    )


def test_lpr_lookup_by_date() -> None:
    assert lpr_on(date(2019, 8, 20)) == D("4.25")
    assert lpr_on(date(2023, 9, 15)) == D("3.45")
    assert lpr_on(date(2023, 8, 20)) == D("3.55")
    assert lpr_on(date(2024, 2, 20), "5y") == D("3.95")
    assert lpr_on(date(2026, 3, 31)) == D("3.00")


@pytest.mark.parametrize("day", [date(2019, 8, 19), date(2026, 4, 1)])
def test_lpr_outside_the_table_is_an_error(day: date) -> None:
    with pytest.raises(OutOfTableError):
        lpr_on(day)


def test_admin_fixings_extend_the_lpr_table() -> None:
    params = load_parameters().with_extra(
        lpr=[LprFixing(date(2026, 4, 20), D("2.90"), D("3.40"), reviewed=date(2026, 5, 10))]
    )
    assert lpr_on(date(2026, 4, 19), params=params) == D("3.00")
    assert lpr_on(date(2026, 4, 20), params=params) == D("2.90")
    with pytest.raises(OutOfTableError):
        lpr_on(date(2026, 5, 11), params=params)
    with pytest.raises(OutOfTableError):
        lpr_rates(date(2026, 3, 1), date(2026, 6, 1), params=params)


def test_benchmark_rates() -> None:
    assert benchmark_rate_on(date(2015, 10, 24)) == D("4.35")
    assert benchmark_rate_on(date(2015, 10, 23), "1y_to_5y") == D("5.00")
    assert benchmark_rate_on(date(2018, 1, 1), "over_5y") == D("4.90")
    with pytest.raises(OutOfTableError):
        benchmark_rate_on(date(2014, 11, 21))
