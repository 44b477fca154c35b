"""The enforcement officer's desk (执行工作台) and a series' enforcement cases, worked in bulk.

A series of card or loan cases reaches enforcement together, so the officer acts on many cases at
once: online inquiry (网络查控) of every debtor, freezing and deducting the deposits found,
seizing vehicles and real estate, consumption restriction, the dishonest-debtor list and
terminating the current round (终本). Each button calls one set-based action; the page then says
how many cases were done and why each refused one was not (with its 执行案号).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiefen.accounts.models import User
from jiefen.cases import access
from jiefen.cases.actions import CHUNK, TransitionRefused
from jiefen.cases.models import Party, PartyRole, Series
from jiefen.enforcement import actions
from jiefen.enforcement.actions import money
from jiefen.enforcement.models import (
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Inquiry,
    InquiryState,
    Measure,
    MeasureKind,
)
from jiefen.enforcement.registry import RegistryUnavailable
from jiefen.enforcement.views import keep_result, mask_account, pop_result, posted_ids, yuan
from jiefen.law.enforcement import LISTING_GROUNDS
from jiefen.law.errors import LawError

PER_PAGE = 100

# Measures shown as "in force" on the series page while not lifted.
_IN_FORCE = (
    MeasureKind.FREEZE,
    MeasureKind.SEIZE,
    MeasureKind.CONSUMPTION_RESTRICTION,
    MeasureKind.DISHONEST_LISTING,
    MeasureKind.SETTLEMENT,
)


def _desk(request: HttpRequest) -> User:
    return access.desk(request.user, "enforcement")


def _state_filter(raw: str | None) -> str:
    return raw if raw in EnforcementState.values else ""


# --- the desk ---------------------------------------------------------------------------------


@login_required
def desk_page(request: HttpRequest) -> HttpResponse:
    """The officer's series with their enforcement cases counted by state."""
    user = _desk(request)
    state = _state_filter(request.GET.get("state"))
    enforcements = access.visible_enforcements(user)
    if state:
        enforcements = enforcements.filter(state=state)
    counted = (
        enforcements.filter(case__series__isnull=False)
        .values("case__series_id")
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(state=EnforcementState.OPEN)),
            terminated=Count("pk", filter=Q(state=EnforcementState.TERMINATED_FOR_NOW)),
            performed=Count("pk", filter=Q(state=EnforcementState.PERFORMED)),
            resumed=Count("pk", filter=Q(resumed_from__isnull=False)),
            applied=Sum("applied_total", filter=~Q(state=EnforcementState.RESUMED)),
            received=Sum("received"),
        )
        .order_by("case__series_id")
    )
    by_series = {r["case__series_id"]: r for r in counted}
    series = (
        access.visible_series(user).filter(pk__in=list(by_series)).select_related("institution")
    )
    rows = [
        {
            "series": s,
            **by_series[s.pk],
            "applied": yuan(by_series[s.pk]["applied"]),
            "received": yuan(by_series[s.pk]["received"]),
        }
        for s in series.order_by("pk")
    ]
    loose = enforcements.filter(case__series__isnull=True).select_related("case").order_by("pk")
    return render(
        request,
        "enforcement/desk.html",
        {
            "rows": rows,
            "loose": loose[:PER_PAGE],
            "state": state,
            "states": EnforcementState.choices,
            "totals": {
                "total": sum(r["total"] for r in rows),
                "open": sum(r["open"] for r in rows),
                "terminated": sum(r["terminated"] for r in rows),
                "performed": sum(r["performed"] for r in rows),
            },
        },
    )


# --- one series ---------------------------------------------------------------------------------


def _series_enforcements(user: User, series: Series, state: str) -> QuerySet[Enforcement]:
    qs = access.visible_enforcements(user).filter(case__series=series)
    return qs.filter(state=state) if state else qs


