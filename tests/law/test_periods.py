"""Periods (民诉法 Art. 85): start day excluded, last day moved past rest days, with
holiday edge cases and the editable table for years chinesecalendar lacks."""

from datetime import date

import pytest

from jiefen.law import (
    CalendarDataMissing,
    HolidayCalendar,
    HolidayDay,
    HolidayYear,
    add_days,
    add_months,
    answer_deadline,
    appeal_deadline,
    execution_application_deadline,
    judicial_confirmation_deadline,
    load_parameters,
    payment_order_objection_deadline,
    period_in_days,
    public_notice_served_on,
    trial_time_limit,
)

CAL = HolidayCalendar.from_params()


def test_reference_example_appeal_into_national_day() -> None:
    period = period_in_days(date(2024, 9, 20), 15, calendar=CAL)
    assert period.nominal_end == date(2024, 10, 5)
    assert period.deadline == date(2024, 10, 8)
    assert period.moved
    assert appeal_deadline(date(2024, 9, 20), calendar=CAL) == date(2024, 10, 8)


def test_reference_example_public_notice_then_answer() -> None:
    served = public_notice_served_on(date(2025, 3, 3), calendar=CAL)
    assert served == date(2025, 4, 2)
    assert answer_deadline(served, calendar=CAL) == date(2025, 4, 17)


def test_public_notice_was_60_days_before_2022() -> None:
    assert public_notice_served_on(date(2021, 3, 1), calendar=CAL) == date(2021, 4, 30)


@pytest.mark.parametrize(
    ("event", "days", "deadline", "why"),
    [
        (date(2024, 9, 27), 15, date(2024, 10, 12), "ends on a make-up Saturday: stays"),
        (date(2024, 9, 16), 15, date(2024, 10, 8), "ends on 10-01, first day of National Day"),
        (date(2024, 9, 22), 15, date(2024, 10, 8), "ends on 10-07, last day of National Day"),
        (date(2024, 12, 17), 15, date(2025, 1, 2), "ends on New Year's Day"),
        (
            date(2023, 12, 15),
            15,
            date(2024, 1, 2),
            "Saturday, Sunday, New Year across the year end",
        ),
        (date(2025, 1, 11), 15, date(2025, 1, 26), "make-up Sunday before Spring Festival stays"),
        (date(2024, 6, 14), 15, date(2024, 7, 1), "plain Saturday 06-29 → Monday"),
        (date(2024, 6, 14), 0, date(2024, 6, 14), "zero days"),
    ],
)
def test_holiday_edge_cases(event: date, days: int, deadline: date, why: str) -> None:
    assert add_days(event, days, calendar=CAL) == deadline, why


def test_named_periods() -> None:
    assert appeal_deadline(date(2024, 3, 1), kind="ruling", calendar=CAL) == date(2024, 3, 11)
    assert appeal_deadline(date(2024, 3, 1), domiciled_abroad=True, calendar=CAL) == date(
        2024, 4, 1
    )
    assert answer_deadline(date(2024, 3, 1), domiciled_abroad=True, calendar=CAL) == date(
        2024, 4, 1
    )
    assert payment_order_objection_deadline(date(2024, 3, 1), calendar=CAL) == date(2024, 3, 18)
    assert judicial_confirmation_deadline(date(2024, 3, 1), calendar=CAL) == date(2024, 4, 1)
    assert execution_application_deadline(date(2023, 6, 30), calendar=CAL) == date(2025, 6, 30)
    # 2024-02-29 + 2 years → 2026-02-28 (no corresponding day): a make-up working Saturday
    assert execution_application_deadline(date(2024, 2, 29), calendar=CAL) == date(2026, 2, 28)
    # 2023-02-28 + 2 years → 2025-02-28, a Friday
    assert execution_application_deadline(date(2023, 2, 28), calendar=CAL) == date(2025, 2, 28)


def test_months_use_the_corresponding_day_or_the_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1, calendar=CAL) == date(2024, 2, 29)
    assert add_months(date(2024, 3, 15), 1, calendar=CAL) == date(2024, 4, 15)
    assert add_months(date(2024, 8, 31), 1, calendar=CAL) == date(2024, 9, 30)


@pytest.mark.parametrize(
    ("procedure", "ends", "extended"),
    [
        ("ordinary", date(2024, 7, 31), date(2025, 1, 31)),
        ("summary", date(2024, 4, 30), date(2024, 5, 31)),
        ("small_claims", date(2024, 3, 31), date(2024, 4, 30)),
    ],
)
def test_trial_time_limits(procedure: str, ends: date, extended: date) -> None:
    limit = trial_time_limit(date(2024, 1, 31), procedure)  # type: ignore[arg-type]
    assert (limit.ends_on, limit.extended_ends_on) == (ends, extended)


def test_year_without_calendar_data_raises_with_the_nominal_date() -> None:
    with pytest.raises(CalendarDataMissing) as info:
        add_days(date(2026, 12, 20), 15, calendar=CAL)
    assert info.value.year == 2027
    assert info.value.nominal_date == date(2027, 1, 4)
    assert not CAL.covers(2027)
    assert CAL.covers(2026)


def test_two_year_execution_period_into_an_unpublished_year_raises() -> None:
    with pytest.raises(CalendarDataMissing):
        execution_application_deadline(date(2025, 6, 30), calendar=CAL)


def _calendar_2027(complete: bool) -> HolidayCalendar:
    params = load_parameters().with_extra(
        holiday_years=[
            HolidayYear(2027, complete=complete, source="国办发明电〔2026〕X号 (test data)")
        ],
        holidays=[
            HolidayDay(date(2027, 1, 1), True, "元旦"),
            HolidayDay(date(2027, 1, 2), True, "元旦"),
            HolidayDay(date(2027, 1, 3), True, "元旦"),
            HolidayDay(date(2027, 2, 6), False, "春节调休"),
        ],
    )
    return HolidayCalendar.from_params(params)


def test_admin_entered_year_is_used_once_complete() -> None:
    cal = _calendar_2027(complete=True)
    assert add_days(date(2026, 12, 17), 15, calendar=cal) == date(2027, 1, 4)
    assert cal.is_workday(date(2027, 2, 6))  # make-up Saturday
    assert not cal.is_workday(date(2027, 2, 7))  # plain Sunday
    assert cal.is_workday(date(2027, 3, 3))


def test_incomplete_year_still_raises() -> None:
    cal = _calendar_2027(complete=False)
    with pytest.raises(CalendarDataMissing):
        cal.is_workday(date(2027, 1, 4))


def test_admin_days_agreeing_with_the_package_are_accepted() -> None:
    params = load_parameters().with_extra(holidays=[HolidayDay(date(2024, 10, 1), True, "国庆节")])
    cal = HolidayCalendar.from_params(params)
    assert not cal.is_workday(date(2024, 10, 1))
    assert cal.holiday_name(date(2024, 10, 1)) == "国庆节"
