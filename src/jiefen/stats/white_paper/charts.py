"""The white paper's charts: matplotlib (Agg) PNGs set in Noto Sans CJK SC, embedded in the PDF.

Each function takes the figures of `jiefen.stats.metrics.compute` (already narrowed to the
white paper's scope) and returns PNG bytes, or None when the period has nothing to draw — the
text then says so instead of printing an empty frame. One palette and one size for all charts,
so the document reads as one publication.
"""

from __future__ import annotations

import io
import subprocess
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

FAMILY = "Noto Sans CJK SC"
DEBIAN_FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"
RED, GREY, BLUE, SAND = "#b0171f", "#8c8c8c", "#3f6e9a", "#d9a441"
PALETTE = (RED, BLUE, SAND, GREY, "#6b9a5b", "#7a4f8c", "#c46a3a", "#4d4d4d")
SIZE = (6.3, 2.6)  # inches: the text width of the A4 page, a third of its height
DPI = 200


@cache
def _font() -> str:
    """Register Noto Sans CJK SC with matplotlib: the file fontconfig names, else Debian's path
    (fonts-noto-cjk); the family is then picked by name from the collection."""
    path = DEBIAN_FONT
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", FAMILY], capture_output=True, text=True, check=True
        ).stdout.strip()
        if found and Path(found).exists():
            path = found
    except (OSError, subprocess.CalledProcessError):
        pass
    font_manager.fontManager.addfont(path)
    return FAMILY


def style() -> Any:
    """The charts' style as a context (never changing matplotlib's global settings)."""
    return matplotlib.rc_context(
        {
            "font.family": _font(),
            "font.size": 8.5,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#555555",
            "legend.frameon": False,
            "axes.unicode_minus": False,
        }
    )


def _figure(size: tuple[float, float] = SIZE) -> tuple[Figure, Any]:
    fig = Figure(figsize=size, dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot()


def _png(fig: Figure) -> bytes:
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


def monthly_trend(rows: Sequence[dict[str, Any]]) -> bytes | None:
    """Received, filed and closed cases per month (grouped bars)."""
    if not rows or not any(r["received"] or r["filed"] or r["closed"] for r in rows):
        return None
    fig, ax = _figure()
    labels = [f"{int(r['key'][5:7])}月" for r in rows]
    width = 0.26
    for i, (name, label, colour) in enumerate(
        (("received", "收案", GREY), ("filed", "立案", BLUE), ("closed", "审结", RED))
    ):
        xs = [x + (i - 1) * width for x in range(len(rows))]
        bars = ax.bar(xs, [r[name] for r in rows], width, label=label, color=colour)
        if len(rows) <= 6:
            ax.bar_label(bars, fontsize=7, padding=1)
    ax.set_xticks(range(len(rows)), labels)
    ax.set_ylabel("件数")
    ax.set_ylim(0, max(max(r[n] for r in rows) for n in ("received", "filed", "closed")) * 1.15)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(ncols=3, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8)
    return _png(fig)


def _donut(ax: Any, values: list[int], labels: list[str], colours: Sequence[str]) -> None:
    total = sum(values)
    wedges, _ = ax.pie(
        values,
        colors=colours[: len(values)],
        startangle=90,
        counterclock=False,
        wedgeprops={"width": 0.38, "edgecolor": "white"},
    )
    ax.legend(
        wedges,
        [
            f"{label}　{v}件（{v * 100 / total:.1f}%）"
            for label, v in zip(labels, values, strict=True)
        ],
        loc="center left",
        bbox_to_anchor=(1.0, 0.5),
        fontsize=8.5,
    )
    ax.text(0, 0, f"合计\n{total}件", ha="center", va="center", fontsize=9)
    ax.set_aspect("equal")


def case_types(rows: Sequence[dict[str, Any]]) -> bytes | None:
    """Share of each case type (案由) among the cases received."""
    rows = [r for r in rows if r["received"]]
    if not rows:
        return None
    fig, ax = _figure((6.3, 2.0))
    _donut(ax, [r["received"] for r in rows], [r["label"] for r in rows], (RED, BLUE, SAND, GREY))
    return _png(fig)


def top_institutions(rows: Sequence[dict[str, Any]], limit: int = 8) -> bytes | None:
    """The institutions with most cases received (horizontal bars, the largest on top)."""
    rows = sorted((r for r in rows if r["received"]), key=lambda r: (-r["received"], r["label"]))
    rows = rows[:limit]
    if not rows:
        return None
    fig, ax = _figure((6.3, 0.5 + 0.34 * len(rows)))
    ys = range(len(rows))
    bars = ax.barh(ys, [r["received"] for r in rows], 0.6, color=BLUE)
    ax.bar_label(bars, [f"{r['received']}件" for r in rows], fontsize=7.5, padding=2)
    ax.set_yticks(ys, [r["label"] for r in rows])
    ax.invert_yaxis()
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_xlabel("收案件数")
    return _png(fig)


def mediation_outcomes(closed: int, succeeded: int) -> bytes | None:
    """Pre-litigation mediations closed in the period: agreements against failures."""
    if not closed:
        return None
    fig, ax = _figure((6.3, 2.0))
    _donut(ax, [succeeded, closed - succeeded], ["调解成功", "调解不成"], (RED, GREY))
    return _png(fig)


def service_channels(rows: Sequence[tuple[str, int, int, bool]]) -> bytes | None:
    """Success rate of service per channel: rows of (label, attempts, successes, electronic);
    every channel is drawn, one without attempts as "未使用"."""
    if not any(r[1] for r in rows):
        return None
    fig, ax = _figure((6.3, 2.4))
    xs = range(len(rows))
    rates = [s * 100 / a if a else 0 for _, a, s, _ in rows]
    bars = ax.bar(xs, rates, 0.5, color=[RED if r[3] else GREY for r in rows])
    ax.bar_label(
        bars,
        [
            f"{v:.1f}%（{s}/{a}）" if a else "未使用"
            for v, (_, a, s, _) in zip(rates, rows, strict=True)
        ],
        fontsize=7,
        padding=2,
    )
    ax.set_xticks(xs, [r[0] for r in rows])
    ax.set_ylim(0, 115)
    ax.set_ylabel("送达成功率（%）")
    return _png(fig)


def stage_days(rows: Sequence[tuple[str, float | None, float | None]]) -> bytes | None:
    """Average and median days per stage: rows of (label, average, median)."""
    rows = [r for r in rows if r[1] is not None]
    if not rows:
        return None
    fig, ax = _figure((6.3, 0.7 + 0.38 * len(rows)))
    ys = list(range(len(rows)))
    h = 0.36
    avg = ax.barh([y - h / 2 for y in ys], [r[1] or 0 for r in rows], h, color=BLUE, label="平均")
    med = ax.barh([y + h / 2 for y in ys], [r[2] or 0 for r in rows], h, color=SAND, label="中位数")
    ax.bar_label(avg, [f"{r[1]:.1f}" for r in rows], fontsize=7, padding=2)
    ax.bar_label(
        med, [f"{r[2]:.1f}" if r[2] is not None else "" for r in rows], fontsize=7, padding=2
    )
    ax.set_yticks(ys, [r[0] for r in rows])
    ax.invert_yaxis()
    ax.set_xlabel("天数")
    ax.set_xlim(0, max(max(r[1] or 0, r[2] or 0) for r in rows) * 1.12 or 1)
    ax.legend(ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0), fontsize=8)
    return _png(fig)
