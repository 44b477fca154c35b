"""Judgment amounts for a financial-loan or credit-card case (判决金额计算), from the findings.

Pure: no Django, Decimal only, the legal date ``as_of`` explicit. What it applies:

- awarded = the judge's found amount per component, never more than claimed (不告不理);
  lawyer's fees only where the judge found them agreed and paid;
- the combined cap on interest-like components (法发〔2017〕22号 Art. 2 for loans;
  最高法银行卡规定(2021) Art. 2 for cards; 民间借贷规定 Art. 29 for private lending), the
  excess cut from fees first, then liquidated damages, compound, penalty, interest;
- continuing interest after the cut-off date at the contract (penalty) rate, capped;
- the acceptance fee halved once (办法 Arts. 15–16; 民诉解释 Art. 206) and borne by the
  claimant in proportion to the rejected part (办法 Art. 29), all by the claimant on a
  withdrawal (Art. 34), by the defendants on mediation unless agreed otherwise (Art. 31);
- each guarantor as the guarantee reads (民法典 Arts. 686–688, 691, 700; old 担保法 Art. 19);
- priority over collateral only where the security exists (Arts. 386, 402, 403, 410).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from jiefen.law import judgment_text as txt
from jiefen.law.caps import CapResult, apply_cap
from jiefen.law.errors import LawError
from jiefen.law.fees import FeePolicy, acceptance_fee
from jiefen.law.money import ZERO, to_fen
from jiefen.law.parameters import Parameters

COMPONENTS = (
    "principal",
    "interest",
    "penalty_interest",
    "compound_interest",
    "fees",
    "liquidated_damages",
    "lawyer_fees",
)
#: Kept in this order under the cap, so the cut falls on fees first (method "priority").
CAPPED = ("interest", "penalty_interest", "compound_interest", "liquidated_damages", "fees")
#: Components of the first order (the debt itself), in the order courts list them.
DEBT = (
    "principal",
    "interest",
    "penalty_interest",
    "compound_interest",
    "liquidated_damages",
    "fees",
)

GENERAL_BY_DEFAULT_FROM = date(2021, 1, 1)
CITATIONS = {
    "financial_loan": "《最高人民法院关于进一步加强金融审判工作的若干意见》第二条",
    "credit_card": "《最高人民法院关于审理银行卡民事纠纷案件若干问题的规定》第二条",
    "private": "《最高人民法院关于审理民间借贷案件适用法律若干问题的规定》第二十九条",
}


@dataclass(frozen=True)
class Guarantee:
    """One guarantor as the guarantee actually reads."""

    name: str
    kind: str  # "joint" | "general" | "" (not stated)
    limit: Decimal | None = None  # 限额; None: the whole debt (民法典 Art. 691)
    signed_on: date | None = None


@dataclass(frozen=True)
class Collateral:
    description: str
    kind: str  # real_estate_mortgage | movable_mortgage | pledge
    registered: bool
    maximum_amount: Decimal | None = None


@dataclass(frozen=True)
class JudgmentInput:
    case_type: str  # "credit_card" | "financial_loan"
    claimed: Mapping[str, Decimal]
    found: Mapping[str, Decimal]
    cut_off_date: date
    interest_from: date
    contract_signed_on: date
    lender: str = "bank"
    annual_rate_percent: Decimal | None = None
    penalty_multiplier: Decimal | None = None
    basis: int = 360
    until_paid: bool = False
    lawyer_fees_allowed: bool = False
    debtors: Sequence[str] = ()
    guarantees: Sequence[Guarantee] = ()
    collateral: Collateral | None = None
    procedure: str = "summary"  # ordinary | summary | small_claims
    outcome: str = "judgment"  # judgment | mediation | withdrawal
    fee_bearing: str = "proportional"  # proportional | defendants | claimant
    claim_total: Decimal | None = None
    performance_days: int = 10
    claimant: str = ""  # the plaintiff's name for the orders ("" → "原告")


@dataclass(frozen=True)
class ContinuingInterest:
    base: Decimal
    annual_percent: Decimal
    basis: int
    from_date: date
    label: str
    text: str
    capped: bool = False


@dataclass(frozen=True)
class GuarantorLiability:
    name: str
    liability: str  # "joint" | "general"
    limit: Decimal | None
    text: str


@dataclass(frozen=True)
class PriorityRight:
    collateral: Collateral
    text: str


@dataclass(frozen=True)
class JudgmentResult:
    outcome: str
    claimed: dict[str, Decimal]
    awarded: dict[str, Decimal]
    claimed_total: Decimal
    awarded_total: Decimal
    cap_annual_percent: Decimal | None
    cap_reduced: bool
    cap_reason: str
    cap_reductions: dict[str, Decimal]
    continuing: ContinuingInterest | None
    acceptance_fee_full: Decimal
    acceptance_fee: Decimal
    fee_halved: bool
    fee_plaintiff: Decimal
    fee_defendants: Decimal
    fee_text: str
    performance_days: int
    guarantors: tuple[GuarantorLiability, ...]
    priority: PriorityRight | None
    priority_refused_reason: str
    rejected_any: bool
    orders: tuple[str, ...]
    money_orders: tuple[int, ...] = field(default=())

    def as_json(self) -> dict[str, Any]:
        """The computed part of the ``judgment_show`` object (amounts as 2-decimal numbers)."""
        return {
            "claimed": {k: _num(v) for k, v in self.claimed.items()},
            "awarded": {k: _num(v) for k, v in self.awarded.items()},
            "claimed_total": _num(self.claimed_total),
            "awarded_total": _num(self.awarded_total),
            "cap": {
                "annual_percent": _num(self.cap_annual_percent),
                "reduced": self.cap_reduced,
                "reason": self.cap_reason,
            },
            "acceptance_fee": _num(self.acceptance_fee),
            "fee_plaintiff": _num(self.fee_plaintiff),
            "fee_defendants": _num(self.fee_defendants),
            "performance_days": self.performance_days,
            "guarantors": [
                {"name": g.name, "liability": g.liability, "limit": _num(g.limit)}
                for g in self.guarantors
            ],
        }


def _num(value: Decimal | None) -> Any:
    """A JSON number parsed from the Decimal's 2-decimal string (never computed in binary
    floating point; ``law/`` does no float arithmetic, so the number is read, not converted)."""
    return None if value is None else json.loads(str(to_fen(value)))


def _dec(value: object, what: str) -> Decimal:
    if isinstance(value, float):
        raise TypeError(f"{what}: amounts are Decimal, never float")
    amount = Decimal(str(value))
    if amount < 0:
        raise LawError(f"{what}: amount must not be negative ({amount})")
    return to_fen(amount)


def compute_judgment(
    inp: JudgmentInput,
    *,
    cap: CapResult | Decimal | None,
    fee_policy: FeePolicy,
    as_of: date,
    params: Parameters | None = None,
) -> JudgmentResult:
    """The amounts, fee, guarantor and priority orders of one decision (see module doc)."""
    if inp.outcome not in ("judgment", "mediation", "withdrawal"):
        raise ValueError(f"unknown outcome {inp.outcome!r}")
    claimed = {c: _dec(inp.claimed.get(c, ZERO), f"claimed {c}") for c in COMPONENTS}
    claimed_total = sum(claimed.values(), ZERO)
    found = _found(inp, claimed)
    capped = _apply_cap(inp, found, cap)
    awarded, reductions, cap_reason, cap_pct = capped
    continuing = _continuing(inp, awarded["principal"], cap)
    if continuing is not None and continuing.capped:
        cap_reason += (
            f"；原告主张的{continuing.label}按年利率{txt.percent(_rate(inp))}计算至实际清偿之日止，"
            f"超过年利率{txt.percent(continuing.annual_percent)}的部分本院不予支持"
        )
    if inp.outcome == "withdrawal":
        awarded = dict.fromkeys(COMPONENTS, ZERO.quantize(Decimal("0.01")))
        reductions = dict.fromkeys(CAPPED, ZERO)
        continuing = None
    awarded_total = sum(awarded.values(), ZERO)
    cap_reduced = inp.outcome != "withdrawal" and (
        any(v > 0 for v in reductions.values()) or bool(continuing and continuing.capped)
    )
    rejected_any = inp.outcome == "judgment" and (
        awarded_total < claimed_total or bool(continuing and continuing.capped)
    )
    fee = _fee(inp, claimed_total, awarded_total, fee_policy, as_of, params)
    claimant = f"原告{inp.claimant}"
    debtors = txt.names(inp.debtors, "被告")
    fee_text = txt.fee_sentence(
        fee[0], fee[1], fee[2], claimant, debtors + _guarantor_names(inp), fee[3], fee[4]
    )
    orders, money, guarantors, priority, refused = _orders(
        inp, awarded, continuing, rejected_any, claimant, debtors
    )
    return JudgmentResult(
        outcome=inp.outcome,
        claimed=claimed,
        awarded=awarded,
        claimed_total=claimed_total,
        awarded_total=awarded_total,
        cap_annual_percent=cap_pct,
        cap_reduced=cap_reduced,
        cap_reason=cap_reason,
        cap_reductions=reductions,
        continuing=continuing,
        acceptance_fee_full=fee[0],
        acceptance_fee=fee[1],
        fee_halved=fee[2],
        fee_plaintiff=fee[3],
        fee_defendants=fee[4],
        fee_text=fee_text,
        performance_days=inp.performance_days,
        guarantors=guarantors,
        priority=priority,
        priority_refused_reason=refused,
        rejected_any=rejected_any,
        orders=orders,
        money_orders=money,
    )


def _found(inp: JudgmentInput, claimed: dict[str, Decimal]) -> dict[str, Decimal]:
    """Found amount per component, never above the claim; lawyer's fees only if allowed."""
    out = {}
    for c in COMPONENTS:
        value = inp.found.get(c)
        amount = claimed[c] if value is None else min(_dec(value, f"found {c}"), claimed[c])
        out[c] = amount
    if not inp.lawyer_fees_allowed:
        out["lawyer_fees"] = ZERO.quantize(Decimal("0.01"))
    return out


