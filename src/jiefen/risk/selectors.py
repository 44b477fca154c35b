"""Reads of the risk stage for the pages, the API, the statistics and the white paper.

Role scoping is `jiefen.cases.access.visible_warnings`; these functions take the querysets it
returns (or read aggregates that name no person).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from jiefen.accounts.models import User
from jiefen.audit.models import AuditRecord
from jiefen.risk import firms
from jiefen.risk.actions import ASSIGNABLE_ROLES
from jiefen.risk.districts import district_name
from jiefen.risk.models import FeedImport, Warning, WarningKind, WarningState
from jiefen.risk.rules import SCORE_FORMULAS

if TYPE_CHECKING:
    from jiefen.stats.periods import Period

OPEN_STATES = (WarningState.OPEN, WarningState.ASSIGNED)


def stats_section() -> dict[str, Any]:
    """The "risk" section of `jiefen stats --json`: all warnings, those still open (待处置 or
    已分派), and the count of each kind (every kind listed, 0 included)."""
    by_kind = dict(Warning.objects.values_list("kind").annotate(n=Count("id")))
    return {
        "warnings": sum(by_kind.values()),
        "open": Warning.objects.filter(state__in=OPEN_STATES).count(),
        "by_kind": {kind.value: by_kind.get(kind.value, 0) for kind in WarningKind},
    }


def warnings_in(
    period: Period | None, warnings: QuerySet[Warning] | None = None
) -> QuerySet[Warning]:
    """Warnings opened in the period (all when None); `warnings` narrows (e.g. visible ones)."""
    qs = Warning.objects.all() if warnings is None else warnings
    if period is None:
        return qs
    return qs.filter(opened_on__gte=period.start, opened_on__lt=period.end)


def counts_by_kind(warnings: QuerySet[Warning]) -> list[dict[str, Any]]:
    """[{"kind", "label", "count", "open"}] for every kind, in the order of WarningKind."""
    rows: dict[str, dict[str, Any]] = {
        r["kind"]: dict(r)
        for r in warnings.order_by()
        .values("kind")
        .annotate(
            count=Count("id", distinct=True),
            open=Count("id", distinct=True, filter=Q(state__in=OPEN_STATES)),
        )
    }
    return [
        {
            "kind": k.value,
            "label": k.label,
            "count": rows.get(k.value, {}).get("count", 0),
            "open": rows.get(k.value, {}).get("open", 0),
        }
        for k in WarningKind
    ]


def score_formula(kind: str) -> str:
    return SCORE_FORMULAS.get(kind, "")


@dataclass
class Step:
    at: Any
    action: str
    label: str
    actor: str
    detail: str


_STEP_LABELS = {"risk.assign": "分派", "risk.handle": "处置", "risk.close": "关闭"}


def timeline(warning: Warning) -> list[Step]:
    """Opened (the sweep), then every assignment, handling and closing with who did it."""
    steps = [Step(warning.opened_on, "open", "预警生成", "系统", warning.summary)]
    records = AuditRecord.objects.filter(
        object_type="warning", object_id=str(warning.pk), action__in=list(_STEP_LABELS)
    ).select_related("actor")
    names = {}
    for r in records:
        if r.action == "risk.assign":
            pk = r.payload.get("assignee")
            if pk not in names:
                user = User.objects.filter(pk=pk).first()
                names[pk] = str(user) if user else ""
            detail = f"分派给{names[pk]}"
        elif r.action == "risk.handle":
            detail = str(r.payload.get("note", ""))
        else:
            detail = f"关闭时风险分{r.payload.get('score', '')}"
        actor = str(r.actor) if r.actor else "系统"
        steps.append(Step(r.at, r.action, _STEP_LABELS[r.action], actor, detail))
    return steps


def assignable_users() -> QuerySet[User]:
    """Whom a warning may be given to: active court presidents and centre administrators."""
    return User.objects.filter(is_active=True, role__in=ASSIGNABLE_ROLES).order_by(
        "role", "username"
    )


def recent_imports(limit: int = 20) -> QuerySet[FeedImport]:
    return FeedImport.objects.select_related("imported_by")[:limit]


def feed_import(pk: int) -> FeedImport | None:
    """One import's result (the centre's feeds: firms' data, shown to the risk desk)."""
    return FeedImport.objects.filter(pk=pk).first()


@dataclass
class DistrictRow:
    division_code: str
    name: str
    firms: int
    quasi_financial_firms: int
    total_score: int
    rising_firms: int
    warned_firms: int


def district_grid(as_of: date) -> list[DistrictRow]:
    """The quasi-financial grid (网格化): one row per district of the feeds' firms, highest
    total score first (firms without a known district under code "")."""
    rows = [
        DistrictRow(
            division_code=code,
            name=district_name(code) if code else "未知区划",
            firms=v["firms"],
            quasi_financial_firms=v["quasi_financial"],
            total_score=v["score"],
            rising_firms=v["rising"],
            warned_firms=v["warned"],
        )
        for code, v in firms.grid(as_of).items()
    ]
    rows.sort(key=lambda r: (-r.total_score, r.division_code))
    return rows
