"""Delayed-performance interest (迟延履行期间的债务利息) — 法释〔2014〕8号.

Total = the general interest the judgment ordered + the **doubled part**, which is
``unpaid money debt fixed by the judgment (excluding general interest) × 0.0175% per day
× days of delay`` (Art. 1). This module computes the doubled part only.

- The delay runs from the expiry of the performance period (Art. 3). Whether the expiry
  day itself counts is not fixed by the text: by default the count starts the day after
  expiry, consistent with 民诉法 Art. 85 (:class:`DelayPolicy` switches it).
- A partial payment ends the period for the part paid on its payment date; full
  payment ends it (Art. 3). Periods of suspension not caused by the debtor are excluded.
- Payments go first to the adjudicated money debt, then to the doubled-part interest
  (Art. 4), unless the parties agreed otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from jiefen.law.errors import LawError
from jiefen.law.interest import days_between
from jiefen.law.money import ZERO, to_fen
from jiefen.law.parameters import Parameters, load_parameters


@dataclass(frozen=True)
class DelayPolicy:
    """Court policy for counting the delay: ``count_expiry_day=True`` also counts the
    day the performance period expires (some courts read Art. 3's 届满之日起计算 so)."""

    count_expiry_day: bool = False


DEFAULT_DELAY_POLICY = DelayPolicy()


@dataclass(frozen=True)
class Payment:
    """Money the debtor paid (or the court transferred) on ``on``.

    ``to_court`` is False for a payment the debtor made to the creditor directly (reported by
    the creditor): it is credited to the debt, but the court holds none of it, so the
    execution fee cannot be taken from it (`jiefen.law.distribution`)."""

    on: date
    amount: Decimal
    to_court: bool = True


@dataclass(frozen=True)
class DelaySegment:
    """Delay days after ``start`` up to and including ``end`` on one unpaid ``debt``
    (with ``count_expiry_day`` the first segment also counts ``start``)."""

    start: date
    end: date
    days: int
    debt: Decimal
    interest: Decimal


@dataclass(frozen=True)
class DelayResult:
    """Doubled-part interest, and how payments were allocated (Art. 4)."""

    segments: tuple[DelaySegment, ...]
    daily_rate_percent: Decimal
    doubled_interest: Decimal
    debt_paid: Decimal
    debt_outstanding: Decimal
    doubled_interest_paid: Decimal
    doubled_interest_outstanding: Decimal
    overpaid: Decimal
    citation: str

    @property
    def days(self) -> int:
        """Delay days counted in all segments (a segment ends at a payment or the end)."""
        return sum(s.days for s in self.segments)


def _params(params: Parameters | None) -> Parameters:
    return params if params is not None else load_parameters()


def doubled_interest(
    debt: Decimal, days: int, *, as_of: date, params: Parameters | None = None
) -> Decimal:
    """``debt × 0.0175% × days`` rounded to the fen; 100,000 × 30 days → 525.00.

    ``as_of`` is the first day of delay; it selects the daily rate (in force since
    2014-08-01; earlier delays follow the old rules and raise).
    """
    rule = _params(params).rule("delay_interest_daily_percent", as_of)
    if days < 0 or debt < 0:
        raise ValueError("debt and days must not be negative")
    return to_fen(debt * rule.value * days / 100)


def delay_days(expiry: date, end: date, *, policy: DelayPolicy = DEFAULT_DELAY_POLICY) -> int:
    """Days of delay from the expiry of the performance period to ``end`` (the payment
    date), counting from the day after expiry by default."""
    return days_between(expiry, end) + (1 if policy.count_expiry_day else 0)


def _suspended_days(first: date, last: date, suspensions: Sequence[tuple[date, date]]) -> int:
    """Days in [first, last] that fall in a suspension (both ends inclusive)."""
    total = 0
    for s_first, s_last in suspensions:
        lo, hi = max(first, s_first), min(last, s_last)
        if lo <= hi:
            total += (hi - lo).days + 1
    return total


def delayed_performance_interest(
    debt: Decimal,
    *,
    expiry: date,
    end: date,
    payments: Sequence[Payment] = (),
    suspensions: Sequence[tuple[date, date]] = (),
    policy: DelayPolicy = DEFAULT_DELAY_POLICY,
    params: Parameters | None = None,
) -> DelayResult:
    """Doubled-part interest on ``debt`` (the adjudicated money debt excluding general
    interest) from ``expiry`` (last day of the performance period) to ``end``.

    Each payment stops the delay for the part it pays on its date and is allocated first
    to the debt, then to the doubled interest accrued so far (Art. 4). ``suspensions``
    are inclusive date ranges not caused by the debtor, excluded from the count.
    Payments after ``end`` are ignored.
    """
    if debt < 0:
        raise ValueError("debt must not be negative")
    days_between(expiry, end)
    rule = _params(params).rule("delay_interest_daily_percent", expiry + timedelta(days=1))
    rate = rule.value
    outstanding = debt
    accrued_total = ZERO
    interest_paid = ZERO
    overpaid = ZERO
    segments: list[DelaySegment] = []
    cursor = expiry
    include_cursor = policy.count_expiry_day
    events = sorted((p for p in payments if p.on <= end), key=lambda p: p.on)
    stops: list[tuple[date, Payment | None]] = [(p.on, p) for p in events]
    stops.append((end, None))
    for stop, payment in stops:
        if stop > cursor:
            seg_first = cursor if include_cursor else cursor + timedelta(days=1)
            days = (stop - seg_first).days + 1 - _suspended_days(seg_first, stop, suspensions)
            if outstanding > 0 and days > 0:
                interest = to_fen(outstanding * rate * days / 100)
                segments.append(DelaySegment(cursor, stop, days, outstanding, interest))
                accrued_total += interest
            cursor, include_cursor = stop, False
        if payment is None:
            continue
        if payment.amount <= 0:
            raise LawError(f"payment on {payment.on} must be positive")
        to_debt = min(outstanding, payment.amount)
        outstanding -= to_debt
        rest = payment.amount - to_debt
        to_interest = min(accrued_total - interest_paid, rest)
        interest_paid += to_interest
        overpaid += rest - to_interest
    return DelayResult(
        segments=tuple(segments),
        daily_rate_percent=rate,
        doubled_interest=accrued_total,
        debt_paid=debt - outstanding,
        debt_outstanding=outstanding,
        doubled_interest_paid=interest_paid,
        doubled_interest_outstanding=accrued_total - interest_paid,
        overpaid=overpaid,
        citation=rule.citation,
    )