def _cap_percent(cap: CapResult | Decimal, day: date) -> Decimal:
    return cap.cap_on(day) if isinstance(cap, CapResult) else cap


def _citation(inp: JudgmentInput) -> str:
    if inp.lender == "private":
        return CITATIONS["private"]
    return CITATIONS.get(inp.case_type, CITATIONS["financial_loan"])


def _apply_cap(
    inp: JudgmentInput, found: dict[str, Decimal], cap: CapResult | Decimal | None
) -> tuple[dict[str, Decimal], dict[str, Decimal], str, Decimal | None]:
    """Awarded amounts after the combined cap, the cut per component and the reason."""
    no_cut = dict.fromkeys(CAPPED, ZERO)
    if cap is None:
        return dict(found), no_cut, "", None
    if inp.interest_from > inp.cut_off_date:
        raise LawError(f"interest_from {inp.interest_from} is after the cut-off {inp.cut_off_date}")
    pct = cap.annual_cap_percent if isinstance(cap, CapResult) else Decimal(cap)
    check = apply_cap(
        found["principal"],
        {c: found[c] for c in CAPPED},
        start=inp.interest_from,
        end=inp.cut_off_date,
        cap_percent=cap,
        basis=360 if inp.basis == 360 else 365,
    )
    awarded = dict(found)
    awarded.update(check.capped)
    nonzero = [c for c in CAPPED if found[c] > 0] or list(CAPPED)
    labels = "、".join(txt.COMPONENT_LABELS[c] for c in nonzero)
    if not check.exceeds:
        return (
            awarded,
            dict(check.reductions),
            f"原告主张的{labels}合计未超过年利率{txt.percent(pct)}，本院予以支持",
            pct,
        )
    reason = (
        f"原告主张的{labels}合计{txt.figures(check.claimed_total)}，超过以本金"
        f"{txt.figures(found['principal'])}为基数按年利率{txt.percent(pct)}自{txt.cn_date(inp.interest_from)}"
        f"至{txt.cn_date(inp.cut_off_date)}计算的上限{txt.figures(check.allowed)}，"
        f"超出部分{txt.figures(check.excess)}本院不予支持（{_citation(inp)}）"
    )
    return awarded, dict(check.reductions), reason, pct


