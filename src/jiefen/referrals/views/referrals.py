"""Pages of the referral desk (涉嫌犯罪移送) and the intervention desk (反诈干预).

Referrals: the list, opening one from a case, a series or a warning, one referral with its cases,
signals, documents and timeline, and the forms of whoever may act on it — the judge's decision on
the civil cases (民间借贷规定 Arts. 5-7; 法释〔1998〕7号 Arts. 10-12), the agency's answer
(立案 / 不立案) and the judge's dismissal after the police filed; the sealed 移送函 and the
evidence bundle download from here. The fraud pages are in `views.fraud`.

Everything is read through `cases.access` (`referral_for`, `intervention_for`, the desks
"referrals" and "interventions": anyone else gets the same 404 as for a missing page); every
write is an action of `referrals.actions`, whose Chinese refusal is shown beside the form that
caused it (status 400, nothing written). POST-redirect-GET after each success.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Case as SqlCase
from django.db.models import Count, IntegerField, QuerySet, Value, When
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, Series
from jiefen.documents.views import serve_document
from jiefen.referrals import documents, rules, selectors
from jiefen.referrals.actions import referral as referral_actions
from jiefen.referrals.forms import (
    WARNING_GROUNDS,
    AnswerForm,
    DecideForm,
    DismissForm,
    OpenForm,
)
from jiefen.referrals.models import (
    CaseOutcome,
    Ground,
    Referral,
    ReferralState,
)
from jiefen.referrals.views.common import may, referral_desk, warning_page_open
from jiefen.risk.crime import case_signals
from jiefen.risk.models import Warning

LISTED = 500  # referrals or tasks a list shows; the filters narrow the rest
CASES_LISTED = 200  # cases a referral page lists (a series may have hundreds)
RULING_KINDS = ("crime_dismissal_ruling", "crime_suspension_ruling", "enf_suspension_ruling")
GROUND_LABELS = dict(Ground.choices)
NOTHING_TO_REFER = "没有可以移送的案件（已结案、撤诉、驳回起诉或已在移送审查中的除外）"


def _case_label(case: Case) -> str:
    return case.case_number or case.mediation_number or case.contract_number


# --- the list ------------------------------------------------------------------------------


def _awaiting(user: User) -> str:
    """The state that waits for this user's step: the agency answers a sent referral, the judge
    decides an open one (listed first, marked 待答复 / 待审查)."""
    if may(user, "referrals.answer"):
        return ReferralState.SENT
    if may(user, "referrals.decide"):
        return ReferralState.OPEN
    return ""


@login_required
def referral_list(request: HttpRequest) -> HttpResponse:
    """/referrals/: the user's referrals, those waiting for their step first, by state."""
    user = referral_desk(request)
    visible = access.visible_referrals(user)
    raw = request.GET.get("state", "")
    state = raw if raw in ReferralState.values else ""
    awaiting = _awaiting(user)
    referrals = visible.filter(state=state) if state else visible
    total = referrals.count()
    rows = (
        referrals.select_related("court", "agency", "judge")
        .annotate(
            case_count=Count("referral_cases"),
            waiting=SqlCase(
                When(state=awaiting or "-", then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
        )
        .order_by("waiting", "-created_at", "-id")[:LISTED]
    )
    counts = dict(visible.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    return render(
        request,
        "referrals/list.html",
        {
            "rows": [
                {"r": r, "grounds": [GROUND_LABELS.get(g, g) for g in r.grounds]} for r in rows
            ],
            "total": total,
            "listed": min(total, LISTED),
            "states": [(v, label, counts.get(v, 0)) for v, label in ReferralState.choices],
            "state": state,
            "awaiting": awaiting,
            "awaiting_label": "待答复" if awaiting == ReferralState.SENT else "待审查",
            "may_open": may(user, "referrals.open"),
        },
    )


# --- opening a referral ----------------------------------------------------------------------


@dataclass
class _Origin:
    """What a new referral is opened from: one case, a series or a warning, and its cases."""

    kind: str
    title: str
    back: str
    cases: QuerySet[Case]
    series: Series | None = None
    warning: Warning | None = None
    query: str = ""
    initial: dict[str, Any] = field(default_factory=dict)


def _origin(request: HttpRequest, user: User) -> _Origin:
    """The case, series or warning of `?case=` / `?series=` / `?warning=` (404 if not visible);
    only cases the user may see, none that has ended (结案、撤诉、驳回起诉) and none already
    under review in another referral."""
    params = request.GET
    live = selectors.referable(access.visible_cases(user))
    if params.get("case", "").isdigit():
        case = access.case_for(user, params["case"])
        return _Origin(
            "case",
            f"案件 {_case_label(case)}",
            reverse("case_detail", args=[case.pk]),
            live.filter(pk=case.pk),
            query=f"case={case.pk}",
        )
    if params.get("series", "").isdigit():
        series = access.series_for(user, params["series"])
        return _Origin(
            "series",
            f"系列案 {series.institution.name} · {series.product}",
            reverse("referrals:list"),
            live.filter(series=series),
            series=series,
            query=f"series={series.pk}",
        )
    if params.get("warning", "").isdigit():
        warning = access.warning_for(user, params["warning"])
        ground = WARNING_GROUNDS.get(warning.kind)
        return _Origin(
            "warning",
            f"预警 {warning}",
            reverse("risk:warning", args=[warning.pk]),
            live.filter(pk__in=warning.cases.values("pk")),
            warning=warning,
            query=f"warning={warning.pk}",
            initial={"grounds": [ground] if ground else [], "statement": warning.summary},
        )
    raise Http404("页面不存在")


def _open_form(user: User, origin: _Origin, data: Any = None) -> OpenForm:
    """The form, with a court choice when the cases are at several courts and a judge choice
    where no filed case has one (a judge opening it decides it himself)."""
    courts = selectors.courts_of(origin.cases)
    judged = set(
        origin.cases.filter(state__in=rules.LITIGATING_STATES)
        .exclude(judge=None)
        .values_list("court_id", flat=True)
    )
    if may(user, "referrals.decide"):
        judged |= {c.pk for c in courts if c.pk == user.organisation_id}
    return OpenForm(data, initial=origin.initial, courts=courts, judged_courts=judged)


def _new_page(
    request: HttpRequest, origin: _Origin, form: OpenForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    cases = origin.cases.select_related("court", "judge").order_by("court_id", "pk")
    return render(
        request,
        "referrals/new.html",
        {
            "origin": origin,
            "form": form,
            "cases": cases[:CASES_LISTED],
            "case_count": origin.cases.count(),
            "error": error,
        },
        status=status,
    )


@login_required
def new(request: HttpRequest) -> HttpResponse:
    """/referrals/new/?case=|series=|warning=: put the suspected crime before the judge."""
    user = referral_desk(request)
    if not may(user, "referrals.open"):
        raise Http404("页面不存在")
    origin = _origin(request, user)
    if request.method != "POST":
        return _new_page(request, origin, _open_form(user, origin))
    form = _open_form(user, origin, request.POST)
    if not form.is_valid():
        return _new_page(request, origin, form, status=400)
    # One case: that one. A whole series or a warning at one court: the action picks the cases
    # that may be referred. A warning at several courts: the chosen court's cases.
    case_ids: list[int] = []
    if origin.kind == "case" or form.needs_court:
        cases = origin.cases
        if form.chosen_court is not None:
            cases = cases.filter(court=form.chosen_court)
        case_ids = list(cases.order_by("pk").values_list("pk", flat=True))
        if not case_ids:
            return _new_page(request, origin, form, error=NOTHING_TO_REFER, status=400)
    data = form.cleaned_data
    try:
        referral = referral_actions.open_referral(
            case_ids,
            by=user,
            grounds=list(data["grounds"]),
            statement=data["statement"],
            agency=data["agency"],
            series=origin.series,
            warning=origin.warning,
            judge=data.get("judge"),
        )
    except TransitionRefused as exc:
        return _new_page(request, origin, form, error=str(exc), status=400)
    count = referral.referral_cases.count()
    messages.success(request, f"已提起涉嫌犯罪移送（{count}件案件），待承办法官审查。")
    return redirect("referrals:detail", referral.pk)


# --- one referral ------------------------------------------------------------------------------


_SIGNAL_KEYS = ("signal", "label", "value", "threshold", "flagged")


def _signal_rows(case: Case) -> list[dict[str, Any]]:
    """A case's measurements as read on the page (label, value, what it is held against)."""
    rows = []
    for s in case_signals(case):
        extras = {k: v for k, v in s.items() if k not in _SIGNAL_KEYS}
        rows.append(
            {
                "signal": str(s.get("signal", "")),
                "label": str(s.get("label") or s.get("signal", "")),
                "value": "—" if s.get("value") in (None, "") else str(s.get("value")),
                "threshold": "" if s.get("threshold") in (None, "") else str(s.get("threshold")),
                "note": "；".join(str(v) for v in extras.values() if v not in (None, "")),
                "flagged": bool(s.get("flagged", True)),
            }
        )
    return rows


def _case_rows(user: User, referral: Referral) -> list[dict[str, Any]]:
    links = (
        referral.referral_cases.select_related("case", "case__court", "case__institution")
        .prefetch_related("case__case_parties__party")
        .order_by("case__case_number", "pk")[:CASES_LISTED]
    )
    ids = [link.case_id for link in links]
    openable = set(access.visible_cases(user).filter(pk__in=ids).values_list("pk", flat=True))
    return [
        {
            "link": link,
            "case": link.case,
            "label": _case_label(link.case),
            "parties": list(link.case.case_parties.all()),
            "openable": link.case_id in openable,
            "stage": rules.STAGE_LABELS[rules.stage_of(link.state_at_referral)],
            "signals": _signal_rows(link.case),
        }
        for link in links
    ]


def _may_dismiss(user: User, referral: Referral) -> bool:
    """The judge may dismiss the suspended suits once the police filed (立案)."""
    if referral.state != ReferralState.ACCEPTED or not access.may_decide_referral(user, referral):
        return False
    return referral.referral_cases.filter(
        outcome=CaseOutcome.SUSPENDED,
        case__state="suspended",
        case__suspended_from__in=rules.LITIGATING_STATES,
    ).exists()


def _detail_page(
    request: HttpRequest,
    user: User,
    referral: Referral,
    *,
    decide_form: DecideForm | None = None,
    answer_form: AnswerForm | None = None,
    dismiss_form: DismissForm | None = None,
    error: str = "",
    error_form: str = "",
    status: int = 200,
) -> HttpResponse:
    case_ids = referral.referral_cases.values("case_id")
    warning = referral.warning
    warning_visible = warning is not None and warning_page_open(user, warning.pk)
    rulings = (
        access.visible_documents(user)
        .filter(case_id__in=case_ids, kind__in=RULING_KINDS)
        .select_related("case")
        .order_by("created_at", "pk")
    )
    shown = {
        "decide": referral.state == ReferralState.OPEN
        and access.may_decide_referral(user, referral),
        "answer": referral.state == ReferralState.SENT
        and access.may_answer_referral(user, referral),
        "dismiss": _may_dismiss(user, referral),
    }
    # The provisions the page cites: those of private lending only for an unlicensed lender.
    private = any(
        rules.is_private_lending(link.case)
        for link in referral.referral_cases.select_related("case__institution")
    )
    # A refusal whose form is gone (the step was taken meanwhile) shows at the top of the page.
    if not shown.get(error_form, False):
        error_form = ""
    return render(
        request,
        "referrals/detail.html",
        {
            "r": referral,
            "grounds": [GROUND_LABELS.get(g, g) for g in referral.grounds],
            "rows": _case_rows(user, referral),
            "case_count": referral.referral_cases.count(),
            "warning": warning,
            "warning_visible": warning_visible,
            "rulings": rulings,
            "timeline": selectors.timeline(referral),
            "may_decide": shown["decide"],
            "may_answer": shown["answer"],
            "may_dismiss": shown["dismiss"],
            "bases": [
                (value, label, rules.outcome_basis(value, private_lending=private))
                for value, label in referral._meta.get_field("outcome").choices or []
            ],
            "answer_bases": {
                k: rules.for_loans(v, private_lending=private)
                for k, v in rules.ANSWER_BASIS.items()
            },
            "dismissal_basis": rules.for_loans(
                rules.DISMISSAL_AFTER_FILING, private_lending=private
            ),
            "outcome_basis": referral.outcome
            and rules.outcome_basis(referral.outcome, private_lending=private),
            "decide_form": decide_form or DecideForm(),
            "answer_form": answer_form or AnswerForm(),
            "dismiss_form": dismiss_form or DismissForm(),
            "error": error,
            "error_form": error_form,
        },
        status=status,
    )


@login_required
def detail(request: HttpRequest, referral_id: int) -> HttpResponse:
    """/referrals/<id>/: the grounds, the cases and their signals, documents, the timeline."""
    user = referral_desk(request)
    return _detail_page(request, user, access.referral_for(user, referral_id))


@login_required
@require_POST
def decide(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The judge's decision on the civil cases; any outcome but 不予移送 seals the 移送函."""
    user = referral_desk(request)
    referral = access.referral_for(user, referral_id)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, user, referral, decide_form=form, status=400)
    outcome = form.cleaned_data["outcome"]
    try:
        referral_actions.decide(referral, outcome, by=user, reason=form.cleaned_data["reason"])
    except TransitionRefused as exc:
        return _detail_page(
            request,
            user,
            referral,
            decide_form=form,
            error=str(exc),
            error_form="decide",
            status=400,
        )
    referral.refresh_from_db()
    if referral.state == ReferralState.NOT_REFERRED:
        messages.success(request, "已决定不予移送，民事案件依法继续审理或者执行。")
    else:
        messages.success(request, f"已决定「{referral.get_outcome_display()}」，移送函已签章发出。")
    return redirect("referrals:detail", referral.pk)


@login_required
@require_POST
def answer(request: HttpRequest, referral_id: int) -> HttpResponse:
    """The agency's answer: 立案 (the suspended cases stay suspended) or 不立案 (they resume)."""
    user = referral_desk(request)
    referral = access.referral_for(user, referral_id)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, user, referral, answer_form=form, status=400)
    data = form.cleaned_data
    try:
        referral_actions.answer(
            referral, data["answer"], by=user, number=data["number"], note=data["note"]
        )
    except TransitionRefused as exc:
        return _detail_page(
            request,
            user,
            referral,
            answer_form=form,
            error=str(exc),
            error_form="answer",
            status=400,
        )
    referral.refresh_from_db()
    messages.success(request, f"已答复：{referral.get_answer_display()}（{data['number']}）。")
    return redirect("referrals:detail", referral.pk)


@login_required
@require_POST
def dismiss(request: HttpRequest, referral_id: int) -> HttpResponse:
    """After 立案: the judge dismisses the suspended suits (民间借贷规定 Art. 5 para. 1)."""
    user = referral_desk(request)
    referral = access.referral_for(user, referral_id)
    form = DismissForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, user, referral, dismiss_form=form, status=400)
    try:
        referral_actions.dismiss_after_filing(referral, by=user, reason=form.cleaned_data["reason"])
    except TransitionRefused as exc:
        return _detail_page(
            request,
            user,
            referral,
            dismiss_form=form,
            error=str(exc),
            error_form="dismiss",
            status=400,
        )
    messages.success(request, "已裁定驳回起诉，裁定书已签章。")
    return redirect("referrals:detail", referral.pk)


@login_required
def letter(request: HttpRequest, referral_id: int) -> HttpResponseBase:
    """The court-sealed 移送函 (SHA-256 checked, the download audited)."""
    user = referral_desk(request)
    referral = access.referral_for(user, referral_id)
    if referral.letter is None:
        raise Http404("移送函尚未签发")
    return serve_document(request, referral.letter, attachment=True, referral=referral.pk)


@login_required
def bundle(request: HttpRequest, referral_id: int) -> HttpResponseBase:
    """The evidence bundle (证据材料包): the letter, the cases' documents and signals, as ZIP."""
    user = referral_desk(request)
    referral = access.referral_for(user, referral_id)
    name, data = documents.evidence_bundle(referral, user)
    return FileResponse(
        io.BytesIO(data), content_type="application/zip", as_attachment=True, filename=name
    )
