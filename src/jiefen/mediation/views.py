"""Staff pages of mediation: the centre's numbers, a series worked in bulk, the bank's rules and
proposals, payments upload, and the per-case actions behind the case page's mediation panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiefen.accounts import selectors as directory
from jiefen.accounts import throttle
from jiefen.accounts.models import Organisation, OrganisationKind, User
from jiefen.cases import access
from jiefen.cases.states import State
from jiefen.documents.views import serve_document
from jiefen.law.errors import LawError
from jiefen.mediation import actions, plans, selectors
from jiefen.mediation.actions import ActionRefused
from jiefen.web.params import BadParam, date_param, decimal_param, int_param, optional_id, safe_next


def _user(request: HttpRequest) -> User:
    """The mediation desk's staff user (mediators, institutions' agents, admins)."""
    return access.desk(request.user, "mediation")


def _run(request: HttpRequest, done: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        result = fn(*args, **kwargs)
    except (ActionRefused, LawError) as exc:
        messages.error(request, str(exc))
        return None
    messages.success(request, done.format(result=result))
    return result


@login_required
def centre(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    meds = selectors.scoped(user)
    stats = selectors._summarise(list(meds.values_list("outcome", "agreed_on", "opened_on")))
    return render(
        request,
        "mediation/centre.html",
        {
            "stats": stats,
            "numbers": selectors.numbers(meds),
            "by_mediator": selectors.breakdown(user, "mediator"),
            "by_institution": selectors.breakdown(user, "institution"),
            "series_list": selectors.series_overview(user),
            "proposals": selectors.pending_proposals(user)[:50],
            "unsigned": len(selectors.unsigned_agreements(user)),
            "organisations": directory.mediation_organisations(),
        },
    )


@login_required
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _user(request)
    series = access.series_for(user, series_id)
    meds = selectors.series_cases(series, user)
    return render(
        request,
        "mediation/series.html",
        {
            "series": series,
            "meds": meds,
            "answers": selectors.answers(meds),
            "screening": series.cases.filter(state=State.SCREENING).count(),
            "waivable": [(k, plans.COMPONENTS[k]) for k in plans.WAIVABLE],
            "unsigned": len(selectors.unsigned_agreements(user, series)),
            "organisations": directory.mediation_organisations(),
        },
    )


@login_required
@require_POST
def series_action(request: HttpRequest, series_id: int) -> HttpResponse:
    """Bulk actions of a series page: each acts only on this series' cases the user may see."""
    user = _user(request)
    series = access.series_for(user, series_id)
    what = request.POST.get("action")
    p = request.POST
    try:
        if what == "open":
            org = directory.mediation_organisation(optional_id(p, "organisation", "调解组织"))
            if org is None:
                raise BadParam("请选择调解组织")
            ids = list(series.cases.filter(state=State.SCREENING).values_list("pk", flat=True))
            r = actions.open_mediation(ids, org, by=user, whole_series=bool(p.get("whole")))
            messages.success(
                request, f"已转入调解 {len(r.opened)} 件，未能指派 {len(r.unassigned)} 件"
            )
        elif what == "offer":
            instalments = int_param(p, "instalments", "分期期数", default=1, minimum=1)
            percent = decimal_param(p, "first_payment_percent", "首付款比例", default="0")
            due = date_param(p, "first_due", "首期还款日")
            bulk = actions.send_bulk_offer(
                series,
                by=user,
                instalments=instalments,
                first_payment_percent=percent or 0,  # type: ignore[arg-type]
                waived=p.getlist("waived"),
                first_due=due,
            )
            messages.success(request, f"已向 {bulk.count} 名借款人发送调解方案")
        elif what == "sign":
            n = actions.sign_many(
                selectors.unsigned_agreements(user, series),
                by=user,
                ip=throttle.client_ip(request),
            )
            messages.success(request, f"已签署 {n} 份调解协议")
        elif what == "fail":
            ids = [
                m.case_id
                for m in selectors.series_cases(series, user)
                if m.response in ("none", "disputed") and m.case.state == State.IN_MEDIATION
            ]
            moved = actions.fail_mediation(
                ids, by=user, reason=p.get("reason") or "借款人未答复或不同意调解"
            )
            messages.success(request, f"{len(moved)} 件调解不成，转入待立案")
        else:
            raise Http404("无此操作")
    except (ActionRefused, LawError, BadParam) as exc:
        messages.error(request, str(exc))
    return redirect("mediation:series", series_id=series.pk)


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST":
        _set_rule(request, user)
        return redirect("mediation:rules")
    return render(
        request,
        "mediation/rules.html",
        {
            "rules": access.visible_rules(user).filter(active=True).select_related("series"),
            "proposals": selectors.pending_proposals(user),
            "series_list": access.visible_series(user).order_by("pk"),
            "waivable": [(k, plans.COMPONENTS[k]) for k in plans.WAIVABLE],
        },
    )