def _rate(inp: JudgmentInput) -> Decimal:
    assert inp.annual_rate_percent is not None
    return inp.annual_rate_percent * (inp.penalty_multiplier or Decimal(1))


def _continuing(
    inp: JudgmentInput, principal: Decimal, cap: CapResult | Decimal | None
) -> ContinuingInterest | None:
    """Interest after the cut-off until payment: contract rate × penalty multiplier, capped."""
    if not inp.until_paid or inp.annual_rate_percent is None or principal <= 0:
        return None
    start = inp.cut_off_date + timedelta(days=1)
    rate = _rate(inp)
    capped = False
    if cap is not None:
        limit = _cap_percent(cap, start)
        if rate > limit:
            rate, capped = limit, True
    label = "逾期利息" if inp.case_type == "credit_card" else "罚息"
    text = txt.continuing_text(principal, rate, start)
    return ContinuingInterest(principal, rate, inp.basis, start, label, text, capped)


def _fee(
    inp: JudgmentInput,
    claimed_total: Decimal,
    awarded_total: Decimal,
    policy: FeePolicy,
    as_of: date,
    params: Parameters | None,
) -> tuple[Decimal, Decimal, bool, Decimal, Decimal]:
    """(full, payable, halved, claimant's share, defendants' share) — one halving only."""
    base = inp.claim_total if inp.claim_total is not None else claimed_total
    halve = inp.procedure in ("summary", "small_claims") or inp.outcome in (
        "mediation",
        "withdrawal",
    )
    result = acceptance_fee(
        _dec(base, "claim_total"), halve=halve, policy=policy, as_of=as_of, params=params
    )
    fee = to_fen(result.payable)
    if inp.outcome == "withdrawal" or inp.fee_bearing == "claimant":
        return to_fen(result.full), fee, halve, fee, to_fen(ZERO)
    if inp.outcome == "mediation" or inp.fee_bearing == "defendants":
        return to_fen(result.full), fee, halve, to_fen(ZERO), fee
    if claimed_total <= 0:
        return to_fen(result.full), fee, halve, fee, to_fen(ZERO)
    rejected = max(ZERO, claimed_total - awarded_total)
    plaintiff = to_fen(fee * rejected / claimed_total)
    return to_fen(result.full), fee, halve, plaintiff, fee - plaintiff


