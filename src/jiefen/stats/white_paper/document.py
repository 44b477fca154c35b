"""The white paper as one PDF: gather the figures, write the parts, draw the charts, compile.

The figures are `jiefen.stats.metrics.compute(period, scope)` where the scope is the court's
cases (or every case, for the platform's own paper), so the paper prints what the dashboard
shows. The PDF is compiled by the project's one typst compiler (`documents.rendering`); the
template lives beside this module and is registered as the document kind "white_paper" by its
absolute path (a white paper is not a case document, so it is never stored with a case).
The charts are PNG files in a temporary directory for the length of the compile (typst reads
images from files; the compiler's root is "/").
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case
from jiefen.documents.context import date_in_words
from jiefen.documents.kinds import Kind, register
from jiefen.documents.models import RecipientRole
from jiefen.documents.rendering import render_pdf
from jiefen.stats.metrics import compute
from jiefen.stats.periods import Period
from jiefen.stats.white_paper import charts
from jiefen.stats.white_paper.cases import RULES, typical_cases
from jiefen.stats.white_paper.fmt import day_zh, period_zh, previous
from jiefen.stats.white_paper.sections import overview, trends
from jiefen.stats.white_paper.tips import case_tips, warning_intro, warning_rows

TEMPLATE = Path(__file__).resolve().parent / "white_paper.typ"
KIND = register(Kind("white_paper", "金融审判白皮书", RecipientRole.COURT, str(TEMPLATE)))
PLATFORM = "金融纠纷多元化解平台"

CAPTIONS = {
    "trend": "{p}各月收案、立案、审结情况",
    "types": "{p}收案案由构成",
    "institutions": "{p}收案数量居前的金融机构",
    "mediation": "{p}诉前调解结案情况",
    "service": "{p}各渠道送达成功率",
    "days": "{p}各环节平均用时与中位数（天）",
}


def _scope(court: Organisation | None) -> Any:
    return Case.objects.filter(court=court) if court is not None else Case.objects.all()


def _foreword(author: str, pzh: str, period: Period, court: Organisation | None) -> list[str]:
    where = "本院" if court is not None else "平台各入驻法院"
    return [
        f"为全面反映{where}金融审判工作情况，总结金融纠纷多元化解经验，提示金融风险，"
        f"{author}依据金融纠纷多元化解平台的案件数据，编写《金融审判白皮书（{pzh}）》。",
        f"本白皮书统计期间为{day_zh(period.start)}至{day_zh(period.last)}。文中数据均来自平台"
        "案件系统，按统一口径生成，与平台统计看板一致；典型案例均已依法作匿名化处理，"
        "不含调解结案的案件。",
    ]


def _closing(court: Organisation | None) -> list[str]:
    we = "本院" if court is not None else "平台各入驻法院"
    return [
        f"金融安全是国家安全的重要组成部分。{we}将坚持把非诉讼纠纷解决机制挺在前面，"
        "深化诉前调解、批量立案、电子送达、要素式审理和在线执行的全流程协同，提升金融纠纷"
        "化解质效；同时加强与金融监管部门、金融机构的信息共享和风险会商，依法平等保护各方"
        "当事人合法权益，为防范化解金融风险、服务实体经济提供有力司法保障。",
    ]


def paper_data(period: Period, court: Organisation | None, charts_dir: Path) -> dict[str, Any]:
    """The template's data (see white_paper.typ), the charts written into `charts_dir`."""
    scope = _scope(court)
    figures = compute(period, scope)
    before_period = previous(period)
    before = compute(before_period, scope)
    pzh = period_zh(period)
    author = court.name if court is not None else PLATFORM
    with charts.style():
        blocks, pngs = trends(figures, before, pzh, period_zh(before_period))
    trend_blocks = []
    for block in blocks:
        png = pngs[block["chart"]]
        figure = None
        if png is not None:
            path = charts_dir / f"{block['chart']}.png"
            path.write_bytes(png)
            figure = {"path": str(path), "caption": CAPTIONS[block["chart"]].format(p=pzh)}
        trend_blocks.append(
            {"heading": block["heading"], "paragraphs": block["paragraphs"], "figure": figure}
        )
    chosen = typical_cases(scope, period)
    tips = case_tips(scope, period, figures)
    warnings = warning_rows(period, court)
    return {
        "title": f"{author}金融审判白皮书",
        "period_label": pzh,
        "author": author,
        "issued_on_words": date_in_words(timezone.localdate()),
        "foreword": _foreword(author, pzh, period, court),
        "overview": overview(figures["totals"], "本院" if court else "平台", pzh),
        "trends": trend_blocks,
        "typical": {
            "paragraphs": [
                f"按照下列规则从{pzh}的判决、执行案件中选取典型案例{len(chosen)}件："
                + "；".join(f"（{i}）{text}" for i, text in enumerate(RULES.values(), 1))
                + "。调解结案的案件和确认调解协议的裁定不予公开，不作为典型案例。"
                if chosen
                else f"{pzh}没有符合选取规则的判决、执行案件，本期不发布典型案例。"
            ],
            "cases": chosen,
        },
        "tips": {
            "paragraphs": [
                f"结合{pzh}案件数据和平台风险预警情况，向金融机构提示以下风险："
                if tips or warnings
                else f"{pzh}案件数据未显示需要特别提示的风险。"
            ],
            "items": tips,
            "warnings": warnings,
            "warnings_intro": [warning_intro(warnings)] if warnings else [],
        },
        "closing": _closing(court),
    }


def render_white_paper(period: Period, court: Organisation | None = None) -> bytes:
    """The white paper of `period` for `court` (None: the whole platform), as PDF bytes."""
    with tempfile.TemporaryDirectory(prefix="white-paper-") as tmp:
        data = paper_data(period, court, Path(tmp))
        return render_pdf(KIND.code, data)
