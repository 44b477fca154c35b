"""Read-only queries of the mediation stage: the centre's numbers, a series' answers, work lists."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from jiefen.accounts.models import Role, User
from jiefen.cases import access
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.mediation.models import (
    Confirmation,
    InstalmentPlan,
    MediationCase,
    Notarization,
    Offer,
    OfferFrom,
    OfferStatus,
    Outcome,
    PaymentOrder,
    PlanStatus,
    Response,
    SignerRole,
)

SUCCESS = (Outcome.AGREED, Outcome.CONFIRMED, Outcome.NOTARIZED, Outcome.PAYMENT_ORDER)


def _rate(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _summarise(rows: list[tuple[Any, ...]]) -> dict[str, Any]:
    """rows of (outcome, agreed_on, opened_on): success among ended mediations, average days."""
    outcomes = Counter(r[0] for r in rows)
    ended = sum(n for o, n in outcomes.items() if o != Outcome.PENDING)
    agreed = [(r[1] - r[2]).days for r in rows if r[1] is not None]
    success = sum(1 for r in rows if r[1] is not None)
    return {
        "cases": len(rows),
        "success": success,
        "success_rate": _rate(success, ended),
        "average_days": round(sum(agreed) / len(agreed), 1) if agreed else 0.0,
        "outcomes": {str(o.label): _rate(outcomes.get(o, 0), len(rows)) for o in Outcome},
    }


def stats_section() -> dict[str, Any]:
    """The `"mediation"` section of `jiefen stats --json` (issue 5, item 7)."""
    rows = list(MediationCase.objects.values_list("outcome", "agreed_on", "opened_on"))
    s = _summarise(rows)
    return {
        "cases": s["cases"],
        "success_rate": s["success_rate"],
        "judicial_confirmations": Confirmation.objects.filter(ruling="confirmed").count(),
        "notarized": Notarization.objects.exclude(certificate_number="").count(),
        "payment_orders": PaymentOrder.objects.exclude(issued_on=None).count(),
        "to_filing": sum(1 for r in rows if r[0] == Outcome.TO_FILING),
        "instalment_plans": InstalmentPlan.objects.filter(offer__instalments__gt=1).count(),
        "missed_instalments": InstalmentPlan.objects.filter(status=PlanStatus.MISSED).count(),
        "average_days": s["average_days"],
    }


def numbers(meds: QuerySet[MediationCase]) -> dict[str, int]:
    """The outcome counts of the centre page, over the mediations the user may see."""
    return {
        "judicial_confirmations": Confirmation.objects.filter(
            mediation__in=meds, ruling="confirmed"
        ).count(),
        "notarized": Notarization.objects.filter(mediation__in=meds)
        .exclude(certificate_number="")
        .count(),
        "payment_orders": PaymentOrder.objects.filter(mediation__in=meds)
        .exclude(issued_on=None)
        .count(),
        "to_filing": meds.filter(outcome=Outcome.TO_FILING).count(),
        "instalment_plans": InstalmentPlan.objects.filter(
            mediation__in=meds, offer__instalments__gt=1
        ).count(),
        "missed_instalments": InstalmentPlan.objects.filter(
            mediation__in=meds, status=PlanStatus.MISSED
        ).count(),
    }


def scoped(user: User) -> QuerySet[MediationCase]:
    """Mediation cases the user may count: those of their visible cases (cases.access)."""
    return access.visible_mediations(user)


def breakdown(user: User, by: str) -> list[dict[str, Any]]:
    """Per mediator or per institution: cases, success rate, average days, share of each outcome."""
    key = {"mediator": "case__mediator__full_name", "institution": "case__institution__name"}[by]
    groups: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
    for name, outcome, agreed, opened in scoped(user).values_list(
        key, "outcome", "agreed_on", "opened_on"
    ):
        groups[name or "—"].append((outcome, agreed, opened))
    return [{"name": name, **_summarise(rows)} for name, rows in sorted(groups.items())]


def series_overview(user: User) -> list[dict[str, Any]]:
    """The user's visible series with their visible cases counted by state."""
    series = access.visible_series(user).select_related("institution").order_by("pk")
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = access.visible_cases(user).filter(series__in=series).values_list("series_id", "state")
    for sid, state in rows:
        counts[sid][state] += 1
    screening = dict(
        Case.objects.filter(series__in=series, state=State.SCREENING)
        .values_list("series_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [
        {
            "series": s,
            "in_mediation": counts[s.pk][State.IN_MEDIATION],
            "screening": screening.get(s.pk, 0),
            "total": sum(counts[s.pk].values()),
        }
        for s in series
        if counts[s.pk] or screening.get(s.pk)
    ]


def series_cases(series: Series, user: User) -> list[MediationCase]:
    """The mediations of one series the user may see (the series page lists and acts on them)."""
    return list(
        access.visible_mediations(user)
        .filter(case__series=series)
        .select_related("case", "case__mediator", "agreement")
        .order_by("case_id")
    )


def answers(meds: list[MediationCase]) -> dict[str, int]:
    """Who answered: counts of each response among the cases shown."""
    c = Counter(m.response for m in meds)
    return {str(r.label): c.get(r, 0) for r in Response}


def pending_proposals(user: User) -> QuerySet[Offer]:
    """Borrowers' plans outside the standing rule, waiting for the institution."""
    return (
        access.visible_offers(user)
        .filter(
            status=OfferStatus.OPEN,
            made_by=OfferFrom.BORROWER,
            mediation__case__state=State.IN_MEDIATION,
        )
        .select_related("mediation__case")
        .order_by("created_at")
    )


# The signature a staff user gives on an agreement (the parties to it are decided by actions).
SIGNS_AS: dict[str, SignerRole] = {
    Role.BANK_AGENT: SignerRole.CLAIMANT,
    Role.MEDIATOR: SignerRole.MEDIATOR,
}


def unsigned_agreements(user: User, series: Series | None = None) -> list[int]:
    """Visible agreements (of `series` if given) still waiting for this user's kind of signature."""
    role = SIGNS_AS.get(user.role)
    if role is None:
        return []
    qs = access.visible_agreements(user).filter(mediation__case__state=State.IN_MEDIATION)
    if series is not None:
        qs = qs.filter(mediation__case__series=series)
    return list(qs.exclude(signatures__role=role).values_list("pk", flat=True))


def mediator_loads(org_id: int) -> dict[int, int]:
    return dict(
        Case.objects.filter(
            mediator__organisation_id=org_id, state__in=[State.IN_MEDIATION, State.MEDIATED]
        )
        .values_list("mediator_id")
        .annotate(n=Count("id"))
        .order_by()
    )
