"""Screening a private lender's batch: its cap is 4 × the one-year LPR when the contract was
formed (民间借贷规定 Art. 25), not the 24% of licensed lenders (法发〔2017〕22号 Art. 2)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import cast

import pytest

from jiefen.intake.screening import Screener
from jiefen.intake.validate import Record

pytestmark = pytest.mark.django_db


def _record(interest: str) -> Record:
    """45,000 principal, interest claimed for 2024-12-31 → 2025-06-30 (181 days), contract of
    2023-03-15 (one-year LPR 3.65%: the private cap is 14.6%)."""
    amounts = dict.fromkeys(
        ("principal", "interest", "penalty_interest", "compound_interest", "fees"),
        Decimal("0.00"),
    )
    amounts |= {"liquidated_damages": Decimal("0.00"), "lawyer_fees": Decimal("0.00")}
    amounts["principal"] = Decimal("45000.00")
    amounts["interest"] = Decimal(interest)
    return cast(
        Record,
        SimpleNamespace(
            elements={"contract": {"signed_on": "2023-03-15"}, "rates": {"basis": "360"}},
            interest_from=date(2024, 12, 31),
            cut_off_date=date(2025, 6, 30),
            amounts=amounts,
        ),
    )


def test_interest_between_the_private_and_the_bank_cap_is_over_only_for_a_private_lender() -> None:
    # At 14.6%: 45,000 × 14.6% × 181 ÷ 360 = 3,303.25; at 24%: 5,430.00.
    bank = Screener("24pct", "重庆", date(2025, 7, 10))
    private = Screener("24pct", "重庆", date(2025, 7, 10), lender="private")
    claim = _record("4000.00")
    assert bank.over_cap(claim) is False
    assert private.over_cap(claim) is True
    assert private.over_cap(_record("3303.25")) is False
    assert private.over_cap(_record("3303.26")) is True
