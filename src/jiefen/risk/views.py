"""Pages of the risk desk (风险预警): the warnings list, one warning and its handling, the
quasi-financial grid by district (网格化) and the feed imports.

The desk is the court leadership's and the centre's (desk "risk": 院庭长, 平台管理员); anyone
else gets the same 404 as for a missing page. Warnings come through `cases.access`
(`visible_warnings`, `warning_for`); every write is an action of `risk.actions`, whose Chinese
refusal is shown beside the form that caused it (status 400, nothing written).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.models import Case
from jiefen.risk import actions, selectors
from jiefen.risk import feeds as feeds_format
from jiefen.risk.districts import district_name
from jiefen.risk.forms import AssignForm, FeedUploadForm, HandleForm
from jiefen.risk.models import FeedImport, Warning, WarningKind, WarningState

LISTED = 500  # warnings a list shows (highest score first); the filters narrow the rest
IMPORTS_LISTED = 50
CASES_LISTED = 200

# Extra measurements a signal may carry besides its value and threshold (see risk.rules).
_EXTRAS = {
    "baseline": "前6个周期均值",
    "ratio": "为均值的倍数",
    "factor": "预警倍数",
    "parties": "涉及当事人数",
}
_PLAIN = ("signal", "label", "value", "threshold")


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "risk")


def _choice(raw: str | None, values: list[str]) -> str:
    return raw if raw in values else ""


# --- the list ------------------------------------------------------------------------------


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    """/risk/: the warnings, highest score first, filtered by kind, state and district."""
    user = _desk(request)
    visible = access.visible_warnings(user)
    kind = _choice(request.GET.get("kind"), WarningKind.values)
    state = _choice(request.GET.get("state"), WarningState.values)
    raw = request.GET.get("district", "")
    district = raw if len(raw) == 6 and raw.isdigit() else ""
    codes = set(visible.exclude(division_code="").values_list("division_code", flat=True))
    warnings = visible.filter(division_code=district) if district else visible
    if state:
        warnings = warnings.filter(state=state)
    counts = selectors.counts_by_kind(warnings)  # every kind, before the kind filter
    if kind:
        warnings = warnings.filter(kind=kind)
    total = warnings.count()
    return render(
        request,
        "risk/desk.html",
        {
            "warnings": warnings.select_related("assignee", "institution").order_by(
                "-score", "-opened_on", "pk"
            )[:LISTED],
            "total": total,
            "listed": min(total, LISTED),
            "counts": counts,
            "kinds": WarningKind.choices,
            "states": WarningState.choices,
            "districts": [(c, district_name(c)) for c in sorted(codes | {district} - {""})],
            "kind": kind,
            "state": state,
            "district": district,
            "district_label": district_name(district) if district else "",
        },
    )


# --- one warning ------------------------------------------------------------------------------


def _shown(value: Any, name: str) -> str:
    """A signal's value as read on the page: shares as percentages, None as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float) and name.startswith("share"):
        return f"{Decimal(str(value)) * 100:.1f}%"
    return str(value)


