"""The scheduling pages: the court's calendar, a series' confirm and reschedule, who may see them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.models import CaseEvent
from jiefen.cases.states import State
from jiefen.hearings.models import HearingSession, SessionState
from jiefen.hearings.selectors import live_hearing
from jiefen.lawdata.selectors import current_calendar


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_clerk_confirms_a_series_from_the_calendar(served_series: Any, clerk: User) -> None:
    cases = served_series(2)
    client = login(clerk)
    page = client.get("/hearings/").content.decode()
    assert "庭审排期" in page and "待确认排期的系列案" in page
    assert f"/hearings/scheduling/series/{cases[0].series_id}/" in page
    hearing = live_hearing(cases[0])
    assert hearing is not None
    start = timezone.localtime(hearing.starts_at).date()
    day_page = client.get(f"/hearings/?from={start:%Y-%m-%d}").content.decode()
    assert hearing.session.courtroom.name in day_page and "2 / 30" in day_page

    series_url = f"/hearings/scheduling/series/{cases[0].series_id}/"
    assert "确认排期（2件）" in client.get(series_url).content.decode()
    response = client.post(f"{series_url}confirm/", follow=True)
    assert "已确认排期2件；因送达较晚改期并重新送达传票0件" in response.content.decode()
    for case in cases:
        case.refresh_from_db()
        assert case.state == State.HEARING_SCHEDULED


def test_judge_reschedules_a_session_from_the_series_page(
    served_series: Any, clerk: User, judge: User
) -> None:
    from jiefen.hearings.actions.rescheduling import confirm_hearings

    cases = served_series(2)
    confirm_hearings([c.pk for c in cases], by=clerk)
    session = live_hearing(cases[0]).session  # type: ignore[union-attr]
    day = current_calendar().next_workday(session.day + timedelta(days=7))
    client = login(judge)
    url = f"/hearings/scheduling/sessions/{session.pk}/reschedule/"
    refused = client.post(url, {"day": day.isoformat(), "period": "am", "reason": ""}, follow=True)
    assert "改期未完成：改期须说明理由" in refused.content.decode()
    done = client.post(
        url, {"day": day.isoformat(), "period": "am", "reason": "审判员另有公务"}, follow=True
    )
    assert "已改期2件，新传票已交送达" in done.content.decode()
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED
    new = HearingSession.objects.get(state=SessionState.PLANNED)
    assert new.day == day
    assert CaseEvent.objects.filter(transition="reschedule_hearing").count() == 2


def test_the_pages_are_for_the_court_staff_of_that_court(
    served_series: Any, make_user: Any, bank: Organisation, agent: User
) -> None:
    cases = served_series(1)
    session = live_hearing(cases[0]).session  # type: ignore[union-attr]
    other_court = Organisation.objects.create(
        code="渝0103", name="重庆市渝中区人民法院", kind=OrganisationKind.COURT, court_code="渝0103"
    )
    stranger = make_user(Role.JUDGE, other_court)
    assert login(agent).get("/hearings/").status_code == 404
    client = login(stranger)
    assert session.courtroom.name not in client.get("/hearings/").content.decode()
    assert client.get(f"/hearings/scheduling/series/{cases[0].series_id}/").status_code == 404
    moved = client.post(
        f"/hearings/scheduling/sessions/{session.pk}/reschedule/",
        {"day": "2027-02-01", "period": "am", "reason": "x"},
    )
    assert moved.status_code == 404
    assert (
        client.post(f"/hearings/scheduling/series/{cases[0].series_id}/confirm/").status_code == 404
    )
    cases[0].refresh_from_db()
    assert cases[0].state == State.SERVED
