"""After service: confirm each hearing, or move it and serve a new summons (改期开庭).

A hearing may not come before every defendant's and guarantor's answer period (15 days,
民诉法 Art. 128) and evidence period (民诉解释 Art. 99) have ended, counted from that party's own
service date (`Service.answer_ends` / `evidence_ends`); in ordinary procedure the summons must
also reach the party at least three days before (民诉解释 Art. 227). `confirm_hearings` keeps the
hearing booked at filing when it is late enough (the case moves `schedule_hearing`), and
otherwise marks it `rescheduled`, books a new one through the scheduler, issues a new summons to
every defendant and guarantor and serves it through the service stage (purpose summons), then
moves the case with a note saying why. `reschedule` is the judge or clerk changing a date
(民诉法 Art. 139 ff.): the same new summons, the move `reschedule_hearing`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.access import role_refusal
from jiefen.cases.actions import TransitionRefused, require, transition_many
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case, CaseParty, Procedure
from jiefen.cases.states import State
from jiefen.documents.actions import PacketSpec, issue_packets
from jiefen.documents.context import case_context
from jiefen.documents.kinds import SUMMONS
from jiefen.documents.models import RecipientRole, StoredDocument
from jiefen.hearings.actions.scheduling import book, cancel_empty_sessions, hearing_facts, local_day
from jiefen.hearings.models import Hearing, HearingState
from jiefen.hearings.scheduler import PERIOD_LABELS, earliest_after
from jiefen.hearings.selectors import live_hearings
from jiefen.law.errors import LawError
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar
from jiefen.lawdata.selectors import current_parameters

SUMMONS_NOTICE_DAYS = 3  # 民诉解释 Art. 227: the summons reaches the party 3 days before


def _cases(case_ids: Sequence[int], states: Sequence[str]) -> list[Case]:
    return list(
        Case.objects.filter(pk__in=list(case_ids), state__in=list(states))
        .select_related("court", "institution", "judge", "clerk", "filing")
        .prefetch_related(
            Prefetch(
                "case_parties",
                CaseParty.objects.select_related("party").prefetch_related("party__contacts"),
            )
        )
        .order_by("pk")
    )


def earliest_allowed(cases: Sequence[Case], calendar: HolidayCalendar) -> dict[int, date | None]:
    """case id → the first day a hearing may be held after every party's periods (None: a party
    not yet served). Ordinary procedure also waits three days after the filing summons' service."""
    from jiefen.service.models import Purpose, Service

    periods: dict[int, list[date | None]] = defaultdict(list)
    served: dict[int, list[date | None]] = defaultdict(list)
    for case_id, answer, evidence, served_on in Service.objects.filter(
        case_id__in=[c.pk for c in cases], purpose=Purpose.FILING
    ).values_list("case_id", "answer_ends", "evidence_ends", "served_on"):
        periods[case_id] += [answer, evidence]
        served[case_id].append(served_on)
    result: dict[int, date | None] = {}
    for case in cases:
        day = earliest_after(periods[case.pk], calendar)
        if day is not None and case.procedure == Procedure.ORDINARY:
            latest = max(d for d in served[case.pk] if d is not None)
            notice = calendar.next_workday(latest + timedelta(days=SUMMONS_NOTICE_DAYS))
            day = max(day, notice)
        result[case.pk] = day
    return result


def _serving_user(by: User | None) -> User | None:
    """The clerk serves; for a judge's order the court's system serves (None)."""
    return by if by is not None and not role_refusal(by, "service.serve_series") else None


def issue_summonses(cases: Sequence[Case], hearings: Sequence[Hearing], *, by: User | None) -> int:
    """Issue a summons for each new hearing to every defendant and guarantor, serve them.

    Each summons is its own signed packet, issued for the occasion `hearing:<id>` (set as the
    hearing's `summons_for`), served with `Service.purpose` summons; returns how many.
    """
    from jiefen.service.actions.serving import serve_documents

    by_case = {c.pk: c for c in cases}
    today = timezone.localdate()
    specs: list[PacketSpec] = []
    for h in hearings:
        case = by_case[h.case_id]
        h.summons_for = f"hearing:{h.pk}"
        data = case_context(case, issued_on=today, extra={"hearing": hearing_facts(h)})
        for d in data["defendants"]:
            specs.append(
                PacketSpec(
                    case.pk,
                    RecipientRole.DEFENDANT,
                    d,
                    d["party_id"],
                    [(SUMMONS.code, {**data, "recipient": d})],
                    {SUMMONS.code: h.summons_for},
                )
            )
    Hearing.objects.bulk_update(list(hearings), ["summons_for"], batch_size=500)
    if not specs:
        return 0
    issue_packets(specs, court=cases[0].court, by=by, job="hearings.summons")
    docs = list(
        StoredDocument.objects.filter(
            case_id__in=[h.case_id for h in hearings],
            kind=SUMMONS.code,
            issued_for__in=[h.summons_for for h in hearings],
            packet=None,
        )
    )
    serve_documents(docs, purpose="summons", by=_serving_user(by))
    return len(docs)


def _move(
    group: list[Case],
    earliest: date,
    *,
    by: User | None,
    reason: str,
    params: Parameters,
    calendar: HolidayCalendar,
    period: str | None = None,
) -> list[Hearing]:
    """Mark the group's live hearings rescheduled, book new ones, issue and serve summonses."""
    old = live_hearings([c.pk for c in group])
    Hearing.objects.filter(pk__in=[h.pk for h in old.values()]).update(
        state=HearingState.RESCHEDULED, reason=reason[:300]
    )
    cancel_empty_sessions(sorted({h.session_id for h in old.values()}))
    new = book(
        group,
        earliest=earliest,
        by=by,
        calendar=calendar,
        params=params,
        period=period,
        reason=reason,
    )
    issue_summonses(group, new, by=by)
    return new


