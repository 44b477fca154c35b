"""The cases behind one figure (the dashboards' drill-down), as one set-based queryset.

Each count name is the same rule as in `frames`, written as ORM filters on the case: a case is
in the set when it has at least one counted row in the period (a case with two receipts in the
period is one case behind the recovered amount; for a per-case figure the count of the set is
the figure).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Case as CaseWhen
from django.db.models import Exists, Max, OuterRef, Q, QuerySet, When
from django.db.models.functions import Coalesce

from jiefen.cases.models import Case, CaseEvent
from jiefen.enforcement.models import Application, ApplicationState, Receipt
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.mediation.models import InstalmentPlan, MediationCase, Outcome, Payment, PlanStatus
from jiefen.service.models import ServiceAttempt
from jiefen.stats.metrics.definitions import (
    CASE_FIGURES,
    CHANNELS,
    CLOSING,
    DIMENSIONS,
    DURATION_FIGURES,
    MEDIATION_SUCCESS,
    NONE_KEY,
    SHANGHAI,
    STAGES,
)
from jiefen.stats.periods import Period, parse_period

_CASE = OuterRef("pk")


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=SHANGHAI)


def _days(field: str, period: Period | None) -> Q:
    if period is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__gte": period.start, f"{field}__lt": period.end})


def _instants(field: str, period: Period | None) -> Q:
    if period is None:
        return Q(**{f"{field}__isnull": False})
    return Q(**{f"{field}__gte": _midnight(period.start), f"{field}__lt": _midnight(period.end)})


def _closing(**filters: object) -> Exists:
    return Exists(CaseEvent.objects.filter(case=_CASE, transition__in=CLOSING, **filters))


def _closed(period: Period | None) -> Q:
    if period is None:
        return Q(_closing())
    before = _closing(at__lt=_midnight(period.start))
    return Q(_closing(at__lt=_midnight(period.end))) & ~Q(before)


def _pending(period: Period | None) -> Q:
    if period is None:
        return Q(pk__in=[])
    return Q(filed_on__lt=period.start) & ~Q(_closing(at__lt=_midnight(period.start)))


def _mediations(period: Period | None, *, succeeded: bool) -> Q:
    ended = CaseWhen(
        When(outcome__in=MEDIATION_SUCCESS, then=Coalesce("agreed_on", "closed_on")),
        default=Coalesce("closed_on", "agreed_on"),
    )
    rows = MediationCase.objects.exclude(outcome=Outcome.PENDING).annotate(ended=ended)
    if succeeded:
        rows = rows.filter(outcome__in=MEDIATION_SUCCESS)
    return Q(Exists(rows.filter(_days("ended", period), case=_CASE)))


def _judgments(period: Period | None, **filters: object) -> Q:
    rows = Judgment.objects.filter(
        _days("pronounced_on", period), case=_CASE, kind=DecisionKind.JUDGMENT, **filters
    ).exclude(state=DecisionState.DRAFT)
    return Q(Exists(rows))


def _obligations(period: Period | None, *, voluntary: bool) -> Q:
    titles = Judgment.objects.filter(
        _days("performance_ends", period),
        case=_CASE,
        state=DecisionState.EFFECTIVE,
        kind__in=[DecisionKind.JUDGMENT, DecisionKind.MEDIATION],
    )
    plans = (
        InstalmentPlan.objects.filter(mediation__case=_CASE)
        .annotate(last_due=Max("instalments__due_date"))
        .filter(_days("last_due", period))
    )
    if not voluntary:
        return Q(Exists(titles)) | Q(Exists(plans))
    applied = Application.objects.filter(case=OuterRef("case"), state=ApplicationState.SUBMITTED)
    return Q(Exists(titles.filter(~Exists(applied)))) | Q(
        Exists(plans.filter(status=PlanStatus.COMPLETED))
    )


def _recovered(period: Period | None) -> Q:
    receipts = Receipt.objects.filter(_days("received_on", period), enforcement__case=_CASE)
    payments = Payment.objects.filter(_days("paid_on", period), plan__mediation__case=_CASE)
    return Q(Exists(receipts)) | Q(Exists(payments))


def _attempts(period: Period | None, channel: str, *, effective: bool) -> Q:
    rows = ServiceAttempt.objects.filter(
        _instants("sent_at", period), service__case=_CASE, channel=channel
    )
    if effective:
        rows = rows.filter(effective=True)
    return Q(Exists(rows))


def _first_in(transitions: tuple[str, ...], period: Period | None) -> Q:
    """The case's first event among `transitions` falls in the period."""
    events = CaseEvent.objects.filter(case=_CASE, transition__in=transitions)
    if period is None:
        return Q(Exists(events))
    return Q(Exists(events.filter(at__lt=_midnight(period.end)))) & ~Q(
        Exists(events.filter(at__lt=_midnight(period.start)))
    )


