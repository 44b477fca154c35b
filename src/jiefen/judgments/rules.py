"""The decision stage's calls into `jiefen.law.judgment`, with the court's policies.

`judgment_input(case)` reads what the judgment is computed from: the claimed amounts (the
`Case` columns, the claim as filed), the judge's findings (`hearings.actions.record`), the
contract facts in `Case.elements` and the parties; `compute(case)` adds the court's policies
(cap 24% or 4×LPR, 法发〔2017〕22号 Art. 2; fee rounding, 诉讼费用交纳办法) and the dated law
parameters; `show(case)` is the one JSON object `jiefen judgment_show` and the bank API print.

Where a fact is missing the computation says so rather than guesses: the interest period starts
on `elements["overdue_since"]`; a case without it falls back to the date interest was last
paid, then the disbursement (loans) or the card's issue date, then the contract date — the
fallback used is `interest_from_source(case)[1]`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case, PartyRole
from jiefen.hearings.actions.record import found_amounts, lawyer_fees_allowed
from jiefen.law.caps import CapResult, Lender, annual_cap_percent
from jiefen.law.errors import LawError
from jiefen.law.fees import FeePolicy
from jiefen.law.judgment import (
    COMPONENTS,
    Collateral,
    Guarantee,
    JudgmentInput,
    JudgmentResult,
    compute_judgment,
)
from jiefen.law.parameters import Parameters
from jiefen.lawdata.selectors import court_fee_policy, current_parameters

FEE_BEARINGS = ("proportional", "defendants", "claimant")
DAILY_TO_ANNUAL = Decimal(360)  # card rates are daily; PBoC convention: annual = daily × 360


class JudgmentDataMissing(LawError):
    """A fact the computation needs is missing or malformed (message in Chinese, with 案号)."""


@dataclass
class CourtRules:
    """One court's policies and the law parameters, read once per batch (not per case)."""

    court: Organisation
    params: Parameters
    fee_policy: FeePolicy
    cap_policy: str
    _caps: dict[tuple[Lender, date, date | None], CapResult] = field(default_factory=dict)

    def cap(self, contract_date: date, filed_on: date | None, lender: Lender = "bank") -> CapResult:
        """The cap for a contract of `contract_date`: a licensed lender's under the court's
        policy (legal-rules §3.2), a private lender's under 民间借贷规定 Art. 25 (§3.3)."""
        key = (lender, contract_date, filed_on)
        if key not in self._caps:
            self._caps[key] = annual_cap_percent(
                lender,
                contract_date,
                court_policy=self.cap_policy,  # type: ignore[arg-type]
                filed_on=filed_on,
                params=self.params,
            )
        return self._caps[key]


def court_rules(court: Organisation) -> CourtRules:
    return CourtRules(
        court=court,
        params=current_parameters(),
        fee_policy=court_fee_policy(court),
        cap_policy=court.interest_cap_policy or "24pct",
    )


def _label(case: Case) -> str:
    return f"案号{case.case_number or case.contract_number}"


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value).replace(",", ""))
    except InvalidOperation:
        return None


def interest_from_source(case: Case) -> tuple[date, str]:
    """Start of the period the claimed interest covers, and which fact it was taken from."""
    e = case.elements or {}
    candidates = [
        (e.get("overdue_since"), "逾期起始日"),
        ((e.get("repaid") or {}).get("interest_paid_to"), "还息截止日"),
        (e.get("disbursed_on"), "放款日"),
        ((e.get("card") or {}).get("issued_on"), "办卡日"),
        ((e.get("contract") or {}).get("signed_on"), "合同签订日"),
    ]
    for value, source in candidates:
        day = _date(value)
        if day is not None:
            return day, source
    raise JudgmentDataMissing(
        f"{_label(case)}：缺少逾期起始日、放款日和合同签订日，无法计算利息上限"
    )


def contract_signed_on(case: Case) -> date:
    e = case.elements or {}
    for value in (
        (e.get("contract") or {}).get("signed_on"),
        e.get("disbursed_on"),
        (e.get("card") or {}).get("issued_on"),
    ):
        day = _date(value)
        if day is not None:
            return day
    raise JudgmentDataMissing(
        f"{_label(case)}：缺少合同签订日期（要素「合同签订情况」），无法确定利率上限"
    )


def _rates(case: Case) -> tuple[Decimal | None, Decimal | None, int]:
    r = (case.elements or {}).get("rates") or {}
    basis = 365 if str(r.get("basis", "360")) == "365" else 360
    annual = _decimal(r.get("annual_rate_percent"))
    if annual is None and _decimal(r.get("daily_rate_percent")) is not None:
        annual = _decimal(r.get("daily_rate_percent")) * DAILY_TO_ANNUAL  # type: ignore[operator]
    if annual is not None and annual <= 0:
        annual = None
    return annual, _decimal(r.get("penalty_multiplier")), basis


