"""The dated parameter files and their strict loader."""

import csv
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jiefen.law import HolidayDay, LprFixing, ParameterError, WageFigure, load_parameters
from jiefen.law.parameters import PARAMETERS_DIR, load_parameters_from

REFERENCE = Path(__file__).resolve().parents[3] / "shared" / "reference"


def test_shipped_parameters_load() -> None:
    p = load_parameters()
    assert set(p.fee_schedules) == {"acceptance", "execution", "preservation"}
    assert p.lpr_valid_through == date(2026, 3, 31)
    assert p.province_by_abbreviation("内") is not None
    assert p.province_by_abbreviation("蒙") is None
    assert len(p.provinces) == 31
    assert 2027 in p.holiday_years and not p.holiday_years[2027].complete
    for schedules in p.fee_schedules.values():
        for s in schedules:
            assert s.citation and s.reviewed


@pytest.mark.skipif(not (REFERENCE / "lpr.csv").exists(), reason="shared reference not checked out")
def test_lpr_table_is_the_whole_reference_csv() -> None:
    with (REFERENCE / "lpr.csv").open(encoding="utf-8") as fh:
        rows = [
            (
                date.fromisoformat(r["effective_from"]),
                Decimal(r["lpr_1y_percent"]),
                Decimal(r["lpr_5y_percent"]),
            )
            for r in csv.DictReader(fh)
        ]
    assert [(f.effective_from, f.lpr_1y, f.lpr_5y) for f in load_parameters().lpr] == rows


@pytest.mark.skipif(
    not (REFERENCE / "pboc_benchmark.csv").exists(), reason="shared reference not checked out"
)
def test_benchmark_table_is_the_reference_csv() -> None:
    with (REFERENCE / "pboc_benchmark.csv").open(encoding="utf-8") as fh:
        rows = [tuple(r.values()) for r in csv.DictReader(fh)]
    shipped = [
        (b.effective_from.isoformat(), f"{b.within_1y}", f"{b.from_1y_to_5y}", f"{b.over_5y}")
        for b in load_parameters().pboc_benchmark
    ]
    assert shipped == rows


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "parameters"
    shutil.copytree(PARAMETERS_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


def _edit(directory: Path, name: str, old: str, new: str) -> None:
    path = directory / name
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        (
            "fees.yaml",
            'rate_percent: "2.5"',
            "rate_percent: 2.5",
            r"fees.yaml: schedules.acceptance\[0\].brackets\[1\].*float",
        ),
        ("fees.yaml", 'up_to: "200000"', 'up_to: "90000"', r"fees.yaml: .*brackets\[2\].*overlap"),
        (
            "fees.yaml",
            "      reviewed: 2026-03-31\n",
            "",
            r"fees.yaml: schedules.acceptance\[0\]: missing 'reviewed'",
        ),
        (
            "fees.yaml",
            "  acceptance:\n",
            "  acceptance:\n    - bogus: 1\n",
            r"fees.yaml: schedules.acceptance\[0\]: unknown key",
        ),
        (
            "lpr.yaml",
            "effective_from: 2019-09-20",
            "effective_from: 2019-08-20",
            r"lpr.yaml: fixings: entry effective 2019-08-20 overlaps",
        ),
        (
            "lpr.yaml",
            'lpr_1y: "4.25"',
            'lpr_1y: "four"',
            r"lpr.yaml: fixings\[0\]: 'lpr_1y' is not a decimal",
        ),
        (
            "pboc_benchmark.yaml",
            "effective_from: 2015-03-01",
            "effective_from: 2016-03-01",
            r"pboc_benchmark.yaml: rates: .*overlaps",
        ),
        (
            "rules.yaml",
            "effective_from: 2022-01-01, value: 30",
            "effective_from: 1991-04-09, value: 30",
            r"rules.yaml: rules.public_notice_days: .*overlaps",
        ),
        (
            "holidays.yaml",
            "    days: []",
            "    days:\n      - {date: 2027-01-01, holiday: true}\n      - {date: 2027-01-01, holiday: true}",
            r"holidays.yaml: year 2027 days\[1\]: 2027-01-01 listed twice",
        ),
        (
            "holidays.yaml",
            "    complete: false",
            "    complete: true",
            r"holidays.yaml: year 2027: a complete year needs its 'source'",
        ),
        (
            "wages.yaml",
            '    year: 2024\n    amount: "117546"',
            '    year: 2023\n    amount: "117546"',
            r"wages.yaml: figures\[1\] \(重庆市 2023\): province and year listed twice",
        ),
        (
            "wages.yaml",
            "applies_from: 2025-06-23",
            "applies_from: 2024-06-23",
            r"wages.yaml: figures\[1\] \(重庆市 2024\): applies_from",
        ),
        (
            "courts.yaml",
            '{abbreviation: 黔, name: 贵州省, division_prefix: "52"}',
            '{abbreviation: 渝, name: 贵州省, division_prefix: "52"}',
            r"courts.yaml: provinces\[23\]: .*overlap",
        ),
    ],
)
def test_loader_refuses_malformed_or_overlapping_files(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    directory = _copy(tmp_path)
    _edit(directory, file, old, new)
    with pytest.raises(ParameterError, match=message):
        load_parameters_from(directory)


def test_not_yaml_is_refused(tmp_path: Path) -> None:
    directory = _copy(tmp_path)
    (directory / "rules.yaml").write_text("rules: [unclosed", encoding="utf-8")
    with pytest.raises(ParameterError, match=r"rules\.yaml: not valid YAML"):
        load_parameters_from(directory)


def test_extra_rows_that_contradict_the_baseline_are_refused() -> None:
    p = load_parameters()
    with pytest.raises(ParameterError, match=r"admin: LPR fixing 2025-07-21"):
        p.with_extra(
            lpr=[
                LprFixing(
                    date(2025, 7, 21), Decimal("3.10"), Decimal("3.50"), reviewed=date(2026, 4, 1)
                )
            ]
        )
    with pytest.raises(ParameterError, match="contradicts"):
        p.with_extra(
            wages=[
                WageFigure("重庆市", 2024, Decimal(1), date(2025, 7, 1), "x", date(2025, 7, 1)),
            ]
        )
    with pytest.raises(
        ParameterError, match=r"holiday-calendar day 2024-10-01 .*published calendar"
    ):
        p.with_extra(holidays=[HolidayDay(date(2024, 10, 1), False)])
    with pytest.raises(ParameterError, match="holiday-calendar day 2027-01-01"):
        p.with_extra(
            holidays=[HolidayDay(date(2027, 1, 1), True), HolidayDay(date(2027, 1, 1), False)]
        )


def test_extra_rows_that_repeat_the_baseline_are_harmless() -> None:
    p = load_parameters()
    same = p.with_extra(
        lpr=[
            LprFixing(
                date(2025, 7, 21), Decimal("3.00"), Decimal("3.50"), reviewed=date(2026, 3, 31)
            )
        ]
    )
    assert same.lpr == p.lpr
    assert p.with_extra().lpr == p.lpr
