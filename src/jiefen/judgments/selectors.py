"""Reading the decision stage: each party's appeal period, the decision panel, the numbers.

`party_periods(judgment)` is the one place that says when each party was served with the
decision and when its own appeal period ends (民诉法 Arts. 171, 286): the effect actions, the
appeal form and the panel all read it, so they cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from jiefen.cases.models import Case, IdType, Party, Procedure
from jiefen.hearings.models import Hearing, HearingState
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.law.judgment import COMPONENTS
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar, appeal_deadline

# The purpose under which each kind of decision is served on the defendants (service stage).
SERVICE_PURPOSE = {
    DecisionKind.JUDGMENT: "judgment",
    DecisionKind.MEDIATION: "mediation",
    DecisionKind.WITHDRAWAL: "ruling",
}
# Claimed amounts by component: the Case columns (民诉解释 Art. 201: all are in the fee base).
CLAIM_COLUMNS = COMPONENTS
CLAIMANT_ROLE = "原告"


def domiciled_abroad(party: Party) -> bool:
    """Whether a party has no domicile in China (民诉法 Art. 286: 30-day appeal period).

    Decided from what intake records: the party has no domicile division code (no 住所地 in
    a Chinese administrative division) AND is identified by another document than a resident
    ID or a unified social credit code (`IdType.OTHER`: passport, foreign ID). A Chinese
    resident ID or USCC, or a Chinese division code, means a domicile in China; when the
    record is silent on the division but the ID is Chinese, the shorter period is kept,
    since the longer one is the exception a party must show.
    """
    return not party.domicile_division and party.id_type == IdType.OTHER


@dataclass(frozen=True)
class PartyPeriod:
    """One party's service date of the decision and the last day of its own appeal period."""

    party_id: int | None  # None: the claimant
    name: str
    role: str
    served_on: date | None
    deadline: date | None
    abroad: bool


def decision_parties(case: Case) -> list[tuple[Party, str]]:
    """Each defendant and guarantor of the case once (a party in two roles counts once)."""
    seen: dict[int, tuple[Party, str]] = {}
    for cp in case.case_parties.select_related("party").order_by("position", "pk"):
        seen.setdefault(cp.party_id, (cp.party, cp.get_role_display()))
    return list(seen.values())


def served_dates(case_ids: Iterable[int], purpose: str) -> dict[tuple[int, int], date | None]:
    from jiefen.service.selectors import served_on

    return served_on(case_ids, purpose)


def party_periods(
    judgment: Judgment,
    *,
    calendar: HolidayCalendar,
    params: Parameters | None = None,
    served: dict[tuple[int, int], date | None] | None = None,
) -> list[PartyPeriod]:
    """The claimant first, then each defendant/guarantor: served on, own appeal deadline.

    Only a judgment (民事判决书) of a procedure other than small claims has an appeal period:
    15 days from that party's own service (30 for a party with no domicile in China), the
    last day moved past rest days (民诉法 Arts. 85, 171, 286). Mediation documents and rulings
    allowing withdrawal are not appealable, small-claims judgments are final: deadline None.
    """
    case = judgment.case
    if served is None:
        served = served_dates([case.pk], SERVICE_PURPOSE[DecisionKind(judgment.kind)])
    appealable = judgment.kind == DecisionKind.JUDGMENT and case.procedure != Procedure.SMALL_CLAIMS

    def deadline(day: date | None, abroad: bool) -> date | None:
        if day is None or not appealable:
            return None
        return appeal_deadline(day, domiciled_abroad=abroad, calendar=calendar, params=params)

    rows = [
        PartyPeriod(
            None,
            case.institution.name,
            CLAIMANT_ROLE,
            judgment.claimant_served_on,
            deadline(judgment.claimant_served_on, False),
            False,
        )
    ]
    for party, role in decision_parties(case):
        day = served.get((case.pk, party.pk))
        abroad = domiciled_abroad(party)
        rows.append(PartyPeriod(party.pk, party.name, role, day, deadline(day, abroad), abroad))
    return rows


def all_served(periods: list[PartyPeriod]) -> bool:
    return all(p.served_on is not None for p in periods)


def panel(judgment: Judgment, *, calendar: HolidayCalendar) -> dict[str, Any]:
    """What the decision panel shows: the decision, each party's dates, the appeals."""
    return {
        "judgment": judgment,
        "periods": party_periods(judgment, calendar=calendar),
        "appeals": list(judgment.appeals.order_by("filed_on", "pk")),
        "appealable": judgment.kind == DecisionKind.JUDGMENT
        and judgment.case.procedure != Procedure.SMALL_CLAIMS,
    }


def _money(value: Decimal | None) -> str:
    return f"{(value or Decimal('0')):.2f}"


def stats_section() -> dict[str, Any]:
    """`jiefen stats --json` "judgments": hearings held and decisions by kind and state.

    `judgments` counts 民事判决书 signed or later (drafts are not decisions yet);
    `default_judgments` those given in default (缺席判决); `mediated_in_court` the 民事调解书,
    `withdrawn` the rulings allowing withdrawal; `effective` and `appealed` the decisions of
    any kind in that state; `reduced_for_cap` the judgments whose amounts the cap reduced;
    `awarded_total` the sum awarded by those judgments, as a string with two decimals.
    """
    decided = ~Q(state=DecisionState.DRAFT)
    judgments = Q(kind=DecisionKind.JUDGMENT) & decided
    counts = Judgment.objects.aggregate(
        judgments=Count("pk", filter=judgments),
        default_judgments=Count("pk", filter=judgments & Q(default=True)),
        mediated_in_court=Count("pk", filter=Q(kind=DecisionKind.MEDIATION) & decided),
        withdrawn=Count("pk", filter=Q(kind=DecisionKind.WITHDRAWAL) & decided),
        effective=Count("pk", filter=Q(state=DecisionState.EFFECTIVE)),
        appealed=Count("pk", filter=Q(state=DecisionState.APPEALED)),
        reduced_for_cap=Count("pk", filter=judgments & Q(reduced_for_cap=True)),
        awarded_total=Sum("awarded_total", filter=judgments),
    )
    return {
        "hearings": Hearing.objects.filter(state=HearingState.HELD).count(),
        "judgments": counts["judgments"],
        "default_judgments": counts["default_judgments"],
        "mediated_in_court": counts["mediated_in_court"],
        "withdrawn": counts["withdrawn"],
        "effective": counts["effective"],
        "appealed": counts["appealed"],
        "reduced_for_cap": counts["reduced_for_cap"],
        "awarded_total": _money(counts["awarded_total"]),
    }
