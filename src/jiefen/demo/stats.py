"""The last step of `jiefen demo`: the numbers of the whole run, and the court's white paper.

The demo's cases arrive today and travel in time through hearings and enforcement, so their
figures span several months; the white paper covers those months (`YYYY-MM~YYYY-MM`) and is
written to the data directory, where the dashboard's button makes the same document.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from jiefen.accounts.models import Organisation
from jiefen.cases.models import CaseEvent
from jiefen.demo.service import COURT
from jiefen.risk.selectors import stats_section as risk_stats
from jiefen.stats.metrics import compute
from jiefen.stats.periods import parse_period
from jiefen.stats.white_paper import render_white_paper


def run_stats_demo(stdout: Any) -> None:
    span = CaseEvent.objects.aggregate(first=Min("at"), last=Max("at"))
    if span["first"] is None:
        return
    first = timezone.localdate(span["first"])
    last = timezone.localdate(span["last"])
    period = parse_period(f"{first:%Y-%m}~{last:%Y-%m}")
    totals = compute(period, by=())["totals"]
    rate = totals["closure_rate"]
    stdout.write(
        f"统计（{period.label}）：收案 {totals['received']} 件，立案 {totals['filed']} 件，"
        f"审结 {totals['closed']} 件，结案率 {rate:.1%}，执行到位 {totals['amounts']['recovered']} 元"
        if rate is not None
        else f"统计（{period.label}）：收案 {totals['received']} 件"
    )
    risk = risk_stats()
    stdout.write(f"风险预警：{risk['warnings']} 条（待处置 {risk['open']} 条）")
    court = Organisation.objects.get(code=COURT)
    out = settings.VAR_DIR / f"白皮书-{period.label}.pdf"
    out.write_bytes(render_white_paper(period, court))
    stdout.write(f"白皮书：{out}（统计看板 /stats/ 可重新生成）")
