"""The judge's decisions pages: a heard series' judgments drafted, reviewed, signed, pronounced.

Thin views: objects come through `cases.access` (a judge sees the cases assigned to them), every
write is an action of `judgments.actions` and its result is said in Chinese on the next page.
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
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.documents.context import figures
from jiefen.judgments.actions import drafting, pronouncement, signing
from jiefen.judgments.context import EDITABLE, judgment_context
from jiefen.judgments.models import DecisionState, Judgment
from jiefen.judgments.rules import compute
from jiefen.law.judgment_text import COMPONENT_LABELS

_SHOWN = (State.HEARD, State.JUDGED, State.EFFECTIVE, State.APPEALED)
_MAX_LISTED = 5  # cases named in a message before "等N件"


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "judgments")


def _summary(reasons: dict[int, str]) -> str:
    listed = list(reasons.values())[:_MAX_LISTED]
    more = f"等{len(reasons)}件" if len(reasons) > _MAX_LISTED else ""
    return "；".join(listed) + more


@login_required
def desk_page(request: HttpRequest) -> HttpResponse:
    """The series with heard cases the user may decide."""
    user = _desk(request)
    cases = access.visible_cases(user).filter(state__in=_SHOWN, series__isnull=False)
    series = access.visible_series(user).filter(pk__in=cases.values("series_id"))
    rows = [
        {
            "series": s,
            "heard": cases.filter(series=s, state=State.HEARD, judgment__isnull=True).count(),
            "drafts": cases.filter(series=s, judgment__state=DecisionState.DRAFT).count(),
            "signed": cases.filter(series=s, judgment__state=DecisionState.SIGNED).count(),
            "pronounced": cases.filter(series=s, state__in=_SHOWN[1:]).count(),
        }
        for s in series.select_related("institution")
    ]
    return render(request, "judgments/decisions_desk.html", {"rows": rows})


@login_required
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    cases = (
        access.visible_cases(user)
        .filter(series=series, state__in=_SHOWN)
        .select_related("judgment")
        .prefetch_related("case_parties__party")
        .order_by("case_number")
    )
    rows: list[dict[str, Any]] = []
    for case in cases:
        judgment = getattr(case, "judgment", None) if hasattr(case, "judgment") else None
        rows.append(
            {
                "case": case,
                "judgment": judgment,
                "parties": case.case_parties.all(),
                "claimed": figures(case.claim_total),
                "awarded": figures(judgment.awarded_total) if judgment else "—",
            }
        )
    return render(
        request,
        "judgments/decisions_series.html",
        {
            "series": series,
            "rows": rows,
            "undrafted": sum(1 for r in rows if r["judgment"] is None),
            "drafts": sum(
                1 for r in rows if r["judgment"] and r["judgment"].state == DecisionState.DRAFT
            ),
            "signed": sum(
                1 for r in rows if r["judgment"] and r["judgment"].state == DecisionState.SIGNED
            ),
        },
    )


@login_required
@require_POST
def draft_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    try:
        result = drafting.draft_series(series.pk, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("judgments:series", series_id=series.pk)
    if result.drafted:
        messages.success(
            request, f"已生成判决书草稿{len(result.drafted)}份，请逐案审核后批量签发。"
        )
    if result.not_ready:
        messages.warning(
            request, f"{len(result.not_ready)}件案件未生成：{_summary(result.not_ready)}"
        )
    if not result.drafted and not result.not_ready:
        messages.info(request, "本系列案没有待生成判决书的案件。")
    return redirect("judgments:series", series_id=series.pk)


def _selected(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("judgment") if v.isdigit()]


@login_required
@require_POST
def sign_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    ids = _selected(request)
    if not ids:
        messages.error(request, "请先勾选要签发的判决书")
        return redirect("judgments:series", series_id=series.pk)
    try:
        result = signing.sign_all(ids, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("judgments:series", series_id=series.pk)
    if result.signed:
        messages.success(request, f"已签发判决书{len(result.signed)}份（已加盖本院电子印章）。")
    if result.refused:
        messages.warning(request, f"{len(result.refused)}份未签发：{_summary(result.refused)}")
    return redirect("judgments:series", series_id=series.pk)


@login_required
@require_POST
def pronounce_series(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    ids = _selected(request)
    if not ids:
        messages.error(request, "请先勾选要宣判的判决书")
        return redirect("judgments:series", series_id=series.pk)
    try:
        result = pronouncement.pronounce(ids, by=user)
    except TransitionRefused as exc:
        messages.error(request, str(exc))
        return redirect("judgments:series", series_id=series.pk)
    if result.pronounced:
        messages.success(
            request,
            f"已宣判{len(result.pronounced)}件，判决书已向{len(result.served)}名被告送达（送达中）。",
        )
    if result.refused:
        messages.warning(request, f"{len(result.refused)}件未宣判：{_summary(result.refused)}")
    return redirect("judgments:series", series_id=series.pk)


@login_required
def edit_page(request: HttpRequest, judgment_id: int) -> HttpResponse:
    """One draft: the sections in textareas, the amounts read-only from the computation."""
    user = _desk(request)
    judgment = access.judgment_for(user, judgment_id)
    case = drafting.load_cases([judgment.case_id])[0]
    generated = _generated(case, judgment)
    if request.method == "POST":
        # A section left as generated is no edit: it keeps following the computation.
        sections = {
            k: "" if _same(request.POST.get(k, ""), generated.get(k, "")) else request.POST[k]
            for k in EDITABLE
            if k in request.POST
        }
        fee = request.POST.get("fee_bearing") or None
        try:
            signing.edit(judgment, sections=sections, fee_bearing=fee, by=user)
        except TransitionRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "修改已保存，草稿已重新生成。")
            if judgment.case.series_id:
                return redirect("judgments:series", series_id=judgment.case.series_id)
        return redirect("judgments:edit", judgment_id=judgment.pk)
    fields = [
        {"key": k, "label": label, "text": (judgment.text or {}).get(k) or generated.get(k, "")}
        for k, label in EDITABLE.items()
    ]
    return render(
        request,
        "judgments/decisions_edit.html",
        {
            "judgment": judgment,
            "case": case,
            "sections": fields,
            "c": judgment.computation,
            "amounts": _amount_rows(judgment.computation),
            "money": {
                k: figures(judgment.computation.get(k))
                for k in (
                    "claimed_total",
                    "awarded_total",
                    "acceptance_fee",
                    "fee_plaintiff",
                    "fee_defendants",
                )
            },
            "fee_bearing": (judgment.text or {}).get("fee_bearing", "proportional"),
        },
    )


def _same(posted: str, generated: str) -> bool:
    return posted.replace("\r\n", "\n").strip() == generated.strip()


def _amount_rows(computation: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(项目, claimed, awarded) for each component claimed or awarded, labelled in Chinese."""
    claimed, awarded = computation.get("claimed") or {}, computation.get("awarded") or {}
    return [
        (COMPONENT_LABELS.get(k, k), figures(claimed.get(k)), figures(awarded.get(k)))
        for k in dict.fromkeys([*claimed, *awarded])
        if claimed.get(k) or awarded.get(k)
    ]


def _generated(case: Case, judgment: Judgment) -> dict[str, str]:
    """The sections as the system writes them today (what an empty edit falls back to)."""
    result = compute(case, as_of=timezone.localdate())
    data = judgment_context(case, result, default=judgment.default)
    return dict(data["generated"])


urlpatterns: list[URLPattern] = [
    path("", desk_page, name="desk"),
    path("series/<int:series_id>/", series_page, name="series"),
    path("series/<int:series_id>/draft/", draft_series, name="draft_series"),
    path("series/<int:series_id>/sign/", sign_series, name="sign_series"),
    path("series/<int:series_id>/pronounce/", pronounce_series, name="pronounce_series"),
    path("<int:judgment_id>/edit/", edit_page, name="edit"),
]
