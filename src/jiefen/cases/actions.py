"""The only writers of case state (rule 2 of the architecture).

`transition` moves one case; `transition_many` moves a set of cases chunk by chunk with one
UPDATE and one bulk insert of case events per chunk, and one audit record naming the job and a
digest of the ids. Both check every move against `states.TRANSITIONS` — source state, guard and
what the move requires — and who makes it (`access`: the actor's role and scope), in one
transaction. `require` is the same check for the actions of the stages before they write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Value
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.access import NOT_IN_SCOPE, act_refusal, in_scope, role_refusal
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import BY_NAME, State, refusal, target_of

CHUNK = 900  # below SQLite's bound-parameter limit for `pk IN (...)`


class TransitionRefused(Exception):
    """A move or act that may not happen now; the message is for the user (Chinese)."""


@dataclass
class BulkMove:
    """What `transition_many` did: the ids moved and, for each refused id, why (Chinese)."""

    moved: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def require(by: User | None, name: str, case: Case | None = None) -> None:
    """Refuse unless `by` may do `name` (a transition or an `access.ABILITIES` entry).

    With `case`, the case must also be in `by`'s scope; without, only the role is checked (for
    acts on many cases, which `transition_many` then checks case by case).
    """
    reason = role_refusal(by, name) if case is None else act_refusal(by, case, name)
    if reason:
        raise TransitionRefused(reason)


def transition(case: Case, name: str, *, by: User | None, note: str = "", **changes: Any) -> Case:
    """Apply the named transition to one case, with optional field changes made in the same step."""
    move = BY_NAME[name]
    require(by, name, case)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        for field_name, value in changes.items():
            setattr(locked, field_name, value)
        reason = refusal(locked, move)
        if reason:
            raise TransitionRefused(reason)
        from_state = locked.state
        locked.state = target_of(locked, move)
        locked.suspended_from = from_state if locked.state == State.SUSPENDED else ""
        locked.save(update_fields=["state", "suspended_from", "updated_at", *changes])
        CaseEvent.objects.create(
            case=locked,
            transition=name,
            from_state=from_state,
            to_state=locked.state,
            actor=by,
            note=note,
        )
        audit(
            actor_id=by.pk if by else None,
            action=f"case.{name}",
            object_type="case",
            object_id=locked.pk,
            payload={
                "from": from_state,
                "to": str(locked.state),
                "note": note,
                **{k: str(v) for k, v in changes.items()},
            },
        )
    return locked


def ids_digest(ids: list[int]) -> dict[str, Any]:
    """How an audit record names a set of cases: count, SHA-256 of the sorted ids, first, last."""
    ordered = sorted(ids)
    return {
        "count": len(ordered),
        "ids_sha256": hashlib.sha256(",".join(map(str, ordered)).encode()).hexdigest(),
        "first_id": ordered[0] if ordered else None,
        "last_id": ordered[-1] if ordered else None,
    }


def transition_many(
    case_ids: Iterable[int], name: str, *, by: User | None, note: str = "", job: str = ""
) -> BulkMove:
    """Move every case of `case_ids` that may make the move `name` now, chunk by chunk.

    Each case is checked as `transition` checks one — source state, guard and requirements,
    the actor's role and scope; refused cases are left alone and reported with their reason.
    Set-based: one locking SELECT, one UPDATE and one bulk INSERT of events per chunk, and one
    audit record naming `job` (e.g. "filing_job:12") and a digest of the ids moved. Idempotent:
    a second run moves nothing and reports the cases as in the wrong state.
    """
    move = BY_NAME[name]
    ids = list(dict.fromkeys(case_ids))
    result = BulkMove()
    role = role_refusal(by, name)
    if role:
        result.refused = dict.fromkeys(ids, role)
        return result
    with transaction.atomic():
        now = timezone.now()
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            cases = {c.pk: c for c in Case.objects.select_for_update().filter(pk__in=chunk)}
            scope = in_scope(by, list(cases))
            ready: list[Case] = []
            for pk in chunk:
                case = cases.get(pk)
                reason = (
                    "案件不存在"
                    if case is None
                    else NOT_IN_SCOPE
                    if pk not in scope
                    else refusal(case, move)
                )
                if reason:
                    result.refused[pk] = reason
                else:
                    ready.append(case)  # type: ignore[arg-type]
            if not ready:
                continue
            by_target: dict[str, list[int]] = {}
            for c in ready:
                by_target.setdefault(target_of(c, move), []).append(c.pk)
            for target, pks in by_target.items():
                # A suspension remembers the state it left; any other move forgets it.
                suspended_from = F("state") if target == State.SUSPENDED else Value("")
                Case.objects.filter(pk__in=pks).update(
                    state=target, suspended_from=suspended_from, updated_at=now
                )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case_id=c.pk,
                    transition=name,
                    from_state=c.state,
                    to_state=target_of(c, move),
                    actor=by,
                    note=note,
                )
                for c in ready
            )
            result.moved.extend(c.pk for c in ready)
        if result.moved:
            audit(
                actor_id=by.pk if by else None,
                action=f"case.{name}.bulk",
                object_type="cases",
                object_id=job or f"{len(result.moved)}",
                payload={
                    "job": job,
                    **ids_digest(result.moved),
                    "refused": len(result.refused),
                    "to": "suspended_from" if move.returns else str(move.target),
                    "note": note,
                },
            )
    return result
