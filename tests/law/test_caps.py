"""Caps: 24% for licensed lenders, 4×LPR for private lending with the 2020-08-20
transition, the per-court policy, and capping mixed components."""

from datetime import date
from decimal import Decimal

import pytest

from jiefen.law import (
    CourtCapPolicy,
    LawError,
    Lender,
    OutOfTableError,
    annual_cap_percent,
    apply_cap,
    simple_interest,
)

D = Decimal


def test_private_lending_example_of_the_reference() -> None:
    cap = annual_cap_percent("private", date(2023, 9, 15))
    assert cap.annual_cap_percent == D("13.80")
    assert "3.45" in cap.basis


@pytest.mark.parametrize(
    ("lender", "contract", "policy", "expected"),
    [
        ("bank", date(2023, 9, 15), "24pct", "24.00"),
        ("bank", date(2023, 9, 15), "4lpr", "13.80"),
        ("private", date(2023, 9, 15), "24pct", "13.80"),  # the court policy is for banks only
        ("private", date(2020, 8, 20), "24pct", "15.40"),
        ("private", date(2025, 6, 1), "24pct", "12.00"),
    ],
)
def test_caps_by_lender_and_policy(
    lender: Lender, contract: date, policy: CourtCapPolicy, expected: str
) -> None:
    assert annual_cap_percent(lender, contract, court_policy=policy).annual_cap_percent == D(
        expected
    )


def test_contract_before_2020_08_20_needs_the_filing_date() -> None:
    with pytest.raises(LawError, match="filed_on"):
        annual_cap_percent("private", date(2019, 5, 1))
    cap = annual_cap_percent("private", date(2019, 5, 1), filed_on=date(2024, 3, 1))
    assert [s.annual_cap_percent for s in cap.segments] == [D("24.00"), D("13.80")]
    assert cap.cap_on(date(2020, 8, 19)) == D("24.00")
    assert cap.cap_on(date(2020, 8, 20)) == D("13.80")
    old_case = annual_cap_percent("private", date(2019, 5, 1), filed_on=date(2020, 3, 1))
    assert old_case.annual_cap_percent == D("24.00")


def test_bank_cap_dates() -> None:
    with pytest.raises(OutOfTableError):
        annual_cap_percent("bank", date(2014, 1, 1))
    assert annual_cap_percent(
        "bank", date(2014, 1, 1), filed_on=date(2024, 1, 1)
    ).annual_cap_percent == D("24.00")


def test_cap_with_mixed_components_priority() -> None:
    components = {
        "interest": D(1500),
        "penalty_interest": D(700),
        "compound_interest": D(200),
        "fees": D(300),
    }
    check = apply_cap(
        D(10_000), components, start=date(2024, 1, 1), end=date(2025, 1, 1), cap_percent=D(24)
    )
    assert check.allowed == D("2440.00")
    assert check.claimed_total == D(2700)
    assert check.excess == D(260)
    assert check.exceeds
    assert check.exceeding_components == ("fees",)
    assert check.capped == {
        "interest": D(1500),
        "penalty_interest": D(700),
        "compound_interest": D(200),
        "fees": D(40),
    }
    assert check.claimed_annual_percent == D("26.56")


def test_cap_priority_cuts_across_several_components() -> None:
    components = {
        "interest": D(1500),
        "penalty_interest": D(700),
        "compound_interest": D(200),
        "fees": D(300),
    }
    check = apply_cap(
        D(10_000), components, start=date(2024, 1, 1), end=date(2024, 7, 1), cap_percent=D(24)
    )
    assert check.allowed == D("1213.33")
    assert check.capped == {
        "interest": D("1213.33"),
        "penalty_interest": D(0),
        "compound_interest": D(0),
        "fees": D(0),
    }
    assert check.exceeding_components == (
        "interest",
        "penalty_interest",
        "compound_interest",
        "fees",
    )


def test_cap_proportional_method() -> None:
    components = {
        "interest": D(1500),
        "penalty_interest": D(700),
        "compound_interest": D(200),
        "fees": D(300),
    }
    check = apply_cap(
        D(10_000),
        components,
        start=date(2024, 1, 1),
        end=date(2025, 1, 1),
        cap_percent=D(24),
        method="proportional",
    )
    assert check.reductions == {
        "interest": D("144.44"),
        "penalty_interest": D("67.41"),
        "compound_interest": D("19.26"),
        "fees": D("28.89"),
    }
    assert sum(check.capped.values()) == check.allowed


def test_cap_below_the_limit_changes_nothing() -> None:
    check = apply_cap(
        D(10_000),
        {"interest": D(100)},
        start=date(2024, 1, 1),
        end=date(2024, 2, 1),
        cap_percent=D(24),
    )
    assert not check.exceeds
    assert check.capped == {"interest": D(100)}


def test_cap_across_the_2020_08_20_transition() -> None:
    cap = annual_cap_percent("private", date(2019, 5, 1), filed_on=date(2024, 3, 1))
    check = apply_cap(
        D(100_000),
        {"interest": D(30_000)},
        start=date(2020, 1, 1),
        end=date(2021, 1, 1),
        cap_percent=cap,
    )
    expected = simple_interest(D(100_000), D(24), 232) + simple_interest(
        D(100_000), D("13.80"), 134
    )
    assert check.allowed == expected == D("20603.34")
    assert check.capped["interest"] == expected
