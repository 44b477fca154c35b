"""Read-only queries of the enforcement stage: statistics, the officer's series, the bank's
recoveries (scoping always through `jiefen.cases.access`).

"Recovered" is what the creditors got of the debt: the receipts' shares of the money debt
(costs, interest, principal, other) plus the doubled-part interest — never the execution fee
the court keeps nor the surplus returned to the debtor.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet, Sum
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.models import CaseParty, Party, PartyRole, Series
from jiefen.enforcement.models import (
    Asset,
    Enforcement,
    EnforcementState,
    Inquiry,
    InquiryState,
    Measure,
    MeasureKind,
    Receipt,
)
from jiefen.law.money import ZERO

_RECOVERED = (
    F("to_costs") + F("to_interest") + F("to_principal") + F("to_other") + F("to_delay_interest")
)
# Measures that bind the debtor until lifted or expired (not notices, not one-off deductions).
IN_FORCE_KINDS = (
    MeasureKind.FREEZE,
    MeasureKind.SEIZE,
    MeasureKind.CONSUMPTION_RESTRICTION,
    MeasureKind.DISHONEST_LISTING,
)


def _money(value: Decimal | None) -> str:
    return f"{(value or ZERO):.2f}"


def _rate(part: Decimal, whole: Decimal) -> float:
    """A share rounded to 4 decimals (the style of the other stats sections)."""
    return round(float(part / whole), 4) if whole else 0.0


def _recovered(receipts: QuerySet[Receipt]) -> Decimal:
    return receipts.aggregate(v=Sum(_RECOVERED))["v"] or ZERO


def stats_section() -> dict[str, Any]:
    """`jiefen stats --json` "enforcement".

    - `cases`: distinct cases that entered enforcement (a 执 case and its 执恢 count once);
    - `recovered`: what the creditors recovered (debt + doubled-part interest), 2-decimal string;
    - `recovery_rate`: recovered / the applied totals of those cases (each title once, from its
      first enforcement case), a float rounded to 4 decimals;
    - `dishonest_listed` / `delisted`: dishonest-list entries made / deleted;
    - `closed_performed`: enforcement cases closed as performed (执行完毕);
    - `closed_terminated`: cases whose latest enforcement case is terminated for now (终本);
    - `resumed`: 执恢 cases (enforcements resumed from a terminated one);
    - `average_days_to_first_payment`: mean days from the first filing of a case to its first
      receipt (a receipt before filing counts 0), over the cases with a receipt, 1 decimal;
      None when no case has a receipt.
    """
    counts = Enforcement.objects.aggregate(
        cases=Count("case", distinct=True),
        applied=Sum("applied_total", filter=Q(resumed_from=None)),
        performed=Count("pk", filter=Q(state=EnforcementState.PERFORMED)),
        terminated=Count(
            "pk", filter=Q(state=EnforcementState.TERMINATED_FOR_NOW, resumed_by=None)
        ),
        resumed=Count("pk", filter=~Q(resumed_from=None)),
    )
    listings = Measure.objects.filter(kind=MeasureKind.DISHONEST_LISTING).aggregate(
        listed=Count("pk"), delisted=Count("pk", filter=~Q(lifted_on=None))
    )
    recovered = _recovered(Receipt.objects.all())
    firsts = (
        Enforcement.objects.values("case_id")
        .annotate(filed=Min("filed_on"), paid=Min("receipts__received_on"))
        .exclude(paid=None)
        .values_list("filed", "paid")
    )
    days = [max((paid - filed).days, 0) for filed, paid in firsts]
    return {
        "cases": counts["cases"],
        "recovered": _money(recovered),
        "recovery_rate": _rate(recovered, counts["applied"] or ZERO),
        "dishonest_listed": listings["listed"],
        "delisted": listings["delisted"],
        "closed_performed": counts["performed"],
        "closed_terminated": counts["terminated"],
        "resumed": counts["resumed"],
        "average_days_to_first_payment": round(sum(days) / len(days), 1) if days else None,
    }


def _masked_debtors(enforcements: list[Enforcement]) -> dict[int, list[dict[str, str]]]:
    """The debtors of each enforcement (names, masked ID numbers): those its execution notices
    went to, or — before any notice — the defendants of its case."""
    from jiefen.enforcement.actions.common import debtors_of

    noticed = debtors_of([e.pk for e in enforcements])
    defendants: dict[int, list[Party]] = defaultdict(list)
    links = (
        CaseParty.objects.filter(
            case_id__in=[e.case_id for e in enforcements if e.pk not in noticed],
            role=PartyRole.DEFENDANT,
        )
        .select_related("party")
        .order_by("case_id", "position")
    )
    for link in links:
        defendants[link.case_id].append(link.party)
    return {
        e.pk: [
            {"name": p.name, "id_number": p.masked_id_number}
            for p in noticed.get(e.pk) or defendants.get(e.case_id, [])
        ]
        for e in enforcements
    }


def series_rows(user: User, series_id: int, *, as_of: date | None = None) -> list[dict[str, Any]]:
    """The enforcement cases of one series the user may see, for the officer's series page.

    One row per current enforcement case (a 执 case superseded by its 执恢 case is left out):
    number, debtors (masked ID numbers), what is owed on `as_of` (default today: the debt, the
    doubled-part interest and the execution fee still unpaid, recomputed from every receipt of
    the title), received on the title, the latest inquiry's state, matched / name-only assets,
    the measures in force by kind, and the state.
    """
    from jiefen.enforcement.actions.money import ledgers

    day = as_of or timezone.localdate()
    enforcements = list(
        access.visible_enforcements(user)
        .filter(case__series_id=series_id)
        .exclude(state=EnforcementState.RESUMED)
        .select_related("resumed_from")
        .order_by("pk")
    )
    if not enforcements:
        return []
    ids = [e.pk for e in enforcements]
    dists = ledgers(enforcements, as_of=day)
    debtors = _masked_debtors(enforcements)
    inquiry: dict[int, str] = {}
    for eid, state in (
        Inquiry.objects.filter(enforcement_id__in=ids)
        .order_by("enforcement_id", "requested_on", "pk")
        .values_list("enforcement_id", "state")
    ):
        inquiry[eid] = state  # the last one wins
    assets: dict[int, tuple[int, int]] = {
        row["enforcement_id"]: (row["n_matched"], row["n_unmatched"])
        for row in Asset.objects.filter(enforcement_id__in=ids)
        .values("enforcement_id")
        .annotate(
            n_matched=Count("pk", filter=Q(matched=True)),
            n_unmatched=Count("pk", filter=Q(matched=False)),
        )
        .order_by()
    }
    in_force: dict[int, Counter[str]] = defaultdict(Counter)
    for eid, kind in (
        Measure.objects.filter(enforcement_id__in=ids, kind__in=IN_FORCE_KINDS, lifted_on=None)
        .filter(Q(ends_on=None) | Q(ends_on__gte=day))
        .values_list("enforcement_id", "kind")
    ):
        in_force[eid][str(MeasureKind(kind).label)] += 1
    rows = []
    for e in enforcements:
        d = dists[e.pk]
        owed = d.outstanding_debt + d.outstanding_delay_interest + d.outstanding_execution_fee
        matched, unmatched = assets.get(e.pk, (0, 0))
        rows.append(
            {
                "enforcement": e,
                "number": e.number,
                "resumed_from": e.resumed_from.number if e.resumed_from else "",
                "debtors": debtors[e.pk],
                "owed": owed,
                "owed_debt": d.outstanding_debt,
                "owed_delay_interest": d.outstanding_delay_interest,
                "owed_execution_fee": d.outstanding_execution_fee,
                "received": sum((a.amount for a in d.allocations), ZERO),
                "inquiry": str(InquiryState(inquiry[e.pk]).label) if e.pk in inquiry else "未查询",
                "matched_assets": matched,
                "unmatched_assets": unmatched,
                "measures_in_force": dict(in_force[e.pk]),
                "state": e.state,
                "state_label": str(EnforcementState(e.state).label),
            }
        )
    return rows


def _recovered_by_series(enforcements: QuerySet[Enforcement]) -> dict[int, Decimal]:
    return dict(
        Receipt.objects.filter(enforcement__in=enforcements.values("pk"))
        .values("enforcement__case__series_id")
        .annotate(v=Sum(_RECOVERED))
        .order_by()
        .values_list("enforcement__case__series_id", "v")
    )


def officer_series(user: User) -> list[dict[str, Any]]:
    """The series of the user's enforcement cases with counts of their current cases: open,
    terminated for now, performed, and the money recovered in them."""
    visible = access.visible_enforcements(user).exclude(case__series=None)
    counts = {
        row["case__series_id"]: row
        for row in visible.exclude(state=EnforcementState.RESUMED)
        .values("case__series_id")
        .annotate(
            open=Count("pk", filter=Q(state=EnforcementState.OPEN)),
            terminated=Count("pk", filter=Q(state=EnforcementState.TERMINATED_FOR_NOW)),
            performed=Count("pk", filter=Q(state=EnforcementState.PERFORMED)),
        )
        .order_by()
    }
    recovered = _recovered_by_series(visible)
    series = Series.objects.filter(pk__in=counts).select_related("institution").order_by("pk")
    return [
        {
            "series": s,
            "open": counts[s.pk]["open"],
            "terminated": counts[s.pk]["terminated"],
            "performed": counts[s.pk]["performed"],
            "recovered": recovered.get(s.pk) or ZERO,
        }
        for s in series
    ]


def recoveries(user: User) -> list[dict[str, Any]]:
    """The creditor's view per series (scoped to its institution by `access`): cases in
    enforcement, the applied total (each title once), recovered, the recovery rate, dishonest
    listings made, cases terminated for now and cases performed."""
    visible = access.visible_enforcements(user).exclude(case__series=None)
    counts = {
        row["case__series_id"]: row
        for row in visible.values("case__series_id")
        .annotate(
            cases=Count("case", distinct=True),
            applied=Sum("applied_total", filter=Q(resumed_from=None)),
            terminated=Count(
                "pk", filter=Q(state=EnforcementState.TERMINATED_FOR_NOW, resumed_by=None)
            ),
            performed=Count("pk", filter=Q(state=EnforcementState.PERFORMED)),
        )
        .order_by()
    }
    listed = dict(
        Measure.objects.filter(
            enforcement__in=visible.values("pk"), kind=MeasureKind.DISHONEST_LISTING
        )
        .values("enforcement__case__series_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("enforcement__case__series_id", "n")
    )
    recovered = _recovered_by_series(visible)
    series = Series.objects.filter(pk__in=counts).select_related("institution").order_by("pk")
    rows = []
    for s in series:
        applied = counts[s.pk]["applied"] or ZERO
        got = recovered.get(s.pk) or ZERO
        rows.append(
            {
                "series": s,
                "cases": counts[s.pk]["cases"],
                "applied_total": applied,
                "recovered": got,
                "recovery_rate": _rate(got, applied),
                "listed": listed.get(s.pk, 0),
                "terminated": counts[s.pk]["terminated"],
                "performed": counts[s.pk]["performed"],
            }
        )
    return rows
