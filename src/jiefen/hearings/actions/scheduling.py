"""The one hearing scheduler: booking cases of a series into half-day sessions, never twice.

`book` places the cases of ONE series and ONE judge: first into the open seats of that judge's
planned sessions of the series (row-locked while seats are counted), then into new sessions on
the next half-days where the judge and an active courtroom of the court are both free. Nothing
can double-book a judge or a courtroom, whoever books concurrently: a session is created inside
a savepoint and the partial unique constraints of `HearingSession` refuse a second live session
of a judge or courtroom in one half-day; the loser moves on to the next half-day. Sessions go on
working days only (`HolidayCalendar`; a year without calendar data stops with an error naming
the case) and never past the trial time limit (民诉法 Arts. 152, 164, 168): the booking is
refused instead.

Filing books each case's first hearing (`docket.actions.file_cases`); after service the hearing
is confirmed or moved (`hearings.actions.rescheduling`).
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiefen.accounts.models import Organisation, User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, ids_digest, require
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case
from jiefen.hearings.models import (
    LIVE_HEARING,
    LIVE_SESSION,
    Courtroom,
    Hearing,
    HearingSession,
    SessionState,
)
from jiefen.hearings.scheduler import (
    PERIOD_LABELS,
    HearingPolicy,
    free_positions,
    half_days,
    seat_start,
    when_text,
)
from jiefen.law.errors import CalendarDataMissing
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar, trial_time_limit
from jiefen.lawdata.selectors import court_hearing_policy, current_parameters


def time_limit(case: Case, params: Parameters | None = None) -> date:
    """The last day of the case's trial time limit (审限), counted from filing."""
    if case.filed_on is None or not case.procedure:
        raise TransitionRefused(f"{case.case_number or case.pk}尚未立案，不能排期开庭")
    return trial_time_limit(case.filed_on, case.procedure, params=params).ends_on  # type: ignore[arg-type]


@dataclass
class _Planner:
    """The state of one booking: the judge's and the courtrooms' busy half-days, read once."""

    court: Organisation
    judge_id: int
    clerk_id: int | None
    series_id: int | None
    policy: HearingPolicy
    rooms: list[Courtroom]
    judge_busy: set[tuple[date, str]] = field(default_factory=set)
    room_busy: dict[tuple[date, str], set[int]] = field(default_factory=lambda: defaultdict(set))

    def load(self, earliest: date, last: date) -> None:
        live = HearingSession.objects.filter(LIVE_SESSION, day__gte=earliest, day__lte=last)
        self.judge_busy = set(live.filter(judge_id=self.judge_id).values_list("day", "period"))
        for day, period, room in live.filter(courtroom__in=self.rooms).values_list(
            "day", "period", "courtroom_id"
        ):
            self.room_busy[(day, period)].add(room)

    def create(self, day: date, period: str) -> HearingSession | None:
        """A new session on this half-day in the first free courtroom (None: no room, no judge)."""
        if (day, period) in self.judge_busy:
            return None
        for room in self.rooms:
            if room.pk in self.room_busy[(day, period)]:
                continue
            try:
                with transaction.atomic():
                    session = HearingSession.objects.create(
                        court=self.court,
                        courtroom=room,
                        judge_id=self.judge_id,
                        clerk_id=self.clerk_id,
                        series_id=self.series_id,
                        day=day,
                        period=period,
                        starts_at=timezone.make_aware(self.policy.start(day, period)),
                        minutes_per_case=self.policy.minutes_per_case,
                        capacity=self.policy.session_cases,
                        online=room.online,
                    )
            except IntegrityError:
                # Another booking took the judge or the room in this half-day meanwhile.
                live = HearingSession.objects.filter(LIVE_SESSION, day=day, period=period)
                if live.filter(judge_id=self.judge_id).exists():
                    self.judge_busy.add((day, period))
                    return None
                self.room_busy[(day, period)].add(room.pk)
                continue
            if room.online:
                token = secrets.token_hex(6)
                session.join_url = f"{settings.JIEFEN_VIDEO_URL}/{session.pk}-{token}"
                HearingSession.objects.filter(pk=session.pk).update(join_url=session.join_url)
            self.judge_busy.add((day, period))
            self.room_busy[(day, period)].add(room.pk)
            return session
        return None


def _courtrooms(court: Organisation, online: bool | None) -> list[Courtroom]:
    rooms = Courtroom.objects.filter(court=court, active=True)
    if online is not None:
        rooms = rooms.filter(online=online)
    found = list(rooms.order_by("online", "name"))  # courtrooms in the building first
    if not found:
        kind = "法庭" if online is None else ("互联网法庭" if online else "实体法庭")
        raise TransitionRefused(
            f"{court.name}没有启用的{kind}，无法排期开庭：请法院管理员在管理后台「法庭」中添加"
        )
    return found


def _seat(
    cases: list[Case], session: HearingSession, taken: set[int], reason: str
) -> list[Hearing]:
    """Hearings for as many of `cases` as the session has free seats (removed from `cases`)."""
    seats = free_positions(taken, session.capacity, len(cases))
    placed = [
        Hearing(
            case=cases.pop(0),
            session=session,
            position=p,
            starts_at=seat_start(session.starts_at, p, session.minutes_per_case),
            reason=reason[:300],
        )
        for p in seats
    ]
    taken.update(seats)
    return placed


