"""Booking hearings: filing books through the one scheduler, sessions by policy, working days
only, never past the trial time limit, never on a guessed calendar, online join links."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import chinese_calendar
import pytest
from django.conf import settings
from django.utils import timezone
from pypdf import PdfReader

from jiefen.cases.actions import TransitionRefused
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases
from jiefen.docket.models import Filing
from jiefen.docket.paperwork import hearing_occasion
from jiefen.documents.models import StoredDocument
from jiefen.hearings.actions.scheduling import book
from jiefen.hearings.models import Courtroom, Hearing, HearingSession, HearingState, SessionState
from jiefen.hearings.selectors import live_hearing, series_sessions
from jiefen.law.errors import CalendarDataMissing
from jiefen.lawdata.models import CourtLawPolicy, HolidayYear


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment)


def _pdf_text(doc: StoredDocument) -> str:
    reader = PdfReader(doc.absolute_path)
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_filing_books_one_session_with_seats_by_the_court_policy(
    file_series: Any, court: Any, judge: Any
) -> None:
    cases = file_series(3)
    hearings = [live_hearing(c) for c in cases]
    assert all(h is not None for h in hearings)
    sessions = {h.session_id for h in hearings if h}
    assert len(sessions) == 1
    session = HearingSession.objects.get(pk=sessions.pop())
    assert session.judge_id == judge.pk and session.series_id == cases[0].series_id
    assert session.capacity == 30 and session.minutes_per_case == 6
    assert _local(session.starts_at).time() == time(9, 0)
    assert [(_local(h.starts_at).time(), h.position) for h in hearings if h] == [
        (time(9, 0), 1),
        (time(9, 6), 2),
        (time(9, 12), 3),
    ]
    for case, hearing in zip(cases, hearings, strict=True):
        assert hearing is not None
        filing = Filing.objects.get(case=case)
        assert filing.hearing_at == hearing.starts_at
        assert filing.hearing_place == session.courtroom.name
        assert hearing.summons_for == hearing_occasion(filing)
        summons = StoredDocument.objects.get(
            case=case, kind="summons", issued_for=hearing.summons_for
        )
        assert session.courtroom.name in _pdf_text(summons)
    assert list(series_sessions(cases[0].series_id)) == [session]


def test_sessions_overflow_by_policy_and_skip_the_national_day_holiday(
    file_series: Any, court: Any
) -> None:
    CourtLawPolicy.objects.create(
        court=court, session_cases=2, minutes_per_case=10, afternoon_start=time(14, 0)
    )
    # Filed 2025-09-01: the 35-day lead ends 2025-10-06, inside the National Day holiday
    # (10-01…10-08); the first working day after it is Thursday 2025-10-09.
    cases = file_series(5, filed_on=date(2025, 9, 1))
    hearings = Hearing.objects.filter(case__in=cases).order_by("starts_at")
    assert [(_local(h.starts_at).strftime("%m-%d %H:%M"), h.position) for h in hearings] == [
        ("10-09 09:00", 1),
        ("10-09 09:10", 2),
        ("10-09 14:00", 1),
        ("10-09 14:10", 2),
        ("10-10 09:00", 1),
    ]
    assert all(chinese_calendar.is_workday(h.session.day) for h in hearings)
    assert HearingSession.objects.count() == 3


def test_a_second_filing_job_continues_the_session_and_another_series_takes_another_half_day(
    file_series: Any, court: Any, bank: Any, judge: Any
) -> None:
    from jiefen.cases.models import Series

    first = file_series(2)
    second = file_series(2)  # same series, same judge, later the same day
    other = Series.objects.create(
        institution=bank, court=court, case_type="credit_card", product="信用卡"
    )
    third = file_series(2, series=other)
    positions = [live_hearing(c).position for c in first + second]  # type: ignore[union-attr]
    assert positions == [1, 2, 3, 4]
    sessions = list(HearingSession.objects.order_by("day", "period"))
    assert len(sessions) == 2
    assert {s.series_id for s in sessions} == {first[0].series_id, other.pk}
    assert len({(s.judge_id, s.day, s.period) for s in sessions}) == 2
    assert live_hearing(third[0]).session.series_id == other.pk  # type: ignore[union-attr]


def test_a_court_without_an_active_courtroom_refuses_filing(
    make_case: Any, court: Any, judge: Any, clerk: Any
) -> None:
    Courtroom.objects.filter(court=court).update(active=False)
    case = make_case(state=State.AWAITING_FILING)
    with pytest.raises(TransitionRefused, match=r"没有启用的法庭.*管理后台「法庭」"):
        file_cases([case.pk], by=clerk)
    case.refresh_from_db()
    assert case.state == State.AWAITING_FILING and case.case_number is None
    assert not Filing.objects.exists() and not HearingSession.objects.exists()


def test_booking_beyond_the_trial_time_limit_is_refused(file_series: Any, clerk: Any) -> None:
    cases = file_series(2)
    Hearing.objects.filter(case__in=cases).update(state=HearingState.CANCELLED)
    limit_day = cases[0].filed_on + timedelta(days=200)  # small claims / summary: 2-3 months
    before = HearingSession.objects.count()
    with pytest.raises(TransitionRefused) as refused:
        book(cases, earliest=limit_day, by=clerk)
    assert f"{cases[0].case_number}在审限（" in str(refused.value)
    assert "内无可排期的庭期" in str(refused.value)
    assert HearingSession.objects.count() == before
    assert not Hearing.objects.filter(case__in=cases, state=HearingState.SCHEDULED).exists()


def test_a_year_without_calendar_data_stops_booking_with_the_case_number(
    file_series: Any, clerk: Any
) -> None:
    cases = file_series(1)
    Hearing.objects.filter(case__in=cases).update(state=HearingState.CANCELLED)
    HearingSession.objects.update(state=SessionState.CANCELLED)
    covered = max(chinese_calendar.constants.holidays).year
    year = max(covered + 1, cases[0].filed_on.year + 1)
    HolidayYear.objects.filter(year__gte=year).delete()
    before = HearingSession.objects.count()
    with pytest.raises(CalendarDataMissing) as missing:
        book(cases, earliest=date(year, 1, 1), by=clerk)
    message = str(missing.value)
    assert cases[0].case_number in message
    assert f"{year}年节假日安排尚未录入" in message and "节假日年度安排" in message
    assert HearingSession.objects.count() == before


def test_an_online_session_has_a_join_link_the_summons_prints(
    file_series: Any, court: Any, online_courtroom: Courtroom
) -> None:
    Courtroom.objects.filter(court=court, online=False).update(active=False)
    (case,) = file_series(1)
    hearing = live_hearing(case)
    assert hearing is not None
    session = hearing.session
    assert session.courtroom == online_courtroom and session.online
    assert session.join_url.startswith(f"{settings.JIEFEN_VIDEO_URL}/{session.pk}-")
    summons = StoredDocument.objects.get(case=case, kind="summons", issued_for=hearing.summons_for)
    text = _pdf_text(summons)
    assert "本案在线开庭" in text
    assert session.join_url in text.replace(" ", "")
