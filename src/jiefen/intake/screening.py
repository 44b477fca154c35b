"""Screening on the way in (诉前筛查): flags, never rejections.

- over_cap: interest + penalty + compound interest + fees + liquidated damages claimed together
  above the court's cap over the interest period (法发〔2017〕22号 Art. 2; the court's
  `interest_cap_policy` picks 24% or 4×LPR) — computed by `jiefen.law.caps`.
- limitation_risk: more than 3 years since the due date (or the last recorded collection, which
  interrupts limitation: 民法典 Arts. 188, 195; SPC bank-card provisions Art. 3).
- unreachable: no contact the borrower confirmed (在线诉讼规则 Art. 31).
- small_claims_eligible: claim within 50% of the province's average wage (民诉法 Art. 165),
  by `jiefen.law.small_claims`. When the wage figure is missing the flag stays false and the
  batch records why, rather than guessing.
The legal date of every check is `as_of` (the import date), passed explicitly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from jiefen.intake.validate import Record
from jiefen.law.caps import CapResult, Lender, annual_cap_percent, apply_cap
from jiefen.law.errors import LawError
from jiefen.law.interest import Basis, simple_interest
from jiefen.law.small_claims import small_claims_threshold
from jiefen.law.timelines import limitation_ends

CAPPED_KEYS = ("interest", "penalty_interest", "compound_interest", "fees", "liquidated_damages")


def current_parameters() -> Any:
    """The legal parameters in force: shipped YAML plus rows entered in the admin site."""
    try:
        from jiefen.lawdata.selectors import current_parameters as from_db
    except ImportError:
        from jiefen.law.parameters import load_parameters

        return load_parameters()
    return from_db()


@dataclass
class Screener:
    """Batch-wide facts (cap policy, small-claims threshold) computed once, applied per row."""

    cap_policy: str
    province: str
    as_of: date
    # "private" for a claimant without a lending licence: 4 × LPR (民间借贷规定 Art. 25).
    lender: Lender = "bank"
    notes: dict[str, str] = field(default_factory=dict)
    threshold: Decimal | None = None
    _params: Any = None
    _caps: dict[date, CapResult] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._params = current_parameters()
        try:
            self.threshold = small_claims_threshold(self.province, self.as_of, params=self._params)
        except LawError as exc:
            self.notes["small_claims"] = (
                f"未能判断是否适用小额诉讼：{self.province or '法院所在省份未设置'}"
                f"缺少{self.as_of.year}年适用的平均工资数据（{exc}）"
            )

    def _cap(self, contract_date: date) -> CapResult | None:
        by_date = self.cap_policy == "4lpr" or self.lender == "private"
        key = contract_date if by_date else date.min
        if key not in self._caps:
            try:
                self._caps[key] = annual_cap_percent(
                    self.lender,
                    contract_date,
                    court_policy=self.cap_policy,  # type: ignore[arg-type]
                    filed_on=self.as_of,
                    params=self._params,
                )
            except LawError as exc:
                self.notes["over_cap"] = f"部分案件未能计算利息上限：{exc}"
                return None
        return self._caps[key]

    def over_cap(self, r: Record) -> bool:
        signed = r.elements.get("contract", {}).get("signed_on") or r.interest_from.isoformat()
        cap = self._cap(date.fromisoformat(signed))
        start, end = r.interest_from, r.cut_off_date
        if cap is None or end <= start:
            return False
        claimed = sum((r.amounts[k] for k in CAPPED_KEYS), Decimal("0"))
        basis: Basis = 365 if r.elements.get("rates", {}).get("basis") == "365" else 360
        principal = r.amounts["principal"]
        if len(cap.segments) == 1:
            # One cap for the whole period: the allowed total is a single accrual line.
            allowed = simple_interest(
                principal, cap.annual_cap_percent, (end - start).days, basis=basis
            )
            return claimed > allowed
        components = {k: r.amounts[k] for k in CAPPED_KEYS}
        return apply_cap(
            principal, components, start=start, end=end, cap_percent=cap, basis=basis
        ).exceeds

    def limitation_risk(self, r: Record) -> bool:
        last = max(r.overdue_since, r.last_collection_on or r.overdue_since)
        # 民法典 Art. 188: three years, a dated value in law/parameters/rules.yaml.
        return self.as_of > limitation_ends(last, as_of=self.as_of, params=self._params)

    def unreachable(self, r: Record, *, has_confirmed_contact: bool) -> bool:
        return not (r.contact_confirmed or has_confirmed_contact)
