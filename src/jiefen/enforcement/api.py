"""Bank systems: follow one of their own enforcement cases (执行案件).

`GET /api/v1/enforcements/{number}` with the 执行案号 (URL-encoded, e.g.
`%EF%BC%882026%EF%BC%89%E6%B8%9D0105%E6%89%A71%E5%8F%B7` for （2026）渝0105执1号). Same
authentication as the intake API (an agent's HTTP Basic credentials or a session); a case of
another bank is 404 like a missing one (access rule 4). Amounts are strings with two decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router
from ninja.errors import HttpError

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.cases import access
from jiefen.enforcement.actions import money
from jiefen.enforcement.models import Enforcement, EnforcementState
from jiefen.law.enforcement import LISTING_GROUNDS
from jiefen.law.errors import LawError

router = Router(tags=["执行"], auth=BANK_AUTH)


def _m(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.quantize(Decimal('0.01'))}"


def _outstanding(e: Enforcement) -> dict[str, Any]:
    """What the debtor still owes today by the ledger: the money debt (with the general interest
    accrued to today) and the doubled-part delay interest; the execution fee apart."""
    if e.state == EnforcementState.RESUMED:
        return {"outstanding": None, "outstanding_delay_interest": None, "as_of": None}
    today = timezone.localdate()
    try:
        d = money.ledger(e, as_of=today)
    except LawError as exc:
        raise HttpError(409, f"执行案件{e.number}的执行款分配无法计算：{exc}") from None
    return {
        "outstanding": _m(d.outstanding_debt + d.outstanding_delay_interest),
        "outstanding_debt": _m(d.outstanding_debt),
        "outstanding_delay_interest": _m(d.outstanding_delay_interest),
        "outstanding_execution_fee": _m(d.outstanding_execution_fee),
        "as_of": today.isoformat(),
    }


@router.get("/enforcements/{number}", response=dict[str, Any])
def enforcement(request: HttpRequest, number: str) -> dict[str, Any]:
    """执行案件（本机构作为申请执行人的）：状态、标的、已回收、未履行金额、执行措施、执行款。"""
    user = request.user
    if not access.may_open(user, "recoveries"):
        raise HttpError(404, f"执行案号{number}不存在或无权查看")
    e = (
        access.visible_enforcements(user)
        .filter(number=number)
        .select_related("case", "resumed_from")
        .first()
    )
    if e is None:
        raise HttpError(404, f"执行案号{number}不存在或无权查看")
    receipts = list(
        access.visible_receipts(user).filter(enforcement=e).order_by("received_on", "pk")
    )
    recovered = sum(
        (
            r.to_costs + r.to_interest + r.to_principal + r.to_other + r.to_delay_interest
            for r in receipts
        ),
        Decimal(0),
    )
    measures = (
        access.visible_measures(user)
        .filter(enforcement=e)
        .select_related("party")
        .order_by("starts_on", "pk")
    )
    return {
        "number": e.number,
        "case_number": e.case.case_number or "",
        "resumed_from": e.resumed_from.number if e.resumed_from else None,
        "state": e.state,
        "state_label": e.get_state_display(),
        "title": e.title_reference,
        "filed_on": e.filed_on.isoformat(),
        "applied_total": _m(e.applied_total),
        "execution_fee": _m(e.execution_fee),
        "received": _m(e.received),
        "recovered": _m(recovered),
        "paid_out": _m(e.paid_out),
        **_outstanding(e),
        "closed_on": e.closed_on.isoformat() if e.closed_on else None,
        "measures": [
            {
                "kind": m.kind,
                "label": m.get_kind_display(),
                "debtor": m.party.name if m.party else None,
                "amount": _m(m.amount),
                "starts_on": m.starts_on.isoformat(),
                "ends_on": m.ends_on.isoformat() if m.ends_on else None,
                "lifted_on": m.lifted_on.isoformat() if m.lifted_on else None,
                "ground": m.ground or None,
                "ground_label": LISTING_GROUNDS.get(m.ground) if m.ground else None,
            }
            for m in measures
        ],
        "receipts": [
            {
                "reference": r.reference,
                "received_on": r.received_on.isoformat(),
                "source": r.source,
                "amount": _m(r.amount),
                "to_execution_fee": _m(r.to_execution_fee),
                "to_costs": _m(r.to_costs),
                "to_interest": _m(r.to_interest),
                "to_principal": _m(r.to_principal),
                "to_other": _m(r.to_other),
                "to_delay_interest": _m(r.to_delay_interest),
                "surplus": _m(r.surplus),
            }
            for r in receipts
        ],
    }
