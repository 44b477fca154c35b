"""Distributing money executed (执行款分配) over the debt a title fixes, with the doubled part.

Each amount the court receives for an enforcement goes, in this order:

1. the **execution fee** (申请执行费): borne by the debtor and collected after execution
   (诉讼费用交纳办法 Arts. 20, 38), so the court takes it first from each amount executed
   (court practice);
2. the **money debt fixed by the title** (生效法律文书确定的金钱债务), within it 民法典 Art. 561:
   costs of realising the debt (acceptance fee borne, lawyer fees) → interest (the general
   interest the title fixed, then the continuing general interest accrued since) → principal →
   other money debt (card fees, liquidated damages);
3. the **doubled-part interest** (加倍部分债务利息) accrued so far: 法释〔2014〕8号 Art. 4 — when
   the debtor's assets do not cover everything, first the money debt, then the doubled part;
4. any **surplus**, returned to the debtor.

The doubled part (法释〔2014〕8号 Art. 1) runs on the unpaid money debt *excluding general
interest* (costs + principal + other) at 0.0175 % a day; a partial payment ends the delay for
the part it pays on its payment date (Art. 3). Delay days are counted as
:func:`jiefen.law.delay_interest.delayed_performance_interest` counts them: from the day after
the last day of the performance period (``delay_from``) unless the court's
:class:`~jiefen.law.delay_interest.DelayPolicy` also counts that day. Interest of both kinds is
rounded to the fen per segment between two payments, as courts print each line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from jiefen.law.delay_interest import DEFAULT_DELAY_POLICY, DelayPolicy, Payment
from jiefen.law.errors import LawError
from jiefen.law.money import ZERO, to_fen
from jiefen.law.parameters import Parameters, load_parameters

__all__ = [
    "Allocation",
    "Distribution",
    "GeneralInterestTerms",
    "MoneyDebt",
    "Payment",
    "distribute",
]


@dataclass(frozen=True)
class MoneyDebt:
    """The money debt a title fixes (生效法律文书确定的金钱债务), by component.

    ``costs``: 实现债权的费用 the debtor bears (acceptance fee, lawyer fees); ``interest``: the
    general interest the title fixed (interest, penalty and compound interest to the cut-off);
    ``principal``: the base of any continuing general interest; ``other``: other money debt
    (card fees, liquidated damages).
    """

    costs: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO
    other: Decimal = ZERO

    def __post_init__(self) -> None:
        for name in ("costs", "interest", "principal", "other"):
            if getattr(self, name) < 0:
                raise LawError(f"债务金额不得为负数：{name}={getattr(self, name)}")

    @property
    def total(self) -> Decimal:
        return self.costs + self.interest + self.principal + self.other


@dataclass(frozen=True)
class GeneralInterestTerms:
    """General interest the title orders to run on the principal until payment
    (e.g. "按年利率18%计算至实际清偿之日止"). ``start`` is the first day that accrues (the
    day after the cut-off); ``basis`` is the day-count basis, 360 or 365."""

    annual_percent: Decimal
    basis: int
    start: date

    def __post_init__(self) -> None:
        if self.basis not in (360, 365):
            raise LawError(f"计息天数基准只能是360或365：{self.basis}")
        if self.annual_percent < 0:
            raise LawError(f"年利率不得为负数：{self.annual_percent}")


@dataclass(frozen=True)
class Allocation:
    """How one payment was distributed."""

    on: date
    amount: Decimal
    to_execution_fee: Decimal
    to_costs: Decimal
    to_interest: Decimal
    to_principal: Decimal
    to_other: Decimal
    to_delay_interest: Decimal
    surplus: Decimal

    @property
    def to_debt(self) -> Decimal:
        """What went to the money debt fixed by the title (costs, interest, principal, other)."""
        return self.to_costs + self.to_interest + self.to_principal + self.to_other


@dataclass(frozen=True)
class Distribution:
    """The allocations of all payments and what is still owed on ``as_of``.

    ``outstanding.interest`` includes the continuing general interest accrued and unpaid.
    """

    allocations: tuple[Allocation, ...]
    as_of: date
    general_interest_accrued: Decimal
    delay_interest_accrued: Decimal
    outstanding: MoneyDebt
    outstanding_delay_interest: Decimal
    outstanding_execution_fee: Decimal
    citation: str

    @property
    def outstanding_debt(self) -> Decimal:
        """Money debt still owed, unpaid accrued general interest included."""
        return self.outstanding.total


CITATION = (
    "法释〔2014〕8号第一条、第三条、第四条；民法典第五百六十一条；"
    "《诉讼费用交纳办法》第二十条、第三十八条"
)


class _Balances:
    """Running balances of one distribution (mutable, private to :func:`distribute`)."""

    def __init__(self, debt: MoneyDebt, execution_fee: Decimal) -> None:
        self.execution_fee = execution_fee
        self.costs = debt.costs
        self.interest = debt.interest
        self.principal = debt.principal
        self.other = debt.other
        self.delay = ZERO

    @property
    def delay_base(self) -> Decimal:
        """The unpaid money debt excluding general interest (法释〔2014〕8号 Art. 1)."""
        return self.costs + self.principal + self.other

    def allocate(self, payment: Payment) -> Allocation:
        rest = payment.amount
        parts: list[Decimal] = []
        for name in ("execution_fee", "costs", "interest", "principal", "other", "delay"):
            owed: Decimal = getattr(self, name)
            # Paid to the creditor directly: the court holds none of it, the fee stays owed.
            takes = owed if payment.to_court or name != "execution_fee" else ZERO
            part = min(takes, rest)
            setattr(self, name, owed - part)
            rest -= part
            parts.append(part)
        fee, costs, interest, principal, other, delay = parts
        return Allocation(
            on=payment.on,
            amount=payment.amount,
            to_execution_fee=fee,
            to_costs=costs,
            to_interest=interest,
            to_principal=principal,
            to_other=other,
            to_delay_interest=delay,
            surplus=rest,
        )


def _checked_payments(payments: Sequence[Payment]) -> list[Payment]:
    for p in payments:
        if p.amount <= 0:
            raise LawError(f"{p.on.isoformat()}的付款金额必须为正数：{p.amount}")
    return sorted(payments, key=lambda p: p.on)  # stable for equal dates


def distribute(
    debt: MoneyDebt,
    *,
    delay_from: date,
    payments: Sequence[Payment],
    as_of: date | None = None,
    execution_fee: Decimal = ZERO,
    general_interest: GeneralInterestTerms | None = None,
    policy: DelayPolicy = DEFAULT_DELAY_POLICY,
    params: Parameters | None = None,
) -> Distribution:
    """Distribute ``payments`` over the execution fee, the money debt and the doubled part.

    ``delay_from`` is the last day of the performance period; ``as_of`` (default: the last
    payment date, or ``delay_from`` without payments) is the day the outstanding figures are
    computed for. Continuing general interest (``general_interest``) accrues on the outstanding
    principal from ``general_interest.start`` (that day included) up to and including each
    payment date, and is paid after the costs and before the principal.

    Worked example: 100,000 unpaid, performance period ending 2024-01-01, 100,525 paid on
    2024-01-31 → 30 delay days → 100,000 to the debt, 525.00 to the doubled part.
    """
    if execution_fee < 0:
        raise LawError(f"执行费不得为负数：{execution_fee}")
    ordered = _checked_payments(payments)
    last = ordered[-1].on if ordered else delay_from
    end = as_of if as_of is not None else last
    if ordered and end < last:
        raise LawError(f"计算截止日{end.isoformat()}早于最后一笔付款日{last.isoformat()}，无法计算")
    p = params if params is not None else load_parameters()
    rule = p.rule("delay_interest_daily_percent", delay_from + timedelta(days=1))
    rate = rule.value

    balances = _Balances(debt, execution_fee)
    delay_cursor, include_cursor = delay_from, policy.count_expiry_day
    interest_last = general_interest.start - timedelta(days=1) if general_interest else end
    general_accrued = ZERO
    delay_accrued = ZERO
    allocations: list[Allocation] = []

    def accrue_to(stop: date) -> None:
        nonlocal delay_cursor, include_cursor, interest_last, general_accrued, delay_accrued
        if general_interest is not None and stop > interest_last:
            days = (stop - interest_last).days
            accrued = to_fen(
                balances.principal
                * general_interest.annual_percent
                * days
                / (100 * general_interest.basis)
            )
            balances.interest += accrued
            general_accrued += accrued
            interest_last = stop
        if stop > delay_cursor:
            days = (stop - delay_cursor).days + (1 if include_cursor else 0)
            accrued = to_fen(balances.delay_base * rate * days / 100)
            balances.delay += accrued
            delay_accrued += accrued
            delay_cursor, include_cursor = stop, False

    for payment in ordered:
        accrue_to(payment.on)
        allocations.append(balances.allocate(payment))
    accrue_to(end)

    return Distribution(
        allocations=tuple(allocations),
        as_of=end,
        general_interest_accrued=general_accrued,
        delay_interest_accrued=delay_accrued,
        outstanding=MoneyDebt(
            costs=balances.costs,
            interest=balances.interest,
            principal=balances.principal,
            other=balances.other,
        ),
        outstanding_delay_interest=balances.delay,
        outstanding_execution_fee=balances.execution_fee,
        citation=f"{CITATION}；{rule.citation}",
    )
