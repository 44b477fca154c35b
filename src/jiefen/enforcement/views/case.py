"""One enforcement case (执行案件): the title and its debt by component, the ledger (every
receipt with its distribution by 法释〔2014〕8号 and 民法典 Art. 561), disbursements, measures with
their documents, inquiries and assets; forms to record a voluntary payment, make an execution
settlement, disburse, resume, and the creditor's statement (债权人对账单)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import Role, User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.documents.views import serve_document
from jiefen.enforcement import actions
from jiefen.enforcement.actions import money
from jiefen.enforcement.models import (
    Enforcement,
    EnforcementState,
    MeasureKind,
    Receipt,
    ReceiptSource,
)
from jiefen.enforcement.views import keep_result, mask_account, pop_result, yuan
from jiefen.enforcement.views.desk import inquiry_label
from jiefen.law.enforcement import LISTING_GROUNDS
from jiefen.law.errors import LawError
from jiefen.web.params import BadParam, date_param, decimal_param

MAX_INSTALMENTS = 60

# Sources an officer records by hand (a deduction comes from the registry, never typed in).
_HAND_SOURCES = {
    ReceiptSource.VOLUNTARY: ReceiptSource.VOLUNTARY.label,
    ReceiptSource.SETTLEMENT: ReceiptSource.SETTLEMENT.label,
}


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):  # login_required ran first; this narrows the type
        raise TransitionRefused("请先登录")
    return user


def chain(user: User, enforcement: Enforcement) -> list[Enforcement]:
    """This enforcement and the ones it was resumed from (one title, one debt), oldest first."""
    rows = [enforcement]
    seen = {enforcement.pk}
    current = enforcement
    while current.resumed_from_id is not None and current.resumed_from_id not in seen:
        previous = access.visible_enforcements(user).filter(pk=current.resumed_from_id).first()
        if previous is None:
            break
        rows.insert(0, previous)
        seen.add(previous.pk)
        current = previous
    return rows


def _receipt_row(r: Receipt) -> dict[str, Any]:
    return {
        "r": r,
        "direct": paid_to_creditor(r),
        **{
            k: yuan(getattr(r, k))
            for k in (
                "amount",
                "to_execution_fee",
                "to_costs",
                "to_interest",
                "to_principal",
                "to_other",
                "to_delay_interest",
                "surplus",
            )
        },
    }


_COLUMNS = (
    "amount",
    "to_execution_fee",
    "to_costs",
    "to_interest",
    "to_principal",
    "to_other",
    "to_delay_interest",
    "surplus",
)


def _ledger(e: Enforcement, on: date) -> dict[str, Any]:
    """The debt by component, as the title fixed it and as it stands today by the ledger."""
    try:
        d = money.ledger(e, as_of=on)
    except LawError as exc:
        return {"error": str(exc)}
    o = d.outstanding
    components = [
        ("实现债权的费用（诉讼费、律师费等）", e.costs, o.costs),
        ("一般债务利息（含计至今日的继续利息）", e.interest, o.interest),
        ("本金", e.principal, o.principal),
        ("其他金钱债务（手续费、违约金等）", e.other, o.other),
    ]
    return {
        "components": [(label, yuan(t), yuan(now)) for label, t, now in components],
        "title_total": yuan(e.costs + e.interest + e.principal + e.other),
        "outstanding_debt": yuan(d.outstanding_debt),
        "general_accrued": yuan(d.general_interest_accrued),
        "delay_accrued": yuan(d.delay_interest_accrued),
        "delay_outstanding": yuan(d.outstanding_delay_interest),
        "fee_outstanding": yuan(d.outstanding_execution_fee),
        "owed": yuan(d.outstanding_debt + d.outstanding_delay_interest),
        "citation": d.citation,
        "as_of": d.as_of,
    }


def paid_to_creditor(r: Receipt) -> bool:
    """A payment the debtor made to the bank directly, reported by the bank's agent: it is
    credited to the debt but never reached the court's account (nothing to pay out)."""
    return r.created_by is not None and r.created_by.role == Role.BANK_AGENT


def _held(e: Enforcement, receipts: list[Receipt]) -> Decimal:
    """What the court holds for the creditor on this enforcement: what reached its account less
    the execution fee taken, the surplus returned to the debtor and what was paid out already."""
    mine = [r for r in receipts if r.enforcement_id == e.pk and not paid_to_creditor(r)]
    held = sum((r.amount - r.to_execution_fee - r.surplus for r in mine), Decimal(0)) - e.paid_out
    return max(held, Decimal(0))


