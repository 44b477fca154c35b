"""The borrower portal: identify with the case code, the last 6 characters of the ID number and a
one-time code; then read the claim element by element and answer. Phone-first pages.

No account is needed: after the one-time code the session holds the one mediation case the
borrower proved to be theirs (the code went to the contact the institution gave).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiefen.accounts import throttle
from jiefen.cases.elements import SECTION_TITLES, complaint_elements
from jiefen.documents.views import serve_document
from jiefen.law.errors import LawError
from jiefen.mediation import actions, plans
from jiefen.mediation.actions import ActionRefused
from jiefen.mediation.actions.agreement import schedule_of
from jiefen.mediation.actions.offers import claim_of, current_offer
from jiefen.mediation.models import Agreement, MediationCase, Offer, OfferFrom, OfferStatus

SESSION_CASE = "portal_case"
SESSION_PENDING = "portal_pending"


def _client_ip(request: HttpRequest) -> str | None:
    return throttle.client_ip(request)


def _identified(m: MediationCase | None, id6: str) -> MediationCase | None:
    """The case if the last six ID characters are its first defendant's, else None."""
    party = m.case.defendants[0].party if m and m.case.defendants else None
    if party is None or party.id_number.upper()[-6:] != id6:
        return None
    return m


def identify(request: HttpRequest) -> HttpResponse:
    """Case code + last six ID characters; counted per case and per address in the database."""
    error = ""
    if request.method == "POST":
        code = request.POST.get("code", "").strip().upper().replace("-", "")
        id6 = request.POST.get("id6", "").strip().upper()
        m = (
            MediationCase.objects.select_related("case").filter(portal_code=code).first()
            if code and len(id6) == 6
            else None
        )
        ip = _client_ip(request)
        key = f"case:{m.pk}" if m else f"code:{code[:20]}"
        try:
            found = throttle.guarded(
                "portal",
                key,
                ip,
                lambda: _identified(m, id6),
                object_type="mediation",
                object_id=m.pk if m else "",
            )
        except throttle.Locked as exc:
            actions.record_identification(m, ok=False, ip=ip, locked=True)
            return render(request, "mediation/portal/identify.html", {"error": str(exc)})
        actions.record_identification(m, ok=found is not None, ip=ip)
        if found is None:
            error = "查询码或证件号码后六位不正确。"
        else:
            try:
                actions.issue_code(found, "login")
            except (ActionRefused, LawError) as exc:
                error = str(exc)
            else:
                request.session[SESSION_PENDING] = found.pk
                return redirect("mediation:portal_verify")
    return render(request, "mediation/portal/identify.html", {"error": error})


def verify(request: HttpRequest) -> HttpResponse:
    pending = request.session.get(SESSION_PENDING)
    if not pending:
        return redirect("mediation:portal")
    m = MediationCase.objects.get(pk=pending)
    error = ""
    if request.method == "POST":
        otp = request.POST.get("otp", "")
        try:
            ok = throttle.guarded(
                "otp",
                f"case:{m.pk}",
                _client_ip(request),
                lambda: True if actions.verify_code(m, "login", otp) else None,
                object_type="mediation",
                object_id=m.pk,
            )
        except throttle.Locked as exc:
            return render(request, "mediation/portal/verify.html", {"error": str(exc)})
        if ok:
            request.session.cycle_key()
            request.session[SESSION_CASE] = m.pk
            request.session.pop(SESSION_PENDING, None)
            return redirect("mediation:portal_case")
        error = "验证码错误或已过期。"
    return render(request, "mediation/portal/verify.html", {"error": error})


def _mediation(request: HttpRequest) -> MediationCase:
    pk = request.session.get(SESSION_CASE)
    if not pk:
        raise Http404("请先验证身份")
    return MediationCase.objects.select_related(
        "case__institution", "organisation", "case__mediator"
    ).get(pk=pk)


def _report_identity(request: HttpRequest, m: MediationCase) -> HttpResponse:
    """「本笔借款不是我办理的？」: the identified borrower reports a loan taken in their name
    (冒名贷款); the portal acts for them as the system (ability referrals.report_identity)."""
    from jiefen.referrals.actions.reports import report_identity_misuse
    from jiefen.referrals.models import ReportSource

    party = m.case.defendants[0].party
    try:
        report_identity_misuse(
            m.case,
            party,
            source=ReportSource.PORTAL,
            statement=request.POST.get("statement", "")[:4000],
            by=None,
        )
    except ActionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            "已收到您的报告。我们将核查这笔借款是否系他人冒用您的身份办理，相关机构可能与您电话"
            "联系。任何人要求您缴纳“解冻费”“征信修复费”或提供验证码，都是诈骗，"
            "请拨打110或96110。",
        )
    return redirect("mediation:portal_case")


