"""The element-style answer pages (要素式答辩) for a defendant and for their lawyer, phone-first.

A signed-in party (`access.party_user`) answers for themselves in the cases they are a
defendant or guarantor of; a lawyer (`access.lawyer_user`) answers for the party their `Agent`
row names. Anyone else gets the same 404 as for a missing case (access rule 4).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.elements import (
    ANSWER_SECTION_TITLES,
    ANSWER_TEXT_KEYS,
    answer_elements,
    complaint_elements,
)
from jiefen.cases.models import Case, Party, PartyRole
from jiefen.hearings.actions.answers import (
    AnswerRefused,
    answer_ends,
    appoint_agent,
    attach_evidence,
    save_answer,
)
from jiefen.hearings.models import Answer, AnswerPosition
from jiefen.referrals.actions.reports import report_identity_misuse
from jiefen.referrals.models import ReportSource


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """我的案件: the cases the signed-in party answers in, with the state of each answer."""
    user = access.party_user(request.user)
    party_id = user.party_id or 0  # party_user guarantees one
    cases = (
        access.visible_cases(user)
        .filter(
            case_parties__party_id=party_id,
            case_parties__role__in=[PartyRole.DEFENDANT, PartyRole.GUARANTOR],
        )
        .exclude(case_number=None)
        .select_related("court", "institution")
        .distinct()
        .order_by("-pk")
    )
    answers = {a.case_id: a for a in access.visible_answers(user)}
    rows = [(c, answers.get(c.pk), None) for c in cases]
    return render(request, "hearings/answers_index.html", {"rows": rows, "lawyer": False})


@login_required
def lawyer_index(request: HttpRequest) -> HttpResponse:
    """The lawyer's cases: one row per party they act for."""
    user = access.lawyer_user(request.user)
    agents = (
        access.visible_agents(user)
        .select_related("case", "case__court", "party")
        .order_by("-case_id")
    )
    answers = {(a.case_id, a.party_id): a for a in access.visible_answers(user)}
    rows = [(a.case, answers.get((a.case_id, a.party_id)), a) for a in agents]
    return render(request, "hearings/answers_index.html", {"rows": rows, "lawyer": True})


