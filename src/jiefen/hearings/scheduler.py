"""Planning hearings over plain values: which half-days may hold a session, and seat times.

No Django here: the writer (`hearings.actions.scheduling.book`) reads the bookings, asks these
functions where the next session may go, and lets the database constraints settle races.

- A hearing is held on a working day only (民诉法 Art. 85 counts periods past rest days; courts
  sit on working days). Which days are working days comes from `HolidayCalendar`; a year
  without a calendar raises `CalendarDataMissing` — a date is never guessed from weekdays.
- Never after the trial time limit (审限: 民诉法 Arts. 152, 164, 168), counted from filing.
- A session is a half-day (morning / afternoon) of one judge in one courtroom; its cases sit one
  after the other, `minutes_per_case` apart (the court's policy, `lawdata.CourtLawPolicy`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jiefen.law.periods import HolidayCalendar

MORNING = "am"
AFTERNOON = "pm"
PERIODS = (MORNING, AFTERNOON)
PERIOD_LABELS = {MORNING: "上午", AFTERNOON: "下午"}


@dataclass(frozen=True)
class HearingPolicy:
    """How a court's sessions run (defaults: 30 cases, 6 minutes each, 9:00 and 14:30)."""

    session_cases: int = 30
    minutes_per_case: int = 6
    morning_start: time = time(9, 0)
    afternoon_start: time = time(14, 30)

    def start(self, day: date, period: str) -> datetime:
        """The (naive, court-time) start of the session of `day` / `period`."""
        return datetime.combine(
            day, self.morning_start if period == MORNING else self.afternoon_start
        )


DEFAULT_HEARING_POLICY = HearingPolicy()


def half_days(earliest: date, last: date, calendar: HolidayCalendar) -> Iterator[tuple[date, str]]:
    """Every working half-day from `earliest` to `last` inclusive, morning before afternoon.

    Raises `CalendarDataMissing` on reaching a day of a year without calendar data.
    """
    day = earliest
    while day <= last:
        if calendar.is_workday(day):
            yield day, MORNING
            yield day, AFTERNOON
        day += timedelta(days=1)


def seat_start(session_start: datetime, position: int, minutes_per_case: int) -> datetime:
    """The start of seat `position` (1-based) of a session."""
    return session_start + timedelta(minutes=(position - 1) * minutes_per_case)


def free_positions(taken: set[int], capacity: int, wanted: int) -> list[int]:
    """The first `wanted` free seats (1-based, at most `capacity`), lowest first."""
    free = [p for p in range(1, capacity + 1) if p not in taken]
    return free[:wanted]


def earliest_after(days: list[date | None], calendar: HolidayCalendar) -> date | None:
    """The first working day strictly after the latest of `days` (None if any is unknown).

    A hearing comes after the answer and evidence periods of every defendant and guarantor
    (民诉法 Art. 128; 民诉解释 Art. 99): the day after the last of them, if it is a working day.
    """
    if not days or any(d is None for d in days):
        return None
    latest = max(d for d in days if d is not None)
    return calendar.next_workday(latest + timedelta(days=1))


def when_text(moment: datetime) -> str:
    """`2026年1月5日上午9时06分` as the summons prints a hearing time."""
    hour = moment.hour if moment.hour <= 12 else moment.hour - 12
    label = "上午" if moment.hour < 12 else "下午"
    return f"{moment.year}年{moment.month}月{moment.day}日{label}{hour}时{moment.minute:02d}分"
