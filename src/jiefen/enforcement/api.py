"""Bank systems: follow one of their own enforcement cases (执行案件).

`GET /api/v1/enforcements/{number}` with the 执行案号 (URL-encoded, e.g.
`%EF%BC%882026%EF%BC%89%E6%B8%9D0105%E6%89%A71%E5%8F%B7` for （2026）渝0105执1号). Same
authentication as the intake API (an agent's HTTP Basic credentials or a session); a case of
another bank is 404 like a missing one (access rule 4). Amounts are strings with two decimals.

`POST /api/v1/payments/enforcement` reports money a debtor paid the bank directly on one of its
enforcement cases (被执行人主动履行 / 执行和解款); each receipt is distributed like one on the
court's account (`enforcement.actions.money.record_receipts`). The bank's 流水号 (`reference`)
makes a repeat harmless: it counts as a duplicate, never as a second payment.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.accounts.models import User
from jiefen.api.errors import Text, errors
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.enforcement.actions import money
from jiefen.enforcement.models import Enforcement, EnforcementState
from jiefen.law.enforcement import LISTING_GROUNDS
from jiefen.law.errors import LawError

router = Router(tags=["执行"], auth=BANK_AUTH)

MAX_RECEIPTS = 10_000


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


@router.get(
    "/enforcements/{number}",
    response={200: dict[str, Any], **errors(404, 409, 422)},
    summary="执行案件：状态、标的、已回收与未履行金额、执行措施、执行款",
)
def enforcement(request: HttpRequest, number: Text) -> dict[str, Any]:
    """执行案件（本机构作为申请执行人的）：状态、标的、已回收、未履行金额、执行措施、执行款。
    执行案号须 URL 编码；其他机构的案件与不存在的一样返回 404。"""
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


class ReceiptIn(Schema):
    number: Annotated[Text, Field(min_length=1, max_length=40)] = Field(
        description="执行案号，如（2026）渝0105执1号"
    )
    reference: Annotated[Text, Field(min_length=1, max_length=64)] = Field(
        description="银行流水号（同一执行案件内唯一，重复推送不重复入账）"
    )
    amount: Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)] = Field(
        description="金额（元）"
    )
    received_on: date = Field(description="收款日期（不得晚于今天）")
    source: Literal["voluntary", "settlement"] = Field(
        "voluntary", description="voluntary 被执行人主动履行 / settlement 执行和解款"
    )


class ReceiptsIn(Schema):
    receipts: list[ReceiptIn] = Field(..., max_length=MAX_RECEIPTS)


class RefusedReceipt(Schema):
    reference: str
    reason: str


class ReceiptsOut(Schema):
    recorded: int = Field(description="本次登记笔数")
    duplicates: int = Field(description="流水号已登记过、未重复入账的笔数")
    refused: list[RefusedReceipt] = Field(description="未登记的收款及原因")
    performed: list[str] = Field(description="因本次收款执行完毕的执行案号")


@router.post(
    "/payments/enforcement",
    response={200: ReceiptsOut, **errors(400, 403, 409, 413, 422)},
    summary="推送执行款（被执行人直接向本机构清偿，按流水号幂等）",
)
def post_receipts(request: HttpRequest, body: ReceiptsIn) -> ReceiptsOut:
    """被执行人直接向金融机构清偿的款项（主动履行、执行和解款），按执行案号登记并依法分配。
    同一流水号重复推送只计为重复（duplicates），不会重复入账；未登记的逐笔说明原因。"""
    user = request.user
    if not isinstance(user, User):
        raise HttpError(403, "只有金融机构经办人或执行员可以登记执行款")
    refusal = access.role_refusal(user, "enforcement.record_payment")
    if refusal is not None:
        raise HttpError(403, refusal)
    numbers = sorted({r.number for r in body.receipts})
    ids = dict(
        access.visible_enforcements(user).filter(number__in=numbers).values_list("number", "pk")
    )
    rows: list[money.ReceiptRow] = []
    unknown: dict[str, str] = {}
    for r in body.receipts:
        if r.number in ids:
            rows.append(
                money.ReceiptRow(ids[r.number], r.reference, r.received_on, r.amount, r.source)
            )
        else:
            unknown[r.reference] = f"流水号{r.reference}：{money.UNKNOWN}（{r.number}）"
    try:
        report = money.record_receipts(rows, by=user)
    except TransitionRefused as exc:
        raise HttpError(403, str(exc)) from None
    except LawError as exc:
        raise HttpError(409, f"执行款无法分配：{exc}") from None
    report.refused.update(unknown)
    performed = dict(
        access.visible_enforcements(user)
        .filter(pk__in=report.performed)
        .values_list("pk", "number")
    )
    return ReceiptsOut(
        recorded=report.recorded,
        duplicates=report.duplicates,
        refused=[RefusedReceipt(reference=k, reason=v) for k, v in report.refused.items()],
        performed=[performed[pk] for pk in report.performed if pk in performed],
    )