def case_page(request: HttpRequest) -> HttpResponse:
    if not request.session.get(SESSION_CASE):
        return redirect("mediation:portal")
    m = _mediation(request)
    if request.method == "POST" and request.POST.get("action") == "report_identity":
        return _report_identity(request, m)
    case = m.case
    rows = complaint_elements(case)
    offer = current_offer(m)
    mine = m.offers.filter(made_by=OfferFrom.BORROWER).order_by("-id").first()
    agreement = Agreement.objects.filter(mediation=m).select_related("offer").first()
    signed = agreement is not None and agreement.signatures.filter(role="borrower").exists()
    claim = claim_of(case)
    return render(
        request,
        "mediation/portal/case.html",
        {
            "m": m,
            "case": case,
            "sections": [
                (title, [r for r in rows if r.section == key])
                for key, title in SECTION_TITLES.items()
            ],
            "amounts": [(plans.COMPONENTS[k], v) for k, v in claim.items() if v],
            "offer": offer,
            "offer_rows": schedule_of(offer) if offer else [],
            "mine": mine,
            "agreement": agreement,
            "signed": signed,
            "agreement_rows": schedule_of(agreement.offer) if agreement else [],
            "waivable": [
                (k, plans.COMPONENTS[k])
                for k in ("penalty_interest", "compound_interest")
                if claim[k]
            ],
            "element_choices": [
                (r.key, f"{r.number}. {r.label}")
                for r in rows
                if r.section == "claims" and r.key not in ("other_claims",)
            ]
            + [
                (r.key, f"{r.number}. {r.label}")
                for r in rows
                if r.key
                in ("loan_amount", "rates", "repaid", "overdue", "card_terms", "collection")
            ],
            "default_due": date.today() + timedelta(days=10),
            "identity_report": case.identity_reports.filter(
                party_id=case.defendants[0].party_id if case.defendants else 0
            ).first(),
            "open_for_answers": m.outcome == "pending"
            and agreement is None
            and case.state == "in_mediation",
        },
    )


def _answer(
    request: HttpRequest, done: str, fn: Callable[..., object], *args: Any, **kwargs: Any
) -> HttpResponse:
    try:
        fn(*args, **kwargs)
    except (ActionRefused, LawError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect("mediation:portal_case")


@require_POST
def accept(request: HttpRequest) -> HttpResponse:
    m = _mediation(request)
    return _answer(request, "您已接受调解方案，请签署调解协议。", actions.borrower_accept, m)


def _decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value) if value.strip() else None
    except InvalidOperation:
        raise ActionRefused("金额格式不正确") from None


@require_POST
def propose(request: HttpRequest) -> HttpResponse:
    m = _mediation(request)
    try:
        offer: Offer = actions.propose_plan(
            m,
            instalments=int(request.POST.get("instalments", "1")),
            first_payment=_decimal(request.POST.get("first_payment", "")),
            first_due=date.fromisoformat(request.POST.get("first_due", "")),
            waived=request.POST.getlist("waived"),
        )
    except (ActionRefused, LawError, ValueError) as exc:
        messages.error(
            request, str(exc) if isinstance(exc, ActionRefused) else "请填写完整的分期方案"
        )
        return redirect("mediation:portal_case")
    if offer.status == OfferStatus.ACCEPTED:
        messages.success(request, "您的方案符合申请人预设的和解条件，已自动接受。请签署调解协议。")
    else:
        messages.success(request, "方案已提交，申请人审核后将通过短信通知您。")
    return redirect("mediation:portal_case")


@require_POST
def dispute(request: HttpRequest) -> HttpResponse:
    m = _mediation(request)
    return _answer(
        request,
        "异议已提交，调解员将与您联系。",
        actions.dispute,
        m,
        elements=request.POST.getlist("elements"),
        reason=request.POST.get("reason", ""),
    )


@require_POST
def session_request(request: HttpRequest) -> HttpResponse:
    m = _mediation(request)
    return _answer(
        request,
        "已申请视频调解，调解员将与您约定时间。",
        actions.request_session,
        m,
        preference=request.POST.get("preference", ""),
    )


@require_POST
def sign_code(request: HttpRequest) -> HttpResponse:
    m = _mediation(request)
    try:
        actions.issue_code(m, "sign")
        messages.info(request, "验证码已发送至您的手机。")
    except (ActionRefused, LawError) as exc:
        messages.error(request, str(exc))
    return redirect("mediation:portal_case")


@require_POST
def sign(request: HttpRequest) -> HttpResponse:
    m = _mediation(request)
    agreement = Agreement.objects.filter(mediation=m).first()
    if agreement is None:
        raise Http404
    try:
        actions.sign_as_borrower(
            agreement, code=request.POST.get("otp", ""), ip=_client_ip(request)
        )
        messages.success(request, "您已签署调解协议。")
    except (ActionRefused, LawError) as exc:
        messages.error(request, str(exc))
    return redirect("mediation:portal_case")


def agreement_pdf(request: HttpRequest) -> HttpResponseBase:

    m = _mediation(request)
    agreement = Agreement.objects.filter(mediation=m).first()
    if agreement is None:
        raise Http404
    # Hash-checked and audited like every document; the borrower is named by their mediation.
    return serve_document(request, agreement.document, attachment=True, portal_mediation=m.pk)


def logout(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_CASE, None)
    return redirect("mediation:portal")
