"""The platform's service standard for legal-service requests and who is on duty to take one.

The answer period (3 working days after assignment) is a platform service standard agreed with
the lawyer pool, not a procedural period of law; it is counted on the project's holiday-aware
calendar (`jiefen.law.periods.HolidayCalendar`: statutory holidays off, make-up days on), so a
request assigned before National Day is not due during the holiday.

The duty roster is the mediation stage's (`MediatorProfile.duty_weekdays`, 律师库轮值): a lawyer
of a lawyer pool (律师调解工作室) sits on their duty weekdays; a lawyer tied to the institution
(`Conflict`) never serves it (律师法 Art. 39 and 律师执业行为规范 on conflicts of interest).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count

from jiefen.accounts.models import MediationOrgKind, Role, User
from jiefen.law.periods import HolidayCalendar
from jiefen.legal_services.models import LegalRequest, RequestState
from jiefen.mediation.models import Conflict, MediatorProfile

ANSWER_WORKING_DAYS = 3
# How far ahead posting looks for a duty day: a week covers every weekday of the roster.
ROSTER_HORIZON_DAYS = 7


def add_working_days(day: date, n: int, calendar: HolidayCalendar) -> date:
    """The n-th working day after `day` (`day` itself not counted)."""
    current = day
    left = n
    while left > 0:
        current += timedelta(days=1)
        if calendar.is_workday(current):
            left -= 1
    return current


def answer_due(assigned_on: date, calendar: HolidayCalendar) -> date:
    """Last day to answer: 3 working days after assignment (platform service standard)."""
    return add_working_days(assigned_on, ANSWER_WORKING_DAYS, calendar)


@dataclass(frozen=True)
class DutyLawyer:
    user: User
    weekdays: str
    position: int
    open_requests: int


def pool_lawyers(institution_id: int) -> list[DutyLawyer]:
    """Available lawyers of the lawyer pools who may serve this institution, with their load
    (requests assigned to them and not yet answered)."""
    profiles = (
        MediatorProfile.objects.filter(
            available=True,
            user__is_active=True,
            user__role=Role.MEDIATOR,
            user__organisation__mediation_kind=MediationOrgKind.LAWYER_POOL,
        )
        .exclude(
            user_id__in=Conflict.objects.filter(institution_id=institution_id).values("mediator_id")
        )
        .select_related("user")
        .order_by("roster_position", "user_id")
    )
    loads = dict(
        LegalRequest.objects.filter(state=RequestState.ASSIGNED)
        .values_list("lawyer_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return [
        DutyLawyer(p.user, p.duty_weekdays, p.roster_position, loads.get(p.user_id, 0))
        for p in profiles
    ]


def on_duty(lawyers: list[DutyLawyer], on: date) -> list[DutyLawyer]:
    return [lw for lw in lawyers if str(on.weekday()) in lw.weekdays]


def choose_lawyer(institution_id: int, posted_on: date) -> tuple[User, date] | None:
    """The lawyer to take a request posted on `posted_on`, and the day they take it.

    The lawyer on duty that day with the fewest open requests, ties by roster position; when
    nobody is on duty that day, the next day somebody is. None when no pool lawyer may serve the
    institution at all (the request then waits, 待分派).
    """
    lawyers = pool_lawyers(institution_id)
    for offset in range(ROSTER_HORIZON_DAYS):
        day = posted_on + timedelta(days=offset)
        duty = on_duty(lawyers, day)
        if duty:
            best = min(duty, key=lambda lw: (lw.open_requests, lw.position, lw.user.pk))
            return best.user, day
    return None
