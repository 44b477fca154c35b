"""Opening mediation: choose mediators by load, duty roster and conflicts; number the cases.

A mediator tied to the claimant institution (a `Conflict` row: former employee, a lawyer whose
firm acts for the bank…) is never assigned its cases (人民调解法 Art. 15 on withdrawal; 特邀调解
规定 Art. 16). Lawyers of a lawyer pool sit on their duty weekdays only (律师调解轮值).
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count

from jiefen.accounts.models import MediationOrgKind, Organisation, Role, User
from jiefen.cases.actions import require, transition_many
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.lawdata.selectors import mediation_period_days
from jiefen.mediation.actions.common import (
    MEDIATION_TYPE,
    ActionRefused,
    audit,
    next_numbers,
    portal_code,
    today,
)
from jiefen.mediation.actions.notices import queue_case_notices
from jiefen.mediation.models import Conflict, MediationCase, MediatorProfile

ACTIVE_STATES = (State.IN_MEDIATION, State.MEDIATED)


@dataclass
class Candidate:
    user: User
    load: int
    capacity: int
    position: int


@dataclass
class OpenResult:
    opened: list[int] = field(default_factory=list)
    unassigned: list[int] = field(default_factory=list)


def candidates(organisation: Organisation, institution_id: int, on: date) -> list[Candidate]:
    """Mediators of the organisation who may take this institution's cases on `on`."""
    users = list(
        User.objects.filter(role=Role.MEDIATOR, organisation=organisation, is_active=True)
        .exclude(
            pk__in=Conflict.objects.filter(institution_id=institution_id).values("mediator_id")
        )
        .order_by("id")
    )
    profiles = {p.user_id: p for p in MediatorProfile.objects.filter(user__in=users)}
    loads = dict(
        Case.objects.filter(mediator__in=users, state__in=ACTIVE_STATES)
        .values_list("mediator_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    roster = organisation.mediation_kind == MediationOrgKind.LAWYER_POOL
    out: list[Candidate] = []
    for u in users:
        p = profiles.get(u.pk) or MediatorProfile(user=u)
        if not p.available or (roster and str(on.weekday()) not in p.duty_weekdays):
            continue
        out.append(Candidate(u, loads.get(u.pk, 0), p.capacity, p.roster_position))
    return out


def _distribute(case_ids: list[int], pool: list[Candidate], whole: bool) -> dict[int, int]:
    """Least-loaded first (ties by roster position); a whole series goes to one mediator if it fits."""
    if whole:
        fitting = [c for c in pool if c.capacity - c.load >= len(case_ids)]
        if fitting:
            best = min(fitting, key=lambda c: (c.load, c.position, c.user.pk))
            best.load += len(case_ids)
            return dict.fromkeys(case_ids, best.user.pk)
    heap = [(c.load, c.position, c.user.pk, i) for i, c in enumerate(pool) if c.load < c.capacity]
    heapq.heapify(heap)
    out: dict[int, int] = {}
    for case_id in case_ids:
        if not heap:
            break
        load, pos, uid, i = heapq.heappop(heap)
        out[case_id] = uid
        pool[i].load = load + 1
        if load + 1 < pool[i].capacity:
            heapq.heappush(heap, (load + 1, pos, uid, i))
    return out


def open_mediation(
    case_ids: Iterable[int],
    organisation: Organisation,
    *,
    by: User | None,
    as_of: date | None = None,
    whole_series: bool = False,
    days: int | None = None,
) -> OpenResult:
    """Assign mediators, give 民诉前调 numbers and portal codes, move screened cases to mediation,
    and queue the notices to the borrowers. Set-based; cases not in `screening` are skipped."""
    require(by, "open_mediation")
    on = as_of or today()
    # 特邀调解规定 Art. 19: 30 days unless the parties agree longer (law/parameters/rules.yaml).
    period = days if days is not None else mediation_period_days(on)
    if organisation.kind != "mediation_org":
        raise ActionRefused("只能指派给调解组织")
    result = OpenResult()
    with transaction.atomic():
        rows = list(
            Case.objects.select_for_update()
            .filter(pk__in=list(case_ids), state=State.SCREENING)
            .values_list("pk", "institution_id", "court_id")
            .order_by("pk")
        )
        by_institution: dict[int, list[int]] = defaultdict(list)
        for pk, inst, _ in rows:
            by_institution[inst].append(pk)
        chosen: dict[int, int] = {}
        for inst, ids in by_institution.items():
            chosen.update(_distribute(ids, candidates(organisation, inst, on), whole_series))
        result.unassigned = [pk for pk, _, _ in rows if pk not in chosen]
        by_court: dict[int, list[int]] = defaultdict(list)
        for pk, _, court in rows:
            if pk in chosen:
                by_court[court].append(pk)
        updates: list[Case] = []
        for court_id, ids in by_court.items():
            court_org = Organisation.objects.get(pk=court_id)
            for pk, number in zip(
                ids, next_numbers(court_org, on.year, MEDIATION_TYPE, len(ids)), strict=True
            ):
                updates.append(Case(pk=pk, mediator_id=chosen[pk], mediation_number=number))
        Case.objects.bulk_update(updates, ["mediator", "mediation_number"], batch_size=500)
        MediationCase.objects.bulk_create(
            [
                MediationCase(
                    case_id=c.pk,
                    organisation=organisation,
                    portal_code=portal_code(),
                    opened_on=on,
                    deadline=on + timedelta(days=period),
                )
                for c in updates
            ],
            batch_size=500,
        )
        result.opened = transition_many(
            [c.pk for c in updates], "open_mediation", by=by, note=f"{organisation.name}诉前调解"
        ).moved
        queue_case_notices(result.opened, "opened")
        audit(
            by,
            "open",
            organisation.code,
            opened=len(result.opened),
            unassigned=result.unassigned[:100],
        )
    return result


def reassign(case: Case, mediator: User, *, by: User) -> None:
    """Manual reassignment, with the same conflict check as automatic assignment.

    The centre may move a case to any mediator; a mediator only hands their own case to a
    colleague of their own organisation.
    """
    require(by, "mediation.reassign", case)
    if by.role == Role.MEDIATOR and mediator.organisation_id != by.organisation_id:
        raise ActionRefused("调解员只能将案件改派给本调解组织的调解员")
    if mediator.role != Role.MEDIATOR:
        raise ActionRefused("只能改派给调解员")
    if Conflict.objects.filter(mediator=mediator, institution_id=case.institution_id).exists():
        raise ActionRefused(f"{mediator.display_name}与申请人存在利害关系，应当回避")
    if case.state not in ACTIVE_STATES:
        raise ActionRefused("案件不在调解阶段，不能改派")
    with transaction.atomic():
        old = case.mediator_id
        Case.objects.filter(pk=case.pk).update(mediator=mediator)
        MediationCase.objects.filter(case=case).update(organisation_id=mediator.organisation_id)
        audit(by, "reassign", case.pk, old=old, new=mediator.pk)
    case.mediator = mediator
