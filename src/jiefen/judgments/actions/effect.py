"""Taking effect (生效): appeal periods per party, appeals, the effect sweep, enforceability.

- `refresh_appeal_periods(case_ids)`: each party's appeal period runs from ITS OWN service of
  the judgment (民诉法 Art. 171: 15 days; Art. 286: 30 days for a party with no domicile in
  China; Art. 85: the start day is not counted and a last day on a rest day moves to the next
  working day). `Judgment.appeal_ends` is the latest of them, set once every party is served.
- `file_appeal(judgment, party=, filed_on=, by=)`: an appeal inside the appellant's own period
  moves the case `appeal`; after it, it is refused with the date.
- `take_effect_due(today)`: the sweep. A judgment whose `appeal_ends` has passed unappealed
  takes effect the next day; a small-claims judgment is final (Art. 165) and takes effect once
  served on every party; a 民事调解书 once every party has signed for it (Art. 100, the service
  date of each party is its signature). Then the performance period runs, and once it has
  passed the decision is marked enforceable (unpaid is the default; payments are issue 12).

Every function is idempotent and safe with several workers: judgments another worker holds
are skipped (`skip_locked`), moved ones are no longer `pronounced`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, ids_digest, require, transition, transition_many
from jiefen.cases.models import Party, Procedure
from jiefen.cases.states import State
from jiefen.judgments.models import Appeal, DecisionKind, DecisionState, Judgment
from jiefen.judgments.selectors import (
    SERVICE_PURPOSE,
    PartyPeriod,
    all_served,
    party_periods,
    served_dates,
)
from jiefen.law.errors import CalendarDataMissing
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar, period_in_days
from jiefen.lawdata.selectors import current_parameters

DEFAULT_PERFORMANCE_DAYS = 10
logger = logging.getLogger(__name__)


def _calendar() -> tuple[HolidayCalendar, Parameters]:
    params = current_parameters()
    return HolidayCalendar.from_params(params), params


def performance_end(effective_on: date, days: int, *, calendar: HolidayCalendar) -> date:
    """Last day of "于本判决生效之日起N日内": the effective day is day 1, so the period is N days
    from the day before it (民诉法 Art. 85: start day not counted), i.e. effective_on + N − 1,
    moved to the next working day when that is a rest day."""
    return period_in_days(effective_on - timedelta(days=1), days, calendar=calendar).deadline


def _performance_days(judgment: Judgment) -> int:
    value = (judgment.computation or {}).get("performance_days")
    return int(value) if value not in (None, "") else DEFAULT_PERFORMANCE_DAYS


def _pronounced(case_ids: Iterable[int] | None, kind: str, **where: Any) -> list[Judgment]:
    qs = (
        Judgment.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("case", "case__institution")
        .filter(kind=kind, state=DecisionState.PRONOUNCED, case__state=State.JUDGED, **where)
    )
    if case_ids is not None:
        qs = qs.filter(case_id__in=list(case_ids))
    return list(qs.order_by("pk"))


def refresh_appeal_periods(case_ids: Iterable[int]) -> int:
    """Set `Judgment.appeal_ends` of the pronounced judgments of `case_ids`; return how many changed.

    The latest of the parties' own deadlines, once every party (claimant, each defendant and
    guarantor) is served; None while one is not (the judgment cannot take effect before).
    Small-claims judgments have no appeal period (final, 民诉法 Art. 165).
    """
    calendar, params = _calendar()
    changed = 0
    with transaction.atomic():
        judgments = _pronounced(case_ids, DecisionKind.JUDGMENT)
        served = served_dates([j.case_id for j in judgments], "judgment")
        for j in judgments:
            try:
                periods = party_periods(j, calendar=calendar, params=params, served=served)
            except CalendarDataMissing as exc:
                # No holiday data for the year a period ends in: never guess, wait for it.
                logger.warning("appeal period of judgment %s: %s", j.pk, exc)
                continue
            ends = None
            if all_served(periods) and j.case.procedure != Procedure.SMALL_CLAIMS:
                ends = max(p.deadline for p in periods if p.deadline is not None)
            if ends != j.appeal_ends:
                Judgment.objects.filter(pk=j.pk).update(appeal_ends=ends, updated_at=timezone.now())
                changed += 1
    return changed


def _appellant(judgment: Judgment, party: Party | None, by: User) -> Party | None:
    """Who appeals: a party acts for itself, a lawyer for the party it represents, the bank for
    the claimant; the clerk registers a paper appeal of anyone."""
    case = judgment.case
    label = case.case_number or str(case.pk)
    if by.role == Role.DEFENDANT:
        if party is not None and party.pk != by.party_id:
            raise TransitionRefused(f"案号{label}：只能以本人名义提起上诉")
        return Party.objects.get(pk=by.party_id or 0)
    if by.role == Role.BANK_AGENT:
        if party is not None:
            raise TransitionRefused(f"案号{label}：原告只能以原告名义提起上诉")
        return None
    if by.role == Role.LAWYER and (
        party is None or not case.agents.filter(lawyer=by, party=party).exists()
    ):
        raise TransitionRefused(f"案号{label}：上诉人须为您代理的当事人")
    return party


def _period_of(periods: list[PartyPeriod], party: Party | None) -> PartyPeriod:
    wanted = party.pk if party else None
    for p in periods:
        if p.party_id == wanted:
            return p
    raise TransitionRefused(f"{party.name if party else '该当事人'}不是本案当事人，不能上诉")


def file_appeal(
    judgment: Judgment, *, party: Party | None = None, filed_on: date, by: User
) -> Appeal:
    """Record an appeal (上诉) of `party` (None: the claimant) filed on `filed_on`.

    Refused unless the decision is a judgment open to appeal (not a 调解书, a ruling allowing
    withdrawal or a final small-claims judgment), the appellant was served and `filed_on` is
    within ITS OWN appeal period (民诉法 Art. 171); the case then moves `appeal` (the second
    instance is out of scope) and the judgment can no longer take effect. A later appeal of
    another party of an appealed judgment is recorded beside the first.
    """
    case = judgment.case
    label = case.case_number or str(case.pk)
    require(by, "appeal", case)
    if judgment.kind != DecisionKind.JUDGMENT:
        raise TransitionRefused(f"案号{label}：{judgment.get_kind_display()}不得上诉")
    if case.procedure == Procedure.SMALL_CLAIMS:
        raise TransitionRefused(f"案号{label}：小额诉讼案件实行一审终审，判决不得上诉")
    if judgment.state not in (DecisionState.PRONOUNCED, DecisionState.APPEALED):
        raise TransitionRefused(
            f"案号{label}：判决当前状态为「{judgment.get_state_display()}」，不能登记上诉"
        )
    if filed_on > timezone.localdate():
        raise TransitionRefused(f"案号{label}：上诉日期{filed_on.isoformat()}晚于今天，请核对")
    appellant = _appellant(judgment, party, by)
    calendar, params = _calendar()
    try:
        periods = party_periods(judgment, calendar=calendar, params=params)
    except CalendarDataMissing as exc:
        raise TransitionRefused(f"案号{label}：{exc}") from None
    period = _period_of(periods, appellant)
    if period.served_on is None or period.deadline is None:
        raise TransitionRefused(f"案号{label}：判决书尚未向{period.name}送达，上诉期尚未起算")
    if filed_on > period.deadline:
        raise TransitionRefused(
            f"案号{label}：{period.name}于{period.served_on.isoformat()}收到判决书，上诉期已于"
            f"{period.deadline.isoformat()}届满，{filed_on.isoformat()}提起的上诉不予登记"
        )
    with transaction.atomic():
        if judgment.state == DecisionState.PRONOUNCED:
            transition(case, "appeal", by=by, note=f"{period.name}于{filed_on.isoformat()}上诉")
        appeal = Appeal.objects.create(
            judgment=judgment,
            party=appellant,
            appellant=period.name,
            filed_on=filed_on,
            deadline=period.deadline,
            by=by,
        )
        Judgment.objects.filter(pk=judgment.pk).update(
            state=DecisionState.APPEALED, updated_at=timezone.now()
        )
        audit(
            actor_id=by.pk,
            action="judgments.appeal",
            object_type="judgment",
            object_id=judgment.pk,
            payload={
                "case": case.pk,
                "appellant": period.name,
                "filed_on": filed_on.isoformat(),
                "deadline": period.deadline.isoformat(),
            },
        )
    judgment.state = DecisionState.APPEALED
    return appeal


def _take_effect(
    judgments: list[Judgment], effective: dict[int, date], calendar: HolidayCalendar, note: str
) -> list[int]:
    """Move the cases `take_effect` and date each decision (effective_on, performance_ends)."""
    if not judgments:
        return []
    ends_of: dict[int, date | None] = {}
    for j in judgments:
        try:
            ends_of[j.pk] = (
                performance_end(effective[j.pk], _performance_days(j), calendar=calendar)
                if j.kind == DecisionKind.JUDGMENT
                else j.performance_ends
            )
        except CalendarDataMissing as exc:
            logger.warning("performance period of judgment %s: %s", j.pk, exc)
    ready = [j for j in judgments if j.pk in ends_of]
    moved = set(
        transition_many([j.case_id for j in ready], "take_effect", by=None, note=note).moved
    )
    now = timezone.now()
    done = []
    for j in ready:
        if j.case_id not in moved:
            continue
        on, ends = effective[j.pk], ends_of[j.pk]
        Judgment.objects.filter(pk=j.pk).update(
            state=DecisionState.EFFECTIVE, effective_on=on, performance_ends=ends, updated_at=now
        )
        done.append(j.pk)
    return done


def _appeal_period_over(today: date, calendar: HolidayCalendar) -> list[int]:
    judgments = _pronounced(
        None, DecisionKind.JUDGMENT, appeal_ends__lt=today, appeals__isnull=True
    )
    effective = {j.pk: j.appeal_ends + timedelta(days=1) for j in judgments if j.appeal_ends}
    return _take_effect(judgments, effective, calendar, "各方当事人上诉期届满均未上诉")


def _served_on_everyone(kind: str, today: date, calendar: HolidayCalendar, note: str) -> list[int]:
    """Decisions effective on service to every party: the latest party's service date."""
    judgments = _pronounced(None, kind)
    if kind == DecisionKind.JUDGMENT:
        judgments = [j for j in judgments if j.case.procedure == Procedure.SMALL_CLAIMS]
    served = served_dates([j.case_id for j in judgments], SERVICE_PURPOSE[DecisionKind(kind)])
    ready: list[Judgment] = []
    effective: dict[int, date] = {}
    for j in judgments:
        periods = party_periods(j, calendar=calendar, served=served)
        days = [p.served_on for p in periods]
        if all_served(periods) and max(d for d in days if d) <= today:
            ready.append(j)
            effective[j.pk] = max(d for d in days if d)
    return _take_effect(ready, effective, calendar, note)


