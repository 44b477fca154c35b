"""Litigation fees (诉讼费用) under the 诉讼费用交纳办法 (国务院令第481号).

- acceptance fee for property cases, cumulative brackets (办法 Art. 13(一));
- halving for mediation, withdrawal and summary procedure, **once only**
  (办法 Arts. 15–16; 民诉解释 Art. 206);
- payment-order fee = 1/3 of the property-case fee (Art. 14(三));
- preservation fee with the 5,000 cap (Art. 14(二)); execution fee (Art. 14(一));
- judicial confirmation and people's mediation are free (Art. 8);
- apportionment between the parties when part of the claim is rejected (Art. 29).

The 办法 says nothing about rounding, so rounding is a per-court :class:`FeePolicy`
(legal-rules.md §1.3). The brackets are data in ``parameters/fees.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Literal

from jiefen.law.money import FEN, ZERO, Rounding, round_amount, to_fen, to_yuan
from jiefen.law.parameters import FeeSchedule, Parameters, load_parameters
from jiefen.law.parameters.model import dated_lookup

FeeKind = Literal[
    "acceptance", "payment_order", "preservation", "execution", "judicial_confirmation"
]
FEE_KINDS: tuple[FeeKind, ...] = (
    "acceptance",
    "payment_order",
    "preservation",
    "execution",
    "judicial_confirmation",
)

HalvingGround = Literal["mediation", "withdrawal", "summary_procedure", "small_claims"]
HALVING_GROUNDS: tuple[HalvingGround, ...] = (
    "mediation",
    "withdrawal",
    "summary_procedure",
    "small_claims",
)

#: Free procedures (办法 Art. 8; 人民调解法 Art. 4): no fee is ever charged.
FREE_PROCEDURES = frozenset({"judicial_confirmation", "people_mediation"})

#: Execution without an amount (e.g. an act to be performed): 50–500 yuan per case,
#: fixed by the court (办法 Art. 14(一)). Not computed: the court decides.
EXECUTION_FEE_NO_AMOUNT_RANGE = (Decimal(50), Decimal(500))


class HalfRounding(StrEnum):
    """Whether a court's payable fees are whole yuan (legal-rules.md §1.3, practice).

    Courts that round the full fee first and then halve it (办法 Arts. 15–16) differ on
    the half: some round it again to the yuan (``案件受理费2769元，减半收取1385元``),
    others keep half a yuan (``减半收取1384.5元``).

    - ``WHOLE_YUAN``: every payable fee is a whole number of yuan — the half is rounded
      again (half up, or down for a court that truncates), and the payment-order,
      preservation and execution fees are rounded to the yuan too. Such a court never
      prints 角 or 分 in a payable fee.
    - ``KEEP_HALF_YUAN``: the half keeps 0.50 yuan; application fees keep the fen
      (``application_rounding``). The default: it gives the figures of legal-rules.md
      §1.5 (half 463 by exact halving, payment order 16.67).
    """

    WHOLE_YUAN = "whole_yuan"
    KEEP_HALF_YUAN = "keep_half_yuan"


HALF_ROUNDINGS: tuple[str, ...] = tuple(h.value for h in HalfRounding)


@dataclass(frozen=True)
class FeePolicy:
    """How one court rounds fees — a policy attached to the court, not an ``if``.

    ``rounding`` applies to the acceptance fee (default ``half_up_yuan``: compute the
    exact fee, halve the exact value, round half-up to whole yuan). With
    ``halve_after_rounding`` the full fee is rounded first and then halved; what happens
    to a half yuan is ``half_rounding`` (:class:`HalfRounding`). ``application_rounding``
    applies to the payment-order, preservation and execution fees, which courts keeping
    角分 state to the fen (legal-rules.md §1.5: 923.05, 1,137.28, 1,751.85).

    A whole-yuan court cannot keep the fen on its acceptance fee: ``WHOLE_YUAN`` with
    ``rounding="fen"`` is refused rather than silently printing 角分.
    """

    rounding: Rounding = "half_up_yuan"
    halve_after_rounding: bool = False
    application_rounding: Rounding = "fen"
    half_rounding: HalfRounding = HalfRounding.KEEP_HALF_YUAN

    def __post_init__(self) -> None:
        if self.half_rounding not in HALF_ROUNDINGS:
            raise ValueError(
                f"unknown half rounding {self.half_rounding!r}; use one of "
                f"{', '.join(HALF_ROUNDINGS)}"
            )
        if self.whole_yuan and self.rounding == "fen":
            raise ValueError(
                "the whole-yuan policy cannot keep the fen on the acceptance fee "
                "(rounding='fen'); choose half_up_yuan or truncate_yuan"
            )

    @property
    def whole_yuan(self) -> bool:
        return self.half_rounding == HalfRounding.WHOLE_YUAN

    def to_whole_yuan(self, amount: Decimal) -> Decimal:
        """Round to the yuan the way this court rounds: down if it truncates, else half up."""
        if self.rounding == "truncate_yuan":
            return round_amount(amount, "truncate_yuan")
        return to_yuan(amount)


DEFAULT_FEE_POLICY = FeePolicy()


@dataclass(frozen=True)
class FeeResult:
    """A computed fee: ``exact`` (unrounded full fee), ``full`` (rounded full fee),
    ``payable`` (after halving, if any, and rounding)."""

    kind: FeeKind
    amount: Decimal
    exact: Decimal
    full: Decimal
    payable: Decimal
    halved: bool
    citation: str

    @property
    def conversion_top_up(self) -> Decimal:
        """What the plaintiff pays when summary procedure turns ordinary (民诉解释 Art. 199)."""
        return self.full - self.payable


def halving_applies(*grounds: HalvingGround) -> bool:
    """Whether the acceptance fee is halved: any ground → halve, **once** (民诉解释 Art. 206).

    Summary procedure and mediation together are still one half, never one quarter:
    the grounds collapse into one boolean on purpose.
    """
    for g in grounds:
        if g not in HALVING_GROUNDS:
            raise ValueError(
                f"unknown halving ground {g!r}; use one of {', '.join(HALVING_GROUNDS)}"
            )
    return bool(grounds)


def cumulative_fee(schedule: FeeSchedule, amount: Decimal) -> Decimal:
    """Exact fee by cumulative brackets (分段累计), with the schedule's cap if any."""
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")
    first, *rest = schedule.brackets
    fee = first.flat or ZERO
    lower = first.up_to or ZERO
    for bracket in rest:
        if amount <= lower:
            break
        top = amount if bracket.up_to is None else min(amount, bracket.up_to)
        fee += (top - lower) * (bracket.rate_percent or ZERO) / 100
        if bracket.up_to is None:
            break
        lower = bracket.up_to
    if schedule.cap is not None:
        fee = min(fee, schedule.cap)
    return fee