@login_required
def case_page(request: HttpRequest, enforcement_id: int) -> HttpResponse:
    user = _user(request)
    e = access.enforcement_for(user, enforcement_id)
    today = timezone.localdate()
    rows = chain(user, e)
    receipts = list(
        access.visible_receipts(user)
        .filter(enforcement__in=[x.pk for x in rows])
        .select_related("enforcement", "created_by")
        .order_by("received_on", "pk")
    )
    totals = {k: yuan(sum((getattr(r, k) for r in receipts), Decimal(0))) for k in _COLUMNS}
    measures = (
        access.visible_measures(user)
        .filter(enforcement=e)
        .select_related("party", "asset")
        .order_by("starts_on", "pk")
    )
    staff = access.may_open(user, "enforcement") or access.may_open(user, "recoveries")
    inquiries: list[dict[str, Any]] = []
    if staff:
        assets = list(
            access.visible_assets(user)
            .filter(enforcement=e)
            .select_related("party")
            .order_by("-matched", "pk")
        )
        for i in (
            access.visible_inquiries(user)
            .filter(enforcement=e)
            .select_related("party")
            .order_by("-requested_on", "pk")
        ):
            inquiries.append(
                {
                    "i": i,
                    "masked": i.party.masked_id_number,
                    "label": inquiry_label([i])["label"],
                    "assets": [
                        {
                            "a": a,
                            "identifier": mask_account(a.identifier),
                            "value": yuan(a.value),
                            "frozen": yuan(a.frozen),
                            "deducted": yuan(a.deducted),
                        }
                        for a in assets
                        if a.inquiry_id == i.pk
                    ],
                }
            )
    settlement = getattr(e, "settlement", None)  # the reverse one-to-one, if any
    case = e.case
    is_open = e.state == EnforcementState.OPEN
    held = _held(e, receipts)
    return render(
        request,
        "enforcement/case.html",
        {
            "e": e,
            "case": case,
            # "（2025）…民初12号民事判决书" already says its kind.
            "title_named": e.title_reference.endswith(e.get_title_kind_display()),
            "chain": rows[:-1],
            "resumed_by": access.visible_enforcements(user).filter(resumed_from=e).first(),
            "ledger": _ledger(e, today),
            "applied": yuan(e.applied_total),
            "execution_fee": yuan(e.execution_fee),
            "received": yuan(e.received),
            "paid_out": yuan(e.paid_out),
            "held": yuan(held),
            "receipts": [_receipt_row(r) for r in receipts],
            "totals": totals,
            "disbursements": [
                {"d": d, "amount": yuan(d.amount)}
                for d in e.disbursements.order_by("paid_on", "pk")
            ],
            "measures": [
                {
                    "m": m,
                    "amount": yuan(m.amount) if m.amount is not None else "",
                    "ground": LISTING_GROUNDS.get(m.ground, m.ground),
                    "asset": mask_account(m.asset.identifier) if m.asset else "",
                }
                for m in measures
            ],
            "listing": MeasureKind.DISHONEST_LISTING,
            "staff": staff,
            "inquiries": inquiries,
            "settlement": settlement,
            "instalments": [
                {**i, "amount": yuan(i.get("amount"))} for i in (settlement.instalments or [])
            ]
            if settlement
            else [],
            "settlement_total": yuan(settlement.total) if settlement else "",
            # The court's account is the officer's; a bank reports direct payments by CSV.
            "may_pay": is_open
            and access.may_open(user, "enforcement")
            and access.may_do(case, user, "enforcement.record_payment"),
            "may_settle": is_open
            and settlement is None
            and access.may_do(case, user, "execution_settlement"),
            "may_disburse": held > 0 and access.may_do(case, user, "enforcement.disburse"),
            "may_resume": e.state == EnforcementState.TERMINATED_FOR_NOW
            and access.may_do(case, user, "resume_enforcement"),
            "sources": _HAND_SOURCES.items(),
            "today": today,
            "result": pop_result(request),
        },
    )


def _back(e: Enforcement) -> HttpResponse:
    return redirect("enforcement:case", enforcement_id=e.pk)