def _guarantees(case: Case) -> tuple[Guarantee, ...]:
    """Each guarantor party as its guarantee reads (matched by name to `elements["guarantees"]`).

    A guarantor party the data says nothing about has an unstated type: `jiefen.law` then
    applies 民法典 Art. 686 (general from 2021-01-01), never a guess of joint.
    """
    stated = {str(g.get("name", "")): g for g in (case.elements or {}).get("guarantees") or []}
    rows = []
    for cp in case.case_parties.all():
        if cp.role != PartyRole.GUARANTOR:
            continue
        g = stated.get(cp.party.name, {})
        kind = str(g.get("kind", ""))
        rows.append(
            Guarantee(
                name=cp.party.name,
                kind=kind if kind in ("joint", "general") else "",
                limit=_decimal(g.get("limit")),
                signed_on=_date(g.get("signed_on")),
            )
        )
    return tuple(rows)


def _collateral(case: Case) -> Collateral | None:
    c = (case.elements or {}).get("collateral") or {}
    if not c:
        return None
    return Collateral(
        description=str(c.get("description") or "抵押物"),
        kind=str(c.get("kind", "")),
        registered=bool(c.get("registered")),
        maximum_amount=_decimal(c.get("maximum_amount")),
    )


def _fee_bearing(case: Case) -> str:
    """The judge's decision on who bears the fee (办法 Art. 29), stored with the draft."""
    judgment = getattr(case, "judgment", None) if _has_judgment(case) else None
    choice = str((judgment.text or {}).get("fee_bearing", "")) if judgment else ""
    return choice if choice in FEE_BEARINGS else "proportional"


def _has_judgment(case: Case) -> bool:
    from jiefen.judgments.models import Judgment

    try:
        case.judgment  # noqa: B018
    except Judgment.DoesNotExist:
        return False
    return True


def lender_of(case: Case) -> Lender:
    """ "private" when the claimant has no lending licence (its loans are private lending,
    民间借贷规定 Art. 1, capped at 4 × LPR, Art. 25), else "bank"."""
    return "private" if case.institution.is_private_lender else "bank"


def judgment_input(case: Case, *, outcome: str = "judgment") -> JudgmentInput:
    """What `jiefen.law.judgment` computes from, read from the case, its findings and parties."""
    claimed = {c: getattr(case, c) for c in COMPONENTS}
    annual, multiplier, basis = _rates(case)
    debtors = tuple(
        cp.party.name for cp in case.case_parties.all() if cp.role == PartyRole.DEFENDANT
    )
    return JudgmentInput(
        case_type=case.case_type,
        claimed=claimed,
        found=found_amounts(case),
        cut_off_date=case.cut_off_date,
        interest_from=interest_from_source(case)[0],
        contract_signed_on=contract_signed_on(case),
        lender=lender_of(case),
        annual_rate_percent=annual,
        penalty_multiplier=multiplier,
        basis=basis,
        until_paid=bool((case.elements or {}).get("until_paid")),
        lawyer_fees_allowed=lawyer_fees_allowed(case),
        debtors=debtors,
        guarantees=_guarantees(case),
        collateral=_collateral(case),
        procedure=case.procedure or "summary",
        outcome=outcome,
        fee_bearing=_fee_bearing(case),
        claim_total=case.claim_total,
        claimant=case.institution.name,
    )


def compute(
    case: Case,
    *,
    outcome: str = "judgment",
    as_of: date | None = None,
    rules: CourtRules | None = None,
) -> JudgmentResult:
    """The judgment's amounts for `case` under its court's policies, at the legal date `as_of`.

    `rules` (from `court_rules`) lets a batch read the policies and parameters once.
    """
    rules = rules or court_rules(case.court)
    inp = judgment_input(case, outcome=outcome)
    cap = rules.cap(inp.contract_signed_on, case.filed_on, lender_of(case))
    return compute_judgment(
        inp,
        cap=cap,
        fee_policy=rules.fee_policy,
        as_of=as_of or timezone.localdate(),
        params=rules.params,
    )


def show_object(case: Case, result: JudgmentResult) -> dict[str, Any]:
    """The `judgment_show` object of a computed result: case number first, state last."""
    return {"case_number": case.case_number or "", **result.as_json(), "state": case.state}


def show(case: Case) -> dict[str, Any]:
    """The `jiefen judgment_show` object: the stored computation once a decision exists
    (what the judge signed), else computed now; `state` is always the case's current state."""
    if _has_judgment(case) and case.judgment.computation:
        stored = dict(case.judgment.computation)
        stored.pop("state", None)
        stored.pop("case_number", None)
        return {"case_number": case.case_number or "", **stored, "state": case.state}
    return show_object(case, compute(case))
