"""The enforcement step of `jiefen demo`: unpaid titles enforced until the last payment.

The judgments that took effect in the hearing step, and the confirmed or notarized agreements
whose instalment plan was missed in the mediation step, get their enforcement applications
prepared by the sweep once the performance period has passed; the bank submits them at once
(执 numbers, execution fee, officers balanced, execution notices). The asset registries are the
local simulator over HTTP (`jiefen.enforcement.registry_simulator`, kept running for the site),
seeded from the debtors: some hold deposits that cover the debt, some too little (they pay the
rest themselves after the freeze), some a vehicle, one a namesake's account only (another ID
number: never touched), the rest nothing. The demo travels in time (`time-machine`): freezes
and deductions, consumption restrictions, one debtor able to pay but refusing is listed as
dishonest and deleted from the list once he pays; after three months the cases with nothing are
terminated for now (终本); six months later the re-inquiry sweep finds new assets for some and
they resume as 执恢, are deducted and performed. Every act goes through the stage's actions.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import time_machine
from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.demo.service import COURT
from jiefen.enforcement.actions import (
    collect_answers,
    deduct,
    freeze,
    list_dishonest,
    prepare_applications,
    reinquiry_sweep,
    restrict_consumption,
    seize,
    start_inquiries,
    submit_applications,
    terminate_for_now,
)
from jiefen.enforcement.actions.common import debtors_of
from jiefen.enforcement.actions.money import ReceiptRow, ledger, record_receipts
from jiefen.enforcement.models import (
    Application,
    ApplicationState,
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Inquiry,
    InquiryState,
    Measure,
    Receipt,
)
from jiefen.enforcement.selectors import stats_section
from jiefen.enforcement.tasks import render_documents_task
from jiefen.judgments.models import Judgment

CENT = Decimal("0.01")


@contextmanager
def _on(day: date, hour: int = 10) -> Iterator[None]:
    moment = timezone.make_aware(datetime.combine(day, datetime.min.time())) + timedelta(hours=hour)
    with time_machine.travel(moment, tick=True):
        yield


def _registry() -> Any:
    """The registry simulator at JIEFEN_REGISTRY_URL's port, started once (kept for the site)."""
    from urllib.parse import urlsplit

    from jiefen.enforcement.registry_simulator import start_in_thread

    port = urlsplit(settings.JIEFEN_REGISTRY_URL).port or 8028
    try:
        return start_in_thread(port, None, token=settings.JIEFEN_REGISTRY_TOKEN, delay=0.5)
    except OSError:  # already running (a second demo run in the same process, or the command)
        return None


def _profiles(enforcements: list[Enforcement]) -> dict[int, str]:
    """What each debtor holds (the demo's own script, by position in the filing order)."""
    names = ("rich", "rich", "rich", "rich", "partial", "partial", "vehicle", "namesake")
    out = {}
    for n, e in enumerate(enforcements):
        out[e.pk] = names[n % 10] if n % 10 < len(names) else "nothing"
    refuser = next((e.pk for e in enforcements if out[e.pk] == "vehicle"), None)
    if refuser is not None:
        out[refuser] = "refuser"
    return out


def _holders(
    enforcements: list[Enforcement], profiles: dict[int, str], later: date
) -> list[dict[str, Any]]:
    debtors = debtors_of([e.pk for e in enforcements])
    holders = []
    for n, e in enumerate(enforcements):
        party = debtors[e.pk][0]
        owed = e.applied_total + e.execution_fee
        kind = profiles[e.pk]
        assets: list[dict[str, Any]] = []
        if kind == "rich":
            assets.append(_deposit(n, (owed * Decimal("1.5")).quantize(CENT)))
        elif kind == "partial":
            assets.append(_deposit(n, (owed * Decimal("0.3")).quantize(CENT)))
        elif kind in ("vehicle", "refuser"):
            assets.append(
                {
                    "kind": "vehicle",
                    "registry": "重庆市公安局交通管理局",
                    "identifier": f"渝A{n:05d}",
                    "description": "小型轿车（2019年登记）",
                    "value": str((owed * 2).quantize(CENT)),
                }
            )
        elif kind == "nothing" and n % 20 == 9:
            # Wages paid into a new account, six months after filing: the re-inquiry finds them.
            assets.append({**_deposit(n, (owed * 2).quantize(CENT)), "appears_on": str(later)})
        if kind == "namesake":
            holders.append(
                {
                    "id_number": "11010519491231002X",
                    "name": party.name,
                    "assets": [_deposit(n, Decimal("88000.00"))],
                }
            )
        elif assets:
            holders.append({"id_number": party.id_number, "name": party.name, "assets": assets})
    return holders


def _deposit(n: int, value: Decimal) -> dict[str, Any]:
    return {
        "kind": "deposit",
        "registry": "中国工商银行重庆江北支行",
        "identifier": f"62220231{n:011d}",
        "value": str(value),
    }