def _groups(cases: Sequence[Case]) -> dict[tuple[int | None, int | None], list[Case]]:
    groups: dict[tuple[int | None, int | None], list[Case]] = defaultdict(list)
    for c in cases:
        groups[(c.judge_id, c.series_id)].append(c)
    return groups


def confirm_hearings(
    case_ids: Sequence[int], *, by: User | None = None, today: date | None = None
) -> dict[str, Any]:
    """Fix the hearing of each SERVED case of `case_ids` (民诉法 Arts. 128, 139; 民诉解释 Art. 227).

    Returns {"scheduled": n kept, "rescheduled": n moved, "refused": {case number: reason}}.
    Idempotent: a case already moved is no longer SERVED. Each judge's series is one
    transaction, so a refusal (time limit, missing calendar) leaves the others done.
    """
    require(by, "hearings.schedule")
    today = today or timezone.localdate()
    params = current_parameters()
    calendar = HolidayCalendar.from_params(params)
    cases = _cases(case_ids, [State.SERVED])
    allowed = earliest_allowed(cases, calendar)
    hearings = live_hearings([c.pk for c in cases])
    on_time: list[int] = []
    late: list[Case] = []
    for case in cases:
        day, hearing = allowed[case.pk], hearings.get(case.pk)
        if day is None:
            continue
        if hearing is not None and local_day(hearing.starts_at) >= day:
            on_time.append(case.pk)
        else:
            late.append(case)
    result: dict[str, Any] = {"scheduled": 0, "rescheduled": 0, "refused": {}}
    if on_time:
        moved = transition_many(
            on_time,
            "schedule_hearing",
            by=by,
            note="开庭日期在答辩期、举证期届满之后，按原传票开庭",
        )
        result["scheduled"] = len(moved.moved)
        result["refused"].update(_numbers(moved.refused))
    for group in _groups(late).values():
        earliest = max(
            [allowed[c.pk] or today for c in group]
            + [calendar.next_workday(today + timedelta(days=SUMMONS_NOTICE_DAYS + 1))]
        )
        reason = (
            f"被告送达晚于立案时预计，原定开庭日期早于答辩期、举证期届满（{cn_date(earliest)}前），"
            "改期开庭并重新送达传票"
        )
        try:
            with transaction.atomic():
                new = _move(group, earliest, by=by, reason=reason, params=params, calendar=calendar)
                moved = transition_many(
                    [c.pk for c in group],
                    "schedule_hearing",
                    by=by,
                    note=f"{reason}：改至{cn_date(local_day(new[0].starts_at))}",
                )
                if moved.refused:
                    raise TransitionRefused(next(iter(moved.refused.values())))
        except (TransitionRefused, LawError) as exc:
            result["refused"].update({c.case_number: str(exc) for c in group})
            continue
        result["rescheduled"] += len(moved.moved)
    return result


def _numbers(refused: dict[int, str]) -> dict[str, str]:
    names = dict(Case.objects.filter(pk__in=list(refused)).values_list("pk", "case_number"))
    return {names.get(pk) or str(pk): reason for pk, reason in refused.items()}


def reschedule(
    hearing_ids: Sequence[int], *, day: date, period: str, by: User, reason: str
) -> list[Hearing]:
    """Move these scheduled hearings to `day` / `period` (the judge's or clerk's decision).

    Refuses (Chinese, naming the case) a day before a party's answer and evidence periods end,
    beyond the time limit, off a working day, or a half-day the judge or every courtroom has
    taken. The new summons is issued and served; the case moves `reschedule_hearing`.
    """
    require(by, "reschedule_hearing")
    if not reason.strip():
        raise TransitionRefused("改期须说明理由")
    params = current_parameters()
    calendar = HolidayCalendar.from_params(params)
    case_ids = list(
        Hearing.objects.filter(pk__in=list(hearing_ids), state=HearingState.SCHEDULED).values_list(
            "case_id", flat=True
        )
    )
    cases = _cases(case_ids, [State.HEARING_SCHEDULED])
    if not cases:
        raise TransitionRefused("没有可改期的庭审（须为已排期、尚未开庭的案件）")
    for case in cases:
        require(by, "reschedule_hearing", case)
    if not calendar.is_workday(day):
        raise TransitionRefused(f"{cn_date(day)}不是工作日，不能安排开庭")
    allowed = earliest_allowed(cases, calendar)
    for case in cases:
        first = allowed[case.pk]
        if first is not None and day < first:
            raise TransitionRefused(
                f"{case.case_number}：答辩期、举证期届满后方可开庭，最早{cn_date(first)}"
            )
    note = f"改期至{cn_date(day)}{PERIOD_LABELS.get(period, '')}：{reason.strip()}"
    booked: list[Hearing] = []
    with transaction.atomic():
        for group in _groups(cases).values():
            booked += _move(
                group, day, by=by, reason=note, params=params, calendar=calendar, period=period
            )
        moved = transition_many([c.pk for c in cases], "reschedule_hearing", by=by, note=note)
        if moved.refused:
            raise TransitionRefused(next(iter(moved.refused.values())))
    return booked
