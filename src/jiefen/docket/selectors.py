"""Read-only queries of the docket: filable series for a clerk, jobs, stats (scoping: access)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from jiefen.accounts.models import User
from jiefen.cases.access import visible_filing_jobs, visible_series
from jiefen.cases.models import Case
from jiefen.docket.actions import FILABLE
from jiefen.docket.models import FilingJob


def filable_series(user: User) -> list[dict[str, Any]]:
    """Series with cases waiting for filing at the user's court, awaiting_filing first."""
    rows = (
        visible_series(user)
        .annotate(
            awaiting=Count("cases", filter=Q(cases__state="awaiting_filing")),
            screening=Count("cases", filter=Q(cases__state="screening")),
            filed=Count("cases", filter=Q(cases__state="filed")),
            amount=Sum("cases__claim_total", filter=Q(cases__state__in=FILABLE)),
        )
        .filter(Q(awaiting__gt=0) | Q(screening__gt=0) | Q(filed__gt=0))
        .select_related("institution")
        .order_by("-awaiting", "id")
    )
    return [
        {
            "series": s,
            "awaiting": s.awaiting,
            "screening": s.screening,
            "filed": s.filed,
            "amount": s.amount,
        }
        for s in rows
    ]


def recent_jobs(user: User, limit: int = 10) -> list[FilingJob]:
    qs = visible_filing_jobs(user).select_related("series", "series__institution", "requested_by")
    return list(qs[:limit])


def stats_section() -> dict[str, Any]:
    from jiefen.documents.selectors import stats_section as doc_stats

    filed = Case.objects.exclude(case_number=None).exclude(filed_on=None)
    fees = filed.aggregate(total=Sum("acceptance_fee"))["total"]
    docs = doc_stats()
    return {
        "filed": filed.count(),
        "documents": docs["documents"],
        "signed_documents": docs["signed_documents"],
        "fees_total": f"{Decimal(fees or 0):.2f}",
    }
