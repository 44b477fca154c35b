"""Procedural periods (期间) — 民诉法 Art. 85; 民诉解释 Art. 125; 民法典 Arts. 201–203.

A period counted in days or months starts the day after the event (the start day is
not counted). If its last day is a rest day — a statutory holiday, or a Saturday or
Sunday that is not an official make-up working day (调休) — the period ends on the first
working day after it. The holiday data comes from ``chinesecalendar`` (2004–2026 in
version 1.11) and from an editable table for other years; a date in a year with no
calendar data raises :class:`CalendarDataMissing`: the software never assumes a day is
a working day.

Period lengths (appeal 15/10/30, answer 15, public notice 30, …) are dated values in
``parameters/rules.yaml``.
"""

from __future__ import annotations

import calendar as _stdcalendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

import chinese_calendar

from jiefen.law.errors import CalendarDataMissing
from jiefen.law.parameters import HolidayDay, HolidayYear, Parameters, load_parameters

DecisionKind = Literal["judgment", "ruling"]
Procedure = Literal["ordinary", "summary", "small_claims"]
PROCEDURES: tuple[Procedure, ...] = ("ordinary", "summary", "small_claims")


class HolidayCalendar:
    """Working days and rest days, from ``chinesecalendar`` plus an editable table.

    Order of precedence for a day: an explicit entry in the table (holiday or make-up
    workday) → for a year marked ``complete`` in the table, the Monday–Friday rule →
    ``chinesecalendar`` for the years it covers → :class:`CalendarDataMissing`.
    """

    def __init__(self, years: Mapping[int, HolidayYear], *, use_package: bool = True) -> None:
        self._years = dict(years)
        self._days: dict[date, HolidayDay] = {
            d.day: d for y in self._years.values() for d in y.days
        }
        self._use_package = use_package

    @classmethod
    def from_params(cls, params: Parameters | None = None) -> HolidayCalendar:
        """Calendar from the parameters (shipped YAML plus any admin rows)."""
        p = params if params is not None else load_parameters()
        return cls(p.holiday_years)

    def covers(self, year: int) -> bool:
        """Whether every date of ``year`` can be classified."""
        entry = self._years.get(year)
        if entry is not None and entry.complete:
            return True
        return self._use_package and _package_covers(year)

    def is_workday(self, day: date) -> bool:
        """True on a working day (incl. a make-up working day), False on a rest day."""
        entry = self._days.get(day)
        year = self._years.get(day.year)
        if entry is not None and (year is None or year.complete or self._package_covers(day.year)):
            return not entry.is_holiday
        if year is not None and year.complete:
            return day.weekday() < 5
        if self._package_covers(day.year):
            return bool(chinese_calendar.is_workday(day))
        raise CalendarDataMissing(missing_year_message(day.year, day), year=day.year)

    def _package_covers(self, year: int) -> bool:
        return self._use_package and _package_covers(year)

    def holiday_name(self, day: date) -> str:
        """Name of the holiday on ``day`` ("" for a working day or a plain weekend)."""
        entry = self._days.get(day)
        if entry is not None:
            return entry.name
        if self._package_covers(day.year):
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
            return _HOLIDAY_NAMES_ZH.get(str(name), str(name)) if on_holiday and name else ""
        return ""

    def next_workday(self, day: date) -> date:
        """``day`` itself if it is a working day, else the first working day after it."""
        current = day
        while not self.is_workday(current):
            current += timedelta(days=1)
        return current


def missing_year_message(year: int, day: date | None = None) -> str:
    """What a clerk reads when a period or a hearing falls in a year with no calendar.

    Product text (zh-hans): it says which year is missing and where to add it.
    """
    which = f"，无法确定{day.isoformat()}是否为工作日" if day is not None else ""
    return (
        f"{year}年节假日安排尚未录入{which}。请在管理后台「法律参数 › 节假日年度安排」中"
        f"添加{year}年的节假日和调休上班日并勾选「已完整录入」后重试。"
    )


_HOLIDAY_NAMES_ZH = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def _package_covers(year: int) -> bool:
    holidays = chinese_calendar.constants.holidays
    first, last = min(holidays), max(holidays)
    return first.year <= year <= last.year


@dataclass(frozen=True)
class PeriodEnd:
    """A computed period: the nominal last day and the deadline after moving past rest days."""

    event_date: date
    nominal_end: date
    deadline: date
    moved_over: tuple[date, ...]
    reason: str

    @property
    def moved(self) -> bool:
        return self.deadline != self.nominal_end


def _roll(event_date: date, nominal: date, calendar: HolidayCalendar, what: str) -> PeriodEnd:
    try:
        deadline = calendar.next_workday(nominal)
    except CalendarDataMissing as exc:
        raise CalendarDataMissing(
            f"{exc}（{what}：名义届满日{nominal.isoformat()}）", year=exc.year, nominal_date=nominal
        ) from None
    moved = tuple(nominal + timedelta(days=i) for i in range((deadline - nominal).days))
    reason = ""
    if moved:
        names = sorted({calendar.holiday_name(d) for d in moved} - {""})
        reason = f"last day {nominal} is a rest day ({', '.join(names) or 'weekend'}); moved to {deadline}"
    return PeriodEnd(event_date, nominal, deadline, moved, reason)


def period_in_days(event_date: date, n: int, *, calendar: HolidayCalendar) -> PeriodEnd:
    """An N-day period from ``event_date`` (民诉法 Art. 85), with the reasoning."""
    if n < 0:
        raise ValueError("a period has a non-negative length")
    return _roll(
        event_date, event_date + timedelta(days=n), calendar, f"自{event_date.isoformat()}起{n}日"
    )


