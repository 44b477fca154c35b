"""The judge's series hearing pages (要素式庭审): sessions, element tables, attendance.

Thin views: objects come through `cases.access` (a missing and a forbidden object are the same
404), every write is an action of `jiefen.hearings.actions.record`, which checks who acts.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.hearings.actions.record import (
    ALLOWED_FLAG,
    AMOUNT_KEYS,
    COMPONENT_LABELS,
    add_statement,
    confirm_undisputed,
    hold_hearing,
    open_record,
    record_finding,
)
from jiefen.hearings.models import LIVE_HEARING, Finding, Hearing, StatementKind


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "hearings")


def _hearings(user: User, series_id: int) -> list[Hearing]:
    return list(
        access.visible_hearings(user)
        .filter(LIVE_HEARING, session__series_id=series_id)
        .select_related("case", "session", "session__courtroom")
        .prefetch_related("case__case_parties__party")
        .annotate(
            elements=Count("case__findings", distinct=True),
            disputed=Count(
                "case__findings", filter=Q(case__findings__disputed=True), distinct=True
            ),
            open_=Count("case__findings", filter=Q(case__findings__confirmed=False), distinct=True),
        )
        .order_by("session__starts_at", "position")
    )


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """The series with hearings at the user's court."""
    user = _desk(request)
    rows = (
        access.visible_sessions(user)
        .exclude(series=None)
        .values("series_id", "series__product", "series__institution__name")
        .annotate(sessions=Count("pk", distinct=True), cases=Count("hearings", distinct=True))
        .order_by("series_id")
    )
    return render(request, "hearings/record_index.html", {"rows": rows})


@login_required
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    sessions: dict[int, dict[str, Any]] = {}
    by_session: dict[int, list[Hearing]] = defaultdict(list)
    for h in _hearings(user, series.pk):
        sessions.setdefault(h.session_id, {"session": h.session, "hearings": []})
        by_session[h.session_id].append(h)
    for sid, hs in by_session.items():
        sessions[sid]["hearings"] = hs
        sessions[sid]["scheduled"] = sum(1 for h in hs if h.state == "scheduled")
    hearings = [h for hs in by_session.values() for h in hs]
    context: dict[str, Any] = {
        "series": series,
        "sessions": list(sessions.values()),
        "unopened": sum(1 for h in hearings if not getattr(h, "elements", 0)),
        "undisputed_open": _undisputed_open(user, series.pk),
    }
    return render(request, "hearings/record_series.html", context)


def _undisputed_open(user: User, series_id: int) -> int:
    return (
        access.visible_findings(user)
        .filter(case__series_id=series_id, disputed=False, confirmed=False)
        .count()
    )


def _back(series_id: int) -> HttpResponse:
    return redirect("hearings:record_series", series_id=series_id)


@login_required
@require_POST
def open_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    ids = [h.case_id for h in _hearings(user, series.pk)]
    try:
        n = open_record(ids, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已生成要素表：{n}项要素")
    return _back(series.pk)


@login_required
@require_POST
def confirm_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    try:
        n = confirm_undisputed(series.pk, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已确认全部无争议要素：{n}项")
    return _back(series.pk)


@login_required
@require_POST
def hold_session(request: HttpRequest, session_id: int) -> HttpResponse:
    """开庭/缺席审理 for a whole session: each unticked party attended."""
    user = _desk(request)
    session = access.session_for(user, session_id)
    hearings = list(
        access.visible_hearings(user)
        .filter(session=session, state="scheduled")
        .values_list("pk", flat=True)
    )
    absent: dict[int, list[int]] = defaultdict(list)
    for value in request.POST.getlist("absent"):
        hearing_id, _, party_id = value.partition(":")
        if hearing_id.isdigit() and party_id.isdigit() and int(hearing_id) in hearings:
            absent[int(hearing_id)].append(int(party_id))
    present = request.POST.get("claimant_present") == "on"
    try:
        result = hold_hearing(hearings, claimant_present=present, absent_party_ids=absent, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        defaults = sum(1 for h in hearings if h in result.held and absent.get(h))
        messages.success(request, f"已开庭审理{len(result.held)}件（其中缺席审理{defaults}件）")
        for reason in result.refused.values():
            messages.error(request, reason)
    return _back(session.series_id) if session.series_id else redirect("hearings:record_index")


@login_required
def case_page(request: HttpRequest, hearing_id: int) -> HttpResponse:
    """One case's element table: claim | answer | finding, a form for each open element."""
    user = _desk(request)
    hearing = access.hearing_for(user, hearing_id)
    findings = list(access.visible_findings(user).filter(case_id=hearing.case_id))
    for f in findings:
        f.components = [  # type: ignore[attr-defined]
            (c, COMPONENT_LABELS[c], f.amounts.get(c, ""), getattr(hearing.case, c))
            for c in AMOUNT_KEYS.get(f.key, ())
        ]
        f.allowed = f.amounts.get(ALLOWED_FLAG) == "true"  # type: ignore[attr-defined]
    context = {
        "hearing": hearing,
        "case": hearing.case,
        "findings": findings,
        "statements": hearing.statements.all(),
        "kinds": StatementKind.choices,
    }
    return render(request, "hearings/record_case.html", context)


@login_required
@require_POST
def find(request: HttpRequest, hearing_id: int, finding_id: int) -> HttpResponse:
    user = _desk(request)
    hearing = access.hearing_for(user, hearing_id)
    try:
        finding = access.visible_findings(user).get(pk=finding_id, case_id=hearing.case_id)
    except Finding.DoesNotExist:
        raise Http404("要素不存在或无权查看") from None
    amounts: dict[str, Any] = {
        c: request.POST.get(c, "") for c in AMOUNT_KEYS.get(finding.key, ()) if c in request.POST
    }
    if finding.key == "enforcement_costs":
        amounts[ALLOWED_FLAG] = request.POST.get(ALLOWED_FLAG) == "on"
    try:
        record_finding(
            finding,
            text=request.POST.get("text", ""),
            reasoning=request.POST.get("reasoning", ""),
            amounts=amounts,
            by=user,
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已认定「{finding.label}」")
    return redirect("hearings:record_case", hearing_id=hearing.pk)


@login_required
@require_POST
def statement(request: HttpRequest, hearing_id: int) -> HttpResponse:
    user = _desk(request)
    hearing = access.hearing_for(user, hearing_id)
    try:
        add_statement(
            hearing,
            speaker=request.POST.get("speaker", ""),
            speaker_role=request.POST.get("speaker_role", ""),
            kind=request.POST.get("kind", StatementKind.STATEMENT),
            text=request.POST.get("text", ""),
            element_key=request.POST.get("element_key", ""),
            by=user,
        )
    except TransitionRefused as exc:
        messages.error(request, str(exc))
    return redirect("hearings:record_case", hearing_id=hearing.pk)


urlpatterns = [
    path("record/", index, name="record_index"),
    path("record/series/<int:series_id>/", series_page, name="record_series"),
    path("record/series/<int:series_id>/open/", open_series, name="record_open"),
    path("record/series/<int:series_id>/confirm/", confirm_series, name="record_confirm"),
    path("record/session/<int:session_id>/hold/", hold_session, name="record_hold"),
    path("record/hearing/<int:hearing_id>/", case_page, name="record_case"),
    path("record/hearing/<int:hearing_id>/find/<int:finding_id>/", find, name="record_find"),
    path("record/hearing/<int:hearing_id>/statement/", statement, name="record_statement"),
]
