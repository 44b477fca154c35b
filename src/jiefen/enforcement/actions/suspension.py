"""Suspending and resuming enforcement (中止执行 / 恢复执行) for a suspected crime.

When the title being enforced rests on a suspected crime and the matter is referred to the
police, enforcement stops (民诉法 Art. 267 para. 1(五); 法释〔1998〕7号 Art. 12): the case moves
`suspend_enforcement`, its current enforcement (open, or terminated for now) becomes SUSPENDED
and remembers the state it left. While suspended no measure is taken and no money is paid out
(the measures, money and closing actions refuse any enforcement that is not OPEN). When the
cause is gone (the police declined to file) enforcement resumes where it stopped (Art. 267
para. 2): the case `resume`s to its former state, the enforcement to its former state.

Both acts are set-based and idempotent (a second run finds nothing to do), one transaction,
the enforcement rows locked before the cases (as the other enforcement actions lock them), and
one audit record each. The referral's decision calls them as the system (`by=None`): the
enforcement cases are not in the deciding judge's scope.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from jiefen.accounts.models import User
from jiefen.cases.access import visible_enforcements
from jiefen.cases.actions import require, transition_many
from jiefen.cases.models import Case
from jiefen.cases.states import BY_NAME, State
from jiefen.enforcement.actions.common import audit, chunks, unique_ids
from jiefen.enforcement.models import Enforcement, EnforcementState

# The case states an enforcement can be suspended from (the sources of `suspend_enforcement`).
ENFORCING_CASE_STATES: tuple[str, ...] = tuple(BY_NAME["suspend_enforcement"].sources)
# The enforcement rows a suspension stops: the current round, running or terminated for now.
_SUSPENDABLE = (EnforcementState.OPEN, EnforcementState.TERMINATED_FOR_NOW)


def _current(
    by: User | None, case_ids: Sequence[int], states: Sequence[str]
) -> dict[int, Enforcement]:
    """The newest enforcement (by id) in one of `states` of each case, locked, in id order."""
    scope = visible_enforcements(by) if by is not None else Enforcement.objects.all()
    out: dict[int, Enforcement] = {}
    for chunk in chunks(list(case_ids)):
        rows = (
            scope.select_for_update(of=("self",))
            .filter(case_id__in=chunk, state__in=list(states))
            .order_by("pk")
        )
        for e in rows:
            out[e.case_id] = e  # ascending ids: the newest wins
    return out


def _cases_in(case_ids: list[int], **filters: object) -> list[int]:
    out: list[int] = []
    for chunk in chunks(case_ids):
        out.extend(
            Case.objects.filter(pk__in=chunk, **filters).order_by("pk").values_list("pk", flat=True)
        )
    return out


def suspend_enforcements(case_ids: Sequence[int], *, by: User | None, note: str) -> list[int]:
    """Suspend the enforcement of these cases (those in enforcement or terminated for now).

    Returns the ids of the cases suspended; cases in any other state are left alone. The move
    `suspend_enforcement` checks the actor's role and scope case by case.
    """
    require(by, "suspend_enforcement")
    ids = unique_ids(case_ids)
    with transaction.atomic():
        candidates = _cases_in(ids, state__in=list(ENFORCING_CASE_STATES))
        current = _current(by, candidates, _SUSPENDABLE)
        moved = transition_many(candidates, "suspend_enforcement", by=by, note=note).moved
        stopped = [current[pk] for pk in moved if pk in current]
        for e in stopped:
            e.suspended_from = e.state
            e.state = EnforcementState.SUSPENDED
        Enforcement.objects.bulk_update(stopped, ["state", "suspended_from"], batch_size=500)
        audit(by, "suspend", [e.pk for e in stopped], cases=len(moved), note=note)
    return moved


def resume_enforcements(case_ids: Sequence[int], *, by: User | None, note: str) -> list[int]:
    """Resume the suspended enforcement of these cases where it stopped.

    Only cases suspended from an enforcement state move (`resume`); their suspended enforcement
    goes back to the state it left (open, or terminated for now with its re-inquiry schedule).
    Returns the ids of the cases resumed.
    """
    require(by, "resume")
    ids = unique_ids(case_ids)
    with transaction.atomic():
        candidates = _cases_in(
            ids, state=State.SUSPENDED, suspended_from__in=list(ENFORCING_CASE_STATES)
        )
        current = _current(by, candidates, (EnforcementState.SUSPENDED,))
        moved = transition_many(candidates, "resume", by=by, note=note).moved
        resumed = [current[pk] for pk in moved if pk in current]
        for e in resumed:
            e.state = e.suspended_from or EnforcementState.OPEN
            e.suspended_from = ""
        Enforcement.objects.bulk_update(resumed, ["state", "suspended_from"], batch_size=500)
        audit(by, "resume_suspended", [e.pk for e in resumed], cases=len(moved), note=note)
    return moved