def _params(params: Parameters | None) -> Parameters:
    return params if params is not None else load_parameters()


def _check_amount(amount: Decimal) -> None:
    if not isinstance(amount, Decimal):
        raise TypeError("fee amounts are Decimal, never float")
    if amount < 0:
        raise ValueError(f"amount must not be negative: {amount}")


def acceptance_fee(
    amount: Decimal,
    *,
    halve: bool = False,
    policy: FeePolicy = DEFAULT_FEE_POLICY,
    as_of: date | None = None,
    params: Parameters | None = None,
) -> FeeResult:
    """Case acceptance fee for a property case (办法 Art. 13(一)).

    ``amount`` is the fee base: the sum of all quantified money claims at filing
    (民诉解释 Art. 201). ``halve`` applies the single halving of 办法 Arts. 15–16 /
    民诉解释 Art. 206 (use :func:`halving_applies` to derive it from the grounds).
    ``as_of`` (filing date) selects the schedule; it may be omitted only while the
    schedule has never changed (true since 2007-04-01).
    """
    _check_amount(amount)
    schedule = _params(params).fee_schedule("acceptance", as_of)
    exact = cumulative_fee(schedule, amount)
    full = round_amount(exact, policy.rounding)
    if not halve:
        payable = full
    elif policy.halve_after_rounding:
        half = full / 2
        payable = policy.to_whole_yuan(half) if policy.whole_yuan else to_fen(half)
    else:
        payable = round_amount(exact / 2, policy.rounding)
    return FeeResult("acceptance", amount, exact, full, payable, halve, schedule.citation)


def _round_application(exact: Decimal, policy: FeePolicy) -> Decimal:
    """Application fees: to ``application_rounding``, or to the yuan for a whole-yuan court."""
    if policy.whole_yuan and policy.application_rounding == "fen":
        return to_yuan(exact)
    return round_amount(exact, policy.application_rounding)


def payment_order_fee(
    amount: Decimal,
    *,
    policy: FeePolicy = DEFAULT_FEE_POLICY,
    as_of: date | None = None,
    params: Parameters | None = None,
) -> FeeResult:
    """Fee for applying for a payment order (支付令): one third of the property-case fee
    computed on the exact value (办法 Art. 14(三)); 8,000 → 16.67, 123,456.78 → 923.05."""
    _check_amount(amount)
    p = _params(params)
    schedule = p.fee_schedule("acceptance", as_of)
    rows = p.payment_order_divisor
    divisor = rows[-1] if as_of is None else dated_lookup(rows, as_of, "payment-order divisor")
    exact = cumulative_fee(schedule, amount) / divisor.value
    full = _round_application(exact, policy)
    return FeeResult("payment_order", amount, exact, full, full, False, divisor.citation)


