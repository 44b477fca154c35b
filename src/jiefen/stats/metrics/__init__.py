"""Fixed-definition metrics of the platform: one computation for every page and report.

`compute(period, cases, by=DIMENSIONS)` returns the JSON-ready figures of a period (totals and
one breakdown per dimension); `metric_cases(name, period, cases, key=)` the cases behind one of
them. The definitions (what is counted, by which local date, the Chinese label) are in
`definitions.METRICS` and docs/metrics.md. `cases` restricts everything to those cases: the
dashboards pass `access.visible_cases(user)` narrowed by their filters.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet

from jiefen.cases.models import Case
from jiefen.stats.metrics.definitions import (
    CASE_FIGURES,
    DIMENSIONS,
    DURATION_FIGURES,
    METRICS,
    Metric,
)
from jiefen.stats.metrics.drill import metric_cases
from jiefen.stats.metrics.figures import breakdown, totals
from jiefen.stats.metrics.frames import load
from jiefen.stats.periods import Period

__all__ = [
    "CASE_FIGURES",
    "DIMENSIONS",
    "DURATION_FIGURES",
    "METRICS",
    "Metric",
    "compute",
    "metric_cases",
]


def compute(
    period: Period | None = None,
    cases: QuerySet[Case] | None = None,
    *,
    by: Sequence[str] = DIMENSIONS,
) -> dict[str, Any]:
    """The figures of `period` (all time when None) over `cases` (all when None)."""
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"分组维度「{'、'.join(unknown)}」不存在，应为：{'、'.join(DIMENSIONS)}")
    frames = load(cases)
    return {
        "period": period.label if period else None,
        "from": period.start.isoformat() if period else None,
        "to": period.last.isoformat() if period else None,
        "totals": totals(frames, period),
        "by": {dim: breakdown(frames, period, dim) for dim in by},
    }
