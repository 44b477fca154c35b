"""Per-court policies round-trip through JSON and refuse typos."""

import pytest

from jiefen.law import DEFAULT_COURT_POLICY, CourtPolicy, FeePolicy


def test_defaults_and_round_trip() -> None:
    assert CourtPolicy.from_dict(None) == DEFAULT_COURT_POLICY
    policy = CourtPolicy.from_dict({"fee_rounding": "fen", "cap": "4lpr", "interest_basis": 365})
    assert policy.fees == FeePolicy(rounding="fen")
    assert policy.cap == "4lpr"
    assert CourtPolicy.from_dict(policy.to_dict()) == policy


@pytest.mark.parametrize(
    "data",
    [
        {"rounding": "fen"},
        {"fee_rounding": "bankers"},
        {"cap": "36pct"},
        {"interest_basis": 366},
        {"delay_count_expiry_day": "yes"},
        {"fee_half_rounding": "whole"},
    ],
)
def test_typos_are_refused(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        CourtPolicy.from_dict(data)
