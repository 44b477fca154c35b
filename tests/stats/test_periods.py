"""Reporting periods: years, quarters and months as half-open date ranges (jiefen.stats.periods)."""

from datetime import date

import pytest

from jiefen.stats.periods import Period, months, parse_period


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026", date(2026, 1, 1), date(2027, 1, 1), "2026"),
        ("2026-Q1", date(2026, 1, 1), date(2026, 4, 1), "2026-Q1"),
        ("2026-q4", date(2026, 10, 1), date(2027, 1, 1), "2026-Q4"),
        ("2026-11", date(2026, 11, 1), date(2026, 12, 1), "2026-11"),
        ("2026-12", date(2026, 12, 1), date(2027, 1, 1), "2026-12"),
        ("2026-2", date(2026, 2, 1), date(2026, 3, 1), "2026-02"),
        (" 2025-07 ", date(2025, 7, 1), date(2025, 8, 1), "2025-07"),
    ],
)
def test_parse_period(text: str, start: date, end: date, label: str) -> None:
    assert parse_period(text) == Period(start, end, label)


def test_last_day_and_membership() -> None:
    feb = parse_period("2028-02")  # a leap year
    assert feb.last == date(2028, 2, 29)
    assert date(2028, 2, 29) in feb
    assert date(2028, 3, 1) not in feb
    assert date(2028, 1, 31) not in feb


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-13", "月份应为 1 至 12"),
        ("2026-00", "月份应为 1 至 12"),
        ("2026-Q5", "应为年份"),
        ("26-11", "应为年份"),
        ("十一月", "应为年份"),
        ("", "应为年份"),
    ],
)
def test_bad_periods_say_why_in_chinese(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_period(text)
    assert f"统计期间「{text.strip()}」有误" in str(err.value)
    assert reason in str(err.value)


def test_months_of_a_quarter_and_a_year() -> None:
    q4 = months(parse_period("2026-Q4"))
    assert [m.label for m in q4] == ["2026-10", "2026-11", "2026-12"]
    assert q4[-1] == Period(date(2026, 12, 1), date(2027, 1, 1), "2026-12")
    year = months(parse_period("2026"))
    assert len(year) == 12
    assert year[1] == Period(date(2026, 2, 1), date(2026, 3, 1), "2026-02")
    assert months(parse_period("2026-11")) == [parse_period("2026-11")]


def test_a_span_runs_from_the_first_start_to_the_last_end() -> None:
    span = parse_period("2026-12~2027-09")
    assert span == Period(date(2026, 12, 1), date(2027, 10, 1), "2026-12~2027-09")
    assert len(months(span)) == 10
    years = parse_period("2025~2026")
    assert (years.start, years.end) == (date(2025, 1, 1), date(2027, 1, 1))
    assert parse_period("2026-Q4~2027-Q1").end == date(2027, 4, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2027-01~2026-12", "截止期间早于起始期间"),
        ("2026~十二月", "起止两端应为年份、季度或月份"),
        ("2026~2027~2028", "应为年份"),
    ],
)
def test_bad_spans_say_why(text: str, reason: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_period(text)
    assert f"统计期间「{text}」有误" in str(err.value)
    assert reason in str(err.value)