def _collect(ids: list[int]) -> None:
    for _ in range(60):
        collect_answers(by=None)
        if not Inquiry.objects.filter(enforcement_id__in=ids, state=InquiryState.PENDING).exists():
            return
        time.sleep(0.3)


def _render_pending() -> int:
    """What the worker does after each commit: the queued documents, rendered here inline."""
    measures = list(Measure.objects.filter(document=None).values_list("pk", flat=True))
    lifts = list(
        Measure.objects.filter(lift_document=None)
        .exclude(lifted_on=None)
        .values_list("pk", flat=True)
    )
    receipts = list(Receipt.objects.filter(document=None).values_list("pk", flat=True))
    applications = list(Application.objects.filter(document=None).values_list("pk", flat=True))
    render_documents_task.call(measures, receipts, applications, lifts)
    return len(measures) + len(lifts) + len(receipts) + len(applications)


def _by_officer(ids: list[int]) -> dict[User, list[int]]:
    out: dict[User, list[int]] = {}
    for e in Enforcement.objects.filter(pk__in=ids).select_related("officer"):
        out.setdefault(e.officer, []).append(e.pk)
    return out


def _assets(ids: list[int], *kinds: str, frozen: bool = False) -> dict[User, list[int]]:
    out: dict[User, list[int]] = {}
    rows = Asset.objects.filter(enforcement_id__in=ids, matched=True, kind__in=kinds)
    if frozen:
        rows = rows.filter(frozen__gt=0, deducted=0)
    for a in rows.select_related("enforcement__officer"):
        out.setdefault(a.enforcement.officer, []).append(a.pk)
    return out


def _pay(enforcements: list[Enforcement], on: date, by: User | None, note: str) -> int:
    """Each debtor pays what is still owed on `on` (voluntary performance, 主动履行)."""
    rows = []
    for e in enforcements:
        e.refresh_from_db()
        owed = _owed(e, on)
        if owed > 0:
            rows.append(ReceiptRow(e.pk, f"{note}-{e.pk}", on, owed, "voluntary"))
    return record_receipts(rows, by=by).recorded


def _owed(e: Enforcement, on: date) -> Decimal:
    d = ledger(e, as_of=on)
    return d.outstanding_debt + d.outstanding_delay_interest + d.outstanding_execution_fee