def _stage(period: Period | None, stage: str) -> Q:
    """A duration of `stage` counted in the period: its first end there, and a start at all."""
    start, ends = STAGES[stage]
    ended = _first_in(ends, period)
    if start == "created":
        return ended
    return ended & Q(Exists(CaseEvent.objects.filter(case=_CASE, transition=start)))


def figure_filter(name: str, period: Period | None) -> Q:
    """The filter on cases of one count name (see CASE_FIGURES) or duration (DURATION_FIGURES)."""
    figure, _, channel = name.partition(":")
    if name in DURATION_FIGURES:
        return _stage(period, channel)
    if figure in ("service_attempts", "service_successes", "service_success"):
        if channel not in CHANNELS:
            raise ValueError(f"送达渠道「{channel}」不存在，应为：{'、'.join(CHANNELS)}")
        return _attempts(period, channel, effective=figure != "service_attempts")
    rules = {
        "received": lambda: _instants("created_at", period),
        "filed": lambda: _days("filed_on", period),
        "claimed": lambda: _days("filed_on", period),
        "closed": lambda: _closed(period),
        "pending_at_start": lambda: _pending(period),
        "mediations_closed": lambda: _mediations(period, succeeded=False),
        "mediations_succeeded": lambda: _mediations(period, succeeded=True),
        "judgments": lambda: _judgments(period),
        "awarded": lambda: _judgments(period),
        "default_judgments": lambda: _judgments(period, default=True),
        "performance_due": lambda: _obligations(period, voluntary=False),
        "performed_voluntarily": lambda: _obligations(period, voluntary=True),
        "recovered": lambda: _recovered(period),
    }
    if figure not in rules or channel:
        raise ValueError(f"统计指标「{name}」不存在，可用：{'、'.join(CASE_FIGURES)}")
    return rules[figure]()


def _narrow(cases: QuerySet[Case], dim: str, key: str) -> QuerySet[Case]:
    field = {
        "court": "court_id",
        "institution": "institution_id",
        "case_type": "case_type",
        "judge": "judge_id",
        "mediator": "mediator_id",
    }[dim]
    if key == NONE_KEY:
        return cases.filter(**{f"{field}__isnull": True})
    if field.endswith("_id") and not key.isdigit():
        return cases.none()
    return cases.filter(**{field: key})


def metric_cases(
    name: str,
    period: Period | None,
    cases: QuerySet[Case] | None = None,
    *,
    key: tuple[str, str] | None = None,
) -> QuerySet[Case]:
    """The cases behind one figure of `compute` (a count name, "service_success:<channel>", or
    "days:<stage>": the cases whose stage duration is counted).

    `key=(dimension, key)` narrows to one row of a breakdown; a month key counts in that month
    (within `period`, if one is given). Unknown names, dimensions or keys raise ValueError.
    """
    base = cases if cases is not None else Case.objects.all()
    if key is not None:
        dim, value = key
        if dim not in DIMENSIONS:
            raise ValueError(f"分组维度「{dim}」不存在，应为：{'、'.join(DIMENSIONS)}")
        if dim == "month":
            month = parse_period(value)
            if period is not None and not (period.start <= month.start < period.end):
                return base.none()
            period = month
        else:
            base = _narrow(base, dim, value)
    return base.filter(figure_filter(name, period)).order_by("pk")