def months_later(day: date, n: int) -> date:
    """The corresponding day ``n`` months later, or the month's last day if it has none
    (民法典 Art. 202: 到期月的对应日; 没有对应日的, 月末日)."""
    month_index = day.month - 1 + n
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last = _stdcalendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last))


def period_in_months(event_date: date, n: int, *, calendar: HolidayCalendar) -> PeriodEnd:
    """An N-month period from ``event_date``, ending on the corresponding day."""
    if n < 0:
        raise ValueError("a period has a non-negative length")
    return _roll(
        event_date, months_later(event_date, n), calendar, f"自{event_date.isoformat()}起{n}个月"
    )


def add_days(event_date: date, n: int, *, calendar: HolidayCalendar) -> date:
    """Last day of an N-day period after ``event_date``: 2024-09-20 + 15 → 2024-10-08."""
    return period_in_days(event_date, n, calendar=calendar).deadline


def add_months(event_date: date, n: int, *, calendar: HolidayCalendar) -> date:
    """Last day of an N-month period after ``event_date``, moved past rest days."""
    return period_in_months(event_date, n, calendar=calendar).deadline


def _days_rule(key: str, as_of: date, params: Parameters | None) -> int:
    p = params if params is not None else load_parameters()
    return int(p.rule(key, as_of).value)


def appeal_deadline(
    served_on: date,
    *,
    kind: DecisionKind = "judgment",
    domiciled_abroad: bool = False,
    calendar: HolidayCalendar,
    params: Parameters | None = None,
) -> date:
    """Last day to appeal: judgment 15 days, ruling 10 days from service (民诉法 Art. 171);
    30 days for a party with no domicile in China (Art. 286)."""
    if kind not in ("judgment", "ruling"):
        raise ValueError(f"unknown decision kind {kind!r}")
    key = "appeal_days_abroad" if domiciled_abroad else f"appeal_days_{kind}"
    return add_days(served_on, _days_rule(key, served_on, params), calendar=calendar)


def answer_deadline(
    served_on: date,
    *,
    domiciled_abroad: bool = False,
    calendar: HolidayCalendar,
    params: Parameters | None = None,
) -> date:
    """Last day of the answer period: 15 days from service of the complaint copy
    (民诉法 Art. 128); 30 days for a defendant with no domicile in China (Art. 285)."""
    key = "answer_days_abroad" if domiciled_abroad else "answer_days"
    return add_days(served_on, _days_rule(key, served_on, params), calendar=calendar)


def public_notice_served_on(
    published_on: date, *, calendar: HolidayCalendar, params: Parameters | None = None
) -> date:
    """Date service by public notice is deemed done: 30 days after publication
    (民诉法 Art. 95; 60 days before 2022-01-01). 2025-03-03 → 2025-04-02."""
    return add_days(
        published_on, _days_rule("public_notice_days", published_on, params), calendar=calendar
    )


def payment_order_objection_deadline(
    received_on: date, *, calendar: HolidayCalendar, params: Parameters | None = None
) -> date:
    """Last day for the debtor to pay or object in writing: 15 days from receipt of the
    payment order (民诉法 Art. 227)."""
    days = _days_rule("payment_order_objection_days", received_on, params)
    return add_days(received_on, days, calendar=calendar)


def judicial_confirmation_deadline(
    agreement_effective_on: date, *, calendar: HolidayCalendar, params: Parameters | None = None
) -> date:
    """Last day for both parties to apply for judicial confirmation: 30 days from the
    mediation agreement taking effect (民诉法 Art. 205)."""
    days = _days_rule("judicial_confirmation_days", agreement_effective_on, params)
    return add_days(agreement_effective_on, days, calendar=calendar)


def execution_application_deadline(
    performance_last_day: date, *, calendar: HolidayCalendar, params: Parameters | None = None
) -> date:
    """Last day to apply for execution: 2 years from the last day of the performance
    period (民诉法 Art. 250); for instalments, call it once per instalment."""
    months = _days_rule("execution_application_months", performance_last_day, params)
    return add_months(performance_last_day, months, calendar=calendar)


@dataclass(frozen=True)
class TrialTimeLimit:
    """Trial time limit (审限) counted in calendar months from the day after filing."""

    procedure: Procedure
    filed_on: date
    months: int
    ends_on: date
    extension_months: int
    extended_ends_on: date
    citation: str


def trial_time_limit(
    filed_on: date, procedure: Procedure, *, params: Parameters | None = None
) -> TrialTimeLimit:
    """Trial time limit from filing: ordinary 6 months (+6 with the president's approval,
    民诉法 Art. 152), summary 3 months (+1, Art. 164), small claims 2 months (+1,
    Art. 168). It is the court's internal limit, counted in calendar months from the
    day after filing; excluded periods (public notice, appraisal…) are not modelled and
    rest days do not move it.
    """
    if procedure not in PROCEDURES:
        raise ValueError(f"unknown procedure {procedure!r}; use one of {', '.join(PROCEDURES)}")
    p = params if params is not None else load_parameters()
    base = p.rule(f"trial_months_{procedure}", filed_on)
    ext = p.rule(f"trial_extension_months_{procedure}", filed_on)
    months, extra = int(base.value), int(ext.value)
    return TrialTimeLimit(
        procedure=procedure,
        filed_on=filed_on,
        months=months,
        ends_on=months_later(filed_on, months),
        extension_months=extra,
        extended_ends_on=months_later(filed_on, months + extra),
        citation=base.citation,
    )