def run_enforcement_demo(out: Any) -> None:
    court = Organisation.objects.get(code=COURT)
    last = Judgment.objects.filter(case__court=court, enforceable=True).aggregate(
        day=Max("performance_ends")
    )["day"]
    if last is None:
        return
    filed_on = last + timedelta(days=3)
    agent = User.objects.filter(role=Role.BANK_AGENT, organisation__code="BANK01").first()
    assert agent is not None
    server = _registry()

    with _on(filed_on):
        prepared = prepare_applications(today=filed_on)
        ids = list(
            Application.objects.filter(
                state=ApplicationState.PREPARED, case__institution=agent.organisation
            ).values_list("pk", flat=True)
        )
        started = time.perf_counter()
        submitted = submit_applications(ids, by=agent, on=filed_on)
        out.write(
            f"· 执行立案：履行期届满未履行，系统生成强制执行申请 {prepared} 件；金融机构一次提交 "
            f"{len(ids)} 件，立案 {len(submitted.filed)} 件（执字案号、申请执行费、执行员均衡分案、"
            f"执行通知书和报告财产令），用时 {time.perf_counter() - started:.1f} 秒"
        )
        for reason in list(submitted.refused.values())[:3]:
            out.write(f"  未立案：{reason}")
        enforcements = list(
            Enforcement.objects.filter(pk__in=submitted.filed).order_by("case_id", "pk")
        )
        if not enforcements:
            return
        ids = [e.pk for e in enforcements]
        profiles = _profiles(enforcements)
        later = filed_on + timedelta(days=200)
        holders = _holders(enforcements, profiles, later)
        if server is not None:
            server.add_holders(holders)
        start_inquiries(ids, by=None, on=filed_on)
        _collect(ids)
        matched = Asset.objects.filter(enforcement_id__in=ids, matched=True).count()
        refused = Asset.objects.filter(enforcement_id__in=ids, matched=False).count()
        out.write(
            f"· 网络查控：{len(ids)} 名被执行人批量查询（存款、车辆、不动产、证券、工资），"
            f"证件号码一致的财产 {matched} 项；仅姓名相同、证件号码不符的 {refused} 项不予处置"
        )
        frozen = 0
        for officer, asset_ids in _assets(ids, AssetKind.DEPOSIT).items():
            frozen += len(freeze(asset_ids, by=officer, on=filed_on).done)
        seizable = [pk for pk in ids if profiles[pk] == "vehicle"]  # not the refuser's car
        for officer, asset_ids in _assets(seizable, AssetKind.VEHICLE).items():
            seize(asset_ids, by=officer, on=filed_on)
        out.write(f"· 冻结存款 {frozen} 项（执行裁定书，冻结期限一年）；查封车辆（扣押期限二年）")

        # Deducted the same day: the doubled-part interest runs to the day the money is taken.
        for officer, asset_ids in _assets(ids, AssetKind.DEPOSIT, frozen=True).items():
            deduct(asset_ids, by=officer, on=filed_on)

    restrict_on = filed_on + timedelta(days=3)
    with _on(restrict_on):
        nothing = [
            e.pk for e in enforcements if profiles[e.pk] in ("nothing", "namesake", "refuser")
        ]
        for officer, own in _by_officer(nothing).items():
            restrict_consumption(own, by=officer, on=restrict_on)
        performed = Enforcement.objects.filter(pk__in=ids, state=EnforcementState.PERFORMED).count()
        out.write(
            f"· 扣划：已冻结存款划至法院执行款账户，按法释〔2014〕8号先清偿金钱债务、再付迟延履行利息，"
            f"申请执行费由被执行人负担；{performed} 件执行完毕；三日后 {len(nothing)} 名未履行的"
            "被执行人限制高消费"
        )

    refuser = next((e for e in enforcements if profiles[e.pk] == "refuser"), None)
    if refuser is not None:
        list_on = filed_on + timedelta(days=7)
        with _on(list_on):
            listed = list_dishonest(
                [refuser.pk], ground="able_but_refuses", by=refuser.officer, on=list_on
            )
            for reason in listed.refused.values():
                out.write(f"  未纳入失信名单：{reason}")

    paid_on = filed_on + timedelta(days=14)
    with _on(paid_on):
        partial = [e for e in enforcements if profiles[e.pk] == "partial"]
        paid = _pay(partial, paid_on, None, "ZD")
        out.write(f"· 冻结扣划后 {paid} 名被执行人主动履行剩余款项（执行款收据、结案通知书）")
        if refuser is not None:
            _pay([refuser], paid_on, None, "SX")
            refuser.refresh_from_db()
            entry = Measure.objects.filter(enforcement=refuser, kind="dishonest_listing").first()
            if entry is not None:
                out.write(
                    f"· 失信：{refuser.number} 被执行人有履行能力而拒不履行，纳入失信被执行人名单；"
                    f"履行完毕后于 {entry.lifted_on} 删除失信信息（应于 {entry.lift_due} 前，"
                    "三个工作日内）"
                )

    end_on = filed_on + timedelta(days=100)
    with _on(end_on):
        left = list(
            Enforcement.objects.filter(pk__in=ids, state=EnforcementState.OPEN)
            .exclude(assets__matched=True)
            .values_list("pk", flat=True)
        )
        terminated = 0
        for officer, own in _by_officer(left).items():
            result = terminate_for_now(own, by=officer, on=end_on)
            terminated += len(result.done)
            for reason in list(result.refused.values())[:2]:
                out.write(f"  未终本：{reason}")
        out.write(
            f"· 终本：{terminated} 件穷尽财产调查措施未发现可供执行财产，立案满三个月、听取申请执行人"
            "意见后裁定终结本次执行程序；此后每六个月网络查控一次"
        )

    terminated_rows = list(
        Enforcement.objects.filter(pk__in=ids, state=EnforcementState.TERMINATED_FOR_NOW)
    )
    due = min((e.next_inquiry_on for e in terminated_rows if e.next_inquiry_on), default=None)
    if due is not None:
        with _on(due):
            swept = reinquiry_sweep(today=due)
            _collect([e.pk for e in terminated_rows])
            resumed = list(
                Enforcement.objects.filter(resumed_from__in=terminated_rows).order_by("pk")
            )
            resumed_ids = [e.pk for e in resumed]
            for officer, asset_ids in _assets(resumed_ids, AssetKind.DEPOSIT).items():
                freeze(asset_ids, by=officer, on=due)
                deduct(asset_ids, by=officer, on=due)
            out.write(
                f"· 终本后复查：{swept.get('inquired', 0)} 件到期复查，{len(resumed)} 件发现新财产"
                f"恢复执行（执恢字案号，不另收申请执行费），冻结扣划后执行完毕 "
                f"{Enforcement.objects.filter(pk__in=resumed_ids, state='performed').count()} 件"
            )
    rendered = _render_pending()
    numbers = stats_section()
    out.write(
        f"· 执行文书 {rendered} 份（执行通知书、报告财产令、裁定书、限制消费令、失信决定书、"
        f"收款收据、结案通知书）已签章；执行到位 {numbers['recovered']} 元，"
        f"回收率 {float(numbers['recovery_rate']):.1%}，执行完毕 {numbers['closed_performed']} 件、"
        f"终本 {numbers['closed_terminated']} 件、恢复执行 {numbers['resumed']} 件"
        "（执行工作台：/enforcement/，金融机构回款：/enforcement/recoveries/）"
    )
