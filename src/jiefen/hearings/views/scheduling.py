"""Pages of hearing scheduling: the court's calendar, a series' sessions, confirm and reschedule.

Thin views (rule 2): objects come through `cases.access`, writes are the actions of
`hearings.actions.rescheduling`. The calendar is the court's own (its judges and clerks,
`access.visible_sessions`); a platform administrator picks the court.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import Organisation, User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.states import State
from jiefen.hearings import selectors
from jiefen.hearings.actions.rescheduling import confirm_hearings, reschedule
from jiefen.hearings.models import HearingState, Period
from jiefen.law.errors import LawError

CALENDAR_DAYS = 14


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "hearings")


def _court(request: HttpRequest, user: User) -> Organisation | None:
    courts = access.courts()
    if user.organisation_id and user.organisation and user.organisation.kind == "court":
        return user.organisation
    chosen = request.GET.get("court", "")
    return courts.filter(pk=int(chosen)).first() if chosen.isdigit() else courts.first()


def _start(request: HttpRequest) -> date:
    try:
        return date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def calendar_page(request: HttpRequest) -> HttpResponse:
    """庭审排期: the court's sessions of the next two weeks and the series waiting for a date."""
    user = _desk(request)
    court = _court(request, user)
    start = _start(request)
    end = start + timedelta(days=CALENDAR_DAYS - 1)
    days = selectors.calendar(court, start, end) if court else []
    waiting = (
        access.visible_series(user)
        .annotate(served=Count("cases", filter=Q(cases__state=State.SERVED)))
        .filter(served__gt=0)
        .select_related("institution")
        .order_by("pk")
    )
    return render(
        request,
        "hearings/scheduling_calendar.html",
        {
            "court": court,
            "days": days,
            "start": start,
            "end": end,
            "earlier": start - timedelta(days=CALENDAR_DAYS),
            "later": start + timedelta(days=CALENDAR_DAYS),
            "waiting": waiting,
        },
    )


@login_required
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    """A series' sessions, its cases by state, 确认排期 and a reschedule form per session."""
    user = _desk(request)
    series = access.series_for(user, series_id)
    visible = access.visible_sessions(user).values("pk")
    sessions = selectors.series_sessions(series.pk).filter(pk__in=visible)
    cases = access.visible_cases(user).filter(series=series)
    return render(
        request,
        "hearings/scheduling_series.html",
        {
            "series": series,
            "sessions": sessions,
            "served": cases.filter(state=State.SERVED).count(),
            "scheduled": cases.filter(state=State.HEARING_SCHEDULED).count(),
            "periods": Period.choices,
            "may_schedule": access.may_open(user, "hearings")
            and not access.role_refusal(user, "hearings.schedule"),
        },
    )


@login_required
@require_POST
def confirm_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    ids = list(
        access.visible_cases(user)
        .filter(series=series, state=State.SERVED)
        .values_list("pk", flat=True)
    )
    try:
        result = confirm_hearings(ids, by=user)
    except (TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return redirect("hearings:scheduling_series", series_id=series.pk)
    messages.success(
        request,
        f"已确认排期{result['scheduled']}件；因送达较晚改期并重新送达传票{result['rescheduled']}件",
    )
    for number, reason in list(result["refused"].items())[:10]:
        messages.error(request, f"{number}：{reason}")
    return redirect("hearings:scheduling_series", series_id=series.pk)


@login_required
@require_POST
def reschedule_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """改期: move every scheduled hearing of the session to the chosen half-day."""
    user = _desk(request)
    session = access.session_for(user, session_id)
    back = (
        redirect("hearings:scheduling_series", series_id=session.series_id)
        if session.series_id
        else None
    )
    try:
        day = date.fromisoformat(request.POST.get("day", ""))
    except ValueError:
        messages.error(request, "改期：请填写新的开庭日期")
        return back or redirect("hearings:scheduling_calendar")
    ids = list(session.hearings.filter(state=HearingState.SCHEDULED).values_list("pk", flat=True))
    try:
        moved = reschedule(
            ids,
            day=day,
            period=request.POST.get("period", Period.MORNING),
            by=user,
            reason=request.POST.get("reason", ""),
        )
    except (TransitionRefused, LawError) as exc:
        messages.error(request, f"改期未完成：{exc}")
    else:
        messages.success(request, f"已改期{len(moved)}件，新传票已交送达")
    return back or redirect("hearings:scheduling_calendar")


urlpatterns: list[URLPattern] = [
    path("", calendar_page, name="scheduling_calendar"),
    path("scheduling/series/<int:series_id>/", series_page, name="scheduling_series"),
    path("scheduling/series/<int:series_id>/confirm/", confirm_series, name="scheduling_confirm"),
    path(
        "scheduling/sessions/<int:session_id>/reschedule/",
        reschedule_session,
        name="scheduling_reschedule",
    ),
]