def _mark_enforceable(today: date) -> int:
    """Effective judgments and mediation documents whose performance period has passed unpaid."""
    return Judgment.objects.filter(
        state=DecisionState.EFFECTIVE,
        kind__in=[DecisionKind.JUDGMENT, DecisionKind.MEDIATION],
        enforceable=False,
        performance_ends__lt=today,
    ).update(enforceable=True, updated_at=timezone.now())


def take_effect_due(today: date) -> dict[str, int]:
    """The daily sweep: appeal periods, decisions taking effect, enforceability (idempotent)."""
    calendar, _ = _calendar()
    pending = Judgment.objects.filter(
        kind=DecisionKind.JUDGMENT, state=DecisionState.PRONOUNCED
    ).values_list("case_id", flat=True)
    # One transaction: the rows this worker locks to refresh their appeal periods stay locked
    # until it has moved them, so a second worker skips them in both steps (never one step each).
    with transaction.atomic():
        refreshed = refresh_appeal_periods(list(pending))
        judgments = _appeal_period_over(today, calendar)
        small = _served_on_everyone(
            DecisionKind.JUDGMENT, today, calendar, "小额诉讼判决为终审判决，送达各方当事人后生效"
        )
        mediation = _served_on_everyone(
            DecisionKind.MEDIATION, today, calendar, "调解书经双方当事人签收后生效"
        )
        enforceable = _mark_enforceable(today)
        moved = [*judgments, *small, *mediation]
        if moved or enforceable:
            audit(
                actor_id=None,
                action="judgments.take_effect_due",
                object_type="judgments",
                object_id=today.isoformat(),
                payload={**ids_digest(moved), "enforceable": enforceable},
            )
    return {
        "appeal_periods": refreshed,
        "judgments": len(judgments),
        "small_claims": len(small),
        "mediation": len(mediation),
        "enforceable": enforceable,
    }
