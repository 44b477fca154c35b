"""Read-only queries of the intake stage: which batches a user may see, their series, stats."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Case
from jiefen.intake.models import Batch


def visible_batches(user: User) -> QuerySet[Batch]:
    """A bank sees its own batches; the court's clerks those sent to it; admins all."""
    batches = Batch.objects.select_related("institution", "court")
    if not user.is_authenticated or not user.is_active:
        return batches.none()
    if user.role == Role.PLATFORM_ADMIN:
        return batches
    if user.role == Role.BANK_AGENT and user.organisation_id:
        return batches.filter(institution_id=user.organisation_id)
    if user.role == Role.CLERK and user.organisation_id:
        return batches.filter(court_id=user.organisation_id)
    return batches.none()


def batch_for(user: User, batch_id: int) -> Batch:
    """The batch or the same 404 for a missing and a forbidden one (as `case_for`)."""
    try:
        return visible_batches(user).get(pk=batch_id)
    except (Batch.DoesNotExist, ValueError, TypeError):
        raise Http404("批次不存在或无权查看") from None


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