@login_required
@require_POST
def record_payment(request: HttpRequest, enforcement_id: int) -> HttpResponse:
    """A payment the debtor made to the court's enforcement account (or a settlement
    instalment), recorded by the officer and distributed at once."""
    user = _user(request)
    e = access.enforcement_for(user, enforcement_id)
    if not access.may_open(user, "enforcement"):
        messages.error(
            request,
            "执行款账户的到账由执行员登记；被执行人直接向本机构清偿的，请在「执行回款」页上传。",
        )
        return _back(e)
    p = request.POST
    try:
        on = date_param(p, "received_on", "到账日期") or timezone.localdate()
        amount = decimal_param(p, "amount", "金额")
        if amount is None or amount <= 0:
            raise BadParam("金额应大于零")
        reference = (p.get("reference") or "").strip()
        if not reference:
            raise BadParam("请填写流水号（银行到账凭证上的交易流水号）")
        if len(reference) > 64:
            raise BadParam("流水号不能超过64个字符")
        source = p.get("source") or ReceiptSource.VOLUNTARY
        if source not in _HAND_SOURCES:
            raise BadParam("来源应为「被执行人主动履行」或「执行和解款」")
        report = money.record_receipts(
            [
                money.ReceiptRow(
                    enforcement_id=e.pk,
                    reference=reference,
                    received_on=on,
                    amount=amount,
                    source=source,
                )
            ],
            by=user,
        )
    except (BadParam, TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return _back(e)
    if report.recorded:
        messages.success(
            request, f"已登记执行款 {yuan(amount)} 元（流水号 {reference}），并已依法分配。"
        )
    if report.duplicates:
        messages.warning(request, f"流水号 {reference} 已登记过，未重复入账。")
    for ref, why in report.refused.items():
        messages.error(request, f"流水号 {ref} 未入账：{why}")
    if e.pk in report.performed:
        messages.success(request, "债务已全部履行，本案执行完毕，已解除执行措施。")
    return _back(e)


def parse_instalments(text: str) -> list[tuple[date, Decimal]]:
    """Lines "2026-03-31 5000" (date and amount, separated by spaces, a comma or a tab);
    an error names the line and the field."""
    out: list[tuple[date, Decimal]] = []
    lines = [line.strip() for line in (text or "").splitlines()]
    for n, line in enumerate(lines, start=1):
        if not line:
            continue
        parts = line.replace("，", " ").replace(",", " ").replace("\t", " ").split()
        if len(parts) != 2:
            raise BadParam(f"第{n}行：应为「日期 金额」，如 2026-03-31 5000（收到“{line[:30]}”）")
        due = date_param({"d": parts[0]}, "d", f"第{n}行「日期」")
        amount = decimal_param({"a": parts[1]}, "a", f"第{n}行「金额」")
        if due is None or amount is None or amount <= 0:
            raise BadParam(f"第{n}行「金额」：应大于零")
        if out and due <= out[-1][0]:
            raise BadParam(f"第{n}行「日期」：各期日期应依次在后")
        out.append((due, amount))
    if not out:
        raise BadParam("请填写和解协议的分期（每行一期：日期 金额）")
    if len(out) > MAX_INSTALMENTS:
        raise BadParam(f"分期不能超过{MAX_INSTALMENTS}期")
    return out


@login_required
@require_POST
def make_settlement(request: HttpRequest, enforcement_id: int) -> HttpResponse:
    """An execution settlement (执行和解) the parties reached, with its instalments."""
    user = _user(request)
    e = access.enforcement_for(user, enforcement_id)
    try:
        lines = parse_instalments(request.POST.get("instalments", ""))
        settlement = actions.make_settlement(
            e.pk, instalments=lines, by=user, on=timezone.localdate()
        )
    except (BadParam, TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return _back(e)
    messages.success(
        request, f"已记录执行和解：共{len(lines)}期，和解金额 {yuan(settlement.total)} 元。"
    )
    return _back(e)


@login_required
@require_POST
def disburse(request: HttpRequest, enforcement_id: int) -> HttpResponse:
    """Pay out to the creditor what the court holds on this case (发还执行款)."""
    user = _user(request)
    e = access.enforcement_for(user, enforcement_id)
    try:
        n = money.disburse([e.pk], by=user, on=timezone.localdate())
    except (TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return _back(e)
    if n:
        paid = access.enforcement_for(user, e.pk).paid_out
        messages.success(request, f"已发还申请执行人执行款，累计发还 {yuan(paid)} 元。")
    else:
        messages.info(request, "本案暂无可发还的执行款。")
    return _back(e)


@login_required
@require_POST
def resume(request: HttpRequest, enforcement_id: int) -> HttpResponse:
    """Resume a case terminated for now (恢复执行, 执恢 number, no new fee)."""
    user = _user(request)
    e = access.enforcement_for(user, enforcement_id)
    try:
        result = actions.resume([e.pk], by=user, on=timezone.localdate())
    except (TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return _back(e)
    keep_result(
        request, "恢复执行", len(result.done), [(e.number, r) for r in result.refused.values()]
    )
    new = access.visible_enforcements(user).filter(resumed_from=e).first()
    return _back(new or e)


@login_required
@require_POST
def statement(request: HttpRequest, enforcement_id: int) -> HttpResponseBase:
    """The creditor's statement of the money executed (执行款明细), as a sealed PDF today."""
    user = _user(request)
    e = access.enforcement_for(user, enforcement_id)
    if not (access.may_open(user, "enforcement") or access.may_open(user, "recoveries")):
        messages.error(request, "无权生成债权人对账单")
        return _back(e)
    from jiefen.enforcement.documents import creditor_statement

    try:
        doc = creditor_statement(e, by=user, on=timezone.localdate())
    except (TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return _back(e)
    return serve_document(request, doc, attachment=False)


urlpatterns: list[URLPattern] = [
    path("<int:enforcement_id>/", case_page, name="case"),
    path("<int:enforcement_id>/payment/", record_payment, name="record_payment"),
    path("<int:enforcement_id>/settlement/", make_settlement, name="make_settlement"),
    path("<int:enforcement_id>/disburse/", disburse, name="disburse"),
    path("<int:enforcement_id>/resume/", resume, name="resume"),
    path("<int:enforcement_id>/statement/", statement, name="statement"),
]
