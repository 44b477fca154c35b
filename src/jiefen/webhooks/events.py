"""The events a bank's system can receive, and where each comes from.

Events are read from append-only tables (the outbox): every stage already writes them, in
bulk paths too, so no stage's action has to know about webhooks.

- `filed`, `served`, `judged`, `effective`: a `CaseEvent` of the transitions in `TRANSITIONS`
  (立案, 送达完成, 宣判; 生效 = a judgment, payment order, judicial confirmation or notarized
  title taking effect, i.e. becoming enforceable);
- `paid`: a mediation instalment `Payment` the bank reported, or an enforcement `Receipt`
  (执行款到账) on the court's account;
- `enforcement_measure`: an enforcement `Measure` (execution notice, freeze, deduction,
  seizure, consumption restriction, dishonest listing, settlement, termination for now 终本,
  closing);
- `ping`: sent once when a subscription is made, so the bank can check its receiver.

`SOURCES` says, per table, how to read its rows past the cursor and what each row becomes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import BY_NAME, State
from jiefen.enforcement.models import Measure, Receipt
from jiefen.mediation.models import Payment

EVENTS: dict[str, str] = {
    "filed": "立案",
    "served": "送达完成",
    "judged": "宣判",
    "effective": "生效（可申请执行）",
    "paid": "还款、执行款到账",
    "enforcement_measure": "执行措施",
}
PING = "ping"

# Transition of the case lifecycle (jiefen.cases.states) → event.
TRANSITIONS: dict[str, str] = {
    "file": "filed",
    "serve": "served",
    "pronounce_judgment": "judged",
    "take_effect": "effective",
    "payment_order_takes_effect": "effective",
    "confirm_agreement": "effective",
    "notarize": "effective",
}


@dataclass(frozen=True)
class Occurrence:
    """One event as read from its source row, before it is addressed to any subscription."""

    source: str  # "case_event:17": unique per row, the delivery's idempotency key
    event: str
    occurred_at: datetime
    case: Case
    state: str  # the case's state after the event
    data: dict[str, Any]


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _day(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def iso(moment: datetime) -> str:
    """An instant as the payload shows it: ISO 8601 in the court's time zone (+08:00)."""
    return timezone.localtime(moment).isoformat()


def case_body(case: Case | None, state: str | None = None) -> dict[str, Any] | None:
    if case is None:
        return None
    return {
        "id": case.pk,
        "case_number": case.case_number,
        "contract_number": case.contract_number,
        "state": state or case.state,
    }


def payload(occurrence: Occurrence, institution_code: str) -> dict[str, Any]:
    """The delivery body without its `delivery` id (added when it is sent)."""
    return {
        "event": occurrence.event,
        "occurred_at": iso(occurrence.occurred_at),
        "institution": institution_code,
        "case": case_body(occurrence.case, occurrence.state),
        "data": occurrence.data,
    }


# --- the sources ------------------------------------------------------------------------------


def _case_events(rows: Sequence[CaseEvent]) -> list[Occurrence]:
    from jiefen.judgments.models import Judgment

    judged = [e.case_id for e in rows if TRANSITIONS[e.transition] in ("judged", "effective")]
    judgments = {j.case_id: j for j in Judgment.objects.filter(case_id__in=judged)}
    out = []
    for e in rows:
        event = TRANSITIONS[e.transition]
        case = e.case
        move = BY_NAME.get(e.transition)
        data: dict[str, Any] = {
            "transition": e.transition,
            "label": move.label if move else e.transition,
            "from_state": e.from_state,
            "to_state": e.to_state,
            "to_state_label": State(e.to_state).label if e.to_state in State.values else "",
        }
        if event == "filed":
            data.update(
                case_number=case.case_number,
                filed_on=_day(case.filed_on),
                procedure=case.procedure,
                acceptance_fee=_money(case.acceptance_fee),
                court=case.court.name,
            )
        judgment = judgments.get(case.pk)
        if judgment is not None and event in ("judged", "effective"):
            data["judgment"] = {
                "kind": judgment.kind,
                "pronounced_on": _day(judgment.pronounced_on),
                "effective_on": _day(judgment.effective_on),
                "awarded_total": _money(judgment.awarded_total),
            }
        out.append(Occurrence(f"case_event:{e.pk}", event, e.at, case, e.to_state, data))
    return out


