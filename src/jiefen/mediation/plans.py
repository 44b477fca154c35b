"""Instalment-plan arithmetic (分期还款计划): pure functions over Decimal and date, no Django.

A plan settles a claim for an agreed total (the claim less any waived components), paid as a
first payment and further monthly instalments, equal or custom. The same functions check a
borrower's proposal against an institution's standing settlement rule (预设和解规则), allocate
incoming payments to instalments oldest first, and find the first missed instalment after the
plan's grace period.

Legal frame: a mediation agreement is a civil contract (人民调解法 Art. 31; 民法典 Art. 143);
what may be waived is the creditor's choice, so the waivable components and the limits are data
of the rule, not code. Money is Decimal rounded HALF_UP to fen (jiefen.law.money.to_fen).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from jiefen.law.money import FEN, ZERO, to_fen

# The claim components a plan may waive, in the order a court lists them (民诉解释 Art. 201).
COMPONENTS: dict[str, str] = {
    "principal": "本金",
    "interest": "利息",
    "penalty_interest": "罚息",
    "compound_interest": "复利",
    "fees": "手续费",
    "liquidated_damages": "违约金",
    "lawyer_fees": "律师费",
}
WAIVABLE: tuple[str, ...] = (
    "interest",
    "penalty_interest",
    "compound_interest",
    "fees",
    "liquidated_damages",
    "lawyer_fees",
)

Schedule = Literal["equal", "custom"]


class PlanError(ValueError):
    """A plan that cannot be built as asked; the message is for the user (Chinese)."""


def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (1-31 → 2-28/29)."""
    month0 = start.month - 1 + months
    year, month = start.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def settlement_total(
    claim: Mapping[str, Decimal], waived: Iterable[str]
) -> tuple[Decimal, Decimal]:
    """(amount to pay, amount waived) when the listed components are waived in full."""
    waived_set = set(waived)
    bad = waived_set - set(WAIVABLE)
    if bad:
        raise PlanError(
            "本金不能减免" if "principal" in bad else f"未知的减免项目：{', '.join(sorted(bad))}"
        )
    total = sum((Decimal(claim.get(k, ZERO)) for k in COMPONENTS), ZERO)
    waived_amount = sum((Decimal(claim.get(k, ZERO)) for k in waived_set), ZERO)
    return to_fen(total - waived_amount), to_fen(waived_amount)


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date
    amount: Decimal


def build_schedule(
    total: Decimal,
    instalments: int,
    first_due: date,
    *,
    first_payment: Decimal | None = None,
    schedule: Schedule = "equal",
    custom_amounts: Sequence[Decimal] = (),
) -> list[Instalment]:
    """Monthly instalments summing exactly to `total`.

    Equal: the first payment (if given) is instalment 1, the rest is split equally to the fen
    and the last instalment takes the rounding remainder. Custom: the amounts as given, which
    must add up to the total.
    """
    total = to_fen(total)
    if total <= ZERO:
        raise PlanError("还款总额必须大于零")
    if instalments < 1 or instalments > 120:
        raise PlanError("分期期数应在1至120期之间")
    if schedule == "custom":
        amounts = [to_fen(Decimal(a)) for a in custom_amounts]
        if len(amounts) != instalments:
            raise PlanError(f"自定义计划应列明{instalments}期金额，实际{len(amounts)}期")
        if any(a <= ZERO for a in amounts):
            raise PlanError("每期金额必须大于零")
        if sum(amounts, ZERO) != total:
            raise PlanError(f"各期金额合计{sum(amounts, ZERO)}元，与还款总额{total}元不一致")
    else:
        amounts = _equal_amounts(total, instalments, first_payment)
    return [Instalment(n, add_months(first_due, n - 1), a) for n, a in enumerate(amounts, start=1)]


