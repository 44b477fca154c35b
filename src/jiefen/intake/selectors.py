"""Read-only queries of the intake stage: a batch's series, stats (who sees a batch: cases.access)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, Sum

from jiefen.cases.models import Case
from jiefen.intake.models import Batch


def batch_series(batch: Batch) -> list[dict[str, Any]]:
    """Series the batch's cases joined, with this batch's count and amount per series."""
    rows: Any = (
        Case.objects.filter(batch=batch)
        .values("series_id", "series__product", "case_type")
        .annotate(
            cases=Count("id"),
            total=Sum("claim_total"),
            over_cap=Count("id", filter=Q(over_cap=True)),
            limitation=Count("id", filter=Q(limitation_risk=True)),
            unreachable=Count("id", filter=Q(unreachable=True)),
            small_claims=Count("id", filter=Q(small_claims_eligible=True)),
        )
        .order_by("series__product")
    )
    return list(rows)


def stats_section() -> dict[str, Any]:
    """The "intake" section of `jiefen stats --json`."""
    totals = Batch.objects.aggregate(
        batches=Count("id"),
        rows=Sum("rows_total"),
        accepted=Sum("accepted"),
        rejected=Sum("rejected"),
        flagged=Sum("flagged"),
        duplicates=Sum("duplicates"),
    )
    series = Case.objects.filter(batch__isnull=False).values("series_id").distinct().count()
    return {
        "intake": {
            "batches": totals["batches"] or 0,
            "rows": totals["rows"] or 0,
            "accepted": totals["accepted"] or 0,
            "rejected": totals["rejected"] or 0,
            "duplicates": totals["duplicates"] or 0,
            "series": series,
            "flagged": totals["flagged"] or 0,
        }
    }
