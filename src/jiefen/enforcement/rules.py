"""The enforcement stage's reading of a title and its court's policies.

- `title_debt(case)`: the money debt an enforceable title fixes (生效法律文书确定的金钱债务), by
  component, with the general interest it orders to run until payment and the last day of its
  performance period (the doubled-part interest of 法释〔2014〕8号 runs from the next day).
  Titles: an effective 民事判决书 / 民事调解书 (`judgments.Judgment`), a confirmed mediation
  agreement (确认调解协议裁定书) or a notarized debt instrument (赋强公证) through the
  mediation stage's `EnforcementDraft` of the missed instalment, an effective 支付令.
- `execution_fee_for(court, amount, as_of)`: 申请执行费 (诉讼费用交纳办法 Art. 14(一)) with the
  court's rounding policy.
- `balanced_officers(court, n)`: the court's enforcement officers, the least loaded first.

Debtors (被执行人) are the defendants and the guarantors the judgment holds jointly liable; a
general guarantor (一般保证) may refuse to pay before enforcement against the debtor has failed
(民法典 Art. 687), so is not a debtor of the first enforcement.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, Party, PartyRole
from jiefen.cases.states import State
from jiefen.enforcement.models import EnforcementState, TitleKind
from jiefen.law.distribution import GeneralInterestTerms, MoneyDebt
from jiefen.law.errors import LawError
from jiefen.law.fees import FeePolicy, execution_fee
from jiefen.law.parameters import Parameters
from jiefen.lawdata.selectors import court_fee_policy

ZERO = Decimal("0.00")
CENT = Decimal("0.01")


class TitleMissing(TransitionRefused):
    """The case has no enforceable money title (message in Chinese, naming the case)."""


@dataclass(frozen=True)
class TitleDebt:
    kind: str  # TitleKind
    reference: str  # e.g. "（2026）渝0105民初12号民事判决书"
    debt: MoneyDebt
    general_interest: GeneralInterestTerms | None
    delay_from: date  # last day of the performance period
    debtors: list[Party] = field(default_factory=list)

    @property
    def applied_total(self) -> Decimal:
        return self.debt.total


def _d(value: Any) -> Decimal:
    if value in (None, ""):
        return ZERO
    return Decimal(str(value)).quantize(CENT)


def _label(case: Case) -> str:
    return case.case_number or case.contract_number or f"案件{case.pk}"


def _related(case: Case, name: str) -> Any:
    """A reverse one-to-one of `case` (judgment, mediation …), or None."""
    try:
        return getattr(case, name)
    except Exception:  # RelatedObjectDoesNotExist of each model
        return None


def _judgment_debtors(case: Case, computation: dict[str, Any]) -> list[Party]:
    joint = {
        str(g.get("name"))
        for g in computation.get("guarantors") or []
        if g.get("liability") == "joint"
    }
    links = list(case.case_parties.all())
    return [cp.party for cp in links if cp.role == PartyRole.DEFENDANT] + [
        cp.party for cp in links if cp.role == PartyRole.GUARANTOR and cp.party.name in joint
    ]


def _defendants(case: Case) -> list[Party]:
    return [cp.party for cp in case.case_parties.all() if cp.role == PartyRole.DEFENDANT]


def _continuing(case: Case, signed_on: date, rules: Any) -> GeneralInterestTerms | None:
    """The interest the judgment orders "计算至实际清偿之日止", as computed when it was signed."""
    if not (case.elements or {}).get("until_paid"):
        return None
    from jiefen.judgments.rules import compute

    try:
        continuing = compute(case, as_of=signed_on, rules=rules).continuing
    except LawError as exc:
        raise TitleMissing(f"案号{_label(case)}：无法确定判决确定的继续计息（{exc}）") from None
    if continuing is None:
        return None
    return GeneralInterestTerms(
        annual_percent=continuing.annual_percent,
        basis=continuing.basis,
        start=continuing.from_date,
    )


def title_debt(case: Case, *, interest_terms: bool = True, rules: Any = None) -> TitleDebt:
    """The money debt `case`'s enforceable title fixes; raises `TitleMissing` without one.

    `interest_terms=False` skips the continuing interest (it only changes the distribution of
    payments, not the amount applied for). `rules` (`judgments.rules.court_rules`) lets a
    batch read the court's policies once. For a batch, select the case with `judgment`,
    `mediation__enforcement_draft`, `mediation__payment_order` and prefetch
    `case_parties__party`.
    """
    judgment = _related(case, "judgment")
    if judgment is not None:
        from jiefen.judgments.models import DecisionKind, DecisionState

        if (
            judgment.state == DecisionState.EFFECTIVE
            and judgment.kind in (DecisionKind.JUDGMENT, DecisionKind.MEDIATION)
            and judgment.performance_ends is not None
        ):
            computation = dict(judgment.computation or {})
            awarded = dict(computation.get("awarded") or {})
            debt = MoneyDebt(
                costs=_d(awarded.get("lawyer_fees")) + _d(computation.get("fee_defendants")),
                interest=_d(awarded.get("interest"))
                + _d(awarded.get("penalty_interest"))
                + _d(awarded.get("compound_interest")),
                principal=_d(awarded.get("principal")),
                other=_d(awarded.get("fees")) + _d(awarded.get("liquidated_damages")),
            )
            mediation_document = judgment.kind == DecisionKind.MEDIATION
            terms = None
            if interest_terms and not mediation_document and judgment.signed_at is not None:
                terms = _continuing(case, timezone.localdate(judgment.signed_at), rules)
            return TitleDebt(
                kind=TitleKind.MEDIATION_DOCUMENT if mediation_document else TitleKind.JUDGMENT,
                reference=f"{case.case_number}{'民事调解书' if mediation_document else '民事判决书'}",
                debt=debt,
                general_interest=terms,
                delay_from=judgment.performance_ends,
                debtors=_judgment_debtors(case, computation),
            )
    mediation = _related(case, "mediation")
    if mediation is not None and case.state in (
        State.CONFIRMED,
        State.NOTARIZED,
        State.IN_ENFORCEMENT,
        State.TERMINATED_FOR_NOW,
    ):
        draft = _related(mediation, "enforcement_draft")
        if draft is not None:
            notarized = case.state == State.NOTARIZED or (
                case.state != State.CONFIRMED and _related(mediation, "notarization") is not None
            )
            return TitleDebt(
                kind=TitleKind.NOTARIZED if notarized else TitleKind.CONFIRMATION,
                reference=draft.title,
                debt=MoneyDebt(principal=_d(draft.unpaid)),
                general_interest=None,
                delay_from=draft.due_date,
                debtors=_defendants(case),
            )
    order = _related(mediation, "payment_order") if mediation is not None else None
    if (
        order is not None
        and order.effective_on is not None
        and order.objection_ends is not None
        and not order.objected_on
    ):
        return TitleDebt(
            kind=TitleKind.PAYMENT_ORDER,
            reference=f"{order.case_number}支付令",
            debt=MoneyDebt(principal=_d(order.amount)),
            general_interest=None,
            delay_from=order.objection_ends,
            debtors=_defendants(case),
        )
    raise TitleMissing(f"案号{_label(case)}：没有可供强制执行的生效法律文书")


def execution_fee_for(
    court: Organisation,
    amount: Decimal,
    as_of: date,
    *,
    policy: FeePolicy | None = None,
    params: Parameters | None = None,
) -> Decimal:
    """申请执行费 on `amount` (办法 Art. 14(一)), rounded by the court's policy: not prepaid,
    borne by the debtor and taken from the money executed (Arts. 20, 38)."""
    if amount <= 0:
        return ZERO
    result = execution_fee(
        amount, policy=policy or court_fee_policy(court), as_of=as_of, params=params
    )
    return result.full


def balanced_officers(court: Organisation, n: int) -> list[User]:
    """`n` officers for `n` new enforcements of `court`: each goes to the active officer with
    the fewest OPEN enforcements at that moment (ties by pk), so the load stays even.
    Raises `TransitionRefused("本院尚未配置执行员")` when the court has none."""
    rows = list(
        User.objects.filter(organisation=court, role=Role.ENFORCEMENT_OFFICER, is_active=True)
        .annotate(
            open_count=Count("enforcements", filter=Q(enforcements__state=EnforcementState.OPEN))
        )
        .order_by("pk")
    )
    if not rows:
        raise TransitionRefused("本院尚未配置执行员")
    by_pk = {u.pk: u for u in rows}
    heap = [(u.open_count, u.pk) for u in rows]
    heapq.heapify(heap)
    out: list[User] = []
    for _ in range(n):
        load, pk = heapq.heappop(heap)
        out.append(by_pk[pk])
        heapq.heappush(heap, (load + 1, pk))
    return out
