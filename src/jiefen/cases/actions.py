"""The only writers of case state (rule 2 of the architecture).

`transition` moves one case; `transition_many` moves a set of cases with one UPDATE, one bulk
insert of case events and one audit record, for series and batches. Both check the move against
`states.TRANSITIONS` and run in one transaction.
"""

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import BY_NAME, refusal


class TransitionRefused(Exception):
    """A move the transition table does not allow; the message is for the user (Chinese)."""


def transition(case: Case, name: str, *, by: User | None, note: str = "", **changes: Any) -> Case:
    """Apply the named transition to one case, with optional field changes made in the same step."""
    move = BY_NAME[name]
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        for field, value in changes.items():
            setattr(locked, field, value)
        reason = refusal(locked, move)
        if reason:
            raise TransitionRefused(reason)
        from_state = locked.state
        locked.state = move.target
        locked.save(update_fields=["state", "updated_at", *changes])
        CaseEvent.objects.create(
            case=locked,
            transition=name,
            from_state=from_state,
            to_state=move.target,
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
                "to": str(move.target),
                "note": note,
                **{k: str(v) for k, v in changes.items()},
            },
        )
    return locked


def transition_many(
    case_ids: Iterable[int], name: str, *, by: User | None, note: str = ""
) -> list[int]:
    """Move every case in `case_ids` that is in a source state of `name`; return the ids moved.

    Cases in another state are left alone (the caller shows them); guards that depend on a single
    case's fields are the caller's job for bulk moves, which set those fields set-wise first.
    Idempotent: running it twice moves nothing the second time.
    """
    move = BY_NAME[name]
    ids = list(case_ids)
    moved: list[int] = []
    with transaction.atomic():
        now = timezone.now()
        for start in range(0, len(ids), 900):
            chunk = ids[start : start + 900]
            rows = list(
                Case.objects.select_for_update()
                .filter(pk__in=chunk, state__in=move.sources)
                .values_list("pk", "state")
            )
            if not rows:
                continue
            Case.objects.filter(pk__in=[pk for pk, _ in rows]).update(
                state=move.target, updated_at=now
            )
            CaseEvent.objects.bulk_create(
                CaseEvent(
                    case_id=pk,
                    transition=name,
                    from_state=state,
                    to_state=move.target,
                    actor=by,
                    note=note,
                )
                for pk, state in rows
            )
            moved.extend(pk for pk, _ in rows)
        if moved:
            audit(
                actor_id=by.pk if by else None,
                action=f"case.{name}.bulk",
                object_type="cases",
                object_id=f"{len(moved)}",
                payload={"to": str(move.target), "case_ids": moved, "note": note},
            )
    return moved
