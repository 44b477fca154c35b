"""Reads of the legal-service stage: overdue marks and an institution's service file (一对一服务
档案). Callers pass requests already scoped by `cases.access.visible_legal_requests`, so the
file a lawyer reads holds only the requests they served."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiefen.accounts.models import Organisation
from jiefen.legal_services.models import LegalRequest, RequestKind, RequestState


def is_overdue(request: LegalRequest, today: date) -> bool:
    """Assigned, not answered, and the answer period (3 working days) has passed."""
    return (
        request.state == RequestState.ASSIGNED
        and request.answer_due is not None
        and request.answer_due < today
    )


def answer_days(request: LegalRequest) -> int | None:
    """Calendar days from posting to the first answer (Asia/Shanghai dates); None if unanswered."""
    if request.answered_at is None:
        return None
    return (timezone.localdate(request.answered_at) - request.posted_on).days


def _mean(values: list[int], places: str) -> Decimal | None:
    if not values:
        return None
    return (Decimal(sum(values)) / len(values)).quantize(Decimal(places), ROUND_HALF_UP)


@dataclass(frozen=True)
class LawyerLine:
    name: str
    requests: int
    answered: int
    average_rating: Decimal | None


@dataclass(frozen=True)
class ServiceFile:
    institution: Organisation
    requests: list[LegalRequest]
    by_kind: list[tuple[str, int]]  # (label, count) for every kind
    lawyers: list[LawyerLine]
    average_answer_days: Decimal | None  # one decimal
    open_count: int  # not yet closed (待分派, 已分派, 已答复)
    overdue_count: int
    rated: int
    average_rating: Decimal | None  # two decimals
    rating_counts: list[tuple[int, int]]  # (stars 5..1, count)
    overdue_ids: frozenset[int]


def service_file(
    institution: Organisation, requests: QuerySet[LegalRequest], today: date
) -> ServiceFile:
    """The institution's file from `requests` (narrowed here to the institution)."""
    rows = list(
        requests.filter(institution=institution)
        .select_related("lawyer")
        .order_by("-posted_on", "-pk")
    )
    kinds = Counter(r.kind for r in rows)
    ratings = [r.rating for r in rows if r.rating is not None]
    lawyers: dict[int, list[LegalRequest]] = {}
    for r in rows:
        if r.lawyer_id is not None:
            lawyers.setdefault(r.lawyer_id, []).append(r)
    overdue = frozenset(r.pk for r in rows if is_overdue(r, today))
    days = [d for d in (answer_days(r) for r in rows) if d is not None]
    return ServiceFile(
        institution=institution,
        requests=rows,
        by_kind=[(str(label), kinds.get(value, 0)) for value, label in RequestKind.choices],
        lawyers=[
            LawyerLine(
                name=served[0].lawyer.display_name if served[0].lawyer else "",
                requests=len(served),
                answered=sum(1 for r in served if r.answered_at is not None),
                average_rating=_mean([r.rating for r in served if r.rating is not None], "0.01"),
            )
            for served in sorted(lawyers.values(), key=lambda s: (-len(s), s[0].lawyer_id or 0))
        ],
        average_answer_days=_mean(days, "0.1"),
        open_count=sum(1 for r in rows if r.state != RequestState.CLOSED),
        overdue_count=len(overdue),
        rated=len(ratings),
        average_rating=_mean(ratings, "0.01"),
        rating_counts=[(stars, ratings.count(stars)) for stars in range(5, 0, -1)],
        overdue_ids=overdue,
    )


def file_counts(
    requests: QuerySet[LegalRequest], files: QuerySet[Organisation]
) -> list[dict[str, Any]]:
    """Each service file among `files` with its requests in `requests`: total and not closed."""
    counts: dict[int, tuple[int, int]] = {
        row["institution_id"]: (row["total"], row["open"])
        for row in requests.order_by()
        .values("institution_id")
        .annotate(total=Count("pk"), open=Count("pk", filter=~Q(state=RequestState.CLOSED)))
    }
    return [
        {"org": org, "total": counts.get(org.pk, (0, 0))[0], "open": counts.get(org.pk, (0, 0))[1]}
        for org in files.order_by("code")
    ]