def _elements(
    user: User, case: Case, answer: Answer | None, form: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each answer item beside the plaintiff's claim, with what was saved or just entered."""
    claims = {row.key: row for row in complaint_elements(case)}
    items = {i.key: i for i in answer.items.all()} if answer else {}
    ids = [pk for i in items.values() for pk in i.evidence]
    docs = {d.pk: d for d in access.visible_documents(user, case).filter(pk__in=ids)}
    rows = []
    for e in answer_elements(case.case_type):
        item = items.get(e.key)
        claim = claims.get(e.key)
        rows.append(
            {
                "key": e.key,
                "label": e.label,
                "section": ANSWER_SECTION_TITLES[e.section],
                "text_only": e.key in ANSWER_TEXT_KEYS,
                "claim": claim.text if claim else "",
                "position": form.get(f"pos-{e.key}", item.position if item else ""),
                "reason": form.get(f"reason-{e.key}", item.reason if item else ""),
                "position_label": AnswerPosition(item.position).label
                if item and item.position
                else "",
                "files": [docs[pk] for pk in item.evidence if pk in docs] if item else [],
            }
        )
    return rows


def _page(
    request: HttpRequest,
    user: User,
    case: Case,
    party: Party,
    *,
    form: dict[str, Any] | None = None,
    error: AnswerRefused | None = None,
    status: int = 200,
) -> HttpResponse:
    answer = (
        access.visible_answers(user)
        .filter(case=case, party=party)
        .select_related("document")
        .first()
    )
    ends = answer_ends(case, party)
    submitted_on = (
        timezone.localtime(answer.submitted_at).date() if answer and answer.submitted_at else None
    )
    context = {
        "answer_ends": ends,
        "late": ends is not None and (submitted_on or timezone.localdate()) > ends,
        "case": case,
        "party": party,
        "answer": answer,
        "submitted": answer is not None and answer.submitted_at is not None,
        "elements": _elements(user, case, answer, form or {}),
        "error": str(error) if error else "",
        "error_key": error.key if error else "",
        "lawyer": access.is_lawyer(user),
        "agents": access.visible_agents(user)
        .filter(case=case, party=party)
        .select_related("lawyer"),
        "back": "hearings:answers_lawyer" if access.is_lawyer(user) else "hearings:answers_index",
        "identity_report": access.visible_identity_reports(user)
        .filter(case=case, party=party)
        .first(),
        "identity_ticked": bool((form or {}).get("identity_misuse")),
        "identity_statement": (form or {}).get("identity_statement", ""),
    }
    return render(request, "hearings/answers_case.html", context, status=status)


@login_required
def case_page(request: HttpRequest, case_id: int) -> HttpResponse:
    """The answer of one case: a form until submitted, then the read-only answer and its PDF.

    POST `action=draft` saves, `action=submit` submits (民诉法 Art. 128); files named
    `file-<key>` are attached to that element first, so the PDF lists them. A ticked
    `identity_misuse` with its `identity_statement` also reports a loan taken in the party's
    name (冒名贷款, `jiefen.referrals.actions.reports`).
    """
    user = access.answering_user(request.user)
    case, party = access.answering_party(user, case_id)
    if request.method != "POST":
        return _page(request, user, case, party)
    form = {
        k: request.POST.get(k, "").strip()[:4000]
        for k in request.POST
        if k.startswith(("pos-", "reason-"))
    }
    items: dict[str, tuple[str, str]] = {}
    for e in answer_elements(case.case_type):
        position = form.get(f"pos-{e.key}", "")
        reason = form.get(f"reason-{e.key}", "")
        if position or reason:
            items[e.key] = (position, reason)
    submit = request.POST.get("action") == "submit"
    # 冒名贷款: the party says the loan was taken in their name; the statement is required.
    identity = request.POST.get("identity_misuse") == "on"
    statement = request.POST.get("identity_statement", "").strip()[:2000]
    if identity:
        form.update(identity_misuse="on", identity_statement=statement)
        if not statement:
            error = AnswerRefused(
                f"{case.case_number}：「情况说明」：请填写借款不是您本人办理的情况",
                key="identity",
            )
            return _page(request, user, case, party, form=form, error=error, status=422)
    try:
        answer = save_answer(case, party, items, by=user, submit=False)
        for name, upload in request.FILES.items():
            if name.startswith("file-"):
                attach_evidence(answer, name.removeprefix("file-"), upload, by=user)
        if submit:
            save_answer(case, party, items, by=user, submit=True)
        if identity:
            report_identity_misuse(
                case, party, source=ReportSource.ANSWER, statement=statement, by=user
            )
            messages.info(
                request,
                f"{case.case_number}：已收到您关于冒名贷款的报告，本院将核查并通知相关机构。",
            )
    except AnswerRefused as exc:
        return _page(request, user, case, party, form=form, error=exc, status=422)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("hearings:answers_case", case_id=case.pk)
    if submit:
        messages.success(request, f"{case.case_number}：答辩状已提交，本院将在庭审中核对各要素。")
    else:
        messages.success(request, f"{case.case_number}：答辩草稿已保存，提交前可继续修改。")
    return redirect("hearings:answers_case", case_id=case.pk)


@login_required
@require_POST
def agent(request: HttpRequest, case_id: int) -> HttpResponse:
    """The party names their lawyer (委托诉讼代理人) by the lawyer's username and law firm."""
    user = access.party_user(request.user)
    case, party = access.answering_party(user, case_id)
    username = request.POST.get("lawyer", "").strip()[:150]
    lawyer = access.find_lawyer(username)
    try:
        if lawyer is None:
            raise AnswerRefused(f"{case.case_number}：未找到用户名为{username}的律师")
        appoint_agent(
            case,
            party,
            lawyer,
            law_firm=request.POST.get("law_firm", "")[:200],
            authority=request.POST.get("authority", ""),
            power_of_attorney=None,
            by=user,
        )
    except (AnswerRefused, TransitionRefused) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, f"{case.case_number}：已委托{lawyer.display_name}律师为诉讼代理人。"
        )
    return redirect("hearings:answers_case", case_id=case.pk)


urlpatterns: list[URLPattern] = [
    path("answers/", index, name="answers_index"),
    path("answers/lawyer/", lawyer_index, name="answers_lawyer"),
    path("answers/case/<int:case_id>/", case_page, name="answers_case"),
    path("answers/case/<int:case_id>/agent/", agent, name="answers_agent"),
]
