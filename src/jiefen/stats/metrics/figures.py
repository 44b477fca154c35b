"""The figures of a period from the loaded frames: totals and one breakdown per dimension.

Every figure group is one polars group-by over the facts of the period (no loop over cases);
旧存 (pending at the start) is counted from the docket frame at the start of the period — for
the month breakdown, at the start of each month.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import CaseType
from jiefen.stats.metrics.definitions import CHANNELS, NONE_KEY, NONE_LABEL, STAGES
from jiefen.stats.metrics.frames import Frames
from jiefen.stats.periods import Period, month_span, months

TOTAL = "__total__"


def rate(part: int, whole: int) -> float | None:
    """A fraction 0..1 rounded to 4 places; None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def _money(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


def _in(frame: pl.DataFrame, period: Period | None) -> pl.DataFrame:
    if period is None:
        return frame
    return frame.filter((pl.col("day") >= period.start) & (pl.col("day") < period.end))


def _sums(facts: pl.DataFrame, dim: str) -> dict[str, dict[str, int]]:
    """key → figure → summed value."""
    out: dict[str, dict[str, int]] = {}
    if dim == TOTAL:
        grouped = facts.group_by("figure").agg(pl.col("value").sum())
        out[TOTAL] = dict(zip(grouped["figure"], grouped["value"], strict=True))
        return out
    grouped = facts.group_by(dim, "figure").agg(pl.col("value").sum())
    for key, figure, value in grouped.iter_rows():
        out.setdefault(key, {})[figure] = value
    return out


def _days(spans: pl.DataFrame, dim: str) -> dict[str, dict[str, dict[str, Any]]]:
    """key → stage → {count, average, median}."""
    by = ["stage"] if dim == TOTAL else [dim, "stage"]
    grouped = spans.group_by(by).agg(
        pl.len().alias("count"),
        pl.col("days").mean().alias("average"),
        pl.col("days").median().alias("median"),
    )
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for row in grouped.iter_rows(named=True):
        key = TOTAL if dim == TOTAL else row[dim]
        out.setdefault(key, {})[row["stage"]] = {
            "count": int(row["count"]),
            "average": round(float(row["average"]), 1),
            "median": round(float(row["median"]), 1),
        }
    return out


def _pending(docket: pl.DataFrame, start: date | None, dim: str) -> dict[str, int]:
    """Cases filed before `start` and not closed before it (旧存), by key."""
    if start is None:
        return {}
    open_at = docket.filter(
        (pl.col("filed") < start) & (pl.col("closed").is_null() | (pl.col("closed") >= start))
    )
    if dim == TOTAL:
        return {TOTAL: open_at.height}
    grouped = open_at.group_by(dim).agg(pl.len())
    return dict(grouped.iter_rows())


def figures(sums: dict[str, int], pending: int, days: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The FIGURES object of the contract from summed facts, 旧存 and stage durations."""

    def n(name: str) -> int:
        return int(sums.get(name, 0))

    attempts = {c: n(f"service_attempts:{c}") for c in CHANNELS}
    successes = {c: n(f"service_successes:{c}") for c in CHANNELS}
    empty = {"count": 0, "average": None, "median": None}
    return {
        "received": n("received"),
        "filed": n("filed"),
        "closed": n("closed"),
        "pending_at_start": pending,
        "closure_rate": rate(n("closed"), pending + n("filed")),
        "mediations_closed": n("mediations_closed"),
        "mediations_succeeded": n("mediations_succeeded"),
        "mediation_success_rate": rate(n("mediations_succeeded"), n("mediations_closed")),
        "service_attempts": attempts,
        "service_successes": successes,
        "service_success_rate": {c: rate(successes[c], attempts[c]) for c in CHANNELS},
        "judgments": n("judgments"),
        "default_judgments": n("default_judgments"),
        "default_judgment_rate": rate(n("default_judgments"), n("judgments")),
        "performance_due": n("performance_due"),
        "performed_voluntarily": n("performed_voluntarily"),
        "voluntary_performance_rate": rate(n("performed_voluntarily"), n("performance_due")),
        "days": {stage: days.get(stage, empty) for stage in STAGES},
        "amounts": {name: _money(n(name)) for name in ("claimed", "awarded", "recovered")},
    }


def _labels(dim: str, keys: Sequence[str]) -> dict[str, str]:
    ids = [int(k) for k in keys if k != NONE_KEY and k.isdigit()]
    labels: dict[str, str] = {NONE_KEY: NONE_LABEL}
    if dim in ("court", "institution"):
        labels |= {
            str(pk): name
            for pk, name in Organisation.objects.filter(pk__in=ids).values_list("pk", "name")
        }
    elif dim in ("judge", "mediator"):
        for pk, full, username in User.objects.filter(pk__in=ids).values_list(
            "pk", "full_name", "username"
        ):
            labels[str(pk)] = full or username
    elif dim == "case_type":
        labels |= {str(value): str(label) for value, label in CaseType.choices}
    return labels


def _order(dim: str, keys: set[str], labels: dict[str, str]) -> list[str]:
    if dim == "case_type":
        order = [str(v) for v in CaseType.values]
        return sorted(keys, key=lambda k: (order.index(k) if k in order else len(order), k))
    return sorted(keys, key=lambda k: (k == NONE_KEY, labels.get(k, k), k))


def _month_list(frames: Frames, period: Period | None) -> list[Period]:
    if period is not None:
        return months(period)
    days = pl.concat([frames.facts.select("day"), frames.spans.select("day")])["day"].drop_nulls()
    if days.is_empty():
        return []
    first, last = days.min(), days.max()
    assert isinstance(first, date) and isinstance(last, date)
    return months(month_span(first, last))


def _by_month(frames: Frames, period: Period | None) -> list[dict[str, Any]]:
    facts, spans = _in(frames.facts, period), _in(frames.spans, period)
    sums, days = _sums(facts, "month"), _days(spans, "month")
    rows = []
    for m in _month_list(frames, period):
        pending = _pending(frames.docket, m.start, TOTAL).get(TOTAL, 0)
        y, mm = m.label.split("-")
        rows.append(
            {
                "key": m.label,
                "label": f"{y}年{int(mm)}月",
                **figures(sums.get(m.label, {}), pending, days.get(m.label, {})),
            }
        )
    return rows


def breakdown(frames: Frames, period: Period | None, dim: str) -> list[dict[str, Any]]:
    """One row per key of `dim` that has any figure in the period, with its label."""
    if dim == "month":
        return _by_month(frames, period)
    facts, spans = _in(frames.facts, period), _in(frames.spans, period)
    sums, days = _sums(facts, dim), _days(spans, dim)
    pending = _pending(frames.docket, period.start if period else None, dim)
    keys = set(sums) | set(days) | {k for k, v in pending.items() if v}
    labels = _labels(dim, sorted(keys))
    return [
        {
            "key": key,
            "label": labels.get(key, key),
            **figures(sums.get(key, {}), pending.get(key, 0), days.get(key, {})),
        }
        for key in _order(dim, keys, labels)
    ]


def totals(frames: Frames, period: Period | None) -> dict[str, Any]:
    facts, spans = _in(frames.facts, period), _in(frames.spans, period)
    pending = _pending(frames.docket, period.start if period else None, TOTAL)
    return figures(
        _sums(facts, TOTAL).get(TOTAL, {}),
        pending.get(TOTAL, 0),
        _days(spans, TOTAL).get(TOTAL, {}),
    )
