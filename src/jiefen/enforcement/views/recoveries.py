"""The bank's recoveries (执行回款): its enforcement cases per series, the applications the
platform prepared when a performance period passed unpaid, submitted a series at once (民诉法
Arts. 247, 250: within two years of the period's end), and payments the debtors made to the
bank directly, uploaded as CSV so the court's ledger credits them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.enforcement import actions, selectors
from jiefen.enforcement.actions import money
from jiefen.enforcement.models import ApplicationState
from jiefen.enforcement.views import keep_result, pop_result, posted_ids, yuan
from jiefen.law.errors import LawError

MAX_UPLOAD = 20 * 1024 * 1024  # a CSV of 200,000 payment lines
LISTED = 500  # applications listed on the page (the submit-all box takes the rest)


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "recoveries")


def recovery_rows(user: User) -> list[dict[str, Any]]:
    """Per series of the user's institution (`selectors.recoveries`): cases in enforcement (a
    resumed case once), applied total, what the creditor recovered (debt and delay interest, not
    the court's fee or the surplus returned to the debtor), rate, dishonest listings, cases
    terminated for now, performed, and resumed (执恢)."""
    resumed = dict(
        access.visible_enforcements(user)
        .filter(resumed_from__isnull=False, case__series__isnull=False)
        .values("case__series_id")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("case__series_id", "n")
    )
    return [
        {
            **r,
            "applied": yuan(r["applied_total"]),
            "recovered": yuan(r["recovered"]),
            "rate": f"{Decimal(str(r['recovery_rate'])) * 100:.2f}%" if r["applied_total"] else "—",
            "resumed": resumed.get(r["series"].pk, 0),
        }
        for r in selectors.recoveries(user)
    ]


@login_required
def recoveries_page(request: HttpRequest) -> HttpResponse:
    user = _desk(request)
    today = timezone.localdate()
    prepared = (
        access.visible_applications(user)
        .filter(state=ApplicationState.PREPARED)
        .select_related("case", "case__series")
        .order_by("application_deadline", "pk")
    )
    refused = (
        access.visible_applications(user)
        .filter(state=ApplicationState.REFUSED)
        .select_related("case")
        .order_by("-pk")
    )
    enforcements = (
        access.visible_enforcements(user)
        .select_related("case")
        .order_by("-filed_on", "-pk")[:LISTED]
    )
    return render(
        request,
        "enforcement/recoveries.html",
        {
            "rows": recovery_rows(user),
            "prepared": [
                {"a": a, "amount": yuan(a.amount), "late": a.application_deadline < today}
                for a in prepared[:LISTED]
            ],
            "prepared_count": prepared.count(),
            "refused": refused[:100],
            "enforcements": [
                {"e": e, "applied": yuan(e.applied_total), "received": yuan(e.received)}
                for e in enforcements
            ],
            "may_submit": access.may_open(user, "recoveries")
            and access.role_refusal(user, "apply_enforcement") is None,
            "may_upload": access.role_refusal(user, "enforcement.record_payment") is None,
            "result": pop_result(request),
            "today": today,
        },
    )


@login_required
@require_POST
def submit(request: HttpRequest) -> HttpResponse:
    """提交执行申请: the ticked prepared applications (or all of them) at once."""
    user = _desk(request)
    qs = access.visible_applications(user).filter(state=ApplicationState.PREPARED)
    if request.POST.get("scope") != "all":
        qs = qs.filter(pk__in=posted_ids(request, "application"))
    numbers = dict(qs.order_by("pk").values_list("pk", "case__case_number"))
    ids = list(numbers)
    if not ids:
        messages.error(request, "请先勾选要提交的执行申请")
        return redirect("enforcement:recoveries")
    try:
        result = actions.submit_applications(ids, by=user, on=timezone.localdate())
    except (TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return redirect("enforcement:recoveries")
    keep_result(
        request,
        "提交执行申请",
        len(result.filed),
        [(numbers.get(i) or f"申请{i}", why) for i, why in result.refused.items()],
        note=f"已立案 {len(result.filed)} 件执行案件。" if result.filed else "",
    )
    return redirect("enforcement:recoveries")


@login_required
@require_POST
def upload_receipts(request: HttpRequest) -> HttpResponse:
    """A CSV of payments the debtors made to the bank directly (执行案号,流水号,到账日期,金额,来源)."""
    user = _desk(request)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的CSV文件")
        return redirect("enforcement:recoveries")
    if upload.size and upload.size > MAX_UPLOAD:
        messages.error(request, "文件过大（不超过20MB），请分批上传")
        return redirect("enforcement:recoveries")
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, "文件不是UTF-8编码的CSV，请另存为“CSV UTF-8”后重新上传")
        return redirect("enforcement:recoveries")
    try:
        report = money.record_receipts_csv(text, by=user)
    except (money.ReceiptFileError, TransitionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return redirect("enforcement:recoveries")
    keep_result(
        request,
        "上传执行款",
        report.recorded,
        list(report.refused.items()),
        unit="笔",
        note=(f"重复 {report.duplicates} 笔未重复入账。" if report.duplicates else "")
        + (f"{len(report.performed)} 件执行完毕。" if report.performed else ""),
    )
    return redirect("enforcement:recoveries")


urlpatterns: list[URLPattern] = [
    path("recoveries/", recoveries_page, name="recoveries"),
    path("recoveries/submit/", submit, name="submit_applications"),
    path("recoveries/receipts/", upload_receipts, name="upload_receipts"),
]
