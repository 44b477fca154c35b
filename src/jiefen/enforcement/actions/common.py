"""Shared pieces of the enforcement actions: the bulk result, today, audit, chunking, the
documents rendered after commit, and the figures several actions read from the rows."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append
from jiefen.cases.actions import CHUNK, TransitionRefused, ids_digest
from jiefen.cases.models import Party
from jiefen.enforcement.models import Asset, Enforcement, Measure, MeasureKind

ZERO = Decimal("0.00")

# One refusal type for every action (pages catch it, as the other stages do).
ActionRefused = TransitionRefused


@dataclass
class BulkResult:
    """What a bulk enforcement act did: the ids of the objects acted on and, for each id
    refused, why (Chinese)."""

    done: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def today() -> date:
    return timezone.localdate()


def zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def chunks[T](items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def unique_ids(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(int(i) for i in ids))


def audit(by: User | None, action: str, ids: Sequence[int], **payload: Any) -> None:
    """One audit record for a bulk act: the job's name, a digest of the ids, the extras."""
    if not ids:
        return
    append(
        actor_id=by.pk if by else None,
        action=f"enforcement.{action}",
        object_type="enforcements",
        object_id=f"{len(ids)}",
        payload={
            **ids_digest(list(ids)),
            **{k: v if isinstance(v, list | dict | int) else str(v) for k, v in payload.items()},
        },
    )


def enqueue_documents(
    *,
    measure_ids: Sequence[int] = (),
    receipt_ids: Sequence[int] = (),
    application_ids: Sequence[int] = (),
    lift_ids: Sequence[int] = (),
) -> None:
    """Render the documents of these rows in the task worker once the transaction commits
    (a bulk move of 10,000 cases does not wait for 10,000 PDFs)."""
    if not (measure_ids or receipt_ids or application_ids or lift_ids):
        return
    from jiefen.enforcement.tasks import render_documents_task

    args = (list(measure_ids), list(receipt_ids), list(application_ids), list(lift_ids))
    transaction.on_commit(lambda: render_documents_task.enqueue(*args))


def debtors_of(enforcement_ids: Sequence[int]) -> dict[int, list[Party]]:
    """The debtors (被执行人) of each enforcement: the parties its execution notices went to
    (one notice per debtor at filing and on resumption), in notice order."""
    out: dict[int, list[Party]] = {}
    seen: set[tuple[int, int]] = set()
    for chunk in chunks(list(enforcement_ids)):
        rows = (
            Measure.objects.filter(enforcement_id__in=chunk, kind=MeasureKind.EXECUTION_NOTICE)
            .select_related("party")
            .order_by("pk")
        )
        for m in rows:
            if m.party is None or (m.enforcement_id, m.party_id) in seen:
                continue
            seen.add((m.enforcement_id, m.party.pk))
            out.setdefault(m.enforcement_id, []).append(m.party)
    return out


def still_owed(enforcement: Enforcement, on: date) -> Decimal:
    """What the debtor still owes at `on`: the money debt, the doubled-part interest and the
    execution fee, by the money ledger (delay interest accrued to `on`)."""
    from jiefen.enforcement.actions.money import ledger

    d = ledger(enforcement, as_of=on)
    return d.outstanding_debt + d.outstanding_delay_interest + d.outstanding_execution_fee


def owed_now(enforcements: Sequence[Enforcement], on: date) -> dict[int, Decimal]:
    """`still_owed` for many enforcements at once (the money ledgers in a few queries)."""
    from jiefen.enforcement.actions.money import ledgers

    unique = list({e.pk: e for e in enforcements}.values())
    books = ledgers(unique, as_of=on)
    return {
        pk: d.outstanding_debt + d.outstanding_delay_interest + d.outstanding_execution_fee
        for pk, d in books.items()
    }


def frozen_deposits_many(enforcement_ids: Sequence[int]) -> dict[int, Decimal]:
    """`frozen_deposits` for many enforcements at once."""
    out: dict[int, Decimal] = dict.fromkeys(enforcement_ids, ZERO)
    for chunk in chunks(list(enforcement_ids)):
        rows = (
            Asset.objects.filter(enforcement_id__in=chunk)
            .values("enforcement_id")
            .annotate(total=Sum("frozen"))
        )
        for row in rows:
            out[row["enforcement_id"]] = row["total"] or ZERO
    return out


def frozen_deposits(enforcement_id: int) -> Decimal:
    """Deposits still frozen for this enforcement (frozen and not yet deducted)."""
    total = Asset.objects.filter(enforcement_id=enforcement_id).aggregate(s=Sum("frozen"))["s"]
    return total or ZERO


def seized_value(case_id: int) -> Decimal:
    """The value of the vehicles and real estate seized for the case and not released (a
    seizure made before 终本 stays in force in the resumed enforcement)."""
    total = Measure.objects.filter(
        enforcement__case_id=case_id, kind=MeasureKind.SEIZE, lifted_on=None
    ).aggregate(s=Sum("amount"))["s"]
    return total or ZERO


def secured(enforcement: Enforcement, owed: Decimal) -> bool:
    """Whether the deposits frozen and the property seized suffice to pay what is owed."""
    return owed > 0 and frozen_deposits(enforcement.pk) + seized_value(enforcement.case_id) >= owed


def label(enforcement: Enforcement) -> str:
    return enforcement.number or f"执行案件{enforcement.pk}"