def _debtors(user: User, page: list[Enforcement]) -> dict[int, list[Party]]:
    """The debtors of each enforcement: those the execution notice went to (one notice per
    debtor), else the case's defendants (a case filed before its notices were recorded)."""
    out: dict[int, list[Party]] = defaultdict(list)
    notices = (
        access.visible_measures(user)
        .filter(enforcement__in=page, kind=MeasureKind.EXECUTION_NOTICE, party__isnull=False)
        .select_related("party")
        .order_by("pk")
    )
    for m in notices:
        assert m.party is not None
        if m.party not in out[m.enforcement_id]:
            out[m.enforcement_id].append(m.party)
    for e in page:
        if e.pk not in out:  # the page prefetched each case's parties
            out[e.pk] = [
                cp.party for cp in e.case.case_parties.all() if cp.role == PartyRole.DEFENDANT
            ]
    return out


def inquiry_label(inquiries: list[Inquiry]) -> dict[str, Any]:
    """What the online inquiry of one debtor says now: the latest inquiry decides."""
    if not inquiries:
        return {"code": "none", "label": "未查控"}
    latest = max(inquiries, key=lambda i: (i.requested_on, i.pk))
    label = latest.get_state_display()
    if latest.reinquiry:
        label = f"终本后复查：{label}"
    return {"code": latest.state, "label": label, "on": latest.requested_on}


def asset_view(asset: Asset) -> dict[str, Any]:
    return {
        "asset": asset,
        "identifier": mask_account(asset.identifier),
        "value": yuan(asset.value),
        "frozen": yuan(asset.frozen) if asset.frozen else "",
        "deducted": yuan(asset.deducted) if asset.deducted else "",
    }


def measure_text(m: Measure) -> str:
    """One measure in force, as the officer reads it (冻结至…, 限消, 失信 with ground and end)."""
    until = f"至{m.ends_on:%Y-%m-%d}" if m.ends_on else ""
    who = f"（{m.party.name}）" if m.party is not None else ""
    match m.kind:
        case MeasureKind.FREEZE:
            return f"冻结 {yuan(m.amount)} 元{until}"
        case MeasureKind.SEIZE:
            return f"查封/扣押{until}"
        case MeasureKind.CONSUMPTION_RESTRICTION:
            return f"限制消费{who}"
        case MeasureKind.DISHONEST_LISTING:
            ground = LISTING_GROUNDS.get(m.ground, m.ground or "—")
            end = until or "至履行完毕"
            return f"失信{who}：{ground}，{end}"
        case MeasureKind.SETTLEMENT:
            return "执行和解履行中"
    return m.get_kind_display()


def owed_now(page: list[Enforcement], on: date) -> dict[int, dict[str, Any]]:
    """What each debtor still owes today by the ledger: the debt with the general interest
    accrued to today and the doubled-part interest (法释〔2014〕8号); the execution fee is shown on
    the case page. A superseded (恢复执行) row shows none: its 执恢 case carries the debt."""
    current = [e for e in page if e.state != EnforcementState.RESUMED]
    out: dict[int, dict[str, Any]] = {e.pk: {"owed": None, "owed_error": ""} for e in page}
    try:
        dists = money.ledgers(current, as_of=on)
    except LawError as exc:
        for e in current:
            out[e.pk]["owed_error"] = str(exc)
        return out
    for pk, d in dists.items():
        out[pk]["owed"] = yuan(d.outstanding_debt + d.outstanding_delay_interest)
    return out


