"""How the white paper writes numbers, amounts and periods (the way a court's report prints them).

Every number printed comes from `jiefen.stats.metrics.compute` for the white paper's scope;
these helpers only format it: a rate 0.4567 is "45.67%", an amount "1234567.89" (yuan) is
"123.46万元" (half up, 2 decimals), a missing rate (no denominator) is "—".
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from jiefen.stats.periods import Period, month_span, months, parse_period

CN_QUARTERS = {"1": "一", "2": "二", "3": "三", "4": "四"}
CENT = Decimal("0.01")


def period_zh(period: Period) -> str:
    """ "2026" → 2026年度, "2026-11" → 2026年11月, "2026-Q4" → 2026年第四季度,
    "2026-12~2027-09" → 2026年12月至2027年9月, "2025~2026" → 2025年度至2026年度."""
    label = period.label
    if "~" in label:
        first, last = label.split("~")
        return f"{period_zh(parse_period(first))}至{period_zh(parse_period(last))}"
    if "-Q" in label:
        year, quarter = label.split("-Q")
        return f"{year}年第{CN_QUARTERS[quarter]}季度"
    if "-" in label:
        year, month = label.split("-")
        return f"{year}年{int(month)}月"
    return f"{label}年度"


def previous(period: Period) -> Period:
    """The period of the same length just before `period` (the year, quarter or month before;
    for a span of months, as many months just before it)."""
    label = period.label
    if "~" in label:
        count = len(months(period))
        start = period.start
        for _ in range(count):
            start = date.fromordinal(start.toordinal() - 1).replace(day=1)
        last = date.fromordinal(period.start.toordinal() - 1)
        return month_span(start, last)
    if "-Q" in label:
        year, quarter = (int(x) for x in label.split("-Q"))
        text = f"{year - 1}-Q4" if quarter == 1 else f"{year}-Q{quarter - 1}"
    elif "-" in label:
        year, month = (int(x) for x in label.split("-"))
        text = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    else:
        text = str(int(label) - 1)
    return parse_period(text)


def last_day(period: Period) -> date:
    return date.fromordinal(period.end.toordinal() - 1)


def day_zh(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def pct(rate: float | Decimal | None) -> str:
    """A fraction 0..1 as a percentage with 2 decimals; "—" when there was no denominator."""
    if rate is None:
        return "—"
    return f"{(Decimal(str(rate)) * 100).quantize(CENT, ROUND_HALF_UP)}%"


def ratio(part: int, whole: int) -> Decimal | None:
    """part / whole rounded to 4 places like the metrics' rates (None when whole is 0)."""
    if not whole:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def wan(amount: str | Decimal) -> str:
    """Yuan as 万元 with 2 decimals (half up): "1234567.89" → "123.46"."""
    return str((Decimal(amount) / 10000).quantize(CENT, ROUND_HALF_UP))


def yuan(amount: str | Decimal | float | int) -> str:
    """Yuan with thousands separators and 2 decimals: 46234.56 → "46,234.56"."""
    return f"{Decimal(str(amount)).quantize(CENT, ROUND_HALF_UP):,}"


def days(value: float | None) -> str:
    """Days as compute() gives them (already rounded), without trailing zeros: 12.50 → "12.5"."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def change(now: int, before: int) -> str:
    """ "增长12.50%" / "下降3.00%" / "持平" against the previous period (caller checks before > 0)."""
    if now == before:
        return "持平"
    rate = (Decimal(abs(now - before)) * 100 / Decimal(before)).quantize(CENT, ROUND_HALF_UP)
    return f"{'增长' if now > before else '下降'}{rate}%"
