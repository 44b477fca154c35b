"""Taking effect: each party's appeal period from its own service date, appeals, the sweep."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from jiefen.accounts.models import Role, User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, CaseEvent, IdType, Party, Procedure
from jiefen.cases.states import State
from jiefen.judgments.actions.effect import file_appeal, refresh_appeal_periods, take_effect_due
from jiefen.judgments.models import DecisionState, Judgment
from jiefen.judgments.selectors import party_periods
from jiefen.lawdata.selectors import current_calendar
from judgments.decision_setup import pronounced, serve

GUARANTOR = [{"name": "周保", "kind": "joint"}]


def _reload(j: Judgment) -> Judgment:
    return Judgment.objects.select_related("case").get(pk=j.pk)


def test_each_party_has_its_own_deadline_and_appeal_ends_is_the_latest(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(name="张三", guarantors=GUARANTOR)
    j = pronounced(
        case,
        by=judge,
        served={"张三": date(2025, 9, 1), "周保": None},
        claimant_on=date(2025, 9, 1),
    )
    refresh_appeal_periods([case.pk])
    assert _reload(j).appeal_ends is None  # the guarantor is not served yet
    serve(case, "周保", date(2025, 9, 9), "judgment")
    refresh_appeal_periods([case.pk])
    j = _reload(j)
    deadlines = {p.name: p.deadline for p in party_periods(j, calendar=current_calendar())}
    # 2025-09-01 + 15 = 09-16 (Tue); 2025-09-09 + 15 = 09-24 (Wed).
    assert deadlines == {
        "长江银行股份有限公司重庆分行": date(2025, 9, 16),
        "张三": date(2025, 9, 16),
        "周保": date(2025, 9, 24),
    }
    assert j.appeal_ends == date(2025, 9, 24)


def test_a_last_day_in_the_national_day_holiday_moves_to_the_next_working_day(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    # legal-rules §2 example 1: served Fri 2024-09-20, day 15 is 2024-10-05 → 2024-10-08.
    case = make_heard_case(name="张三")
    j = pronounced(
        case, by=judge, served={"张三": date(2024, 9, 20)}, claimant_on=date(2024, 9, 20)
    )
    refresh_appeal_periods([case.pk])
    assert _reload(j).appeal_ends == date(2024, 10, 8)


def test_a_party_with_no_domicile_in_china_has_thirty_days(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(name="John Smith")
    Party.objects.filter(name="John Smith").update(id_type=IdType.OTHER, domicile_division="")
    j = pronounced(
        case, by=judge, served={"John Smith": date(2025, 9, 1)}, claimant_on=date(2025, 9, 1)
    )
    refresh_appeal_periods([case.pk])
    periods = {p.name: p for p in party_periods(_reload(j), calendar=current_calendar())}
    assert periods["John Smith"].abroad and periods["John Smith"].deadline == date(2025, 10, 9)
    # 2025-09-01 + 30 = 10-01, inside the National Day holiday (10-01…10-08) → 10-09.
    assert _reload(j).appeal_ends == date(2025, 10, 9)


def _defendant_user(make_user: Callable[..., User], name: str) -> User:
    return make_user(Role.DEFENDANT, None, party=Party.objects.get(name=name))


def test_an_appeal_after_the_partys_own_deadline_is_refused_with_the_date(
    make_heard_case: Callable[..., Case], judge: User, make_user: Callable[..., User]
) -> None:
    case = make_heard_case(name="张三", guarantors=GUARANTOR)
    j = pronounced(
        case,
        by=judge,
        served={"张三": date(2025, 9, 1), "周保": date(2025, 9, 9)},
        claimant_on=date(2025, 9, 1),
    )
    borrower = _defendant_user(make_user, "张三")
    with pytest.raises(TransitionRefused) as refused:
        file_appeal(_reload(j), filed_on=date(2025, 9, 20), by=borrower)
    assert "2025-09-16届满" in str(refused.value) and case.case_number in str(refused.value)
    assert Case.objects.get(pk=case.pk).state == State.JUDGED


def test_a_timely_appeal_moves_the_case_and_blocks_taking_effect(
    make_heard_case: Callable[..., Case], judge: User, make_user: Callable[..., User]
) -> None:
    case = make_heard_case(name="张三", guarantors=GUARANTOR)
    j = pronounced(
        case,
        by=judge,
        served={"张三": date(2025, 9, 1), "周保": date(2025, 9, 9)},
        claimant_on=date(2025, 9, 1),
    )
    guarantor = _defendant_user(make_user, "周保")
    # 09-20 is late for the borrower (09-16) but inside the guarantor's own period (09-24).
    appeal = file_appeal(_reload(j), filed_on=date(2025, 9, 20), by=guarantor)
    assert (appeal.appellant, appeal.deadline) == ("周保", date(2025, 9, 24))
    assert Case.objects.get(pk=case.pk).state == State.APPEALED
    assert _reload(j).state == DecisionState.APPEALED
    take_effect_due(date(2025, 10, 10))
    j = _reload(j)
    assert j.state == DecisionState.APPEALED and j.effective_on is None


def test_the_sweep_makes_the_judgment_effective_once_and_dates_performance(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    case = make_heard_case(name="张三", guarantors=GUARANTOR)
    j = pronounced(
        case,
        by=judge,
        served={"张三": date(2025, 9, 1), "周保": date(2025, 9, 9)},
        claimant_on=date(2025, 9, 1),
    )
    assert take_effect_due(date(2025, 9, 24))["judgments"] == 0  # last day of the period
    assert take_effect_due(date(2025, 9, 25))["judgments"] == 1
    j = _reload(j)
    assert j.state == DecisionState.EFFECTIVE
    assert j.effective_on == date(2025, 9, 25)
    # 于本判决生效之日起十日内: 09-25 … 10-04, a holiday → first working day 2025-10-09.
    assert j.performance_ends == date(2025, 10, 9)
    assert not j.enforceable
    again = take_effect_due(date(2025, 9, 26))
    assert again["judgments"] == 0
    assert CaseEvent.objects.filter(case=case, transition="take_effect").count() == 1
    assert Case.objects.get(pk=case.pk).state == State.EFFECTIVE
    take_effect_due(date(2025, 10, 9))
    assert not _reload(j).enforceable
    take_effect_due(date(2025, 10, 10))
    assert _reload(j).enforceable


def test_a_small_claims_judgment_is_final_on_service_to_all(
    make_heard_case: Callable[..., Case], judge: User, make_user: Callable[..., User]
) -> None:
    case = make_heard_case(name="张三", procedure=Procedure.SMALL_CLAIMS)
    j = pronounced(case, by=judge, served={"张三": None}, claimant_on=date(2025, 9, 1))
    assert take_effect_due(date(2025, 9, 2))["small_claims"] == 0
    serve(case, "张三", date(2025, 9, 3), "judgment")
    with pytest.raises(TransitionRefused, match="一审终审"):
        file_appeal(_reload(j), filed_on=date(2025, 9, 4), by=_defendant_user(make_user, "张三"))
    assert take_effect_due(date(2025, 9, 4))["small_claims"] == 1
    j = _reload(j)
    assert (j.state, j.effective_on, j.appeal_ends) == (
        DecisionState.EFFECTIVE,
        date(2025, 9, 3),
        None,
    )
    assert j.performance_ends == date(2025, 9, 12)


def test_only_parties_of_the_case_and_its_staff_may_appeal(
    make_heard_case: Callable[..., Case], judge: User, make_user: Callable[..., User], agent: Any
) -> None:
    case = make_heard_case(name="张三")
    j = pronounced(case, by=judge, served={"张三": date(2025, 9, 1)}, claimant_on=date(2025, 9, 1))
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        file_appeal(_reload(j), filed_on=date(2025, 9, 2), by=judge)
    appeal = file_appeal(_reload(j), filed_on=date(2025, 9, 2), by=agent)
    assert appeal.party is None and appeal.appellant == "长江银行股份有限公司重庆分行"


def test_the_scheduled_sweep_acts_for_its_slots_date(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from jiefen.judgments.tasks import decisions_sweep_task
    from jiefen.scheduling.schedule import DAILY_SWEEPS

    assert decisions_sweep_task in DAILY_SWEEPS
    case = make_heard_case(name="张三")
    j = pronounced(case, by=judge, served={"张三": date(2025, 9, 1)}, claimant_on=date(2025, 9, 1))
    slot = int(datetime(2025, 9, 17, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai")).timestamp())
    assert decisions_sweep_task.call(slot)["judgments"] == 1
    assert _reload(j).effective_on == date(2025, 9, 17)
