"""Strict loader for the dated parameter files in this folder.

Parameters are data, formulas are code (the OpenFisca way): every value that the law
or a court changes over time lives in a YAML file here, with the date it takes effect
(``effective_from``), the legal citation and the date someone last checked it against
the source (``reviewed``). The loader refuses a malformed or overlapping file with a
message naming the file and the entry, so a bad edit fails at start-up, not in a
judgment.

Decimal values must be written as quoted strings or integers: a YAML float such as
``2.5`` is refused because it would pass through binary floating point.
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import pairwise
from pathlib import Path
from typing import Any

import yaml

from jiefen.law.errors import ParameterError
from jiefen.law.parameters.model import (
    FEE_KINDS,
    BenchmarkRate,
    Bracket,
    DatedValue,
    FeeSchedule,
    HolidayDay,
    HolidayYear,
    LprFixing,
    Parameters,
    Province,
    SpecialCourtCode,
    WageFigure,
    check_lpr_row,
    check_wage_figure,
)

PARAMETERS_DIR = Path(__file__).resolve().parent

# --------------------------------------------------------------------------- parsing


class _Reader:
    """Typed access to one YAML entry, raising ParameterError naming file and entry."""

    def __init__(self, file: str, where: str, data: object) -> None:
        if not isinstance(data, dict):
            raise ParameterError(f"{file}: {where}: expected a mapping, got {type(data).__name__}")
        self.file, self.where, self.data = file, where, data

    def fail(self, message: str) -> ParameterError:
        return ParameterError(f"{self.file}: {self.where}: {message}")

    def only(self, *allowed: str) -> None:
        unknown = sorted(set(self.data) - set(allowed))
        if unknown:
            raise self.fail(f"unknown key(s) {', '.join(map(str, unknown))}")

    def has(self, key: str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: str) -> object:
        if key not in self.data:
            raise self.fail(f"missing {key!r}")
        return self.data[key]

    def day(self, key: str) -> date:
        value = self.raw(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        raise self.fail(f"{key!r} must be a date YYYY-MM-DD, got {value!r}")

    def opt_day(self, key: str) -> date | None:
        return self.day(key) if self.has(key) else None

    def decimal(self, key: str) -> Decimal:
        return _to_decimal(self.raw(key), lambda m: self.fail(f"{key!r} {m}"))

    def opt_decimal(self, key: str) -> Decimal | None:
        return self.decimal(key) if self.has(key) else None

    def text(self, key: str, *, required: bool = True) -> str:
        value = self.data.get(key)
        if value is None:
            if required:
                raise self.fail(f"missing {key!r}")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            raise self.fail(f"{key!r} must be a non-empty string")
        return value

    def integer(self, key: str) -> int:
        value = self.raw(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(f"{key!r} must be an integer, got {value!r}")
        return value

    def boolean(self, key: str) -> bool:
        value = self.raw(key)
        if not isinstance(value, bool):
            raise self.fail(f"{key!r} must be true or false, got {value!r}")
        return value

    def items(self, key: str) -> list[object]:
        value = self.raw(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{key!r} must be a list")
        return value


def _to_decimal(value: object, fail: Any) -> Decimal:
    if isinstance(value, bool | float):
        raise fail(
            f"must be a quoted decimal string or an integer, got {value!r} (floats are refused)"
        )
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise fail(f"is not a decimal number: {value!r}") from None
        if not d.is_finite():
            raise fail(f"is not a finite number: {value!r}")
        return d
    raise fail(f"must be a decimal, got {value!r}")


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{path.name}: top level must be a mapping")
    return data


def _check_increasing(file: str, what: str, dates: list[date]) -> None:
    for earlier, later in pairwise(dates):
        if later <= earlier:
            raise ParameterError(
                f"{file}: {what}: entry effective {later} overlaps or precedes the entry "
                f"effective {earlier} (entries must be in strictly increasing date order)"
            )


def _parse_fees(path: Path) -> tuple[dict[str, tuple[FeeSchedule, ...]], tuple[DatedValue, ...]]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("schedules", "payment_order_divisor")
    sched_map = top.raw("schedules")
    if not isinstance(sched_map, dict):
        raise top.fail("'schedules' must be a mapping of kind → list")
    result: dict[str, tuple[FeeSchedule, ...]] = {}
    for kind in FEE_KINDS:
        if kind not in sched_map:
            raise ParameterError(f"{file}: schedules: missing kind {kind!r}")
    for kind, entries in sched_map.items():
        if kind not in FEE_KINDS:
            raise ParameterError(f"{file}: schedules: unknown kind {kind!r}")
        if not isinstance(entries, list) or not entries:
            raise ParameterError(f"{file}: schedules.{kind}: must be a non-empty list")
        schedules = []
        for i, entry in enumerate(entries):
            r = _Reader(file, f"schedules.{kind}[{i}]", entry)
            r.only("effective_from", "citation", "reviewed", "brackets", "cap", "note")
            schedules.append(
                FeeSchedule(
                    kind=kind,
                    effective_from=r.day("effective_from"),
                    citation=r.text("citation"),
                    reviewed=r.day("reviewed"),
                    brackets=_parse_brackets(r, r.items("brackets")),
                    cap=r.opt_decimal("cap"),
                )
            )
        _check_increasing(file, f"schedules.{kind}", [s.effective_from for s in schedules])
        result[kind] = tuple(schedules)
    fractions = []
    for i, entry in enumerate(top.items("payment_order_divisor")):
        r = _Reader(file, f"payment_order_divisor[{i}]", entry)
        r.only("effective_from", "value", "citation", "reviewed", "note")
        value = _dated_value(r, "payment_order_divisor", "divisor")
        if value.value <= 0:
            raise r.fail("value must be positive")
        fractions.append(value)
    if not fractions:
        raise top.fail("payment_order_divisor must have at least one entry")
    _check_increasing(file, "payment_order_divisor", [f.effective_from for f in fractions])
    return result, tuple(fractions)


def _parse_brackets(parent: _Reader, items: list[object]) -> tuple[Bracket, ...]:
    if not items:
        raise parent.fail("brackets must not be empty")
    brackets: list[Bracket] = []
    previous: Decimal = Decimal(0)
    for i, item in enumerate(items):
        r = _Reader(parent.file, f"{parent.where}.brackets[{i}]", item)
        r.only("up_to", "rate_percent", "flat")
        up_to = r.opt_decimal("up_to")
        if i == 0:
            if not r.has("flat") or r.has("rate_percent"):
                raise r.fail("the first bracket must have a 'flat' fee and no rate")
        elif not r.has("rate_percent") or r.has("flat"):
            raise r.fail("brackets after the first must have 'rate_percent' and no 'flat'")
        if up_to is None and i != len(items) - 1:
            raise r.fail("only the last bracket may be open-ended (up_to: null)")
        if up_to is not None and up_to <= previous:
            raise r.fail(f"up_to {up_to} must be above the previous bound {previous} (overlap)")
        if i == len(items) - 1 and up_to is not None:
            raise r.fail("the last bracket must be open-ended (up_to: null)")
        rate = r.opt_decimal("rate_percent")
        if rate is not None and rate <= 0:
            raise r.fail("rate_percent must be positive")
        brackets.append(Bracket(up_to=up_to, rate_percent=rate, flat=r.opt_decimal("flat")))
        previous = up_to if up_to is not None else previous
    return tuple(brackets)


def _dated_value(r: _Reader, key: str, unit: str) -> DatedValue:
    return DatedValue(
        key=key,
        effective_from=r.day("effective_from"),
        value=r.decimal("value"),
        unit=unit,
        citation=r.text("citation"),
        reviewed=r.day("reviewed"),
        note=r.text("note", required=False),
    )


def _parse_rules(path: Path) -> dict[str, tuple[DatedValue, ...]]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("rules")
    rules_map = top.raw("rules")
    if not isinstance(rules_map, dict) or not rules_map:
        raise top.fail("'rules' must be a non-empty mapping")
    result: dict[str, tuple[DatedValue, ...]] = {}
    for key, spec in rules_map.items():
        r = _Reader(file, f"rules.{key}", spec)
        r.only("unit", "values")
        unit = r.text("unit")
        if unit not in ("days", "months", "percent", "fraction", "multiplier"):
            raise r.fail(f"unknown unit {unit!r}")
        values = []
        for i, entry in enumerate(r.items("values")):
            vr = _Reader(file, f"rules.{key}.values[{i}]", entry)
            vr.only("effective_from", "value", "citation", "reviewed", "note")
            values.append(_dated_value(vr, str(key), unit))
        if not values:
            raise r.fail("needs at least one value")
        _check_increasing(file, f"rules.{key}", [v.effective_from for v in values])
        result[str(key)] = tuple(values)
    return result


def _parse_lpr(path: Path) -> tuple[LprFixing, ...]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("citation", "reviewed", "fixings")
    citation = top.text("citation")
    default_reviewed = top.day("reviewed")
    rows: list[LprFixing] = []
    for i, entry in enumerate(top.items("fixings")):
        r = _Reader(file, f"fixings[{i}]", entry)
        r.only("effective_from", "lpr_1y", "lpr_5y", "reviewed", "note")
        rows.append(
            LprFixing(
                effective_from=r.day("effective_from"),
                lpr_1y=r.decimal("lpr_1y"),
                lpr_5y=r.decimal("lpr_5y"),
                reviewed=r.opt_day("reviewed") or default_reviewed,
                citation=citation,
                note=r.text("note", required=False),
            )
        )
    if not rows:
        raise top.fail("no LPR fixings")
    _check_increasing(file, "fixings", [row.effective_from for row in rows])
    for row in rows:
        check_lpr_row(row, f"{file}: fixing {row.effective_from}")
    return tuple(rows)


def _parse_benchmark(path: Path) -> tuple[BenchmarkRate, ...]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("citation", "reviewed", "note", "rates")
    citation = top.text("citation")
    default_reviewed = top.day("reviewed")
    rows = []
    for i, entry in enumerate(top.items("rates")):
        r = _Reader(file, f"rates[{i}]", entry)
        r.only("effective_from", "within_1y", "from_1y_to_5y", "over_5y", "reviewed", "note")
        rows.append(
            BenchmarkRate(
                effective_from=r.day("effective_from"),
                within_1y=r.decimal("within_1y"),
                from_1y_to_5y=r.decimal("from_1y_to_5y"),
                over_5y=r.decimal("over_5y"),
                reviewed=r.opt_day("reviewed") or default_reviewed,
                citation=citation,
                note=r.text("note", required=False),
            )
        )
    if not rows:
        raise top.fail("no benchmark rates")
    _check_increasing(file, "rates", [row.effective_from for row in rows])
    return tuple(rows)


def _parse_holidays(path: Path) -> dict[int, HolidayYear]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("years")
    years: dict[int, HolidayYear] = {}
    for i, entry in enumerate(top.items("years")):
        r = _Reader(file, f"years[{i}]", entry)
        r.only("year", "complete", "source", "reviewed", "days", "note")
        year = r.integer("year")
        r.where = f"year {year}"
        if year in years:
            raise r.fail("year listed twice (overlap)")
        days: dict[date, HolidayDay] = {}
        for j, d in enumerate(r.items("days")):
            dr = _Reader(file, f"year {year} days[{j}]", d)
            dr.only("date", "holiday", "name")
            day = dr.day("date")
            if day.year != year:
                raise dr.fail(f"{day} is not in {year}")
            if day in days:
                raise dr.fail(f"{day} listed twice (overlap)")
            days[day] = HolidayDay(
                day=day, is_holiday=dr.boolean("holiday"), name=dr.text("name", required=False)
            )
        complete = r.boolean("complete")
        if complete and not r.has("source"):
            raise r.fail("a complete year needs its 'source' (the State Council notice)")
        years[year] = HolidayYear(
            year=year,
            complete=complete,
            source=r.text("source", required=False),
            reviewed=r.opt_day("reviewed"),
            days=tuple(sorted(days.values(), key=lambda x: x.day)),
        )
    return years


def _parse_wages(path: Path) -> tuple[WageFigure, ...]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("figures")
    figures: dict[tuple[str, int], WageFigure] = {}
    for i, entry in enumerate(top.items("figures")):
        r = _Reader(file, f"figures[{i}]", entry)
        r.only(
            "province", "year", "amount", "applies_from", "threshold", "source", "reviewed", "note"
        )
        province = r.text("province")
        year = r.integer("year")
        r.where = f"figures[{i}] ({province} {year})"
        if (province, year) in figures:
            raise r.fail("province and year listed twice (overlap)")
        figure = WageFigure(
            province=province,
            year=year,
            amount=r.decimal("amount"),
            applies_from=r.day("applies_from"),
            source=r.text("source"),
            reviewed=r.day("reviewed"),
            threshold=r.opt_decimal("threshold"),
            note=r.text("note", required=False),
        )
        problem = check_wage_figure(figure)
        if problem:
            raise r.fail(problem)
        figures[(province, year)] = figure
    by_province: dict[str, list[WageFigure]] = {}
    for w in figures.values():
        by_province.setdefault(w.province, []).append(w)
    for province, rows in by_province.items():
        rows.sort(key=lambda w: w.year)
        _check_increasing(
            file, f"figures of {province} (applies_from by year)", [w.applies_from for w in rows]
        )
    return tuple(sorted(figures.values(), key=lambda w: (w.province, w.year)))


def _parse_courts(path: Path) -> tuple[tuple[Province, ...], tuple[SpecialCourtCode, ...]]:
    file = path.name
    top = _Reader(file, "top level", _read_yaml(path))
    top.only("citation", "reviewed", "provinces", "special_codes")
    provinces: list[Province] = []
    seen_abbr: set[str] = set()
    seen_prefix: set[str] = set()
    for i, entry in enumerate(top.items("provinces")):
        r = _Reader(file, f"provinces[{i}]", entry)
        r.only("abbreviation", "name", "division_prefix")
        abbr = r.text("abbreviation")
        prefix = str(r.raw("division_prefix"))
        if len(abbr) != 1:
            raise r.fail(f"abbreviation {abbr!r} must be one character")
        if len(prefix) != 2 or not prefix.isdigit():
            raise r.fail(f"division_prefix {prefix!r} must be two digits (quote it)")
        if abbr in seen_abbr or prefix in seen_prefix:
            raise r.fail(f"{abbr} / {prefix} listed twice (overlap)")
        seen_abbr.add(abbr)
        seen_prefix.add(prefix)
        provinces.append(Province(abbreviation=abbr, name=r.text("name"), division_prefix=prefix))
    specials = []
    for i, entry in enumerate(top.items("special_codes")):
        r = _Reader(file, f"special_codes[{i}]", entry)
        r.only("code", "name")
        specials.append(SpecialCourtCode(code=r.text("code"), name=r.text("name")))
    return tuple(provinces), tuple(specials)


def load_parameters_from(directory: Path) -> Parameters:
    """Load and validate every parameter file in ``directory`` (no caching)."""
    fees, fraction = _parse_fees(directory / "fees.yaml")
    provinces, specials = _parse_courts(directory / "courts.yaml")
    return Parameters(
        fee_schedules=fees,
        payment_order_divisor=fraction,
        rules=_parse_rules(directory / "rules.yaml"),
        lpr=_parse_lpr(directory / "lpr.yaml"),
        pboc_benchmark=_parse_benchmark(directory / "pboc_benchmark.yaml"),
        holiday_years=_parse_holidays(directory / "holidays.yaml"),
        wages=_parse_wages(directory / "wages.yaml"),
        provinces=provinces,
        special_court_codes=specials,
        sources=("shipped",),
    )


@functools.cache
def load_parameters() -> Parameters:
    """The shipped baseline parameters (cached). Add admin rows with ``.with_extra``."""
    return load_parameters_from(PARAMETERS_DIR)
