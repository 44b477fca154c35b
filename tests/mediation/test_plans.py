"""Plan arithmetic (no database): schedules, rule checks, allocation, misses."""

from datetime import date
from decimal import Decimal as D

import pytest

from jiefen.mediation import plans

CLAIM = {
    "principal": D("45000"),
    "interest": D("1234.56"),
    "penalty_interest": D("800"),
    "compound_interest": D("65.44"),
}


def test_equal_schedule_sums_exactly_and_last_takes_the_remainder() -> None:
    rows = plans.build_schedule(D("10000"), 3, date(2025, 1, 31))
    assert [r.amount for r in rows] == [D("3333.33"), D("3333.33"), D("3333.34")]
    assert [r.due_date for r in rows] == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31)]


def test_first_payment_then_equal_rest_and_custom_must_add_up() -> None:
    rows = plans.build_schedule(D("47100"), 3, date(2025, 7, 1), first_payment=D("10000"))
    assert [r.amount for r in rows] == [D("10000.00"), D("18550.00"), D("18550.00")]
    with pytest.raises(plans.PlanError, match="不一致"):
        plans.build_schedule(
            D("100"), 2, date(2025, 7, 1), schedule="custom", custom_amounts=[D("50"), D("40")]
        )
    custom = plans.build_schedule(
        D("100"), 2, date(2025, 7, 1), schedule="custom", custom_amounts=[D("70"), D("30")]
    )
    assert [r.amount for r in custom] == [D("70.00"), D("30.00")]


def test_settlement_total_never_waives_principal() -> None:
    assert plans.settlement_total(CLAIM, ["penalty_interest", "compound_interest"]) == (
        D("46234.56"),
        D("865.44"),
    )
    with pytest.raises(plans.PlanError, match="本金"):
        plans.settlement_total(CLAIM, ["principal"])


def test_rule_check_lists_every_reason() -> None:
    limits = plans.RuleLimits(24, D("10"), frozenset({"penalty_interest"}))
    ok = plans.Proposal(
        D("46300"), 12, D("4630"), date(2025, 7, 10), frozenset({"penalty_interest"})
    )
    assert plans.outside_rule(ok, limits, CLAIM, as_of=date(2025, 7, 1)) == []
    bad = plans.Proposal(D("45000"), 36, D("100"), date(2025, 9, 1), frozenset({"interest"}))
    reasons = plans.outside_rule(bad, limits, CLAIM, as_of=date(2025, 7, 1))
    assert len(reasons) == 5 and "36期" in reasons[0]


def test_allocation_oldest_first_and_missed_after_grace() -> None:
    insts = [plans.InstalmentState(n, date(2025, n, 10), D("100")) for n in (1, 2, 3)]
    assert plans.allocate(insts, D("150")) == D("0")
    assert [i.paid for i in insts] == [D("100"), D("50"), D("0")]
    assert plans.first_missed(insts, as_of=date(2025, 2, 20), grace_days=10) is None
    assert plans.first_missed(insts, as_of=date(2025, 2, 21), grace_days=10).number == 2
    assert plans.allocate(insts, D("500")) == D("350.00")
    assert plans.outstanding(insts) == D("0")
