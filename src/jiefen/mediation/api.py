"""Mediation API: institutions push payments; anyone with access reads a series' answers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.security import django_auth

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.mediation import actions, selectors

router = Router(tags=["诉前调解"], auth=django_auth)


class PaymentIn(Schema):
    contract_number: str
    reference: str
    amount: Decimal
    paid_on: date


class PaymentsIn(Schema):
    payments: list[PaymentIn]


class PaymentsOut(Schema):
    recorded: int
    duplicates: int
    unmatched: list[str]
    completed_plans: int


@router.post("/payments", response=PaymentsOut, summary="推送分期还款（按流水号幂等）")
def post_payments(request: HttpRequest, body: PaymentsIn) -> PaymentsOut:
    user = request.user
    if not isinstance(user, User) or user.organisation is None:
        raise HttpError(403, "只有金融机构经办人可以推送还款")
    if any(p.amount <= 0 for p in body.payments):
        raise HttpError(422, "金额必须大于零")
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


@router.get("/series/{series_id}/answers", summary="系列案借款人答复情况")
def series_answers(request: HttpRequest, series_id: int) -> dict[str, int]:
    """Answers among the series' mediations the caller may see (same 404 for missing/forbidden)."""
    user = request.user
    if not access.may_open(user, "mediation"):
        raise HttpError(404, "系列案不存在或无权查看")
    try:
        series = access.series_for(user, series_id)
    except Http404:
        raise HttpError(404, "系列案不存在或无权查看") from None
    return selectors.answers(selectors.series_cases(series, user))  # type: ignore[arg-type]
