"""The cases behind one dashboard figure (stats:cases).

`metric_cases(...)` gives the cases a figure counts, always inside the role's scope (the
dashboard's filters applied to `access.visible_cases`), so a bank never lists another bank's
case and the count shown here equals the figure on the dashboard.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiefen.cases.models import CaseParty
from jiefen.service.models import Channel
from jiefen.stats.metrics import CASE_FIGURES, DURATION_FIGURES, METRICS, compute, metric_cases
from jiefen.stats.metrics.definitions import AMOUNTS, DIMENSION_LABELS, STAGE_LABELS
from jiefen.stats.views.scope import Scope, scope_for, yuan

PER_PAGE = 50


class UnknownMetric(ValueError):
    """A metric, channel or dimension the dashboards do not have (shown with a 404)."""


def _describe(name: str) -> tuple[str, str, str]:
    """(label, formula, period rule) of a count name the dashboard links; unknown → UnknownMetric."""
    base, _, channel = name.partition(":")
    if name in DURATION_FIGURES:
        metric = METRICS["days"]
        return f"{STAGE_LABELS[channel]}用时", metric.formula_zh, metric.period_rule_zh
    if name not in CASE_FIGURES:
        raise UnknownMetric(f"未知的统计指标“{name}”")
    metric = METRICS[base]
    label = f"{metric.label_zh}（{Channel(channel).label}）" if channel else metric.label_zh
    return label, metric.formula_zh, metric.period_rule_zh


def _figure(scope: Scope, name: str, dim: str, key: str) -> tuple[Any, str]:
    """The figure exactly as the dashboard shows it, and the label of the breakdown row."""
    data = compute(scope.period, scope.cases, by=(dim,) if dim else ())
    figures = data["totals"]
    row_label = ""
    if dim:
        row = next((r for r in data["by"][dim] if str(r["key"]) == key), None)
        if row is None:
            return 0, key
        figures, row_label = row, str(row["label"])
    base, _, channel = name.partition(":")
    if name in DURATION_FIGURES:
        return figures["days"][channel]["count"], row_label
    if base in AMOUNTS:
        return yuan(figures["amounts"][base]), row_label
    if channel:
        return figures[base][channel], row_label
    return figures[base], row_label


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    try:
        return _case_list(request, scope)
    except UnknownMetric as exc:
        return render(request, "stats/not_found.html", {"message": str(exc)}, status=404)


def _case_list(request: HttpRequest, scope: Scope) -> HttpResponse:
    name = request.GET.get("metric", "").strip()
    if not name:
        raise UnknownMetric("未指定统计指标（metric）")
    label, formula, period_rule = _describe(name)
    dim = request.GET.get("dim", "").strip()
    key = request.GET.get("key", "").strip()
    if dim and dim not in DIMENSION_LABELS:
        raise UnknownMetric(f"未知的统计维度“{dim}”")
    if dim and not key:
        raise UnknownMetric(f"统计维度“{DIMENSION_LABELS[dim]}”缺少取值（key）")
    try:
        behind = metric_cases(name, scope.period, scope.cases, key=(dim, key) if dim else None)
    except ValueError as exc:  # e.g. a month key that is not a month
        raise UnknownMetric(str(exc)) from None
    cases = (
        behind.select_related("institution", "court")
        .prefetch_related(
            Prefetch("case_parties", queryset=CaseParty.objects.select_related("party"))
        )
        .order_by("pk")
    )
    figure, row_label = _figure(scope, name, dim, key)
    page = Paginator(cases, PER_PAGE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "stats/cases.html",
        {
            "scope": scope,
            "label": label,
            "formula": formula,
            "period_rule": period_rule,
            "is_amount": name in AMOUNTS,
            "figure": figure,
            "count": page.paginator.count,
            "row": f"{DIMENSION_LABELS[dim]}：{row_label}" if dim else "",
            "page": page,
            "rows": [
                {
                    "case": c,
                    "defendants": "、".join(cp.party.name for cp in c.defendants),
                    "amount": yuan(c.claim_total),
                }
                for c in page.object_list
            ],
            "page_query": urlencode(keep),
            "back": f"?{urlencode(scope.query())}",
        },
    )