def _equal_amounts(
    total: Decimal, instalments: int, first_payment: Decimal | None
) -> list[Decimal]:
    if instalments == 1:
        if first_payment is not None and to_fen(first_payment) != total:
            raise PlanError("一次性还款时首付款应等于还款总额")
        return [total]
    if first_payment is None:
        rest_count, rest, head = instalments, total, []
    else:
        first = to_fen(first_payment)
        if first <= ZERO or first >= total:
            raise PlanError("首付款应大于零且小于还款总额")
        rest_count, rest, head = instalments - 1, total - first, [first]
    each = (rest / rest_count).quantize(FEN, rounding="ROUND_DOWN")
    if each <= ZERO:
        raise PlanError("分期过多，每期金额不足0.01元")
    tail = [each] * (rest_count - 1) + [rest - each * (rest_count - 1)]
    return head + tail


@dataclass(frozen=True)
class RuleLimits:
    """An institution's standing settlement rule, as plain values."""

    max_instalments: int
    min_first_payment_percent: Decimal
    waivable: frozenset[str] = field(default_factory=frozenset)
    max_first_due_days: int = 30


@dataclass(frozen=True)
class Proposal:
    total: Decimal
    instalments: int
    first_payment: Decimal
    first_due: date
    waived: frozenset[str] = field(default_factory=frozenset)


def outside_rule(
    proposal: Proposal, limits: RuleLimits, claim: Mapping[str, Decimal], *, as_of: date
) -> list[str]:
    """Why a proposal falls outside the rule (Chinese reasons); empty → accepted at once."""
    reasons: list[str] = []
    if proposal.instalments > limits.max_instalments:
        reasons.append(f"分期{proposal.instalments}期，超过预设规则的{limits.max_instalments}期")
    minimum_total, _ = settlement_total(claim, proposal.waived & limits.waivable)
    if to_fen(proposal.total) < minimum_total:
        reasons.append(f"还款总额{to_fen(proposal.total)}元，低于可接受的{minimum_total}元")
    not_waivable = proposal.waived - limits.waivable
    if not_waivable:
        names = "、".join(COMPONENTS[k] for k in sorted(not_waivable))
        reasons.append(f"要求减免{names}，超出预设规则")
    floor = to_fen(proposal.total * limits.min_first_payment_percent / 100)
    if proposal.instalments > 1 and to_fen(proposal.first_payment) < floor:
        reasons.append(
            f"首付款{to_fen(proposal.first_payment)}元，低于还款总额的"
            f"{limits.min_first_payment_percent.normalize():f}%（{floor}元）"
        )
    if proposal.first_due > as_of + timedelta(days=limits.max_first_due_days):
        reasons.append(f"首期还款日距今超过{limits.max_first_due_days}日")
    return reasons


@dataclass
class InstalmentState:
    number: int
    due_date: date
    amount: Decimal
    paid: Decimal = ZERO

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


def allocate(instalments: Sequence[InstalmentState], amount: Decimal) -> Decimal:
    """Apply a payment to the oldest unpaid instalments in place; return what is left over.

    Oldest first is the default order of 民法典 Art. 560 (the debt due first is paid first).
    """
    left = to_fen(amount)
    for inst in sorted(instalments, key=lambda i: i.number):
        if left <= ZERO:
            break
        take = min(inst.outstanding, left)
        if take > ZERO:
            inst.paid += take
            left -= take
    return left


def first_missed(
    instalments: Sequence[InstalmentState], *, as_of: date, grace_days: int
) -> InstalmentState | None:
    """The first instalment still unpaid more than `grace_days` after its due date."""
    for inst in sorted(instalments, key=lambda i: i.number):
        if inst.outstanding > ZERO and inst.due_date + timedelta(days=grace_days) < as_of:
            return inst
    return None


def outstanding(instalments: Sequence[InstalmentState]) -> Decimal:
    """Balance of the plan: what an enforcement application claims after acceleration."""
    return sum((i.outstanding for i in instalments), ZERO)
