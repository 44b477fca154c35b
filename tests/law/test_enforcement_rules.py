"""Enforcement rules: dishonest list (法释〔2017〕7号), freezing periods (民诉解释 Art. 485),
终本 (法〔2016〕373号) and the execution application period (民诉法 Art. 250).

Dates worked by hand against the 2024/2025 State Council holiday notices.
"""

from datetime import date

import pytest

from jiefen.law.enforcement import (
    LISTING_GROUNDS,
    TerminationFacts,
    delisting_deadline,
    freeze_ends,
    listing_ends,
    listing_refusal,
    next_reinquiry,
    reinquiry_schedule,
    termination_refusal,
)
from jiefen.law.errors import CalendarDataMissing, LawError, OutOfTableError
from jiefen.law.periods import HolidayCalendar, execution_application_deadline

CAL = HolidayCalendar.from_params()

# --------------------------------------------------------------------------- dishonest list


def test_the_six_grounds_of_article_1_in_order() -> None:
    assert list(LISTING_GROUNDS) == [
        "able_but_refuses",
        "obstructs",
        "evades",
        "breaks_reporting",
        "breaks_restriction",
        "breaks_settlement",
    ]
    assert LISTING_GROUNDS["able_but_refuses"] == "有履行能力而拒不履行生效法律文书确定义务"
    assert LISTING_GROUNDS["breaks_settlement"] == "无正当理由拒不履行执行和解协议"


@pytest.mark.parametrize("ground", list(LISTING_GROUNDS))
def test_a_minor_is_never_listed(ground: str) -> None:
    reason = listing_refusal(ground=ground, is_minor=True, fully_performed=False, secured=False)
    assert reason is not None
    assert "未成年人" in reason and "第四条" in reason


@pytest.mark.parametrize("ground", ["", "unable_to_pay", "无履行能力"])
def test_inability_to_pay_alone_is_no_ground(ground: str) -> None:
    reason = listing_refusal(ground=ground, is_minor=False, fully_performed=False, secured=False)
    assert reason is not None
    assert "仅因无履行能力不得纳入失信名单" in reason


def test_a_fully_performed_debt_is_not_listed() -> None:
    reason = listing_refusal(
        ground="obstructs", is_minor=False, fully_performed=True, secured=False
    )
    assert reason is not None and "已履行" in reason


def test_security_or_seized_assets_bar_listing_on_ground_one_only() -> None:
    reason = listing_refusal(
        ground="able_but_refuses", is_minor=False, fully_performed=False, secured=True
    )
    assert reason is not None and "担保" in reason and "第三条" in reason
    # Art. 3 reads "不得依据本规定第一条第一项": obstruction is listed even with security.
    assert (
        listing_refusal(ground="obstructs", is_minor=False, fully_performed=False, secured=True)
        is None
    )


@pytest.mark.parametrize("ground", list(LISTING_GROUNDS))
def test_every_ground_lists_an_adult_who_has_not_performed(ground: str) -> None:
    assert (
        listing_refusal(ground=ground, is_minor=False, fully_performed=False, secured=False) is None
    )


@pytest.mark.parametrize(
    ("ground", "listed_on", "years", "ends"),
    [
        ("able_but_refuses", date(2025, 3, 10), None, None),  # until performance
        ("obstructs", date(2025, 3, 10), None, date(2027, 3, 9)),  # 2 years
        ("breaks_settlement", date(2024, 2, 29), None, date(2026, 2, 28)),
        ("evades", date(2025, 3, 10), 1, date(2028, 3, 9)),  # 2 + 1
        ("obstructs", date(2025, 3, 10), 3, date(2030, 3, 9)),  # 2 + 3 = the 5-year maximum
    ],
)
def test_listing_term(ground: str, listed_on: date, years: int | None, ends: date | None) -> None:
    assert listing_ends(ground, listed_on, years=years) == ends


@pytest.mark.parametrize(
    ("ground", "years"),
    [("obstructs", 0), ("obstructs", 4), ("able_but_refuses", 1), ("nope", None)],
)
def test_listing_term_refuses_bad_extension_or_ground(ground: str, years: int | None) -> None:
    with pytest.raises(LawError):
        listing_ends(ground, date(2025, 3, 10), years=years)


@pytest.mark.parametrize(
    ("performed_on", "deadline"),
    [
        (date(2025, 3, 10), date(2025, 3, 13)),  # Mon → Tue, Wed, Thu
        (date(2025, 3, 7), date(2025, 3, 12)),  # Fri → across the weekend: Mon, Tue, Wed
        (date(2024, 9, 30), date(2024, 10, 10)),  # Mon → National Day 1-7 Oct → 8, 9, 10
        (date(2024, 9, 27), date(2024, 10, 8)),  # Fri → make-up Sun 29 Sep, Mon 30, Tue 8 Oct
        (date(2025, 9, 30), date(2025, 10, 11)),  # Tue → 1-8 Oct off → 9, 10, make-up Sat 11
    ],
)
def test_delisting_within_three_working_days(performed_on: date, deadline: date) -> None:
    assert delisting_deadline(performed_on, calendar=CAL) == deadline


