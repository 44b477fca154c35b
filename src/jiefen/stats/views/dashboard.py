"""The dashboard (运行态势 / 案件服务看板): KPI cards, ECharts charts and tables of the
fixed-definition metrics (`jiefen.stats.metrics`, defined in docs/metrics.md) over the role's
scope. Every number links to the cases behind it (stats:cases), so a figure can be checked
case by case; the charts carry the same links in their data (dashboard.js follows a click).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiefen.cases import access
from jiefen.service.models import ELECTRONIC_CHANNELS, Channel
from jiefen.stats.metrics import METRICS, compute
from jiefen.stats.metrics.definitions import DIMENSION_LABELS, STAGE_LABELS
from jiefen.stats.views.scope import (
    BANK,
    CENTRE,
    COURT,
    Scope,
    days,
    latest_year,
    organisation_options,
    percent,
    period_options,
    scope_for,
    yuan,
)

# Breakdowns each flavour shows: a chart by the first, tables by all.
BREAKDOWNS = {
    COURT: ("institution", "judge", "mediator"),
    CENTRE: ("court", "institution", "judge", "mediator"),
    BANK: ("court",),
}


def _link(scope: Scope, label: str, value: str, metric: str, **key: str) -> dict[str, str]:
    return {"label": label, "value": value, "url": scope.cases_url(metric, **key)}


def _hint(name: str) -> str:
    metric = METRICS.get(name)
    return f"{metric.formula_zh}（{metric.period_rule_zh}）" if metric else ""


def _rate_card(
    scope: Scope, fig: dict[str, Any], card_id: str, rate: str, num: str, den: str
) -> dict[str, Any]:
    """A rate with its numerator and denominator, each linked to its cases."""
    return {
        "id": card_id,
        "label": METRICS[rate].label_zh if rate in METRICS else rate,
        "value": percent(fig[rate]),
        "url": scope.cases_url(num),
        "hint": _hint(rate),
        "parts": [
            _link(scope, METRICS[num].label_zh, str(fig[num]), num),
            _link(scope, METRICS[den].label_zh, str(fig[den]), den),
        ],
    }


def _channels(fig: dict[str, Any]) -> list[str]:
    """Electronic channels always, others when they were used in the period."""
    attempted = {ch for ch, n in fig["service_attempts"].items() if n}
    return [ch for ch in Channel.values if ch in ELECTRONIC_CHANNELS or ch in attempted]


def kpi_cards(scope: Scope, fig: dict[str, Any]) -> list[dict[str, Any]]:
    def count(card_id: str, name: str) -> dict[str, Any]:
        return {
            "id": card_id,
            "label": METRICS[name].label_zh,
            "value": str(fig[name]),
            "url": scope.cases_url(name),
            "hint": _hint(name),
            "parts": [],
        }

    received = count("kpi-received", "received")
    received["parts"] = [
        _link(scope, "旧存", str(fig["pending_at_start"]), "pending_at_start"),
    ]
    closure = _rate_card(scope, fig, "kpi-closure-rate", "closure_rate", "closed", "filed")
    closure["parts"].append(_link(scope, "旧存", str(fig["pending_at_start"]), "pending_at_start"))
    service = {
        "id": "kpi-service",
        "label": "电子送达成功率",
        "value": "",
        "url": "",
        "hint": _hint("service_success_rate"),
        "parts": [
            {
                "label": Channel(ch).label,
                "value": percent(fig["service_success_rate"].get(ch)),
                "url": scope.cases_url(f"service_successes:{ch}"),
                "detail": [
                    _link(
                        scope,
                        "成功",
                        str(fig["service_successes"].get(ch, 0)),
                        f"service_successes:{ch}",
                    ),
                    _link(
                        scope,
                        "送达",
                        str(fig["service_attempts"].get(ch, 0)),
                        f"service_attempts:{ch}",
                    ),
                ],
            }
            for ch in _channels(fig)
        ],
    }
    end_to_end = fig["days"]["end_to_end"]
    duration = {
        "id": "kpi-days",
        "label": "平均/中位审理天数（全流程）",
        "value": f"{days(end_to_end['average'])} / {days(end_to_end['median'])}",
        "url": scope.cases_url("days:end_to_end"),
        "hint": _hint("days"),
        "parts": [
            _link(scope, "统计案件", str(end_to_end["count"]), "days:end_to_end"),
        ],
    }
    amounts = {
        "id": "kpi-amounts",
        "label": "金额（元）",
        "value": "",
        "url": "",
        "hint": "",
        "parts": [
            _link(scope, METRICS[name].label_zh, yuan(fig["amounts"][name]), name)
            for name in ("claimed", "awarded", "recovered")
        ],
    }
    return [
        received,
        count("kpi-filed", "filed"),
        count("kpi-closed", "closed"),
        closure,
        _rate_card(
            scope,
            fig,
            "kpi-mediation-rate",
            "mediation_success_rate",
            "mediations_succeeded",
            "mediations_closed",
        ),
        service,
        _rate_card(
            scope,
            fig,
            "kpi-default-rate",
            "default_judgment_rate",
            "default_judgments",
            "judgments",
        ),
        _rate_card(
            scope,
            fig,
            "kpi-voluntary-rate",
            "voluntary_performance_rate",
            "performed_voluntarily",
            "performance_due",
        ),
        duration,
        amounts,
    ]


def _series(
    scope: Scope, rows: list[dict[str, Any]], dim: str, names: dict[str, str], kind: str
) -> list[dict[str, Any]]:
    return [
        {
            "name": label,
            "type": kind,
            "data": [
                {"value": r[name], "url": scope.cases_url(name, dim=dim, key=str(r["key"]))}
                for r in rows
            ],
        }
        for name, label in names.items()
    ]


FLOW = {"received": "收案", "filed": "立案", "closed": "审结"}


def charts(scope: Scope, data: dict[str, Any]) -> list[dict[str, Any]]:
    """The charts as plain data for dashboard.js: categories, series, and a URL per point."""
    fig = data["totals"]
    months = data["by"]["month"]
    channels = _channels(fig)
    dim = BREAKDOWNS[scope.flavour][0]
    rows = data["by"][dim]
    return [
        {
            "id": "chart-trend",
            "title": "月度收案、立案、审结趋势",
            "categories": [r["label"] for r in months],
            "series": _series(scope, months, "month", FLOW, "line"),
        },
        {
            "id": "chart-mediation",
            "title": "诉前调解结果（按月）",
            "categories": [r["label"] for r in months],
            "series": _series(
                scope,
                months,
                "month",
                {"mediations_closed": "调解结束", "mediations_succeeded": "调解成功"},
                "bar",
            ),
        },
        {
            "id": "chart-service",
            "title": "各渠道送达次数与成功次数",
            "categories": [Channel(ch).label for ch in channels],
            "series": [
                {
                    "name": label,
                    "type": "bar",
                    "data": [
                        {
                            "value": fig[f"service_{what}"].get(ch, 0),
                            "url": scope.cases_url(f"service_{what}:{ch}"),
                        }
                        for ch in channels
                    ],
                }
                for what, label in (("attempts", "送达"), ("successes", "成功"))
            ],
        },
        {
            "id": "chart-days",
            "title": "各阶段用时（天）",
            "categories": list(STAGE_LABELS.values()),
            "horizontal": True,
            "series": [
                {
                    "name": label,
                    "type": "bar",
                    "data": [
                        {"value": fig["days"][stage][stat], "url": scope.cases_url(f"days:{stage}")}
                        for stage in STAGE_LABELS
                    ],
                }
                for stat, label in (("average", "平均"), ("median", "中位"))
            ],
        },
        {
            "id": "chart-breakdown",
            "title": f"按{DIMENSION_LABELS[dim]}分布",
            "categories": [r["label"] for r in rows],
            "series": _series(scope, rows, dim, FLOW, "bar"),
        },
    ]


def breakdown_table(scope: Scope, dim: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    def cell(r: dict[str, Any], name: str) -> dict[str, str]:
        return {
            "label": FLOW[name],
            "value": str(r[name]),
            "url": scope.cases_url(name, dim=dim, key=str(r["key"])),
        }

    return {
        "id": f"table-{dim}",
        "dim": dim,
        "label": DIMENSION_LABELS[dim],
        "title": f"按{DIMENSION_LABELS[dim]}统计",
        "rows": [
            {
                "key": str(r["key"]),
                "label": r["label"],
                "counts": [cell(r, n) for n in FLOW],
                "closure_rate": percent(r["closure_rate"]),
                "mediation_success_rate": percent(r["mediation_success_rate"]),
                "default_judgment_rate": percent(r["default_judgment_rate"]),
                "days": days(r["days"]["end_to_end"]["average"]),
            }
            for r in rows
        ],
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request)
    dims = BREAKDOWNS[scope.flavour]
    data = compute(scope.period, scope.cases, by=(*dims, "month"))
    return render(
        request,
        "stats/dashboard.html",
        {
            "scope": scope,
            "period_options": period_options(scope.base),
            "institutions": organisation_options(scope.base, "institution")
            if "institution" in scope.filters
            else [],
            "courts": organisation_options(scope.base, "court") if "court" in scope.filters else [],
            "cards": kpi_cards(scope, data["totals"]),
            "charts": {"charts": charts(scope, data)},
            "tables": [breakdown_table(scope, d, data["by"][d]) for d in dims],
            "may_white_paper": access.role_refusal(scope.user, "stats.white_paper") is None,
            "default_year": (scope.period.label[:4] if scope.period else None)
            or latest_year(scope.base),
            "period_from": data["from"],
            "period_to": data["to"],
        },
    )
