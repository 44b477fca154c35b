"""Staff pages of mediation: the centre's numbers, a series worked in bulk, the bank's rules and
proposals, payments upload, and the per-case actions behind the case page's mediation panel."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.access import case_for
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.documents.storage import read
from jiefen.mediation import actions, plans, selectors
from jiefen.mediation.actions import ActionRefused
from jiefen.mediation.models import MediationCase, Offer

STAFF = (Role.MEDIATOR, Role.PLATFORM_ADMIN, Role.BANK_AGENT)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    if user.role not in STAFF:
        raise Http404("无权访问")
    return user


def _run(request: HttpRequest, done: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        result = fn(*args, **kwargs)
    except ActionRefused as exc:
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
            "numbers": selectors.stats_section() if user.role != Role.BANK_AGENT else None,
            "by_mediator": selectors.breakdown(user, "mediator"),
            "by_institution": selectors.breakdown(user, "institution"),
            "series_list": selectors.series_overview(user) + _screening_series(user),
            "proposals": selectors.pending_proposals(user)[:50],
            "unsigned": len(selectors.unsigned_agreements(user)),
            "organisations": Organisation.objects.filter(kind=OrganisationKind.MEDIATION_ORG),
        },
    )


def _screening_series(user: User) -> list[dict[str, Any]]:
    """Series with screened cases not yet in mediation (admin and mediators may open them)."""
    if user.role == Role.BANK_AGENT:
        return []
    shown = set(selectors.scoped(user).values_list("case__series_id", flat=True))
    qs = Series.objects.filter(cases__state=State.SCREENING).exclude(pk__in=shown).distinct()
    return [
        {
            "series": s,
            "in_mediation": 0,
            "screening": s.cases.filter(state=State.SCREENING).count(),
            "total": s.cases.count(),
        }
        for s in qs.select_related("institution")
    ]


@login_required
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _user(request)
    series = Series.objects.select_related("institution").filter(pk=series_id).first()
    if series is None or (
        user.role == Role.BANK_AGENT and series.institution_id != user.organisation_id
    ):
        raise Http404
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
            "unsigned": len(selectors.unsigned_agreements(user)),
            "organisations": Organisation.objects.filter(kind=OrganisationKind.MEDIATION_ORG),
        },
    )


def _decimal(value: str, default: str = "0") -> Decimal:
    try:
        return Decimal(value.strip() or default)
    except InvalidOperation:
        raise ActionRefused("数字格式不正确") from None


@login_required
@require_POST
def series_action(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _user(request)
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        raise Http404
    what = request.POST.get("action")
    p = request.POST
    try:
        if what == "open" and user.role in (Role.PLATFORM_ADMIN, Role.MEDIATOR):
            org = Organisation.objects.get(
                pk=p.get("organisation") or 0, kind=OrganisationKind.MEDIATION_ORG
            )
            ids = list(series.cases.filter(state=State.SCREENING).values_list("pk", flat=True))
            r = actions.open_mediation(ids, org, by=user, whole_series=bool(p.get("whole")))
            messages.success(
                request, f"已转入调解 {len(r.opened)} 件，未能指派 {len(r.unassigned)} 件"
            )
        elif what == "offer":
            due = date.fromisoformat(p["first_due"]) if p.get("first_due") else None
            bulk = actions.send_bulk_offer(
                series,
                by=user,
                instalments=int(p.get("instalments", "1")),
                first_payment_percent=_decimal(p.get("first_payment_percent", "0")),
                waived=p.getlist("waived"),
                first_due=due,
            )
            messages.success(request, f"已向 {bulk.count} 名借款人发送调解方案")
        elif what == "sign":
            n = actions.sign_many(
                selectors.unsigned_agreements(user), by=user, ip=request.META.get("REMOTE_ADDR")
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
            raise Http404
    except ActionRefused as exc:
        messages.error(request, str(exc))
    except (ValueError, KeyError):
        messages.error(request, "请完整填写表单")
    except Organisation.DoesNotExist:
        messages.error(request, "请选择调解组织")
    return redirect("mediation:series", series_id=series.pk)


@login_required
def rules_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST" and user.role == Role.BANK_AGENT:
        p = request.POST
        series = Series.objects.filter(
            pk=p.get("series") or 0, institution_id=user.organisation_id
        ).first()
        try:
            _run(
                request,
                "预设和解规则已生效",
                actions.set_rule,
                by=user,
                series=series,
                max_instalments=int(p.get("max_instalments", "24")),
                min_first_payment_percent=_decimal(p.get("min_first_payment_percent", "10")),
                waivable=p.getlist("waivable"),
                grace_days=int(p.get("grace_days", "10")),
            )
        except (ValueError, ActionRefused) as exc:
            messages.error(request, str(exc))
        return redirect("mediation:rules")
    from jiefen.mediation.models import SettlementRule

    rules = SettlementRule.objects.filter(active=True).select_related("series")
    if user.role == Role.BANK_AGENT:
        rules = rules.filter(institution_id=user.organisation_id)
    return render(
        request,
        "mediation/rules.html",
        {
            "rules": rules,
            "proposals": selectors.pending_proposals(user),
            "series_list": Series.objects.filter(institution_id=user.organisation_id),
            "waivable": [(k, plans.COMPONENTS[k]) for k in plans.WAIVABLE],
        },
    )


@login_required
@require_POST
def decide(request: HttpRequest, offer_id: int) -> HttpResponse:
    user = _user(request)
    offer = Offer.objects.select_related("mediation__case").filter(pk=offer_id).first()
    if offer is None:
        raise Http404
    p = request.POST
    if p.get("action") == "counter":
        try:
            _run(
                request,
                "已提出新的方案",
                actions.counter_offer,
                offer,
                by=user,
                instalments=int(p.get("instalments", "1")),
                first_payment=_decimal(p.get("first_payment", ""), "0") or None,
            )
        except ValueError:
            messages.error(request, "请填写期数")
    else:
        _run(
            request,
            "已处理",
            actions.decide_offer,
            offer,
            by=user,
            approve=p.get("action") == "approve",
        )
    return redirect(request.POST.get("next") or "mediation:rules")


@login_required
def payments_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if request.method == "POST" and user.role == Role.BANK_AGENT and request.FILES.get("file"):
        org = Organisation.objects.get(pk=user.organisation_id or 0)
        upload = request.FILES["file"]
        try:
            text = upload.read().decode("utf-8-sig")  # type: ignore[union-attr]
            report = actions.record_payments(org, actions.parse_csv(text), by=user, source="csv")
            messages.success(
                request,
                f"已入账 {report.recorded} 笔，重复 {report.duplicates} 笔，"
                f"未匹配 {len(report.unmatched)} 笔，履行完毕 {report.completed_plans} 件",
            )
        except (ActionRefused, UnicodeDecodeError) as exc:
            messages.error(request, str(exc))
        return redirect("mediation:payments")
    from jiefen.mediation.models import EnforcementDraft, InstalmentPlan

    plans_qs = InstalmentPlan.objects.select_related("mediation__case").order_by("-id")
    drafts = EnforcementDraft.objects.select_related("mediation__case").order_by("-id")
    if user.role == Role.BANK_AGENT:
        plans_qs = plans_qs.filter(mediation__case__institution_id=user.organisation_id)
        drafts = drafts.filter(mediation__case__institution_id=user.organisation_id)
    return render(
        request, "mediation/payments.html", {"plans": plans_qs[:100], "drafts": drafts[:100]}
    )


@login_required
@require_POST
def case_action(request: HttpRequest, case_id: int) -> HttpResponse:
    """The buttons of the case page's mediation panel; access through `case_for`."""
    user = request.user
    assert isinstance(user, User)
    case: Case = case_for(user, case_id)
    m = MediationCase.objects.filter(case=case).select_related("case").first()
    if m is None:
        raise Http404
    m.case = case
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
                ip=request.META.get("REMOTE_ADDR"),
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
            mediator = User.objects.filter(pk=p.get("mediator") or 0, role=Role.MEDIATOR).first()
            if mediator:
                _run(request, "已改派", actions.reassign, case, mediator, by=user)
        case _:
            raise Http404
    return redirect("case_detail", case_id=case.pk)


@login_required
def agreement_pdf(request: HttpRequest, case_id: int) -> FileResponse:
    case = case_for(request.user, case_id)  # type: ignore[arg-type]
    m = MediationCase.objects.filter(case=case).first()
    if m is None or not hasattr(m, "agreement"):
        raise Http404
    return FileResponse(
        io.BytesIO(read(m.agreement.document.path)),
        content_type="application/pdf",
        filename=f"调解协议书-{case.pk}.pdf",
    )
