"""Interest caps (利率上限) for financial and private loans.

- Licensed lenders (banks, card issuers, consumer-finance companies and, since 2021, the
  seven local financial organisations — 法释〔2020〕27号): interest, compound interest,
  penalty interest, liquidated damages and fees **together** above 24% a year are
  reduced (法发〔2017〕22号 Art. 2). Some courts benchmark to 4×LPR instead: the court
  policy ``court_policy="4lpr"``.
- Private lending (民间借贷): up to 4× the one-year LPR at contract formation
  (法释〔2020〕17号 Art. 25), overdue interest and fees combined too (Art. 29). Contracts
  formed before 2020-08-20 in cases accepted from that date: interest to 2020-08-19 under
  the old 24% rule, after that 4× the LPR at filing (Art. 31).

:func:`annual_cap_percent` says which cap applies and why; :func:`apply_cap` compares
claimed components with it and returns the capped amounts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from jiefen.law.errors import LawError
from jiefen.law.interest import Basis, RateChange, Repayment, accrue, lpr_on
from jiefen.law.money import ZERO, to_fen
from jiefen.law.parameters import Parameters, load_parameters

Lender = Literal["bank", "private"]
CourtCapPolicy = Literal["24pct", "4lpr"]
CapMethod = Literal["priority", "proportional"]
LENDERS: tuple[Lender, ...] = ("bank", "private")
COURT_CAP_POLICIES: tuple[CourtCapPolicy, ...] = ("24pct", "4lpr")

PCT = Decimal("0.01")


@dataclass(frozen=True)
class CapSegment:
    """A cap in force for interest accruing from ``start`` (inclusive) to ``end`` (exclusive)."""

    start: date | None
    end: date | None
    annual_cap_percent: Decimal
    basis: str
    lpr_date: date | None = None
    lpr_percent: Decimal | None = None


@dataclass(frozen=True)
class CapResult:
    """The annual cap for a loan and the reasoning, possibly split at 2020-08-20."""

    lender: Lender
    contract_date: date
    court_policy: CourtCapPolicy
    segments: tuple[CapSegment, ...]

    @property
    def annual_cap_percent(self) -> Decimal:
        """The cap for interest accruing now (the last segment)."""
        return self.segments[-1].annual_cap_percent

    @property
    def basis(self) -> str:
        return "; ".join(s.basis for s in self.segments)

    def cap_on(self, day: date) -> Decimal:
        """The cap for interest accruing on ``day``."""
        for s in self.segments:
            if (s.start is None or s.start <= day) and (s.end is None or day < s.end):
                return s.annual_cap_percent
        raise LawError(f"no cap segment covers {day}")

    def as_rates(self, start: date) -> list[RateChange]:
        """The cap as a rate schedule from ``start`` (for :func:`interest.accrue`)."""
        rates = [RateChange(start, self.cap_on(start))]
        for s in self.segments:
            if s.start is not None and s.start > start:
                rates.append(RateChange(s.start, s.annual_cap_percent))
        return rates


def _pct(value: Decimal) -> Decimal:
    return value.quantize(PCT)


def annual_cap_percent(
    lender: Lender,
    contract_date: date,
    *,
    court_policy: CourtCapPolicy = "24pct",
    filed_on: date | None = None,
    params: Parameters | None = None,
) -> CapResult:
    """Annual cap (percent) on all interest-like amounts claimed together.

    ``lender="bank"`` covers every licensed lender; its cap is the court's policy:
    ``24pct`` (default, 法发〔2017〕22号 Art. 2) or ``4lpr`` (4× the one-year LPR, read
    with the same dates as private lending). ``lender="private"`` always uses the
    private-lending rules. ``filed_on`` (the case acceptance date) is needed only for
    contracts formed before 2020-08-20.

    >>> annual_cap_percent("private", date(2023, 9, 15)).annual_cap_percent
    Decimal('13.80')
    """
    p = params if params is not None else load_parameters()
    if lender not in LENDERS:
        raise ValueError(f"unknown lender {lender!r}; use one of {', '.join(LENDERS)}")
    if court_policy not in COURT_CAP_POLICIES:
        raise ValueError(f"unknown court cap policy {court_policy!r}")
    if lender == "bank" and court_policy == "24pct":
        rule = p.rule("licensed_lender_cap_percent", filed_on or contract_date)
        segment = CapSegment(None, None, _pct(rule.value), f"24% combined cap ({rule.citation})")
        return CapResult(lender, contract_date, court_policy, (segment,))
    multiplier_rule = p.rules["private_lending_lpr_multiplier"][0]
    transition = multiplier_rule.effective_from
    if contract_date >= transition:
        segment = _lpr_segment(None, contract_date, "contract formation", p)
        return CapResult(lender, contract_date, court_policy, (segment,))
    if filed_on is None:
        raise LawError(
            f"contract formed {contract_date}, before {transition}: the cap from {transition} "
            "depends on the filing date (法释〔2020〕17号 Art. 31); pass filed_on"
        )
    old = p.rule("private_lending_old_cap_percent", min(contract_date, filed_on))
    old_basis = f"{_pct(old.value)}% old rule ({old.citation})"
    if filed_on < transition:
        return CapResult(
            lender,
            contract_date,
            court_policy,
            (CapSegment(None, None, _pct(old.value), old_basis),),
        )
    segments = (
        CapSegment(None, transition, _pct(old.value), f"to {transition}: {old_basis}"),
        _lpr_segment(transition, filed_on, "filing (法释〔2020〕17号第三十一条)", p),
    )
    return CapResult(lender, contract_date, court_policy, segments)


def _lpr_segment(start: date | None, lpr_date: date, why: str, p: Parameters) -> CapSegment:
    rule = p.rule(
        "private_lending_lpr_multiplier",
        max(lpr_date, p.rules["private_lending_lpr_multiplier"][0].effective_from),
    )
    lpr = lpr_on(lpr_date, "1y", params=p)
    cap = _pct(lpr * rule.value)
    text = f"{rule.value} × one-year LPR {lpr}% on {lpr_date} ({why}) = {cap}% ({rule.citation})"
    if start is not None:
        text = f"from {start}: {text}"
    return CapSegment(start, None, cap, text, lpr_date, lpr)


@dataclass(frozen=True)
class CapCheck:
    """Claimed components against the cap over [start, end).

    ``allowed`` is the most the components may total; ``excess`` what is above it;
    ``capped`` the components after reduction and ``reductions`` the cut per component.
    """

    start: date
    end: date
    days: int
    allowed: Decimal
    claimed_total: Decimal
    excess: Decimal
    claimed: Mapping[str, Decimal]
    capped: Mapping[str, Decimal]
    reductions: Mapping[str, Decimal]
    claimed_annual_percent: Decimal | None

    @property
    def exceeds(self) -> bool:
        return self.excess > 0

    @property
    def exceeding_components(self) -> tuple[str, ...]:
        return tuple(k for k, v in self.reductions.items() if v > 0)


def apply_cap(
    principal: Decimal,
    components: Mapping[str, Decimal],
    *,
    start: date,
    end: date,
    cap_percent: Decimal | CapResult,
    basis: Basis = 360,
    repayments: Sequence[Repayment] = (),
    method: CapMethod = "priority",
) -> CapCheck:
    """Compare interest-like components claimed for [start, end) with the cap.

    The cap applies to the **total** of interest, penalty interest, compound interest,
    liquidated damages and fees (法发〔2017〕22号 Art. 2; 民间借贷规定 Art. 29): the
    allowed total is the principal outstanding × cap × days ÷ basis. The excess is
    removed with ``method``:

    - ``priority`` (default): components are kept in the order given, so the excess is
      cut from the last one first (list contractual interest first, fees last);
    - ``proportional``: every component is cut in proportion to its amount.
    """
    if method not in ("priority", "proportional"):
        raise ValueError(f"unknown cap method {method!r}")
    rates = cap_percent.as_rates(start) if isinstance(cap_percent, CapResult) else cap_percent
    allowed = accrue(principal, start, end, rates=rates, repayments=repayments, basis=basis).total
    claimed = dict(components)
    total = sum(claimed.values(), ZERO)
    excess = max(ZERO, total - allowed)
    reductions = _reduce(claimed, excess, method)
    capped = {k: v - reductions[k] for k, v in claimed.items()}
    days = (end - start).days
    annual = None
    if principal > 0 and days > 0:
        annual = _pct(total * basis * 100 / (principal * days))
    return CapCheck(start, end, days, allowed, total, excess, claimed, capped, reductions, annual)


def _reduce(claimed: dict[str, Decimal], excess: Decimal, method: CapMethod) -> dict[str, Decimal]:
    reductions = dict.fromkeys(claimed, ZERO)
    if excess <= 0:
        return reductions
    if method == "priority":
        remaining = excess
        for key in reversed(list(claimed)):
            cut = min(claimed[key], remaining)
            reductions[key] = cut
            remaining -= cut
        return reductions
    total = sum(claimed.values(), ZERO)
    keys = list(claimed)
    done = ZERO
    for key in keys[:-1]:
        cut = to_fen(excess * claimed[key] / total)
        reductions[key] = cut
        done += cut
    reductions[keys[-1]] = excess - done
    return reductions
