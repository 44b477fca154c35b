"""A case's decision panel: the decision, each party's service date and appeal deadline, the
effective date and performance period, appeals; and the forms that act on it — appeal (the
party, its lawyer, the bank, the clerk for a paper appeal), in-court mediation (the judge),
withdrawal (the bank applies, the judge allows). Thin: actions decide, `access` scopes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import Role, User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, Party
from jiefen.cases.states import BY_NAME, offer_refusal
from jiefen.judgments.actions import withdrawal
from jiefen.judgments.actions.effect import file_appeal
from jiefen.judgments.actions.mediation import FEE_BEARERS, MediationTerms, mediate
from jiefen.judgments.models import Judgment
from jiefen.judgments.selectors import decision_parties, panel
from jiefen.lawdata.selectors import current_calendar


def _case(request: HttpRequest, case_id: int) -> tuple[User, Case]:
    case = access.case_for(request.user, case_id)
    return request.user, case  # type: ignore[return-value]


def _judgment(user: User, case: Case) -> Judgment | None:
    return access.visible_judgments(user).filter(case=case).select_related("case").first()


def _back(case: Case) -> HttpResponse:
    return redirect("judgments:effect_panel", case_id=case.pk)


@login_required
def effect_panel(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    judgment = _judgment(user, case)
    data = panel(judgment, calendar=current_calendar()) if judgment else {}
    return render(
        request,
        "judgments/effect_panel.html",
        {
            "case": case,
            **data,
            "judgment": judgment,
            "may_appeal": access.may_do(case, user, "appeal"),
            "is_clerk": user.role == Role.CLERK,
            "parties": decision_parties(case),
            "may_mediate": access.may_do(case, user, "mediate_in_court"),
            "fee_bearers": FEE_BEARERS,
            "may_apply": access.may_do(case, user, "judgments.apply_withdrawal")
            and offer_refusal(case, BY_NAME["withdraw"]) is None,
            "application": withdrawal.pending_application(case)
            if user.role in (Role.JUDGE, Role.BANK_AGENT, Role.CLERK)
            else None,
            "may_allow": access.may_do(case, user, "withdraw"),
            "today": timezone.localdate(),
        },
    )


def _day(value: str, what: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise TransitionRefused(f"{what}「{value}」不是有效日期（格式：2025-09-30）") from None


def _amount(value: str, what: str) -> Decimal:
    try:
        return Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        raise TransitionRefused(f"{what}「{value}」不是有效金额") from None


@login_required
@require_POST
def effect_appeal(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    judgment = _judgment(user, case)
    try:
        if judgment is None:
            raise TransitionRefused(f"案号{case.case_number}：尚无可上诉的判决")
        party_id = request.POST.get("party", "")
        party = None
        if party_id and user.role in (Role.CLERK, Role.LAWYER):
            party = next((p for p, _ in decision_parties(case) if str(p.pk) == party_id), None)
        elif user.role == Role.DEFENDANT:
            party = Party.objects.get(pk=user.party_id or 0)
        filed_on = timezone.localdate()
        if user.role == Role.CLERK and request.POST.get("filed_on"):
            filed_on = _day(request.POST["filed_on"], "上诉日期")
        appeal = file_appeal(judgment, party=party, filed_on=filed_on, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return _back(case)
    messages.success(request, f"已登记{appeal.appellant}的上诉")
    return _back(case)


def _terms(request: HttpRequest) -> MediationTerms:
    post = request.POST
    plan = []
    for line in post.get("instalments", "").splitlines():
        if line.strip():
            day, _, amount = line.strip().partition(" ")
            plan.append((_day(day, "分期日期"), _amount(amount, "分期金额")))
    due = post.get("due_on", "").strip()
    return MediationTerms(
        amount=_amount(post.get("amount", ""), "调解金额"),
        due_on=_day(due, "付款日期") if due else None,
        instalments=plan,
        fee_bearer=post.get("fee_bearer", "defendants"),
        text=post.get("text", ""),
    )


@login_required
@require_POST
def effect_mediate(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    try:
        mediate(case, terms=_terms(request), by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return _back(case)
    messages.success(request, "民事调解书已制作并送达各方当事人")
    return _back(case)


@login_required
@require_POST
def effect_withdrawal_apply(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    try:
        withdrawal.apply(case, reason=request.POST.get("reason", ""), by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return _back(case)
    messages.success(request, "撤诉申请已提交，待法院裁定")
    return _back(case)


@login_required
@require_POST
def effect_withdrawal_allow(request: HttpRequest, case_id: int) -> HttpResponse:
    user, case = _case(request, case_id)
    try:
        withdrawal.allow(case, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return _back(case)
    messages.success(request, "已裁定准许撤诉")
    return _back(case)


urlpatterns: list[URLPattern] = [
    path("case/<int:case_id>/decision/", effect_panel, name="effect_panel"),
    path("case/<int:case_id>/decision/appeal/", effect_appeal, name="effect_appeal"),
    path("case/<int:case_id>/decision/mediate/", effect_mediate, name="effect_mediate"),
    path(
        "case/<int:case_id>/decision/withdrawal/apply/",
        effect_withdrawal_apply,
        name="effect_withdrawal_apply",
    ),
    path(
        "case/<int:case_id>/decision/withdrawal/allow/",
        effect_withdrawal_allow,
        name="effect_withdrawal_allow",
    ),
]
