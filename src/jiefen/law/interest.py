"""Interest: contractual, penalty and compound interest; LPR and PBoC benchmark lookup.

Conventions (legal-rules.md §3.1):
- days between two dates count the start day and not the end day (算头不算尾), so
  ``days_between(d1, d2) == (d2 - d1).days``;
- rates are ``Decimal`` percent per year; the daily rate is annual ÷ ``basis`` where the
  basis (360 by PBoC convention, 365 in some LPR judgments) is a parameter of each
  computation, never a hidden constant;
- penalty interest is the rate × a multiplier (罚息 = contract rate × 1.3–1.5);
- every printed line is rounded half-up to the fen, and a total is the sum of its
  printed lines, so a reader of the judgment can add them up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Literal

from jiefen.law.errors import OutOfTableError
from jiefen.law.money import ZERO, to_fen
from jiefen.law.parameters import BenchmarkRate, LprFixing, Parameters, load_parameters

Basis = Literal[360, 365]
Tenor = Literal["1y", "5y"]
BenchmarkTerm = Literal["within_1y", "1y_to_5y", "over_5y"]

ONE = Decimal(1)


def days_between(start: date, end: date) -> int:
    """Days from ``start`` to ``end``, counting the start day and not the end day (算头不算尾)."""
    if end < start:
        raise ValueError(f"end {end} is before start {start}")
    return (end - start).days


def _check_basis(basis: int) -> None:
    if basis not in (360, 365):
        raise ValueError(f"day-count basis must be 360 or 365, not {basis}")


def exact_interest(
    principal: Decimal,
    annual_rate_percent: Decimal,
    days: int,
    *,
    basis: Basis = 360,
    multiplier: Decimal = ONE,
) -> Decimal:
    """Unrounded ``principal × rate% × multiplier × days ÷ basis``."""
    _check_basis(basis)
    if days < 0:
        raise ValueError("days must not be negative")
    return principal * annual_rate_percent * multiplier * days / (100 * basis)


def simple_interest(
    principal: Decimal,
    annual_rate_percent: Decimal,
    days: int,
    *,
    basis: Basis = 360,
    multiplier: Decimal = ONE,
) -> Decimal:
    """Simple interest rounded half-up to the fen, as courts write it:
    ``本金 × 年利率 × 倍数 ÷ 360 × 天数`` (legal-rules.md §3.1)."""
    return to_fen(
        exact_interest(principal, annual_rate_percent, days, basis=basis, multiplier=multiplier)
    )


# --------------------------------------------------------------------------- segments


@dataclass(frozen=True)
class RateChange:
    """An annual rate (percent) in force from ``effective_from``."""

    effective_from: date
    annual_rate_percent: Decimal


@dataclass(frozen=True)
class Repayment:
    """Principal repaid on ``on``: interest on the repaid part stops that day."""

    on: date
    amount: Decimal


@dataclass(frozen=True)
class Segment:
    """One printed line of an interest computation: [start, end) at one principal and rate."""

    start: date
    end: date
    days: int
    principal: Decimal
    annual_rate_percent: Decimal
    multiplier: Decimal
    exact: Decimal
    interest: Decimal


@dataclass(frozen=True)
class Accrual:
    """Result of :func:`accrue`: the segments and their total (sum of the rounded lines)."""

    segments: tuple[Segment, ...]
    total: Decimal
    exact_total: Decimal
    basis: int

    @property
    def days(self) -> int:
        return sum(s.days for s in self.segments)


def accrue(
    principal: Decimal,
    start: date,
    end: date,
    *,
    rates: Decimal | Sequence[RateChange],
    repayments: Sequence[Repayment] = (),
    basis: Basis = 360,
    multiplier: Decimal = ONE,
) -> Accrual:
    """Interest over [start, end) with a changing principal and changing rates.

    The period is cut at every repayment date and every rate change; each segment is
    ``principal × rate × multiplier × days ÷ basis``, rounded to the fen. A repayment on
    day D reduces the principal from D on (the day of payment bears no interest on the
    part repaid, 算头不算尾). ``rates`` is one rate or a list of :class:`RateChange`
    whose first entry must be in force on ``start`` (see :func:`lpr_rates`).
    """
    _check_basis(basis)
    days_between(start, end)
    schedule = _rate_schedule(rates, start)
    balance_changes = sorted(repayments, key=lambda r: r.on)
    cuts = {start, end}
    cuts.update(r.effective_from for r in schedule if start < r.effective_from < end)
    cuts.update(r.on for r in balance_changes if start < r.on < end)
    points = sorted(cuts)
    segments: list[Segment] = []
    for seg_start, seg_end in pairwise(points):
        repaid = sum((r.amount for r in balance_changes if r.on <= seg_start), ZERO)
        balance = principal - repaid
        if balance < 0:
            raise ValueError(f"repayments exceed the principal by {seg_start}")
        rate = _rate_on(schedule, seg_start)
        days = days_between(seg_start, seg_end)
        exact = exact_interest(balance, rate, days, basis=basis, multiplier=multiplier)
        segments.append(
            Segment(seg_start, seg_end, days, balance, rate, multiplier, exact, to_fen(exact))
        )
    total = sum((s.interest for s in segments), ZERO)
    exact_total = sum((s.exact for s in segments), ZERO)
    return Accrual(tuple(segments), to_fen(total), exact_total, basis)


def _rate_schedule(rates: Decimal | Sequence[RateChange], start: date) -> list[RateChange]:
    if isinstance(rates, Decimal):
        return [RateChange(start, rates)]
    schedule = sorted(rates, key=lambda r: r.effective_from)
    if not schedule or schedule[0].effective_from > start:
        raise OutOfTableError(f"no rate in force on the start date {start}")
    return schedule


def _rate_on(schedule: list[RateChange], day: date) -> Decimal:
    rate = schedule[0].annual_rate_percent
    for r in schedule:
        if r.effective_from <= day:
            rate = r.annual_rate_percent
    return rate


def compound_interest(
    unpaid_interest: Sequence[tuple[date, Decimal]],
    end: date,
    *,
    rates: Decimal | Sequence[RateChange],
    basis: Basis = 360,
    multiplier: Decimal = ONE,
) -> Accrual:
    """Compound interest (复利): each unpaid interest amount bears interest from its due
    date to ``end``, usually at the penalty rate (legal-rules.md §3.2). Credit-card
    fees never bear interest (银发〔2016〕111号): pass interest amounts only."""
    segments: list[Segment] = []
    for due, amount in sorted(unpaid_interest):
        if due >= end:
            continue
        segments.extend(
            accrue(amount, due, end, rates=rates, basis=basis, multiplier=multiplier).segments
        )
    total = sum((s.interest for s in segments), ZERO)
    return Accrual(tuple(segments), to_fen(total), sum((s.exact for s in segments), ZERO), basis)


# --------------------------------------------------------------------------- LPR


def _params(params: Parameters | None) -> Parameters:
    return params if params is not None else load_parameters()


def lpr_fixing_on(day: date, *, params: Parameters | None = None) -> LprFixing:
    """The LPR fixing in force on ``day``.

    A day before the first fixing (2019-08-20) or after the table's last ``reviewed``
    date is an error, never a guess: later fixings are entered by an administrator.
    """
    p = _params(params)
    first = p.lpr[0].effective_from
    if day < first:
        raise OutOfTableError(
            f"no LPR before {first} ({day}); before the LPR reform use the PBoC benchmark rate"
        )
    if day > p.lpr_valid_through:
        raise OutOfTableError(
            f"LPR table reviewed through {p.lpr_valid_through}; no LPR known for {day} — "
            "enter the later fixings in the admin site (LPR fixings)"
        )
    found = p.lpr[0]
    for row in p.lpr:
        if row.effective_from <= day:
            found = row
        else:
            break
    return found


def lpr_on(day: date, tenor: Tenor = "1y", *, params: Parameters | None = None) -> Decimal:
    """One-year (``"1y"``) or over-five-year (``"5y"``) LPR in percent on ``day``."""
    fixing = lpr_fixing_on(day, params=params)
    if tenor == "1y":
        return fixing.lpr_1y
    if tenor == "5y":
        return fixing.lpr_5y
    raise ValueError(f"unknown LPR tenor {tenor!r}; use '1y' or '5y'")


def lpr_rates(
    start: date,
    end: date,
    *,
    tenor: Tenor = "1y",
    factor: Decimal = ONE,
    spread_bp: int = 0,
    params: Parameters | None = None,
) -> list[RateChange]:
    """Floating-rate schedule following the LPR over [start, end): ``LPR × factor +
    spread`` from each fixing (e.g. overdue interest at the one-year LPR, 民间借贷规定
    Art. 28). Every day of the period must be covered by the table."""
    p = _params(params)
    days_between(start, end)
    last_day = end - timedelta(days=1) if end > start else start
    lpr_fixing_on(last_day, params=p)
    spread = Decimal(spread_bp) / 100
    schedule = [RateChange(start, lpr_on(start, tenor, params=p) * factor + spread)]
    for row in p.lpr:
        if start < row.effective_from < end:
            value = row.lpr_1y if tenor == "1y" else row.lpr_5y
            rate = value * factor + spread
            if rate != schedule[-1].annual_rate_percent:
                schedule.append(RateChange(row.effective_from, rate))
    return schedule


def benchmark_rate_on(
    day: date, term: BenchmarkTerm = "within_1y", *, params: Parameters | None = None
) -> Decimal:
    """PBoC benchmark lending rate (percent) on ``day`` for a loan ``term``.

    Only 2014-11-22 onwards is confirmed; a date before that or after the table's
    ``reviewed`` date raises.
    """
    p = _params(params)
    rows = p.pboc_benchmark
    if day < rows[0].effective_from:
        raise OutOfTableError(f"no PBoC benchmark rate before {rows[0].effective_from} ({day})")
    if day > p.benchmark_valid_through:
        raise OutOfTableError(f"PBoC benchmark table reviewed through {p.benchmark_valid_through}")
    found: BenchmarkRate = rows[0]
    for row in rows:
        if row.effective_from <= day:
            found = row
    if term == "within_1y":
        return found.within_1y
    if term == "1y_to_5y":
        return found.from_1y_to_5y
    if term == "over_5y":
        return found.over_5y
    raise ValueError(f"unknown benchmark term {term!r}")