def _payments(rows: Sequence[Payment]) -> list[Occurrence]:
    return [
        Occurrence(
            f"payment:{p.pk}",
            "paid",
            p.received_at,
            p.plan.mediation.case,
            p.plan.mediation.case.state,
            {
                "kind": "instalment",
                "kind_label": "调解协议分期还款",
                "reference": p.reference,
                "amount": _money(p.amount),
                "paid_on": _day(p.paid_on),
                "plan_paid": _money(p.plan.paid),
                "plan_total": _money(p.plan.total),
            },
        )
        for p in rows
    ]


def _receipts(rows: Sequence[Receipt]) -> list[Occurrence]:
    return [
        Occurrence(
            f"receipt:{r.pk}",
            "paid",
            r.created_at,
            r.enforcement.case,
            r.enforcement.case.state,
            {
                "kind": "enforcement",
                "kind_label": "执行款到账",
                "enforcement_number": r.enforcement.number,
                "reference": r.reference,
                "source": r.source,
                "source_label": r.get_source_display(),
                "amount": _money(r.amount),
                "paid_on": _day(r.received_on),
                "to_principal": _money(r.to_principal),
                "to_interest": _money(r.to_interest),
                "to_delay_interest": _money(r.to_delay_interest),
            },
        )
        for r in rows
    ]


def _measures(rows: Sequence[Measure]) -> list[Occurrence]:
    return [
        Occurrence(
            f"measure:{m.pk}",
            "enforcement_measure",
            m.created_at,
            m.enforcement.case,
            m.enforcement.case.state,
            {
                "kind": m.kind,
                "kind_label": m.get_kind_display(),
                "enforcement_number": m.enforcement.number,
                "amount": _money(m.amount),
                "starts_on": _day(m.starts_on),
                "ends_on": _day(m.ends_on),
            },
        )
        for m in rows
    ]


@dataclass(frozen=True)
class Source:
    """One append-only table read past its cursor (`OutboxCursor.source == name`)."""

    name: str
    events: frozenset[str]  # the events it can produce (a source no subscription wants is skipped)
    rows: Callable[[], QuerySet[Any]]  # every row that is an event, with what `build` reads
    at: str  # the row's creation time
    institution: str  # the path to the claimant's id
    build: Callable[[Sequence[Any]], list[Occurrence]]


def _case_event_rows() -> QuerySet[CaseEvent]:
    return CaseEvent.objects.filter(transition__in=list(TRANSITIONS)).select_related("case__court")


def _payment_rows() -> QuerySet[Payment]:
    return Payment.objects.select_related("plan__mediation__case")


def _receipt_rows() -> QuerySet[Receipt]:
    return Receipt.objects.select_related("enforcement__case")


def _measure_rows() -> QuerySet[Measure]:
    return Measure.objects.select_related("enforcement__case")


SOURCES: tuple[Source, ...] = (
    Source(
        "case_event",
        frozenset(TRANSITIONS.values()),
        _case_event_rows,
        "at",
        "case__institution_id",
        _case_events,
    ),
    Source(
        "payment",
        frozenset({"paid"}),
        _payment_rows,
        "received_at",
        "institution_id",
        _payments,
    ),
    Source(
        "receipt",
        frozenset({"paid"}),
        _receipt_rows,
        "created_at",
        "enforcement__case__institution_id",
        _receipts,
    ),
    Source(
        "measure",
        frozenset({"enforcement_measure"}),
        _measure_rows,
        "created_at",
        "enforcement__case__institution_id",
        _measures,
    ),
)