def test_delisting_deadline_in_a_year_without_calendar_raises() -> None:
    with pytest.raises(CalendarDataMissing):
        delisting_deadline(date(2026, 12, 30), calendar=CAL)


# --------------------------------------------------------------------------- freezing


@pytest.mark.parametrize(
    ("kind", "starts_on", "ends"),
    [
        ("deposit", date(2025, 3, 10), date(2026, 3, 9)),  # 1 year
        ("wages", date(2025, 3, 10), date(2026, 3, 9)),  # money: the deposit period
        ("vehicle", date(2025, 3, 10), date(2027, 3, 9)),  # movable: 2 years
        ("real_estate", date(2025, 3, 10), date(2028, 3, 9)),  # 3 years
        ("securities", date(2025, 3, 10), date(2028, 3, 9)),  # other property right: 3 years
        ("deposit", date(2024, 2, 29), date(2025, 2, 28)),  # no 29 Feb 2025: month end
        ("deposit", date(2023, 3, 1), date(2024, 2, 29)),  # the day before 2024-03-01
    ],
)
def test_freeze_period_ends_the_day_before_the_anniversary(
    kind: str, starts_on: date, ends: date
) -> None:
    assert freeze_ends(kind, starts_on) == ends


def test_freeze_of_an_unknown_kind_or_before_the_rule_is_refused() -> None:
    with pytest.raises(LawError, match="未知的财产类型"):
        freeze_ends("painting", date(2025, 3, 10))
    with pytest.raises(OutOfTableError):  # the 1/2/3-year periods apply from 2015-02-04
        freeze_ends("deposit", date(2014, 6, 1))


# --------------------------------------------------------------------------- 终本


def facts(**changes: object) -> TerminationFacts:
    base: dict[str, object] = {
        "filed_on": date(2025, 1, 10),
        "as_of": date(2025, 4, 11),
        "notice_issued": True,
        "report_ordered": True,
        "restriction_issued": True,
        "inquiry_done": True,
        "disposable_assets": False,
        "creditor_heard": True,
    }
    base.update(changes)
    return TerminationFacts(**base)  # type: ignore[arg-type]


def test_termination_allowed_when_every_condition_holds() -> None:
    # Filed 2025-01-10: three months end 2025-04-10; 2025-04-11 is "more than three months".
    assert termination_refusal(facts()) is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"notice_issued": False}, "执行通知"),
        ({"report_ordered": False}, "报告财产令"),
        ({"restriction_issued": False}, "限制消费令"),
        ({"inquiry_done": False}, "尚未穷尽财产调查措施"),
        ({"disposable_assets": True}, "可供执行且能够处置的财产"),
        ({"as_of": date(2025, 4, 10)}, "尚未超过3个月（2025年4月10日届满）"),
        ({"creditor_heard": False}, "听取其对终结本次执行程序的意见"),
        # Checked in the order of Art. 1: the notice before the three months.
        ({"notice_issued": False, "as_of": date(2025, 2, 1)}, "第一条第一项"),
    ],
)
def test_termination_refused_with_the_reason(changes: dict[str, object], expected: str) -> None:
    reason = termination_refusal(facts(**changes))
    assert reason is not None
    assert expected in reason


def test_three_months_from_the_end_of_november_ends_on_28_february() -> None:
    filed = date(2024, 11, 30)
    assert termination_refusal(facts(filed_on=filed, as_of=date(2025, 2, 28))) is not None
    assert termination_refusal(facts(filed_on=filed, as_of=date(2025, 3, 1))) is None


def test_reinquiry_every_six_months_for_five_years() -> None:
    assert reinquiry_schedule(date(2025, 3, 31)) == (
        date(2025, 9, 30),
        date(2026, 3, 31),
        date(2026, 9, 30),
        date(2027, 3, 31),
        date(2027, 9, 30),
        date(2028, 3, 31),
        date(2028, 9, 30),
        date(2029, 3, 31),
        date(2029, 9, 30),
        date(2030, 3, 31),
    )
    # Counted from the termination day each time, not from the previous inquiry.
    assert reinquiry_schedule(date(2024, 8, 31))[:2] == (date(2025, 2, 28), date(2025, 8, 31))


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (date(2025, 3, 31), date(2025, 9, 30)),
        (date(2025, 9, 29), date(2025, 9, 30)),
        (date(2025, 9, 30), date(2026, 3, 31)),
        (date(2030, 3, 30), date(2030, 3, 31)),
        (date(2030, 3, 31), None),
    ],
)
def test_next_reinquiry(after: date, expected: date | None) -> None:
    assert next_reinquiry(date(2025, 3, 31), after) == expected


# --------------------------------------------------------------------------- application


def test_execution_application_period_is_two_years() -> None:
    # 2026-06-30 is a Tuesday, a working day.
    assert execution_application_deadline(date(2024, 6, 30), calendar=CAL) == date(2026, 6, 30)
    # 2025-10-01 falls in the National Day holiday (1-8 Oct 2025): moved to Thursday 9 Oct.
    assert execution_application_deadline(date(2023, 10, 1), calendar=CAL) == date(2025, 10, 9)
