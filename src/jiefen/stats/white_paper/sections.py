"""Parts 一 (基本情况) and 二 (案件特点与趋势) of the white paper: prose and tables from the figures.

Everything here reads the dict of `jiefen.stats.metrics.compute(period, scope)` and its previous
period's twin; no query of its own, so the printed numbers are the dashboard's numbers.
Electronic service (电子送达) is the sum of the SMS, e-mail and portal channels (在线诉讼规则
Arts. 29-31); post and public notice are the fallbacks.
"""

from __future__ import annotations

from typing import Any

from jiefen.service.models import Channel
from jiefen.stats.metrics import METRICS
from jiefen.stats.metrics.definitions import STAGE_LABELS
from jiefen.stats.white_paper import charts
from jiefen.stats.white_paper.fmt import change, days, pct, ratio, wan

ELECTRONIC = (Channel.SMS, Channel.EMAIL, Channel.PORTAL)


def electronic_rate(figures: dict[str, Any]) -> Any:
    """Successes over attempts of the electronic channels together (4 places, None when none)."""
    attempts = sum(figures["service_attempts"].get(c, 0) for c in ELECTRONIC)
    successes = sum(figures["service_successes"].get(c, 0) for c in ELECTRONIC)
    return ratio(successes, attempts)


def _unit(value: str, unit: str) -> str:
    return value if value == "—" else value + unit


def _row(name: str, value: str) -> list[str]:
    m = METRICS[name]
    return [m.label_zh, value, m.formula_zh]


def overview(totals: dict[str, Any], scope_zh: str, period_zh: str) -> dict[str, Any]:
    """基本情况: the key figures in two paragraphs and one table (表1), labelled and explained
    with the metrics' own definitions."""
    t = totals
    end = t["days"]["end_to_end"]
    a = t["amounts"]
    first = (
        f"{period_zh}，{scope_zh}共收到金融纠纷案件{t['received']}件，立案{t['filed']}件，"
        f"审结{t['closed']}件，结案率{pct(t['closure_rate'])}；立案标的总额{wan(a['claimed'])}万元，"
        f"判决支持金额{wan(a['awarded'])}万元，执行及调解还款到位金额{wan(a['recovered'])}万元。"
    )
    second = (
        f"诉前调解结束{t['mediations_closed']}件，调解成功{t['mediations_succeeded']}件，"
        f"调解成功率{pct(t['mediation_success_rate'])}；电子送达成功率{pct(electronic_rate(t))}；"
        f"宣判{t['judgments']}件，其中缺席判决{t['default_judgments']}件，"
        f"缺席判决率{pct(t['default_judgment_rate'])}；履行期届满的{t['performance_due']}件中，"
        f"自动履行{t['performed_voluntarily']}件，自动履行率{pct(t['voluntary_performance_rate'])}。"
        + (
            f"案件从收案到结案平均用时{days(end['average'])}天，中位数{days(end['median'])}天。"
            if end["count"]
            else "本期尚无从收案到结案全流程完结的案件。"
        )
    )
    rows = [
        _row("received", f"{t['received']}件"),
        _row("filed", f"{t['filed']}件"),
        _row("closed", f"{t['closed']}件"),
        _row("pending_at_start", f"{t['pending_at_start']}件"),
        _row("closure_rate", pct(t["closure_rate"])),
        _row("claimed", f"{wan(a['claimed'])}万元"),
        _row("awarded", f"{wan(a['awarded'])}万元"),
        _row("recovered", f"{wan(a['recovered'])}万元"),
        _row("mediation_success_rate", pct(t["mediation_success_rate"])),
        [
            "电子送达成功率",
            pct(electronic_rate(t)),
            "短信、电子邮件、诉讼服务平台送达成功次数 ÷ 送达次数",
        ],
        _row("default_judgment_rate", pct(t["default_judgment_rate"])),
        _row("voluntary_performance_rate", pct(t["voluntary_performance_rate"])),
        [
            "全流程平均用时",
            _unit(days(end["average"]), "天"),
            f"收案至结案，{end['count']}件的平均数",
        ],
        [
            "全流程用时中位数",
            _unit(days(end["median"]), "天"),
            f"收案至结案，{end['count']}件的中位数",
        ],
    ]
    return {
        "paragraphs": [first, second],
        "rows": rows,
        "table_caption": f"{period_zh}金融纠纷案件主要指标",
        "notes": [
            "注：金额单位为万元，比率保留两位小数，分母为零的比率记为“—”；"
            "各指标口径与平台统计看板一致。"
        ],
    }


def _share_sentence(rows: list[dict[str, Any]], total: int) -> str:
    if not total:
        return "本期未收到案件。"
    parts = [
        f"{r['label']}{r['received']}件，占{'收案总数的' if r['key'] == 'credit_card' else ''}"
        f"{pct(ratio(r['received'], total))}"
        for r in rows
    ]
    return "从案由看，" + "；".join(parts) + "。"