def series_rows(user: User, page: list[Enforcement], on: date) -> list[dict[str, Any]]:
    """One row per enforcement of the page: debtors with their inquiry and assets, measures in
    force and the ledger's figure for today."""
    debtors = _debtors(user, page)
    inquiries: dict[tuple[int, int], list[Inquiry]] = defaultdict(list)
    for i in access.visible_inquiries(user).filter(enforcement__in=page):
        inquiries[(i.enforcement_id, i.party_id)].append(i)
    assets: dict[tuple[int, int], list[Asset]] = defaultdict(list)
    holders: dict[int, dict[int, Party]] = defaultdict(dict)
    for a in (
        access.visible_assets(user)
        .filter(enforcement__in=page)
        .select_related("party")
        .order_by("-matched", "pk")
    ):
        assets[(a.enforcement_id, a.party_id)].append(a)
        holders[a.enforcement_id].setdefault(a.party_id, a.party)
    in_force: dict[int, list[str]] = defaultdict(list)
    for m in (
        access.visible_measures(user)
        .filter(enforcement__in=page, kind__in=_IN_FORCE, lifted_on=None)
        .filter(Q(ends_on=None) | Q(ends_on__gte=on))
        .select_related("party")
        .order_by("pk")
    ):
        in_force[m.enforcement_id].append(measure_text(m))
    owed = owed_now(page, on)
    rows = []
    for e in page:
        people = debtors.get(e.pk, [])
        known = {p.pk for p in people}
        # Assets of a party that is not a listed debtor still show (under its own name).
        extra = [p for pid, p in holders[e.pk].items() if pid not in known]
        rows.append(
            {
                "e": e,
                "debtors": [
                    {
                        "party": p,
                        "masked": p.masked_id_number,
                        "inquiry": inquiry_label(inquiries.get((e.pk, p.pk), [])),
                        "assets": [asset_view(a) for a in assets.get((e.pk, p.pk), [])],
                    }
                    for p in [*people, *extra]
                ],
                "applied": yuan(e.applied_total),
                "received": yuan(e.received),
                "measures": in_force.get(e.pk, []),
                **owed[e.pk],
            }
        )
    return rows


