"""Read-only queries of the mediation stage: the centre's numbers, a series' answers, work lists."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.db.models import Count, QuerySet

from jiefen.accounts.models import Role, User
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


def scoped(user: User) -> QuerySet[MediationCase]:
    """Mediation cases a staff user may count: all for admin and mediators' centre, own for a bank."""
    qs = MediationCase.objects.all()
    if user.role == Role.BANK_AGENT:
        return qs.filter(case__institution_id=user.organisation_id)
    if user.role == Role.MEDIATOR:
        return qs.filter(organisation_id=user.organisation_id or 0)
    if user.role == Role.PLATFORM_ADMIN:
        return qs
    return qs.none()


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
    ids = scoped(user).values("case__series_id")
    series = Series.objects.filter(pk__in=ids).select_related("institution")
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    for sid, state in Case.objects.filter(series__in=series).values_list("series_id", "state"):
        counts[sid][state] += 1
    return [
        {
            "series": s,
            "in_mediation": counts[s.pk][State.IN_MEDIATION],
            "screening": counts[s.pk][State.SCREENING],
            "total": sum(counts[s.pk].values()),
        }
        for s in series
    ]


def series_cases(series: Series, user: User) -> list[MediationCase]:
    qs = (
        MediationCase.objects.filter(case__series=series)
        .select_related("case", "case__mediator", "agreement")
        .order_by("case_id")
    )
    if user.role == Role.MEDIATOR:
        qs = qs.filter(case__mediator=user)
    elif user.role == Role.BANK_AGENT:
        qs = qs.filter(case__institution_id=user.organisation_id)
    elif user.role != Role.PLATFORM_ADMIN:
        qs = qs.none()
    return list(qs)


def answers(meds: list[MediationCase]) -> dict[str, int]:
    """Who answered: counts of each response among the cases shown."""
    c = Counter(m.response for m in meds)
    return {str(r.label): c.get(r, 0) for r in Response}


def pending_proposals(user: User) -> QuerySet[Offer]:
    """Borrowers' plans outside the standing rule, waiting for the institution."""
    qs = Offer.objects.filter(
        status=OfferStatus.OPEN,
        made_by=OfferFrom.BORROWER,
        mediation__case__state=State.IN_MEDIATION,
    )
    if user.role == Role.BANK_AGENT:
        qs = qs.filter(mediation__case__institution_id=user.organisation_id)
    elif user.role == Role.MEDIATOR:
        qs = qs.filter(mediation__case__mediator=user)
    elif user.role != Role.PLATFORM_ADMIN:
        qs = qs.none()
    return qs.select_related("mediation__case").order_by("created_at")


def unsigned_agreements(user: User) -> list[int]:
    """Agreement ids waiting for this user's signature (bank agent: claimant; mediator)."""
    from jiefen.mediation.models import Agreement

    qs = Agreement.objects.filter(mediation__case__state=State.IN_MEDIATION)
    if user.role == Role.BANK_AGENT:
        qs = qs.filter(mediation__case__institution_id=user.organisation_id).exclude(
            signatures__role="claimant"
        )
    elif user.role == Role.MEDIATOR:
        qs = qs.filter(mediation__case__mediator=user).exclude(signatures__role="mediator")
    else:
        return []
    return list(qs.values_list("pk", flat=True))


def mediator_loads(org_id: int) -> dict[int, int]:
    return dict(
        Case.objects.filter(
            mediator__organisation_id=org_id, state__in=[State.IN_MEDIATION, State.MEDIATED]
        )
        .values_list("mediator_id")
        .annotate(n=Count("id"))
        .order_by()
    )
