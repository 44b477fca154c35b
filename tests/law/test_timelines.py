"""Evidence periods, hearing lead, limitation and mediation periods as dated parameters.

Expected values are the figures of the law, written here independently of the YAML.
"""

from datetime import date

import pytest

from jiefen.law import (
    CalendarDataMissing,
    HolidayCalendar,
    TimingPolicy,
    earliest_hearing_day,
    evidence_period,
    limitation_ends,
    limitation_months,
    load_parameters,
    mediation_days,
    minimum_hearing_lead_days,
)
from jiefen.law.policies import CourtPolicy

CAL = HolidayCalendar.from_params()
FILED = date(2025, 7, 1)


@pytest.mark.parametrize(
    ("procedure", "days", "bound", "article"),
    [
        ("ordinary", 15, "at_least", "第九十九条"),  # 民诉解释 Art. 99: 不得少于十五日
        ("summary", 15, "at_most", "第二百六十六条"),  # Arts. 99, 266: 不得超过十五日
        ("small_claims", 7, "at_most", "第二百七十五条"),  # Arts. 99, 275: 一般不得超过七日
    ],
)
def test_evidence_period_per_procedure(procedure: str, days: int, bound: str, article: str) -> None:
    period = evidence_period(procedure, as_of=FILED)
    assert (period.days, period.bound) == (days, bound)
    assert article in period.citation


def test_unknown_procedure_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown procedure"):
        evidence_period("special", as_of=FILED)


def test_legal_minimum_lead_is_service_window_plus_answer_period() -> None:
    """民诉法 Art. 128: complaint copy within 5 days, then 15 days to answer → 20."""
    for procedure in ("ordinary", "summary", "small_claims"):
        assert minimum_hearing_lead_days(procedure, as_of=FILED) == 20


def test_hearing_lead_is_the_courts_policy_on_a_working_day() -> None:
    # 2025-07-01 + 35 = Tuesday 2025-08-05.
    assert earliest_hearing_day(FILED, "summary", calendar=CAL) == date(2025, 8, 5)
    # 2024-08-27 + 35 = 2024-10-01 (National Day) → first working day 2024-10-08.
    assert earliest_hearing_day(date(2024, 8, 27), "summary", calendar=CAL) == date(2024, 10, 8)


def test_a_short_lead_never_cuts_the_answer_period() -> None:
    # Served by 2025-07-06, answer period ends 2025-07-21 → hearing from 2025-07-22.
    assert earliest_hearing_day(FILED, "ordinary", lead_days=1, calendar=CAL) == date(2025, 7, 22)
    # Served by 2024-09-20; day 15 is 2024-10-05 in the National Day holiday → the answer
    # period ends 2024-10-08 (legal-rules.md §2 example 1) → hearing from 2024-10-09.
    day = earliest_hearing_day(date(2024, 9, 15), "small_claims", lead_days=1, calendar=CAL)
    assert day == date(2024, 10, 9)


def test_a_hearing_in_a_year_without_calendar_is_an_error_naming_the_year() -> None:
    with pytest.raises(CalendarDataMissing) as info:
        earliest_hearing_day(date(2026, 12, 1), "summary", calendar=CAL)  # → 2027-01-05
    assert info.value.year == 2027
    assert "2027年节假日安排尚未录入" in str(info.value)
    assert "节假日年度安排" in str(info.value)


def test_limitation_period_is_three_years() -> None:
    """民法典 Art. 188 (民法总则 from 2017-10-01); two years under 民法通则 Art. 135 before."""
    current = limitation_months(as_of=date(2025, 7, 1))
    assert current.value == 36
    assert "第一百八十八条" in current.citation
    assert limitation_months(as_of=date(2016, 1, 1)).value == 24
    assert limitation_ends(date(2022, 3, 31), as_of=date(2025, 7, 1)) == date(2025, 3, 31)


def test_mediation_period_is_thirty_days() -> None:
    """特邀调解规定 Art. 19: 委派调解和委托调解的期限为三十日."""
    assert mediation_days(as_of=FILED) == 30


@pytest.mark.parametrize(
    "key",
    [
        "complaint_service_days",
        "evidence_days_ordinary",
        "evidence_days_summary",
        "evidence_days_small_claims",
        "limitation_months",
        "mediation_days",
    ],
)
def test_every_period_has_a_citation_and_a_review_date(key: str) -> None:
    for value in load_parameters().rules[key]:
        assert value.citation.strip()
        assert value.reviewed >= value.effective_from


def test_timing_policy_defaults_and_round_trip() -> None:
    assert TimingPolicy() == TimingPolicy(hearing_lead_days=35, instalment_grace_days=10)
    policy = CourtPolicy.from_dict({"hearing_lead_days": 28, "instalment_grace_days": 5})
    assert policy.timing == TimingPolicy(28, 5)
    assert CourtPolicy.from_dict(policy.to_dict()) == policy
    for bad in (
        {"hearing_lead_days": 0},
        {"hearing_lead_days": "35"},
        {"instalment_grace_days": -1},
    ):
        with pytest.raises(ValueError):
            CourtPolicy.from_dict(bad)