def _group_facts(cases: Sequence[Case]) -> tuple[int, int | None, int | None]:
    judges = {c.judge_id for c in cases}
    series = {c.series_id for c in cases}
    if len(judges) != 1 or None in judges:
        raise TransitionRefused("一次排期只能包含同一审判员承办的案件")
    if len(series) != 1:
        raise TransitionRefused("一次排期只能包含同一系列案的案件")
    judge_id = judges.pop()
    assert judge_id is not None
    return judge_id, cases[0].clerk_id, series.pop()


def book(
    cases: Sequence[Case],
    *,
    earliest: date,
    by: User | None,
    calendar: HolidayCalendar | None = None,
    params: Parameters | None = None,
    online: bool | None = None,
    period: str | None = None,
    reason: str = "",
) -> list[Hearing]:
    """Book a hearing for each case (one series, one judge) on `earliest` or the first half-day
    after it that the judge and a courtroom have free; return the hearings in case order.

    `period` ("am" / "pm") books exactly that half-day of `earliest` or refuses. `online` picks
    internet (True) or in-building (False) courtrooms; None takes any, in-building first.
    The caller has marked any earlier hearing of these cases non-live. Refuses (Chinese message
    naming the case) beyond the trial time limit or in a year without calendar data.
    """
    require(by, "hearings.schedule")
    cases = list(cases)
    if not cases:
        return []
    judge_id, clerk_id, series_id = _group_facts(cases)
    params = params or current_parameters()
    calendar = calendar or HolidayCalendar.from_params(params)
    court = cases[0].court
    limits = {c.pk: time_limit(c, params) for c in cases}
    tightest = min(cases, key=lambda c: (limits[c.pk], c.pk))
    last = min(limits.values())
    if period is not None:
        last = min(last, earliest)
    refused = f"{tightest.case_number}在审限（{cn_date(limits[tightest.pk])}）内无可排期的庭期"
    if period is not None and earliest <= limits[tightest.pk]:
        refused = (
            f"{tightest.case_number}：{cn_date(earliest)}{PERIOD_LABELS.get(period, '')}"
            "审判员已有其他庭审或没有空闲法庭，请另选时间"
        )
    planner = _Planner(
        court,
        judge_id,
        clerk_id,
        series_id,
        court_hearing_policy(court),
        _courtrooms(court, online),
    )
    remaining = sorted(cases, key=lambda c: c.pk)
    hearings: list[Hearing] = []
    with transaction.atomic():
        for session in _open_sessions(planner, earliest, last, period, online):
            taken = set(session.hearings.filter(LIVE_HEARING).values_list("position", flat=True))
            hearings += _seat(remaining, session, taken, reason)
            if not remaining:
                break
        if remaining:
            planner.load(earliest, last)
            for day, half in _half_days(tightest, earliest, last, calendar, period):
                created = planner.create(day, half)
                if created is not None:
                    hearings += _seat(remaining, created, set(), reason)
                if not remaining:
                    break
        if remaining:
            raise TransitionRefused(refused)
        Hearing.objects.bulk_create(hearings, batch_size=500)
        audit(
            actor_id=by.pk if by else None,
            action="hearings.book",
            object_type="series",
            object_id=series_id or "",
            payload={
                **ids_digest([c.pk for c in cases]),
                "judge": judge_id,
                "sessions": sorted({h.session_id for h in hearings}),
                "reason": reason[:300],
            },
        )
    order = {c.pk: i for i, c in enumerate(cases)}
    return sorted(hearings, key=lambda h: order[h.case_id])


def _open_sessions(
    planner: _Planner, earliest: date, last: date, period: str | None, online: bool | None
) -> Iterator[HearingSession]:
    """The judge's planned sessions of the series in the window, locked, earliest first."""
    sessions = HearingSession.objects.filter(
        judge_id=planner.judge_id,
        series__isnull=planner.series_id is None,
        state=SessionState.PLANNED,
        day__gte=earliest,
        day__lte=last,
    )
    if planner.series_id is not None:
        sessions = sessions.filter(series_id=planner.series_id)
    if period is not None:
        sessions = sessions.filter(period=period)
    if online is not None:
        sessions = sessions.filter(online=online)
    locked = sessions.select_for_update(of=("self",)).select_related("courtroom")
    yield from locked.order_by("day", "period", "pk")


def _half_days(
    case: Case, earliest: date, last: date, calendar: HolidayCalendar, period: str | None
) -> Iterator[tuple[date, str]]:
    """Working half-days of the window; a missing calendar year names the case."""
    try:
        for day, half in half_days(earliest, last, calendar):
            if period is None or half == period:
                yield day, half
    except CalendarDataMissing as exc:
        raise CalendarDataMissing(
            f"{case.case_number}无法排期开庭：{exc}", year=exc.year, nominal_date=exc.nominal_date
        ) from exc


def hearing_facts(hearing: Hearing) -> dict[str, str]:
    """What a summons prints of a hearing: time, place, and the join link of an online one."""
    session = hearing.session
    court = session.court
    moment = timezone.localtime(hearing.starts_at)
    place = f"{session.courtroom.name}（{court.address or court.name}）"
    if session.online:
        place = f"{session.courtroom.name}（在线庭审）"
    return {"when": when_text(moment), "place": place, "join_url": session.join_url}


def cancel_empty_sessions(session_ids: Sequence[int]) -> int:
    """Cancel the planned sessions among these left without a live hearing (frees the half-day)."""
    empty = (
        HearingSession.objects.filter(pk__in=list(session_ids), state=SessionState.PLANNED)
        .exclude(hearings__state__in=["scheduled", "held"])
        .values_list("pk", flat=True)
    )
    return HearingSession.objects.filter(pk__in=list(empty)).update(state=SessionState.CANCELLED)


def local_day(moment: datetime) -> date:
    return timezone.localtime(moment).date()
