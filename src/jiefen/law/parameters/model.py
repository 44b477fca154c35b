"""The parameter types: dated values, rate tables, holiday years, wage figures.

:class:`Parameters` is one immutable value holding every table the rules need. It is
built from the shipped YAML by :func:`jiefen.law.parameters.loader.load_parameters`, and
rows an administrator entered in the admin site are added with
:meth:`Parameters.with_extra` — the law package itself never reads the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import Any

from jiefen.law.errors import OutOfTableError, ParameterError

FEE_KINDS = ("acceptance", "execution", "preservation")


# --------------------------------------------------------------------------- types


@dataclass(frozen=True)
class Bracket:
    """One bracket of a cumulative fee schedule (分段累计).

    ``up_to`` is the inclusive upper bound of the bracket (``None`` = no bound). The
    first bracket has a ``flat`` fee; every later bracket a ``rate_percent`` applied only
    to the part of the amount inside it.
    """

    up_to: Decimal | None
    rate_percent: Decimal | None = None
    flat: Decimal | None = None


@dataclass(frozen=True)
class FeeSchedule:
    """A fee schedule of the 诉讼费用交纳办法 in force from ``effective_from``."""

    kind: str
    effective_from: date
    citation: str
    reviewed: date
    brackets: tuple[Bracket, ...]
    cap: Decimal | None = None


@dataclass(frozen=True)
class DatedValue:
    """A single rule value (days, months, percent…) in force from ``effective_from``."""

    key: str
    effective_from: date
    value: Decimal
    unit: str
    citation: str
    reviewed: date
    note: str = ""


@dataclass(frozen=True)
class LprFixing:
    """Loan prime rate (贷款市场报价利率) fixing, in force from its publication date."""

    effective_from: date
    lpr_1y: Decimal
    lpr_5y: Decimal
    reviewed: date
    citation: str = "中国人民银行公告〔2019〕第15号; 全国银行间同业拆借中心公布"
    source: str = "shipped"
    note: str = ""


@dataclass(frozen=True)
class BenchmarkRate:
    """PBoC benchmark lending rate (贷款基准利率) in force from ``effective_from``."""

    effective_from: date
    within_1y: Decimal
    from_1y_to_5y: Decimal
    over_5y: Decimal
    reviewed: date
    citation: str = ""
    note: str = ""


@dataclass(frozen=True)
class HolidayDay:
    """One day that differs from the Monday–Friday rule: a holiday or a make-up workday.

    ``is_holiday=True`` → statutory holiday (法定节假日, also on a weekday);
    ``is_holiday=False`` → make-up working day (调休上班, usually a Saturday or Sunday).
    """

    day: date
    is_holiday: bool
    name: str = ""


@dataclass(frozen=True)
class HolidayYear:
    """The holiday arrangement of one year (国务院办公厅关于部分节假日安排的通知).

    Only a ``complete`` year is used: for an incomplete one (not yet published, or only
    partly entered) every date raises :class:`CalendarDataMissing`.
    """

    year: int
    complete: bool
    source: str = ""
    reviewed: date | None = None
    days: tuple[HolidayDay, ...] = ()


@dataclass(frozen=True)
class WageFigure:
    """Average annual wage of employed persons of one province for one ``year`` (yuan).

    ``applies_from`` is the date courts of the province start using the figure for the
    small-claims threshold (the high court's notice, or the publication date). When the
    high court announced the threshold itself (rounded its own way, e.g. 54,323 for
    50% of 108,645), ``threshold`` holds that announced figure.
    """

    province: str
    year: int
    amount: Decimal
    applies_from: date
    source: str
    reviewed: date
    threshold: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class Province:
    """Province-level court code (法〔2015〕137号 附件): abbreviation and division prefix."""

    abbreviation: str
    name: str
    division_prefix: str


@dataclass(frozen=True)
class SpecialCourtCode:
    """A court without its own division that was given a spare code (e.g. 粤0192)."""

    code: str
    name: str


@dataclass(frozen=True)
class Parameters:
    """All dated parameters the rules need, as one immutable value.

    Build it with :func:`load_parameters` (the shipped YAML) and add rows an
    administrator entered with :meth:`with_extra`; rules take it as ``params=``.
    """

    fee_schedules: Mapping[str, tuple[FeeSchedule, ...]]
    payment_order_divisor: tuple[DatedValue, ...]
    rules: Mapping[str, tuple[DatedValue, ...]]
    lpr: tuple[LprFixing, ...]
    pboc_benchmark: tuple[BenchmarkRate, ...]
    holiday_years: Mapping[int, HolidayYear]
    wages: tuple[WageFigure, ...]
    provinces: tuple[Province, ...]
    special_court_codes: tuple[SpecialCourtCode, ...] = ()
    sources: tuple[str, ...] = field(default=())

    # ---------------------------------------------------------------- lookups

    def fee_schedule(self, kind: str, as_of: date | None = None) -> FeeSchedule:
        """The fee schedule of ``kind`` in force on ``as_of``.

        ``as_of=None`` is accepted only while the schedule has never changed (true since
        2007-04-01): then the date cannot matter. Once a second schedule exists, the
        legal date must be given.
        """
        schedules = self.fee_schedules.get(kind)
        if not schedules:
            raise ParameterError(f"no fee schedule of kind {kind!r}")
        if as_of is None:
            if len(schedules) > 1:
                raise OutOfTableError(
                    f"the {kind} fee schedule changed on {schedules[-1].effective_from}; "
                    "pass as_of= (the filing or application date)"
                )
            return schedules[0]
        return dated_lookup(schedules, as_of, f"{kind} fee schedule")

    def rule(self, key: str, as_of: date) -> DatedValue:
        """The value of rule ``key`` (e.g. ``appeal_days_judgment``) in force on ``as_of``."""
        values = self.rules.get(key)
        if not values:
            raise ParameterError(f"no rule {key!r} in rules.yaml")
        return dated_lookup(values, as_of, f"rule {key}")

    @property
    def lpr_valid_through(self) -> date:
        """Last date the LPR table is known to be complete (its latest ``reviewed``)."""
        return max(row.reviewed for row in self.lpr)

    @property
    def benchmark_valid_through(self) -> date:
        return max(row.reviewed for row in self.pboc_benchmark)

    def province_by_abbreviation(self, abbreviation: str) -> Province | None:
        for p in self.provinces:
            if p.abbreviation == abbreviation:
                return p
        return None

    def province_by_prefix(self, prefix: str) -> Province | None:
        for p in self.provinces:
            if p.division_prefix == prefix:
                return p
        return None

    def province_by_name(self, name: str) -> Province | None:
        for p in self.provinces:
            if name in (p.name, p.abbreviation) or p.name.startswith(name):
                return p
        return None

    # ---------------------------------------------------------------- extras

    def with_extra(
        self,
        *,
        lpr: Iterable[LprFixing] = (),
        holidays: Iterable[HolidayDay] = (),
        holiday_years: Iterable[HolidayYear] = (),
        wages: Iterable[WageFigure] = (),
        source: str = "admin",
    ) -> Parameters:
        """Return a copy with rows an administrator entered (later LPR fixings, holiday
        years, wage figures) added to the shipped baseline.

        A row that repeats a baseline row with the same value is ignored; a row that
        contradicts one raises :class:`ParameterError` naming it, so an admin entry can
        never silently change a published figure.
        """
        new_lpr = _merge_lpr(self.lpr, list(lpr), source)
        new_years = _merge_holidays(self.holiday_years, list(holiday_years), list(holidays), source)
        new_wages = _merge_wages(self.wages, list(wages), source)
        return replace(
            self,
            lpr=new_lpr,
            holiday_years=new_years,
            wages=new_wages,
            sources=(*self.sources, source),
        )


def dated_lookup[T: Any](rows: tuple[T, ...], as_of: date, what: str) -> T:
    """Row in force on ``as_of`` from rows sorted by ``effective_from``."""
    found = None
    for row in rows:
        if row.effective_from <= as_of:
            found = row
        else:
            break
    if found is None:
        raise OutOfTableError(
            f"{what}: {as_of} is before the first entry ({rows[0].effective_from})"
        )
    return found


# --------------------------------------------------------------------------- merging


def _merge_lpr(
    base: tuple[LprFixing, ...], extra: list[LprFixing], source: str
) -> tuple[LprFixing, ...]:
    by_date = {row.effective_from: row for row in base}
    for row in extra:
        old = by_date.get(row.effective_from)
        if old is not None:
            if (old.lpr_1y, old.lpr_5y) != (row.lpr_1y, row.lpr_5y):
                raise ParameterError(
                    f"{source}: LPR fixing {row.effective_from} ({row.lpr_1y}/{row.lpr_5y}) "
                    f"contradicts the {old.source} value ({old.lpr_1y}/{old.lpr_5y})"
                )
            if row.reviewed > old.reviewed:
                by_date[row.effective_from] = replace(old, reviewed=row.reviewed)
            continue
        check_lpr_row(row, f"{source}: LPR fixing {row.effective_from}")
        by_date[row.effective_from] = row
    return tuple(sorted(by_date.values(), key=lambda r: r.effective_from))


def check_lpr_row(row: LprFixing, where: str) -> None:
    for name, value in (("lpr_1y", row.lpr_1y), ("lpr_5y", row.lpr_5y)):
        if not (Decimal(0) < value < Decimal(100)):
            raise ParameterError(f"{where}: {name} {value} is not a percent between 0 and 100")
    if row.reviewed < row.effective_from:
        raise ParameterError(f"{where}: reviewed {row.reviewed} is before effective_from")


def _merge_holidays(
    base: Mapping[int, HolidayYear],
    extra_years: list[HolidayYear],
    extra_days: list[HolidayDay],
    source: str,
) -> dict[int, HolidayYear]:
    years = dict(base)
    for ey in extra_years:
        old = years.get(ey.year)
        if old is None:
            years[ey.year] = replace(ey, days=())
        else:
            years[ey.year] = replace(
                old,
                complete=old.complete or ey.complete,
                source=ey.source or old.source,
                reviewed=ey.reviewed or old.reviewed,
            )
        extra_days = [*ey.days, *extra_days]
    for d in extra_days:
        y = d.day.year
        year = years.get(y) or HolidayYear(year=y, complete=False, source=source)
        existing = {x.day: x for x in year.days}
        old_day = existing.get(d.day)
        if old_day is not None:
            if old_day.is_holiday != d.is_holiday:
                raise ParameterError(
                    f"{source}: holiday-calendar day {d.day} ({_day_kind(d)}) contradicts the "
                    f"existing entry ({_day_kind(old_day)} {old_day.name})"
                )
            continue
        packaged = _packaged_is_workday(d.day)
        if packaged is not None and packaged == d.is_holiday and not year.complete:
            raise ParameterError(
                f"{source}: holiday-calendar day {d.day} ({_day_kind(d)}) contradicts the "
                f"published calendar (chinesecalendar: {'working day' if packaged else 'rest day'})"
            )
        existing[d.day] = d
        years[y] = replace(year, days=tuple(sorted(existing.values(), key=lambda x: x.day)))
    return years


def check_wage_figure(w: WageFigure) -> str:
    """Return a problem description for a malformed wage figure, or ``""``."""
    if w.amount <= 0:
        return "amount must be positive"
    if w.applies_from.year <= w.year:
        return f"applies_from {w.applies_from} must be after the wage year {w.year}"
    if w.threshold is not None and not (
        w.amount * Decimal("0.3") - 1 <= w.threshold <= w.amount * Decimal("0.5") + 1
    ):
        return f"announced threshold {w.threshold} is not 30–50% of the wage {w.amount}"
    return ""


def _packaged_is_workday(day: date) -> bool | None:
    """What the ``chinesecalendar`` package says about ``day``, or None if it has no data."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _day_kind(d: HolidayDay) -> str:
    return "holiday" if d.is_holiday else "make-up workday"


def _merge_wages(
    base: tuple[WageFigure, ...], extra: list[WageFigure], source: str
) -> tuple[WageFigure, ...]:
    by_key = {(w.province, w.year): w for w in base}
    for w in extra:
        old = by_key.get((w.province, w.year))
        if old is not None:
            if old.amount != w.amount:
                raise ParameterError(
                    f"{source}: wage {w.province} {w.year} ({w.amount}) contradicts the "
                    f"existing figure ({old.amount}, {old.source})"
                )
            continue
        problem = check_wage_figure(w)
        if problem:
            raise ParameterError(f"{source}: wage {w.province} {w.year}: {problem}")
        by_key[(w.province, w.year)] = w
    return tuple(sorted(by_key.values(), key=lambda x: (x.province, x.year)))