def _set_rule(request: HttpRequest, user: User) -> None:
    """Read the whole form first; a refused field sets no rule."""
    p = request.POST
    try:
        series_id = optional_id(p, "series", "系列案")
        series = None
        if series_id is not None:
            series = access.visible_series(user).filter(pk=series_id).first()
            if series is None:
                raise BadParam("所选系列案不存在或不属于本机构")
        values = {
            "max_instalments": int_param(
                p, "max_instalments", "最多分期期数", default=24, minimum=1, maximum=60
            ),
            "min_first_payment_percent": decimal_param(
                p, "min_first_payment_percent", "首付款最低比例", default="10"
            ),
            "grace_days": int_param(p, "grace_days", "逾期宽限天数", default=10, maximum=365),
        }
    except BadParam as exc:
        messages.error(request, str(exc))
        return
    _run(
        request,
        "预设和解规则已生效",
        actions.set_rule,
        by=user,
        series=series,
        waivable=p.getlist("waivable"),
        **values,
    )


@login_required
@require_POST
def decide(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = access.offer_for(user, offer_id)
    p = request.POST
    back = safe_next(request, reverse("mediation:rules"))
    if p.get("action") == "counter":
        try:
            instalments = int_param(p, "instalments", "还价期数", minimum=1, maximum=60)
            first_payment = decimal_param(p, "first_payment", "还价首付")
        except BadParam as exc:
            messages.error(request, str(exc))
            return redirect(back)
        _run(
            request,
            "已提出新的方案",
            actions.counter_offer,
            offer,
            by=user,
            instalments=instalments,
            first_payment=first_payment or None,
        )
    else:
        _run(
            request,
            "已处理",
            actions.decide_offer,
            offer,
            by=user,
            approve=p.get("action") == "approve",
        )
    return redirect(back)


@login_required
def payments_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    upload = request.FILES.get("file")
    if request.method == "POST" and upload is not None:
        try:
            if user.organisation is None:
                raise ActionRefused("您的账号未关联金融机构，不能登记还款")
            text = upload.read().decode("utf-8-sig")
            rows = actions.parse_csv(text)
            report = actions.record_payments(user.organisation, rows, by=user, source="csv")
            messages.success(
                request,
                f"已入账 {report.recorded} 笔，重复 {report.duplicates} 笔，"
                f"未匹配 {len(report.unmatched)} 笔，履行完毕 {report.completed_plans} 件",
            )
        except (ActionRefused, LawError, UnicodeDecodeError) as exc:
            messages.error(request, str(exc))
        return redirect("mediation:payments")
    plans_qs = access.visible_plans(user).select_related("mediation__case").order_by("-id")
    drafts = (
        access.visible_enforcement_drafts(user).select_related("mediation__case").order_by("-id")
    )
    return render(
        request, "mediation/payments.html", {"plans": plans_qs[:100], "drafts": drafts[:100]}
    )


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    """The buttons of the case page's mediation panel; access through `cases.access`."""
    user = request.user
    assert isinstance(user, User)
    m = access.mediation_for(user, case_id)
    case = m.case
    what = request.POST.get("action", "")
    p = request.POST
    match what:
        case "confirm_apply":
            _run(request, "已申请司法确认", actions.apply_confirmation, m, by=user)
        case "confirm_yes" | "confirm_no":
            _run(
                request,
                "已作出裁定",
                actions.rule_on_confirmation,
                m.confirmation,
                by=user,
                confirm=what == "confirm_yes",
                reason=p.get("reason", ""),
            )
        case "notary_apply":
            office = Organisation.objects.filter(kind=OrganisationKind.NOTARY_OFFICE).first()
            if office:
                _run(request, "已送公证机构", actions.apply_notarization, m, office=office, by=user)
        case "notarize":
            _run(request, "已出具公证书", actions.notarize, m.notarization, by=user)
        case "payment_order_apply":
            _run(request, "已申请支付令", actions.apply_payment_order, m, by=user)
        case "payment_order_issue":
            _run(request, "支付令已发出", actions.issue_payment_order, m.payment_order, by=user)
        case "sign":
            _run(
                request,
                "已签署",
                actions.sign_many,
                [m.agreement.pk],
                by=user,
                ip=throttle.client_ip(request),
            )
        case "fail":
            _run(
                request,
                "已转入待立案",
                actions.fail_mediation,
                [case.pk],
                by=user,
                reason=p.get("reason") or "调解不成",
            )
        case "reassign":
            try:
                mediator_id = optional_id(p, "mediator", "调解员")
            except BadParam as exc:
                messages.error(request, str(exc))
                return redirect("case_detail", case_id=case.pk)
            mediator = directory.user(mediator_id)
            if mediator is None:
                messages.error(request, "请选择调解员")
            else:
                _run(request, "已改派", actions.reassign, case, mediator, by=user)
        case _:
            raise Http404("无此操作")
    return redirect("case_detail", case_id=case.pk)


@login_required
def agreement_pdf(request: HttpRequest, case_id: int) -> HttpResponseBase:
    """The agreement's PDF, hash-checked and audited like every other document."""
    m = access.mediation_for(request.user, case_id)
    agreement = getattr(m, "agreement", None)
    if agreement is None:
        raise Http404("本案尚无调解协议")
    doc = access.document_for(request.user, agreement.document_id)
    return serve_document(request, doc, attachment=True)
