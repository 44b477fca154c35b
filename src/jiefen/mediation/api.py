"""Mediation API: institutions push instalment payments; anyone with access reads a series' answers.

`POST /api/v1/payments/instalments` (and its older alias `POST /api/v1/mediation/payments`)
records the payments a borrower made on a mediation instalment plan, matched by contract
number; the bank's 流水号 (`reference`) makes a repeat harmless: it counts as a duplicate and is
never recorded twice (`mediation.actions.record_payments`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from pydantic import Field

from jiefen.accounts.api_auth import BANK_AUTH
from jiefen.accounts.models import User
from jiefen.api.errors import Text, errors
from jiefen.cases import access
from jiefen.mediation import actions, selectors

router = Router(tags=["诉前调解"], auth=BANK_AUTH)
# `/api/v1/payments/…`: the payments a bank pushes, mediation instalments here and enforcement
# receipts in `jiefen.enforcement.api`.
payments_router = Router(tags=["还款"], auth=BANK_AUTH)

MAX_PAYMENTS = 10_000


class PaymentIn(Schema):
    contract_number: Annotated[Text, Field(min_length=1, max_length=64)] = Field(
        description="合同编号/卡号"
    )
    reference: Annotated[Text, Field(min_length=1, max_length=64)] = Field(
        description="银行流水号（同一机构内唯一，重复推送不重复入账）"
    )
    amount: Annotated[Decimal, Field(gt=0, max_digits=16, decimal_places=2)] = Field(
        description="金额（元）"
    )
    paid_on: date = Field(description="还款日期")


class PaymentsIn(Schema):
    payments: list[PaymentIn] = Field(..., max_length=MAX_PAYMENTS)


class PaymentsOut(Schema):
    recorded: int = Field(description="本次入账笔数")
    duplicates: int = Field(description="流水号已登记过、未重复入账的笔数")
    unmatched: list[str] = Field(description="找不到未完成分期计划的合同编号")
    completed_plans: int = Field(description="因本次还款履行完毕的分期计划数")


def _record(request: HttpRequest, body: PaymentsIn) -> PaymentsOut:
    user = request.user
    if not isinstance(user, User) or user.organisation is None:
        raise HttpError(403, "只有金融机构经办人可以推送还款")
    rows = [
        actions.PaymentRow(p.contract_number, p.reference, p.amount, p.paid_on)
        for p in body.payments
    ]
    try:  # the action decides who may report payments (the creditor, for its own cases)
        report = actions.record_payments(user.organisation, rows, by=user, source="api")
    except actions.ActionRefused as exc:
        raise HttpError(403, str(exc)) from None
    return PaymentsOut(
        recorded=report.recorded,
        duplicates=report.duplicates,
        unmatched=report.unmatched,
        completed_plans=report.completed_plans,
    )


_PAYMENT_RESPONSES = {200: PaymentsOut, **errors(400, 403, 413, 422)}


@payments_router.post(
    "/payments/instalments",
    response=_PAYMENT_RESPONSES,
    summary="推送调解分期还款（按流水号幂等）",
)
def post_instalments(request: HttpRequest, body: PaymentsIn) -> PaymentsOut:
    """借款人按调解协议分期还款后，由金融机构推送：按合同编号匹配分期计划，先到期的先清偿。
    同一流水号重复推送只计为重复（duplicates），不会重复入账。"""
    return _record(request, body)


@router.post(
    "/payments",
    response=_PAYMENT_RESPONSES,
    summary="推送分期还款（旧地址，同 POST /payments/instalments）",
)
def post_payments(request: HttpRequest, body: PaymentsIn) -> PaymentsOut:
    """与 `POST /api/v1/payments/instalments` 相同，保留供已对接的系统使用。"""
    return _record(request, body)


@router.get(
    "/series/{series_id}/answers",
    response={200: dict[str, int], **errors(404, 422)},
    summary="系列案借款人答复情况",
)
def series_answers(request: HttpRequest, series_id: int) -> dict[str, int]:
    """系列案中调解案件的借款人答复情况（按答复类型计数）。无权查看与不存在一样返回 404。"""
    user = request.user
    if not access.may_open(user, "mediation"):
        raise HttpError(404, "系列案不存在或无权查看")
    try:
        series = access.series_for(user, series_id)
    except Http404:
        raise HttpError(404, "系列案不存在或无权查看") from None
    return selectors.answers(selectors.series_cases(series, user))  # type: ignore[arg-type]