def _guarantor_names(inp: JudgmentInput) -> str:
    return "".join(f"、{g.name}" for g in inp.guarantees) if inp.debtors else ""


def guarantee_liability(g: Guarantee) -> str:
    """ "joint" or "general"; unstated → general from 2021-01-01 (民法典 Art. 686), joint
    before (担保法 Art. 19). An unstated kind without a signing date is general: never
    assume joint."""
    if g.kind in ("joint", "general"):
        return g.kind
    if g.kind:
        raise ValueError(f"unknown guarantee kind {g.kind!r} for {g.name}")
    if g.signed_on is not None and g.signed_on < GENERAL_BY_DEFAULT_FROM:
        return "joint"
    return "general"


def priority_refusal(c: Collateral) -> str:
    """Why no priority order is given ("" when it is): Arts. 402, 403, 429, 441."""
    if c.kind == "real_estate_mortgage" and not c.registered:
        return (
            f"{c.description}未办理抵押登记，抵押权未设立（《中华人民共和国民法典》第四百零二条），"
            "原告对其不享有优先受偿权"
        )
    if c.kind == "pledge" and not c.registered:
        return (
            f"{c.description}未办理出质登记，亦无交付记录，质权设立未经证明（《中华人民共和国民法典》"
            "第四百二十九条、第四百四十一条），原告未主张优先受偿权"
        )
    if c.kind not in ("real_estate_mortgage", "movable_mortgage", "pledge"):
        raise ValueError(f"unknown collateral kind {c.kind!r}")
    return ""


def _orders(
    inp: JudgmentInput,
    awarded: dict[str, Decimal],
    continuing: ContinuingInterest | None,
    rejected_any: bool,
    claimant: str,
    debtors: str,
) -> tuple[
    tuple[str, ...], tuple[int, ...], tuple[GuarantorLiability, ...], PriorityRight | None, str
]:
    """The numbered orders: debt, continuing interest, lawyer's fees, guarantors, priority,
    then 驳回 when part of the claim failed. Each later order names the money orders."""
    if inp.outcome == "withdrawal":
        return (f"准许{claimant}撤回起诉",), (), (), None, ""
    orders: list[str] = []
    days = inp.performance_days
    items = [
        (
            txt.CARD_PRINCIPAL_LABEL
            if c == "principal" and inp.case_type == "credit_card"
            else txt.COMPONENT_LABELS[c],
            awarded[c],
        )
        for c in DEBT
        if awarded[c] > 0
    ]
    if items:
        orders.append(txt.money_order(debtors, claimant, items, days, "偿还"))
    if continuing is not None:
        orders.append(
            f"{debtors}{txt.payment_period(days)}向{claimant}支付{continuing.label}（{continuing.text}）"
        )
    if awarded["lawyer_fees"] > 0:
        orders.append(
            f"{debtors}{txt.payment_period(days)}向{claimant}支付律师费{txt.figures(awarded['lawyer_fees'])}"
        )
    money = tuple(range(1, len(orders) + 1))
    refer = txt.ordinals(money) if money else ""
    guarantors = tuple(
        GuarantorLiability(
            g.name,
            guarantee_liability(g),
            g.limit,
            txt.guarantor_order(g.name, guarantee_liability(g), g.limit, refer, debtors),
        )
        for g in inp.guarantees
    )
    if money:
        orders.extend(g.text for g in guarantors)
    priority, refused = None, ""
    if inp.collateral is not None:
        refused = priority_refusal(inp.collateral)
        if not refused and money:
            c = inp.collateral
            text = txt.priority_order(claimant, debtors, c.description, refer, c.maximum_amount)
            priority = PriorityRight(c, text)
            orders.append(text)
    if rejected_any:
        orders.append(f"驳回{claimant}的其他诉讼请求")
    return tuple(orders), money, guarantors, priority, refused
