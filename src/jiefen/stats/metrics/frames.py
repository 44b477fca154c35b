"""Flat rows of every stage read into polars, one query per table (set-based, rule 5).

`load(cases)` returns three frames keyed by case:
- `facts`: one row per counted thing — figure name, its own local date (`day`) and `value`
  (1 for a count, cents for an amount) — with the case's dimensions;
- `spans`: one row per finished stage of a case — stage, the end's local date, days taken;
- `docket`: one row per filed case — filed date and first closing date (for 旧存).

Rows are fetched with the database cursor (no model instances, no per-row ORM conversion) and
datetimes are turned into Beijing dates by polars, so 100,000 cases take a few queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Case as CaseWhen
from django.db.models import F, Max, Min, QuerySet, When
from django.db.models.functions import TruncDate

from jiefen.cases.models import Case, CaseEvent
from jiefen.enforcement.models import Application, ApplicationState, Receipt
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.mediation.models import InstalmentPlan, MediationCase, Outcome, Payment, PlanStatus
from jiefen.service.models import ServiceAttempt
from jiefen.stats.metrics.definitions import (
    CLOSING,
    EVENTS,
    MEDIATION_SUCCESS,
    NONE_KEY,
    SHANGHAI,
    STAGES,
)

DIMS = ("court", "institution", "case_type", "judge", "mediator")


@dataclass(frozen=True)
class Frames:
    facts: pl.DataFrame  # case_id, figure, day, value, court…mediator, month
    spans: pl.DataFrame  # case_id, stage, day, days, court…mediator, month
    docket: pl.DataFrame  # case_id, filed, closed, court…mediator


def _rows(qs: QuerySet[Any]) -> list[tuple[Any, ...]]:
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _restrict(qs: QuerySet[Any], path: str, cases: QuerySet[Case] | None) -> QuerySet[Any]:
    if cases is None:
        return qs
    return qs.filter(**{f"{path}__in": cases.order_by().values("pk")})


def _instant(field: str) -> Any:
    """A datetime column as fetched: PostgreSQL converts it to the Beijing date itself (its
    dates load much faster than timestamps); SQLite returns the stored UTC text or datetime,
    which `_local_dates` converts in polars."""
    if connection.vendor == "postgresql":
        return TruncDate(field, tzinfo=SHANGHAI)
    return F(field)


def _local_dates(values: list[Any]) -> pl.Series:
    """Fetched instants (UTC text or datetimes, or dates already local) → Beijing dates."""
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, date) and not isinstance(sample, datetime):
        return pl.Series(values, dtype=pl.Date)
    if isinstance(sample, datetime):
        epochs = [
            None if v is None else (v if v.tzinfo else v.replace(tzinfo=UTC)).timestamp()
            for v in values
        ]
        instants = pl.from_epoch(pl.Series(epochs, dtype=pl.Float64).cast(pl.Int64), "s")
    else:
        text = pl.Series(values, dtype=pl.String).str.slice(0, 19).str.replace("T", " ")
        instants = text.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False)
    return instants.dt.replace_time_zone("UTC").dt.convert_time_zone("Asia/Shanghai").dt.date()


def _dates(values: list[Any]) -> pl.Series:
    sample = next((v for v in values if v is not None), None)
    if isinstance(sample, str):
        return pl.Series(values, dtype=pl.String).str.slice(0, 10).str.to_date("%Y-%m-%d")
    return pl.Series(values, dtype=pl.Date)


def _cents(values: list[Any]) -> pl.Series:
    return pl.Series(
        [0 if v is None else round(Decimal(str(v)) * 100) for v in values], dtype=pl.Int64
    )


def _key(values: list[Any]) -> pl.Series:
    return pl.Series([NONE_KEY if v is None else str(v) for v in values], dtype=pl.String)


def _columns(rows: list[tuple[Any, ...]], n: int) -> list[list[Any]]:
    return [list(col) for col in zip(*rows, strict=True)] if rows else [[] for _ in range(n)]


def _case_frame(cases: QuerySet[Case] | None) -> pl.DataFrame:
    qs = (
        (cases if cases is not None else Case.objects.all())
        .order_by()
        .annotate(created_day=_instant("created_at"))
        .values_list(
            "id",
            "court_id",
            "institution_id",
            "case_type",
            "judge_id",
            "mediator_id",
            "created_day",
            "filed_on",
            "claim_total",
        )
    )
    cid, court, inst, ctype, judge, mediator, created, filed, claim = _columns(_rows(qs), 9)
    return pl.DataFrame(
        {
            "case_id": pl.Series(cid, dtype=pl.Int64),
            "court": _key(court),
            "institution": _key(inst),
            "case_type": _key(ctype),
            "judge": _key(judge),
            "mediator": _key(mediator),
            "created": _local_dates(created),
            "filed": _dates(filed),
            "claimed": _cents(claim),
        }
    )


def _first_events(cases: QuerySet[Case] | None) -> pl.DataFrame:
    """Per case, the Beijing date of the first event of each transition the figures read."""
    firsts = {name: Min(CaseWhen(When(transition=name, then=_instant("at")))) for name in EVENTS}
    qs = _restrict(CaseEvent.objects.filter(transition__in=EVENTS), "case", cases)
    rows = _rows(qs.order_by().values("case_id").annotate(**firsts).values_list("case_id", *EVENTS))
    cols = _columns(rows, len(EVENTS) + 1)
    return pl.DataFrame(
        {"case_id": pl.Series(cols[0], dtype=pl.Int64)}
        | {name: _local_dates(col) for name, col in zip(EVENTS, cols[1:], strict=True)}
    )


def _fact(frame: pl.DataFrame, figure: str, day: str, value: str | int = 1) -> pl.DataFrame:
    return frame.filter(pl.col(day).is_not_null()).select(
        pl.col("case_id"),
        pl.lit(figure).alias("figure"),
        pl.col(day).alias("day"),
        (pl.col(value) if isinstance(value, str) else pl.lit(value)).cast(pl.Int64).alias("value"),
    )


def _mediation_facts(cases: QuerySet[Case] | None) -> list[pl.DataFrame]:
    qs = _restrict(MediationCase.objects.exclude(outcome=Outcome.PENDING), "case", cases)
    rows = _rows(qs.order_by().values_list("case_id", "outcome", "agreed_on", "closed_on"))
    cid, outcome, agreed, closed = _columns(rows, 4)
    f = pl.DataFrame(
        {
            "case_id": pl.Series(cid, dtype=pl.Int64),
            "success": pl.Series(outcome, dtype=pl.String).is_in(list(MEDIATION_SUCCESS)),
            "agreed": _dates(agreed),
            "closed": _dates(closed),
        }
    ).with_columns(
        ended=pl.when(pl.col("success"))
        .then(pl.coalesce("agreed", "closed"))
        .otherwise(pl.coalesce("closed", "agreed"))
    )
    return [
        _fact(f, "mediations_closed", "ended"),
        _fact(f.filter(pl.col("success")), "mediations_succeeded", "ended"),
    ]


def _service_facts(cases: QuerySet[Case] | None) -> list[pl.DataFrame]:
    qs = _restrict(ServiceAttempt.objects.exclude(sent_at=None), "service__case", cases)
    qs = qs.order_by().annotate(sent_day=_instant("sent_at"))
    rows = _rows(qs.values_list("service__case_id", "channel", "sent_day", "effective"))
    cid, channel, sent, effective = _columns(rows, 4)
    f = pl.DataFrame(
        {
            "case_id": pl.Series(cid, dtype=pl.Int64),
            "channel": pl.Series(channel, dtype=pl.String),
            "sent": _local_dates(sent),
            "effective": pl.Series([bool(v) for v in effective], dtype=pl.Boolean),
        }
    )
    out = []
    for figure, rows_f in (("service_attempts", f), ("service_successes", f.filter("effective"))):
        out.append(
            rows_f.select(
                "case_id",
                (pl.lit(figure + ":") + pl.col("channel")).alias("figure"),
                pl.col("sent").alias("day"),
                pl.lit(1, dtype=pl.Int64).alias("value"),
            )
        )
    return out


def _judgment_facts(cases: QuerySet[Case] | None) -> list[pl.DataFrame]:
    qs = _restrict(Judgment.objects.exclude(state=DecisionState.DRAFT), "case", cases)
    rows = _rows(
        qs.order_by().values_list(
            "case_id",
            "kind",
            "state",
            "default",
            "pronounced_on",
            "awarded_total",
            "performance_ends",
        )
    )
    cid, kind, state, default, pronounced, awarded, ends = _columns(rows, 7)
    applied = _restrict(Application.objects.filter(state=ApplicationState.SUBMITTED), "case", cases)
    applied_ids = [r[0] for r in _rows(applied.order_by().values_list("case_id").distinct())]
    f = pl.DataFrame(
        {
            "case_id": pl.Series(cid, dtype=pl.Int64),
            "kind": pl.Series(kind, dtype=pl.String),
            "state": pl.Series(state, dtype=pl.String),
            "default": pl.Series([bool(v) for v in default], dtype=pl.Boolean),
            "pronounced": _dates(pronounced),
            "awarded": _cents(awarded),
            "ends": _dates(ends),
        }
    )
    judged = f.filter(pl.col("kind") == DecisionKind.JUDGMENT)
    titles = f.filter(
        (pl.col("state") == DecisionState.EFFECTIVE)
        & pl.col("kind").is_in([DecisionKind.JUDGMENT, DecisionKind.MEDIATION])
    )
    applied_frame = pl.DataFrame({"case_id": pl.Series(applied_ids, dtype=pl.Int64)})
    voluntary = titles.join(applied_frame, on="case_id", how="anti")
    return [
        _fact(judged, "judgments", "pronounced"),
        _fact(judged.filter("default"), "default_judgments", "pronounced"),
        _fact(judged, "awarded", "pronounced", "awarded"),
        _fact(titles, "performance_due", "ends"),
        _fact(voluntary, "performed_voluntarily", "ends"),
    ]


def _plan_facts(cases: QuerySet[Case] | None) -> list[pl.DataFrame]:
    qs = _restrict(InstalmentPlan.objects.all(), "mediation__case", cases)
    rows = _rows(
        qs.order_by()
        .annotate(last_due=Max("instalments__due_date"))
        .values_list("mediation__case_id", "status", "last_due")
    )
    cid, status, last_due = _columns(rows, 3)
    f = pl.DataFrame(
        {
            "case_id": pl.Series(cid, dtype=pl.Int64),
            "completed": pl.Series(status, dtype=pl.String) == PlanStatus.COMPLETED,
            "due": _dates(last_due),
        }
    )
    return [
        _fact(f, "performance_due", "due"),
        _fact(f.filter("completed"), "performed_voluntarily", "due"),
    ]


def _money_facts(cases: QuerySet[Case] | None) -> list[pl.DataFrame]:
    receipts = _restrict(Receipt.objects.all(), "enforcement__case", cases).values_list(
        "enforcement__case_id", "received_on", "amount"
    )
    payments = _restrict(Payment.objects.all(), "plan__mediation__case", cases).values_list(
        "plan__mediation__case_id", "paid_on", "amount"
    )
    out = []
    for qs in (receipts, payments):
        cid, on, amount = _columns(_rows(qs.order_by()), 3)
        f = pl.DataFrame(
            {
                "case_id": pl.Series(cid, dtype=pl.Int64),
                "on": _dates(on),
                "amount": _cents(amount),
            }
        )
        out.append(_fact(f, "recovered", "on", "amount"))
    return out


def _spans(firsts: pl.DataFrame) -> pl.DataFrame:
    parts = []
    for stage, (start, ends) in STAGES.items():
        end = pl.min_horizontal(*ends) if len(ends) > 1 else pl.col(ends[0])
        parts.append(
            firsts.select(
                "case_id",
                pl.lit(stage).alias("stage"),
                end.alias("day"),
                (end - pl.col(start)).dt.total_days().cast(pl.Int64).alias("days"),
            ).filter(pl.col("days").is_not_null())
        )
    return pl.concat(parts)


def _with_month(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(month=pl.col("day").dt.strftime("%Y-%m"))


def load(cases: QuerySet[Case] | None = None) -> Frames:
    """Every fact, span and docket row of the cases (all cases when None)."""
    base = _case_frame(cases)
    dims = base.select("case_id", *DIMS)
    firsts = base.select("case_id", "created").join(_first_events(cases), on="case_id", how="left")
    firsts = firsts.with_columns(closed=pl.min_horizontal(*CLOSING))
    with_filed = base.join(firsts.select("case_id", "closed"), on="case_id", how="left")
    facts = pl.concat(
        [
            _fact(base, "received", "created"),
            _fact(base, "filed", "filed"),
            _fact(base, "claimed", "filed", "claimed"),
            _fact(firsts, "closed", "closed"),
            *_mediation_facts(cases),
            *_service_facts(cases),
            *_judgment_facts(cases),
            *_plan_facts(cases),
            *_money_facts(cases),
        ]
    )
    return Frames(
        facts=_with_month(facts.join(dims, on="case_id", how="inner")),
        spans=_with_month(_spans(firsts).join(dims, on="case_id", how="inner")),
        docket=with_filed.filter(pl.col("filed").is_not_null()).select(
            "case_id", "filed", "closed", *DIMS
        ),
    )