def preservation_fee(
    amount: Decimal,
    *,
    policy: FeePolicy = DEFAULT_FEE_POLICY,
    as_of: date | None = None,
    params: Parameters | None = None,
) -> FeeResult:
    """Fee for a preservation application on the amount actually preserved
    (办法 Art. 14(二)), capped at 5,000 (reached at 896,000)."""
    return _application_fee("preservation", amount, policy, as_of, params)


def execution_fee(
    amount: Decimal | None,
    *,
    policy: FeePolicy = DEFAULT_FEE_POLICY,
    as_of: date | None = None,
    params: Parameters | None = None,
) -> FeeResult:
    """Execution fee on the executed amount (办法 Art. 14(一)); not prepaid, collected
    after execution from the debtor (Arts. 20, 38). Without an amount the court fixes
    50–500 yuan (:data:`EXECUTION_FEE_NO_AMOUNT_RANGE`), so ``None`` raises."""
    if amount is None:
        low, high = EXECUTION_FEE_NO_AMOUNT_RANGE
        raise ValueError(f"execution without an amount: the court fixes {low}–{high} yuan per case")
    return _application_fee("execution", amount, policy, as_of, params)


def _application_fee(
    kind: Literal["preservation", "execution"],
    amount: Decimal,
    policy: FeePolicy,
    as_of: date | None,
    params: Parameters | None,
) -> FeeResult:
    _check_amount(amount)
    schedule = _params(params).fee_schedule(kind, as_of)
    exact = cumulative_fee(schedule, amount)
    full = _round_application(exact, policy)
    return FeeResult(kind, amount, exact, full, full, False, schedule.citation)


def free_fee(kind: Literal["judicial_confirmation"], amount: Decimal = ZERO) -> FeeResult:
    """Judicial confirmation of a mediation agreement is free (办法 Art. 8; 2011 SPC
    confirmation rules Art. 11), whatever the amount."""
    return FeeResult(
        kind, amount, ZERO, ZERO, ZERO, False, "《诉讼费用交纳办法》第八条（不交纳案件受理费）"
    )


def compute_fee(
    kind: FeeKind,
    amount: Decimal,
    *,
    halve: bool = False,
    policy: FeePolicy = DEFAULT_FEE_POLICY,
    as_of: date | None = None,
    params: Parameters | None = None,
) -> FeeResult:
    """Dispatch by kind (used by the CLI and by screens that let the user pick a kind).

    Halving exists only for the acceptance fee; asking to halve another fee is an error
    rather than a silent no-op.
    """
    if halve and kind != "acceptance":
        raise ValueError(f"halving applies only to the acceptance fee, not to {kind}")
    if kind == "acceptance":
        return acceptance_fee(amount, halve=halve, policy=policy, as_of=as_of, params=params)
    if kind == "payment_order":
        return payment_order_fee(amount, policy=policy, as_of=as_of, params=params)
    if kind == "preservation":
        return preservation_fee(amount, policy=policy, as_of=as_of, params=params)
    if kind == "execution":
        return execution_fee(amount, policy=policy, as_of=as_of, params=params)
    if kind == "judicial_confirmation":
        return free_fee(kind, amount)
    raise ValueError(f"unknown fee kind {kind!r}; use one of {', '.join(FEE_KINDS)}")


def apportion_fee(
    fee: Decimal,
    *,
    claimed: Decimal,
    awarded: Decimal,
    rounding: Rounding = "fen",
) -> tuple[Decimal, Decimal]:
    """Split a fee between claimant and defendant when part of the claim is rejected.

    Proportional by default (办法 Art. 29: the losing party bears the fee; partial win →
    the court apportions, usually in proportion): the defendant bears
    ``fee × awarded / claimed`` rounded by ``rounding``, the claimant the rest, so the
    two shares always add up to the fee. Returns ``(claimant_share, defendant_share)``.
    """
    if claimed <= 0:
        raise ValueError("claimed amount must be positive")
    if awarded < 0 or fee < 0:
        raise ValueError("fee and awarded amount must not be negative")
    if awarded >= claimed:
        return ZERO.quantize(FEN), fee
    defendant = round_amount(fee * awarded / claimed, rounding)
    return fee - defendant, defendant


def acceptance_fee_after_payment_order(
    amount: Decimal,
    *,
    paid_payment_order_fee: Decimal,
    halve: bool = False,
    policy: FeePolicy = DEFAULT_FEE_POLICY,
    as_of: date | None = None,
    params: Parameters | None = None,
) -> Decimal:
    """Acceptance fee still due when a payment order turns into litigation after an
    objection: the difference after crediting the payment-order fee (民诉解释 Art. 195;
    the crediting is court practice)."""
    fee = acceptance_fee(amount, halve=halve, policy=policy, as_of=as_of, params=params)
    return max(ZERO, fee.payable - paid_payment_order_fee)
