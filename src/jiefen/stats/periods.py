"""Reporting periods of the statistics: a year, a quarter, a month or a span of months, as
half-open date ranges.

Court statistics (司法统计) report by calendar year, quarter and month; every figure is placed in a
period by one local date (Asia/Shanghai), so a period is `[start, end)` over dates. `label` is
the text a user types and sees: "2026", "2026-Q4", "2026-11", and for a report over several
months or years (a white paper covering 2026-12 to 2027-09) "2026-12~2027-09" or "2025~2026".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_SPAN = re.compile(r"^([^~]+)~([^~]+)$")


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # day after the last day (exclusive)
    label: str  # "2026", "2026-11", "2026-Q4"

    @property
    def last(self) -> date:
        """The last day of the period (inclusive)."""
        return date.fromordinal(self.end.toordinal() - 1)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


def _month_start(year: int, month: int) -> date:
    return date(year + (month - 1) // 12, (month - 1) % 12 + 1, 1)


def month(year: int, number: int) -> Period:
    """The calendar month `number` of `year`."""
    return Period(
        _month_start(year, number), _month_start(year, number + 1), f"{year}-{number:02d}"
    )


def parse_period(text: str) -> Period:
    """ "2026" | "2026-Q4" | "2026-11" → the period; anything else → ValueError (zh message)."""
    value = (text or "").strip()
    if m := _SPAN.match(value):
        return _span(value, m[1].strip(), m[2].strip())
    if m := _YEAR.match(value):
        year = int(m[1])
        return Period(date(year, 1, 1), date(year + 1, 1, 1), str(year))
    if m := _QUARTER.match(value):
        year, quarter = int(m[1]), int(m[2])
        first = 3 * quarter - 2
        return Period(
            _month_start(year, first), _month_start(year, first + 3), f"{year}-Q{quarter}"
        )
    if m := _MONTH.match(value):
        year, number = int(m[1]), int(m[2])
        if 1 <= number <= 12:
            return month(year, number)
        raise ValueError(f"统计期间「{value}」有误：月份应为 1 至 12")
    raise ValueError(
        f"统计期间「{value}」有误：应为年份（如 2026）、季度（如 2026-Q4）、月份（如 2026-11）"
        "或起止期间（如 2026-12~2027-09）"
    )


def _span(value: str, first: str, last: str) -> Period:
    """ "2026-12~2027-09" or "2025~2026": from the start of the first to the end of the last."""
    if "~" in first or "~" in last:
        raise ValueError(f"统计期间「{value}」有误：起止期间只能有一个「~」")
    try:
        start, end = parse_period(first), parse_period(last)
    except ValueError as exc:
        raise ValueError(f"统计期间「{value}」有误：起止两端应为年份、季度或月份") from exc
    if end.end <= start.start:
        raise ValueError(f"统计期间「{value}」有误：截止期间早于起始期间")
    return Period(start.start, end.end, f"{start.label}~{end.label}")


def months(period: Period) -> list[Period]:
    """The calendar months of the period, in order (one for a month, three for a quarter)."""
    out = []
    current = period.start
    while current < period.end:
        out.append(month(current.year, current.month))
        current = out[-1].end
    return out


def month_span(first: date, last: date) -> Period:
    """The months from the one of `first` through the one of `last`, as one period ("2025-07~2026-12")."""
    start = date(first.year, first.month, 1)
    end = _month_start(last.year, last.month + 1)
    return Period(start, end, f"{start:%Y-%m}~{last:%Y-%m}")
