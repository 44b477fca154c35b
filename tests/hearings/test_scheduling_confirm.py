"""After service: the hearing is confirmed, or moved with a new summons served through service;
the judge's reschedule does the same with its own move."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import CaseEvent
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.hearings.actions.rescheduling import confirm_hearings, reschedule
from jiefen.hearings.models import Hearing, HearingSession, HearingState, SessionState
from jiefen.hearings.selectors import live_hearing, summons_served
from jiefen.hearings.tasks import confirm_hearings_task
from jiefen.service.models import Purpose, Service


def test_hearings_after_every_period_are_confirmed_as_booked(served_series: Any) -> None:
    cases = served_series(2, guarantor=True)
    booked = {c.pk: live_hearing(c).pk for c in cases}  # type: ignore[union-attr]
    result = confirm_hearings([c.pk for c in cases])
    assert result == {"scheduled": 2, "rescheduled": 0, "refused": {}}
    for case in cases:
        case.refresh_from_db()
        assert case.state == State.HEARING_SCHEDULED
        assert live_hearing(case).pk == booked[case.pk]  # type: ignore[union-attr]
    # Idempotent: nothing is SERVED any more.
    assert confirm_hearings([c.pk for c in cases]) == {
        "scheduled": 0,
        "rescheduled": 0,
        "refused": {},
    }


def test_late_service_moves_the_hearing_and_serves_a_new_summons(
    file_series: Any, deliver_sms: Any
) -> None:
    # Filed 30 days ago: the hearing booked at filing is a few days from now.
    filed_on = timezone.localdate() - timedelta(days=30)
    on_time, late = file_series(2, guarantor=True, filed_on=filed_on)
    old = live_hearing(late)
    assert old is not None
    deliver_sms([on_time.pk], at=timezone.now() - timedelta(days=29))
    # The late defendant is served only today: the answer period (15 days) would still run on
    # the booked hearing day.
    deliver_sms([late.pk])
    late.refresh_from_db()
    assert late.state == State.SERVED
    answer_ends = max(Service.objects.filter(case=late).values_list("answer_ends", flat=True))
    assert answer_ends >= timezone.localtime(old.starts_at).date()

    result = confirm_hearings([on_time.pk, late.pk])
    assert result == {"scheduled": 1, "rescheduled": 1, "refused": {}}

    old.refresh_from_db()
    assert old.state == HearingState.RESCHEDULED
    new = live_hearing(late)
    assert new is not None and new.pk != old.pk
    assert timezone.localtime(new.starts_at).date() > answer_ends
    assert new.summons_for == f"hearing:{new.pk}"
    late.refresh_from_db()
    assert late.state == State.HEARING_SCHEDULED
    event = CaseEvent.objects.filter(case=late, transition="schedule_hearing").get()
    assert "改期开庭并重新送达传票" in event.note
    parties = set(late.case_parties.values_list("party_id", flat=True))
    assert len(parties) == 2  # the borrower and the guarantor
    summonses = StoredDocument.objects.filter(case=late, kind="summons", issued_for=new.summons_for)
    assert set(summonses.values_list("party_id", flat=True)) == parties
    assert all(s.signed for s in summonses)
    services = Service.objects.filter(case=late, purpose=Purpose.SUMMONS)
    assert set(services.values_list("party_id", flat=True)) == parties
    assert set(services.values_list("packet_id", flat=True)) == set(
        summonses.values_list("pk", flat=True)
    )
    # Not yet served: the default hearing may not rely on it.
    assert summons_served(new) == dict.fromkeys(parties)
    deliver_sms([late.pk], purpose=Purpose.SUMMONS)
    assert set(summons_served(new).values()) == {timezone.localdate()}
    # The on-time case kept its hearing; its summons was the one in the filing packet.
    assert all(summons_served(live_hearing(on_time)).values())  # type: ignore[arg-type]


def test_the_periodic_task_confirms_and_is_idempotent(served_series: Any) -> None:
    cases = served_series(1)
    assert confirm_hearings_task.call() == {"scheduled": 1, "rescheduled": 0, "refused": {}}
    assert confirm_hearings_task.call()["scheduled"] == 0
    cases[0].refresh_from_db()
    assert cases[0].state == State.HEARING_SCHEDULED


def _next_free_weekday(after: datetime) -> Any:
    from jiefen.lawdata.selectors import current_calendar

    return current_calendar().next_workday(after.date() + timedelta(days=7))


def test_the_judge_reschedules_a_session_with_new_summonses(served_series: Any, judge: Any) -> None:
    cases = served_series(2)
    confirm_hearings([c.pk for c in cases])
    old = [live_hearing(c) for c in cases]
    session = old[0].session  # type: ignore[union-attr]
    day = _next_free_weekday(timezone.localtime(session.starts_at))
    new = reschedule(
        [h.pk for h in old if h], day=day, period="pm", by=judge, reason="审判员参加培训"
    )
    assert len(new) == 2
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED  # the half-day is free again
    moved = HearingSession.objects.get(pk=new[0].session_id)
    assert moved.day == day and moved.period == "pm"
    assert timezone.localtime(moved.starts_at).time() == time(14, 30)
    for case, hearing in zip(cases, new, strict=True):
        case.refresh_from_db()
        assert case.state == State.HEARING_SCHEDULED
        assert live_hearing(case).pk == hearing.pk  # type: ignore[union-attr]
        event = CaseEvent.objects.filter(case=case, transition="reschedule_hearing").get()
        assert "审判员参加培训" in event.note
        assert Service.objects.filter(
            case=case, purpose=Purpose.SUMMONS, packet__issued_for=f"hearing:{hearing.pk}"
        ).exists()
    assert Hearing.objects.filter(state=HearingState.RESCHEDULED).count() == 2


def test_reschedule_refuses_a_holiday_and_a_day_before_the_periods_end(
    served_series: Any, judge: Any
) -> None:
    cases = served_series(1)
    confirm_hearings([c.pk for c in cases])
    hearing = live_hearing(cases[0])
    assert hearing is not None
    holiday = timezone.localtime(hearing.starts_at).date()
    while holiday.weekday() != 6:  # a Sunday
        holiday += timedelta(days=1)
    with pytest.raises(TransitionRefused, match="不是工作日"):
        reschedule([hearing.pk], day=holiday, period="am", by=judge, reason="调整")
    tomorrow = timezone.localdate() + timedelta(days=1)
    while tomorrow.weekday() >= 5:
        tomorrow += timedelta(days=1)
    with pytest.raises(TransitionRefused, match="答辩期、举证期届满后方可开庭"):
        reschedule([hearing.pk], day=tomorrow, period="am", by=judge, reason="调整")
    hearing.refresh_from_db()
    assert hearing.state == HearingState.SCHEDULED