def signal_rows(signals: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The signals table: what was measured, its value, the threshold it was held against and
    any further measurement (the baseline of a surge, the parties sharing a phone)."""
    rows = []
    for s in signals:
        name = str(s.get("signal", ""))
        extras = [f"{_EXTRAS.get(k, k)}：{_shown(v, k)}" for k, v in s.items() if k not in _PLAIN]
        rows.append(
            {
                "signal": name,
                "label": str(s.get("label") or name),
                "value": _shown(s.get("value"), name),
                "threshold": _shown(s.get("threshold"), name),
                "note": "；".join(extras),
            }
        )
    return rows


def _cases(user: User, warning: Warning) -> tuple[list[Case], int]:
    """The cases behind the warning that the user may open, and how many others it has (a court
    president sees the cases of their own court; the warning may span several courts)."""
    behind = warning.cases.all()
    mine = access.visible_cases(user).filter(pk__in=behind.values("pk"))
    return (
        list(mine.select_related("institution", "court").order_by("pk")[:CASES_LISTED]),
        behind.count() - mine.count(),
    )


def _warning_page(
    request: HttpRequest,
    user: User,
    warning: Warning,
    *,
    assign_form: AssignForm | None = None,
    handle_form: HandleForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    cases, hidden = _cases(user, warning)
    case_count = warning.cases.count()
    may_handle = access.role_refusal(user, "risk.handle") is None
    is_closed = warning.state == WarningState.CLOSED
    return render(
        request,
        "risk/warning.html",
        {
            "w": warning,
            "signals": signal_rows(warning.signals),
            "formula": selectors.score_formula(warning.kind),
            "district": district_name(warning.division_code) if warning.division_code else "",
            "cases": cases,
            "case_count": case_count,
            "hidden_cases": hidden,
            "more_cases": case_count - hidden - len(cases),
            "timeline": selectors.timeline(warning),
            "may_assign": may_handle and not is_closed,
            "may_handle": may_handle and not is_closed,
            "may_close": may_handle and not is_closed,
            "assign_form": assign_form or AssignForm(initial={"assignee": warning.assignee_id}),
            "handle_form": handle_form or HandleForm(initial={"note": warning.handling_note}),
            "error": error,
        },
        status=status,
    )


@login_required
def warning(request: HttpRequest, warning_id: int) -> HttpResponse:
    """/risk/<id>/: why the warning was raised, the cases behind it, its handling."""
    user = _desk(request)
    return _warning_page(request, user, access.warning_for(user, warning_id))


@login_required
@require_POST
def assign(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = _desk(request)
    item = access.warning_for(user, warning_id)
    form = AssignForm(request.POST)
    if not form.is_valid():
        return _warning_page(request, user, item, assign_form=form, status=400)
    assignee = form.cleaned_data["assignee"]
    try:
        actions.assign(item, assignee, by=user)
    except actions.ActionRefused as exc:
        return _warning_page(request, user, item, assign_form=form, error=str(exc), status=400)
    messages.success(request, f"已分派给{assignee.display_name}处置。")
    return redirect("risk:warning", item.pk)


@login_required
@require_POST
def handle(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = _desk(request)
    item = access.warning_for(user, warning_id)
    form = HandleForm(request.POST)
    if not form.is_valid():
        return _warning_page(request, user, item, handle_form=form, status=400)
    try:
        actions.handle(item, form.cleaned_data["note"], by=user)
    except actions.ActionRefused as exc:
        return _warning_page(request, user, item, handle_form=form, error=str(exc), status=400)
    messages.success(request, "处置情况已登记。")
    return redirect("risk:warning", item.pk)


@login_required
@require_POST
def close(request: HttpRequest, warning_id: int) -> HttpResponse:
    user = _desk(request)
    item = access.warning_for(user, warning_id)
    try:
        actions.close(item, by=user)
    except actions.ActionRefused as exc:
        return _warning_page(request, user, item, error=str(exc), status=400)
    messages.success(request, "预警已关闭。风险分再次上升时，每日扫描将重新开启。")
    return redirect("risk:warning", item.pk)


# --- the grid ---------------------------------------------------------------------------------


def _heat(score: int, top: int) -> str:
    """A cell's colour band by its share of the highest district score: 0 none, then thirds."""
    if score <= 0 or top <= 0:
        return "heat0"
    if 3 * score <= top:
        return "heat1"
    return "heat2" if 3 * score <= 2 * top else "heat3"


@login_required
def grid(request: HttpRequest) -> HttpResponse:
    """/risk/grid/: the quasi-financial firms by district (网格化管理), coloured by total score;
    each district links to its warnings."""
    _desk(request)
    today = timezone.localdate()
    rows = selectors.district_grid(today)
    top = max((r.total_score for r in rows), default=0)
    return render(
        request,
        "risk/grid.html",
        {
            "rows": [{"r": r, "heat": _heat(r.total_score, top)} for r in rows],
            "as_of": today,
            "formula": selectors.score_formula(WarningKind.QUASI_FINANCIAL),
        },
    )


# --- feeds ------------------------------------------------------------------------------------


def _feeds_page(
    request: HttpRequest,
    user: User,
    *,
    form: FeedUploadForm | None = None,
    result: FeedImport | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "risk/feeds.html",
        {
            "form": form or FeedUploadForm(),
            "may_import": access.role_refusal(user, "risk.import_feed") is None,
            "result": result,
            "imports": selectors.recent_imports(IMPORTS_LISTED),
            "columns": [
                (k, label, k in feeds_format.REQUIRED) for k, label in feeds_format.COLUMNS.items()
            ],
            "error": error,
        },
        status=status,
    )


@login_required
def feeds(request: HttpRequest) -> HttpResponse:
    """/risk/feeds/: upload a feed CSV (处罚、投诉、工商登记) and read what was kept and refused."""
    user = _desk(request)
    if request.method != "POST":
        result = None
        shown = request.GET.get("import", "")
        if shown.isdigit():
            result = selectors.feed_import(int(shown))
        return _feeds_page(request, user, result=result)
    form = FeedUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _feeds_page(request, user, form=form, status=400)
    try:
        result = actions.import_feed_csv(form.cleaned_data["file"], by=user, name=form.name)
    except actions.ActionRefused as exc:
        return _feeds_page(request, user, form=form, error=str(exc), status=400)
    return redirect(f"{request.path}?import={result.pk}")