def trends(
    figures: dict[str, Any], before: dict[str, Any] | None, period_zh: str, before_zh: str
) -> tuple[list[dict[str, Any]], dict[str, bytes | None]]:
    """案件特点与趋势: one block per chart with the sentences the figures support; the PNGs by
    name (None where the period has nothing to draw)."""
    t, by = figures["totals"], figures["by"]
    months = by.get("month", [])
    pngs: dict[str, bytes | None] = {}
    blocks: list[dict[str, Any]] = []

    text = [f"{period_zh}共收案{t['received']}件、立案{t['filed']}件、审结{t['closed']}件。"]
    if before is not None and before["totals"]["received"]:
        b = before["totals"]
        closed = (
            f"审结{change(t['closed'], b['closed'])}（上一期{b['closed']}件）"
            if b["closed"]
            else "上一期无审结案件"
        )
        text.append(
            f"与上一期（{before_zh}）相比，收案{change(t['received'], b['received'])}"
            f"（上一期{b['received']}件），{closed}。"
        )
    else:
        text.append(f"上一期（{before_zh}）平台无收案数据，暂不作同比比较。")
    if any(m["received"] for m in months):
        peak = max(months, key=lambda m: (m["received"], -months.index(m)))
        text.append(f"收案最多的月份为{int(peak['key'][5:7])}月，收案{peak['received']}件。")
    blocks.append({"heading": "收结案总体情况", "paragraphs": ["".join(text)], "chart": "trend"})
    pngs["trend"] = charts.monthly_trend(months)

    types = sorted(by.get("case_type", []), key=lambda r: -r["received"])
    blocks.append(
        {
            "heading": "案由结构",
            "paragraphs": [_share_sentence(types, t["received"])],
            "chart": "types",
        }
    )
    pngs["types"] = charts.case_types(types)

    institutions = sorted(
        (r for r in by.get("institution", []) if r["received"]),
        key=lambda r: (-r["received"], r["label"]),
    )
    if institutions:
        top = institutions[0]
        text = [
            f"本期起诉（申请调解）的金融机构共{len(institutions)}家。收案最多的是{top['label']}，"
            f"{top['received']}件，占收案总数的{pct(ratio(top['received'], t['received']))}"
        ]
        if len(institutions) > 1:
            text.append(f"；其次为{institutions[1]['label']}，{institutions[1]['received']}件")
        text.append("。案件集中于少数金融机构，批量化、类型化特征明显。")
    else:
        text = ["本期无金融机构起诉的案件。"]
    blocks.append(
        {"heading": "金融机构分布", "paragraphs": ["".join(text)], "chart": "institutions"}
    )
    pngs["institutions"] = charts.top_institutions(institutions)

    closed, ok = t["mediations_closed"], t["mediations_succeeded"]
    text = [
        f"本期诉前调解结案{closed}件，其中达成调解协议{ok}件、调解不成{closed - ok}件，"
        f"调解成功率{pct(t['mediation_success_rate'])}。"
        if closed
        else "本期无诉前调解结案的案件。"
    ]
    blocks.append({"heading": "诉前调解", "paragraphs": text, "chart": "mediation"})
    pngs["mediation"] = charts.mediation_outcomes(closed, ok)

    channels = [
        (label, t["service_attempts"].get(code, 0), t["service_successes"].get(code, 0))
        for code, label in Channel.choices
    ]
    used = [c for c in channels if c[1]]
    if used:
        parts = [f"{label}{pct(ratio(s, a))}（{s}/{a}）" for label, a, s in used]
        text = [
            f"本期电子送达成功率{pct(electronic_rate(t))}。分渠道看，" + "，".join(parts) + "。"
        ]
    else:
        text = ["本期无送达记录。"]
    blocks.append({"heading": "送达情况", "paragraphs": text, "chart": "service"})
    pngs["service"] = charts.service_channels(
        [
            (label, a, s, code in ELECTRONIC)
            for (code, _), (label, a, s) in zip(Channel.choices, channels, strict=True)
        ]
    )

    stage_rows = [
        (label, t["days"][code]["average"], t["days"][code]["median"])
        for code, label in STAGE_LABELS.items()
    ]
    measured = [
        r
        for code, r in zip(STAGE_LABELS, stage_rows, strict=True)
        if code != "end_to_end" and r[1] is not None
    ]
    if measured:
        longest = max(measured, key=lambda r: r[1] or 0)
        end = t["days"]["end_to_end"]
        text = [
            f"已结案件从收案到结案平均用时{days(end['average'])}天、中位数{days(end['median'])}天；"
            f"各环节中平均用时最长的是“{longest[0]}”，平均{days(longest[1])}天。"
        ]
    else:
        text = ["本期尚无可计算用时的案件。"]
    blocks.append({"heading": "审理周期", "paragraphs": text, "chart": "days"})
    pngs["days"] = charts.stage_days(stage_rows)
    return blocks, pngs