@login_required
def series_page(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    state = _state_filter(request.GET.get("state"))
    qs = (
        _series_enforcements(user, series, state)
        .select_related("case")
        .prefetch_related("case__case_parties__party")
        .order_by("pk")
    )
    paginator = Paginator(qs, PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    rows = series_rows(user, list(page.object_list), timezone.localdate())
    return render(
        request,
        "enforcement/series.html",
        {
            "series": series,
            "rows": rows,
            "page": page,
            "state": state,
            "states": EnforcementState.choices,
            "grounds": LISTING_GROUNDS.items(),
            "result": pop_result(request),
            "count": paginator.count,
        },
    )


# --- the bulk actions --------------------------------------------------------------------------

_ENFORCEMENT_ACTIONS = {
    "inquire": "发起网络查控",
    "restrict": "限制高消费",
    "list": "纳入失信名单",
    "terminate": "终结本次执行",
}
_ASSET_ACTIONS = {
    "freeze": "冻结选中存款",
    "deduct": "扣划已冻结存款",
    "seize": "查封车辆/不动产",
}


def _chosen_enforcements(request: HttpRequest, user: User, series: Series) -> list[int]:
    """The ticked enforcement cases of this series, or all of it (the state filter applied)
    when "本系列全部" is ticked; ids of other series or not visible are dropped."""
    qs = _series_enforcements(user, series, _state_filter(request.POST.get("state")))
    if request.POST.get("scope") != "all":
        qs = qs.filter(pk__in=posted_ids(request, "enforcement"))
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _chosen_assets(request: HttpRequest, user: User, series: Series, action: str) -> list[int]:
    """The ticked assets; none ticked: the assets of the ticked cases the button is for
    (matched deposits not yet frozen to freeze, frozen deposits to deduct, matched vehicles and
    real estate to seize). A name-only hit is never taken this way."""
    visible = access.visible_assets(user).filter(enforcement__case__series=series)
    ticked = posted_ids(request, "asset")
    if ticked:
        return list(visible.filter(pk__in=ticked).order_by("pk").values_list("pk", flat=True))
    cases = _chosen_enforcements(request, user, series)
    if not cases:
        return []
    qs = visible.filter(enforcement_id__in=cases, matched=True)
    match action:
        case "freeze":
            qs = qs.filter(kind=AssetKind.DEPOSIT, frozen=Decimal("0"), value__gt=0)
        case "deduct":
            qs = qs.filter(kind=AssetKind.DEPOSIT, frozen__gt=0, deducted=Decimal("0"))
        case _:
            qs = qs.filter(kind__in=[AssetKind.VEHICLE, AssetKind.REAL_ESTATE]).exclude(
                measures__kind=MeasureKind.SEIZE
            )
    return list(qs.order_by("pk").values_list("pk", flat=True))


def _in_chunks(ids: list[int]) -> list[list[int]]:
    """Below SQLite's bound-parameter limit: a refusal list can name a whole series."""
    return [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]


def _numbers(ids: list[int], user: User) -> dict[int, str]:
    out: dict[int, str] = {}
    for part in _in_chunks(ids):
        out.update(
            access.visible_enforcements(user).filter(pk__in=part).values_list("pk", "number")
        )
    return out


def _asset_names(ids: list[int], user: User) -> dict[int, str]:
    out = {}
    for part in _in_chunks(ids):
        for a in access.visible_assets(user).filter(pk__in=part).select_related("enforcement"):
            out[a.pk] = (
                f"{a.enforcement.number} {a.get_kind_display()} {a.registry} "
                f"{mask_account(a.identifier)}"
            )
    return out


@login_required
@require_POST
def series_action(request: HttpRequest, series_id: int) -> HttpResponse:
    user = _desk(request)
    series = access.series_for(user, series_id)
    action = request.POST.get("action", "")
    back = reverse("enforcement:series", args=[series.pk])
    query = {k: request.POST[k] for k in ("state", "page") if request.POST.get(k)}
    if query:
        back += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    today = timezone.localdate()
    try:
        if action == "collect":
            n = actions.collect_answers(by=user)
            pending = (
                access.visible_inquiries(user)
                .filter(enforcement__case__series=series, state=InquiryState.PENDING)
                .count()
            )
            note = "查控结果已按被执行人显示（含仅姓名相同、不予处置的财产）。"
            if pending:
                note += f"尚有 {pending} 名被执行人的查询未反馈，请稍后再次获取。"
            keep_result(request, "获取查控结果", n, unit="项财产", note=note)
        elif action in _ASSET_ACTIONS:
            ids = _chosen_assets(request, user, series, action)
            if not ids:
                messages.error(request, "请先勾选财产，或勾选有相应财产的执行案件")
                return redirect(back)
            bulk = {"freeze": actions.freeze, "deduct": actions.deduct, "seize": actions.seize}
            result = bulk[action](ids, by=user, on=today)
            names = _asset_names(list(result.refused), user)
            keep_result(
                request,
                _ASSET_ACTIONS[action],
                len(result.done),
                [(names.get(i, str(i)), why) for i, why in result.refused.items()],
                unit="项",
            )
        elif action in _ENFORCEMENT_ACTIONS:
            ids = _chosen_enforcements(request, user, series)
            if not ids:
                messages.error(request, "请先勾选执行案件")
                return redirect(back)
            _enforcement_action(request, user, action, ids, today)
        else:
            messages.error(request, "未知操作")
    except (TransitionRefused, LawError, RegistryUnavailable, ValueError) as exc:
        messages.error(request, str(exc))
    return redirect(back)


def _enforcement_action(
    request: HttpRequest, user: User, action: str, ids: list[int], today: date
) -> None:
    title = _ENFORCEMENT_ACTIONS[action]
    if action == "inquire":
        reference = actions.start_inquiries(ids, by=user, on=today)
        keep_result(
            request,
            title,
            len(ids),
            note=f"查询批次号 {reference}。查控系统反馈后，点击「获取查控结果」。",
        )
        return
    if action == "list":
        ground = request.POST.get("ground", "")
        if ground not in LISTING_GROUNDS:
            messages.error(
                request, "请选择纳入失信被执行人名单的依据（最高人民法院失信规定第一条）"
            )
            return
        result = actions.list_dishonest(ids, ground=ground, by=user, on=today)
    elif action == "restrict":
        result = actions.restrict_consumption(ids, by=user, on=today)
    else:
        # 终本规定 Art. 5: the creditor is told and heard before the round is terminated.
        heard = request.POST.get("creditor_heard") == "1"
        result = actions.terminate_for_now(ids, by=user, on=today, creditor_heard=heard)
    numbers = _numbers(list(result.refused), user)
    keep_result(
        request,
        title,
        len(result.done),
        [(numbers.get(i, str(i)), why) for i, why in result.refused.items()],
    )


urlpatterns: list[URLPattern] = [
    path("", desk_page, name="desk"),
    path("series/<int:series_id>/", series_page, name="series"),
    path("series/<int:series_id>/act/", series_action, name="series_action"),
]
