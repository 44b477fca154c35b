"""No double-booking under concurrency: two bookings at once, each on its own connection.

Two threads book the same judge (two series) or the same courtroom (two judges, one courtroom)
from the same earliest half-day. On PostgreSQL both read the half-day as free; the partial unique
constraints let one session in and the other booking, refused inside its savepoint, moves on to
the next half-day. On SQLite the writers are serialised; the outcome must be the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Series
from jiefen.hearings.actions.scheduling import book
from jiefen.hearings.models import (
    LIVE_SESSION,
    Courtroom,
    Hearing,
    HearingSession,
    HearingState,
    SessionState,
)
from jiefen.lawdata.selectors import current_calendar


def _in_parallel(jobs: list[Callable[[], Any]]) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def work(job: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            job()
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(j,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _unbook(cases: list[Case]) -> date:
    """Clear the hearings booked at filing; return the first working day after next week."""
    Hearing.objects.filter(case__in=cases).update(state=HearingState.CANCELLED)
    HearingSession.objects.update(state=SessionState.CANCELLED)
    day = min(c.filed_on for c in cases if c.filed_on)
    return current_calendar().next_workday(date.fromordinal(day.toordinal() + 10))


def _assert_no_double_booking() -> None:
    live = HearingSession.objects.filter(LIVE_SESSION)
    judges = list(live.values_list("judge_id", "day", "period"))
    rooms = list(live.values_list("courtroom_id", "day", "period"))
    assert len(judges) == len(set(judges))
    assert len(rooms) == len(set(rooms))


def _run(file_series: Any, clerk: Any, groups: list[list[Case]]) -> None:
    earliest = _unbook([c for g in groups for c in g])
    jobs = [lambda g=g: book(g, earliest=earliest, by=clerk) for g in groups]
    assert _in_parallel(jobs) == []
    _assert_no_double_booking()
    for g in groups:
        live = Hearing.objects.filter(case__in=g, state=HearingState.SCHEDULED)
        assert live.count() == len(g)
        assert live.values("session").distinct().count() == 1


def _two_series(file_series: Any, court: Any, bank: Any) -> list[list[Case]]:
    other = Series.objects.create(
        institution=bank, court=court, case_type="credit_card", product="信用卡"
    )
    return [file_series(3), file_series(3, series=other)]


@pytest.mark.django_db(transaction=True)
def test_one_judge_two_series_at_once_never_share_a_half_day(
    file_series: Any, court: Any, bank: Any, clerk: Any
) -> None:
    groups = _two_series(file_series, court, bank)
    _run(file_series, clerk, groups)
    sessions = list(HearingSession.objects.filter(LIVE_SESSION))
    assert len(sessions) == 2
    assert len({(s.day, s.period) for s in sessions}) == 2  # one judge: two half-days


@pytest.mark.django_db(transaction=True)
def test_two_judges_one_courtroom_at_once_never_share_it(
    file_series: Any, court: Any, bank: Any, clerk: Any, make_user: Any, judge: Any
) -> None:
    groups = _two_series(file_series, court, bank)
    second = make_user(Role.JUDGE, court, full_name="赵法官")
    Case.objects.filter(pk__in=[c.pk for c in groups[1]]).update(judge=second)
    for c in groups[1]:
        c.judge_id = second.pk
    room = Courtroom.objects.filter(court=court).order_by("name").first()
    Courtroom.objects.filter(court=court).exclude(pk=room.pk).update(active=False)  # type: ignore[union-attr]
    _run(file_series, clerk, groups)
    sessions = list(HearingSession.objects.filter(LIVE_SESSION))
    assert len(sessions) == 2 and {s.courtroom_id for s in sessions} == {room.pk}  # type: ignore[union-attr]
    assert {s.judge_id for s in sessions} == {judge.pk, second.pk}
    assert len({(s.day, s.period) for s in sessions}) == 2


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_postgres_many_bookings_of_one_judge_at_once(
    file_series: Any, court: Any, bank: Any, clerk: Any
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: concurrent inserts racing on the partial unique indexes")
    groups = [
        file_series(
            2,
            series=Series.objects.create(
                institution=bank, court=court, case_type="credit_card", product=f"信用卡{i}"
            ),
        )
        for i in range(4)
    ]
    _run(file_series, clerk, groups)
    sessions = list(HearingSession.objects.filter(LIVE_SESSION))
    assert len(sessions) == 4
    assert len({(s.day, s.period) for s in sessions}) == 4


@pytest.mark.django_db(transaction=True)
def test_two_filing_jobs_at_once_do_not_double_book_the_judge(
    make_case: Any, court: Any, bank: Any, series: Series, judge: Any, clerk: Any
) -> None:
    from jiefen.cases.states import State
    from jiefen.docket.actions import file_cases

    other = Series.objects.create(
        institution=bank, court=court, case_type="credit_card", product="信用卡"
    )
    groups = [
        [make_case(series=s, state=State.AWAITING_FILING).pk for _ in range(3)]
        for s in (series, other)
    ]
    jobs = [lambda ids=ids: file_cases(ids, by=clerk) for ids in groups]
    assert _in_parallel(jobs) == []
    assert Case.objects.filter(state=State.FILED).count() == 6
    _assert_no_double_booking()
    sessions = list(HearingSession.objects.filter(LIVE_SESSION))
    assert len(sessions) == 2 and {s.judge_id for s in sessions} == {judge.pk}
    assert len({(s.day, s.period) for s in sessions}) == 2
