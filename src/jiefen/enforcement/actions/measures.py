"""Coercive measures (执行措施): freeze, deduction, seizure, consumption restriction, the
dishonest-debtor list, execution settlement.

Each act: the actor's role is checked first (`require`), then each object in the actor's
scope; one transaction; `Measure` rows; the case's move; one audit record; the rulings rendered
after commit. Refusals come back per id, in Chinese, naming the case number (and the debtor).

- `freeze(asset_ids)`: matched deposits of open enforcements, never more than is still owed
  (超标的冻结 is forbidden): the debt, the doubled-part interest and the execution fee, less what
  is already frozen; 1 year (民诉解释 Art. 485).
- `deduct(asset_ids)`: the frozen amount moved to the court's account; a receipt is recorded
  and distributed by the money actions.
- `seize(asset_ids)`: matched vehicles (2 years) and real estate (3 years).
- `restrict_consumption(ids)`: only after the execution notice's period (SPC provisions on
  restricting high consumption Art. 1); for an organisation the order also binds its legal
  representative (Art. 3), whom the ruling names.
- `list_dishonest(ids, ground=)`: a legal ground is required; never a minor; not on ground (一)
  when frozen/seized property suffices (法释〔2017〕7号 Arts. 1-4).
- `make_settlement(id, instalments=)` and `settlement_sweep(today=)`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Min, Sum

from jiefen.accounts.models import User
from jiefen.cases.access import visible_assets, visible_enforcements
from jiefen.cases.actions import require, transition, transition_many
from jiefen.cases.models import Party, PartyKind
from jiefen.enforcement.actions.common import (
    ZERO,
    ActionRefused,
    BulkResult,
    audit,
    chunks,
    debtors_of,
    enqueue_documents,
    frozen_deposits_many,
    label,
    owed_now,
    secured,
    still_owed,
    today,
    unique_ids,
    zh_date,
)
from jiefen.enforcement.models import (
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Measure,
    MeasureKind,
    Receipt,
    Settlement,
    SettlementState,
)
from jiefen.enforcement.registry import (
    DeductOrder,
    FreezeOrder,
    FreezeResult,
    RegistryUnavailable,
    registry,
)
from jiefen.law.enforcement import LISTING_GROUNDS, freeze_ends, listing_ends, listing_refusal
from jiefen.law.errors import LawError
from jiefen.lawdata.selectors import current_parameters

MISMATCH_REFUSAL = "财产登记证件号码与被执行人不一致，不得采取措施"
NOT_FOUND = "财产不存在或无权操作"
ENFORCEMENT_NOT_FOUND = "执行案件不存在或无权操作"


def _not_open(e: Enforcement) -> str:
    return f"{label(e)}：执行案件当前状态为「{EnforcementState(e.state).label}」，不能采取执行措施"


def _locked_assets(by: User, ids: list[int]) -> dict[int, Asset]:
    out: dict[int, Asset] = {}
    for chunk in chunks(ids):
        out.update(
            (a.pk, a)
            for a in visible_assets(by)
            .select_for_update(of=("self",))
            .select_related("enforcement", "party")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
    return out


def _locked_enforcements(by: User | None, ids: list[int]) -> dict[int, Enforcement]:
    scope = visible_enforcements(by) if by is not None else Enforcement.objects.all()
    out: dict[int, Enforcement] = {}
    for chunk in chunks(ids):
        out.update(
            (e.pk, e)
            for e in scope.select_for_update(of=("self",))
            .select_related("case")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
    return out


def _asset_refusal(a: Asset | None, kinds: Sequence[str], wrong_kind: str) -> str | None:
    if a is None:
        return NOT_FOUND
    if not a.matched:
        return f"{label(a.enforcement)}：{MISMATCH_REFUSAL}"
    if a.kind not in kinds:
        return f"{label(a.enforcement)}：{wrong_kind}"
    if a.enforcement.state != EnforcementState.OPEN:
        return _not_open(a.enforcement)
    return None


def _order_reference(prefix: str, asset: Asset, kind: str) -> str:
    """An order reference unique per asset and per measure of that kind: resending the same
    order after a rollback is answered the same by the registry (idempotent)."""
    n = Measure.objects.filter(asset=asset, kind=kind).count() + 1
    return f"{prefix}:{asset.pk}:{n}"


def _moved_or_released(
    result: BulkResult, case_of: dict[int, int], move: str, by: User, references: dict[int, str]
) -> set[int]:
    """Move the cases of the ids done; an id whose case may not move is refused and its
    registry order released (unfreeze)."""
    moved = transition_many(sorted(set(case_of.values())), move, by=by)
    for pk, case_id in list(case_of.items()):
        if case_id in moved.refused:
            result.refused[pk] = moved.refused[case_id]
            if references.get(pk):
                registry().unfreeze([references[pk]])
            del case_of[pk]
    return set(moved.moved)


def _send_freezes(orders: list[FreezeOrder]) -> dict[str, FreezeResult]:
    """Freeze or seize at the registry; its answers by order reference."""
    try:
        answers = registry().freeze(orders) if orders else []
    except RegistryUnavailable as exc:
        raise ActionRefused(str(exc)) from None
    return {r.order_reference: r for r in answers}


def freeze(asset_ids: Sequence[int], *, by: User, on: date | None = None) -> BulkResult:
    """Freeze matched deposits (see the module docstring); `done` lists the asset ids."""
    require(by, "freeze")
    on = on or today()
    ids = unique_ids(asset_ids)
    result = BulkResult()
    params = current_parameters()
    ends = freeze_ends(AssetKind.DEPOSIT, on, params=params)
    with transaction.atomic():
        assets = _locked_assets(by, ids)
        ofs = [a.enforcement for a in assets.values()]
        owed = owed_now(ofs, on)
        held = frozen_deposits_many([e.pk for e in ofs])
        left: dict[int, Decimal] = {}
        plan: list[tuple[Asset, FreezeOrder]] = []
        for pk in ids:
            a = assets.get(pk)
            reason = _asset_refusal(
                a, (AssetKind.DEPOSIT,), "仅银行存款可以冻结；车辆、不动产请采取查封、扣押措施"
            )
            if reason is None and a is not None:
                e = a.enforcement
                if e.pk not in left:
                    left[e.pk] = owed[e.pk] - held[e.pk]
                available = a.value - a.frozen - a.deducted
                if available <= 0:
                    reason = f"{label(e)}：该账户已无可冻结的余额"
                elif left[e.pk] <= 0:
                    reason = f"{label(e)}：已冻结的存款足以清偿债务，不得超标的冻结"
                else:
                    amount = min(available, left[e.pk])
                    left[e.pk] -= amount
                    plan.append(
                        (
                            a,
                            FreezeOrder(
                                _order_reference("frz", a, "freeze"),
                                a.registry_reference,
                                amount,
                                ends,
                            ),
                        )
                    )
            if reason is not None:
                result.refused[pk] = reason
        by_order = _send_freezes([o for _a, o in plan])
        measures: list[Measure] = []
        case_of: dict[int, int] = {}
        references: dict[int, str] = {}
        for a, order in plan:
            r = by_order.get(order.order_reference)
            if r is None or r.error or r.frozen <= 0:
                why = r.error if r is not None and r.error else "未冻结到款项"
                result.refused[a.pk] = f"{label(a.enforcement)}：查控系统未能冻结（{why}）"
                continue
            case_of[a.pk] = a.enforcement.case_id
            references[a.pk] = r.registry_reference
            a.frozen += r.frozen
            measures.append(
                Measure(
                    enforcement=a.enforcement,
                    kind=MeasureKind.FREEZE,
                    party=a.party,
                    asset=a,
                    amount=r.frozen,
                    starts_on=on,
                    ends_on=ends,
                    registry_reference=r.registry_reference,
                    created_by=by,
                )
            )
        _moved_or_released(result, case_of, "freeze", by, references)
        measures = [m for m in measures if m.asset_id in case_of]
        Asset.objects.bulk_update([assets[pk] for pk in case_of], ["frozen"], batch_size=500)
        Measure.objects.bulk_create(measures, batch_size=500)
        result.done = [pk for pk in ids if pk in case_of]
        audit(by, "freeze", result.done, refused=len(result.refused), on=on.isoformat())
        enqueue_documents(measure_ids=[m.pk for m in measures])
    return result


def deduct(asset_ids: Sequence[int], *, by: User, on: date | None = None) -> BulkResult:
    """Deduct frozen deposits to the court's account, at most what is still owed; each
    deduction is recorded as a receipt (`money.record_receipts`, source deduction)."""
    from jiefen.enforcement.actions.money import ReceiptRow, record_receipts

    require(by, "deduct")
    on = on or today()
    ids = unique_ids(asset_ids)
    result = BulkResult()
    with transaction.atomic():
        assets = _locked_assets(by, ids)
        owed = owed_now([a.enforcement for a in assets.values()], on)
        left: dict[int, Decimal] = {}
        plan: list[tuple[Asset, DeductOrder]] = []
        for pk in ids:
            a = assets.get(pk)
            reason = _asset_refusal(a, (AssetKind.DEPOSIT,), "仅冻结的银行存款可以扣划")
            if reason is None and a is not None:
                e = a.enforcement
                left.setdefault(e.pk, owed[e.pk])
                if a.frozen <= 0:
                    reason = f"{label(e)}：该账户尚未冻结，不能扣划"
                elif left[e.pk] <= 0:
                    reason = f"{label(e)}：被执行人的债务已经清偿，不得扣划"
                else:
                    amount = min(a.frozen, left[e.pk])
                    left[e.pk] -= amount
                    plan.append(
                        (
                            a,
                            DeductOrder(
                                _order_reference("ded", a, "deduct"), a.registry_reference, amount
                            ),
                        )
                    )
            if reason is not None:
                result.refused[pk] = reason
        try:
            answers = registry().deduct([o for _a, o in plan]) if plan else []
        except RegistryUnavailable as exc:
            raise ActionRefused(str(exc)) from None
        by_order = {r.order_reference: r for r in answers}
        measures: list[Measure] = []
        rows: list[ReceiptRow] = []
        done: list[Asset] = []
        for a, order in plan:
            r = by_order.get(order.order_reference)
            if r is None or r.error or r.deducted <= 0:
                why = r.error if r is not None and r.error else "未扣划到款项"
                result.refused[a.pk] = f"{label(a.enforcement)}：查控系统未能扣划（{why}）"
                continue
            a.deducted += r.deducted
            a.frozen = max(ZERO, a.frozen - r.deducted)
            done.append(a)
            measures.append(
                Measure(
                    enforcement=a.enforcement,
                    kind=MeasureKind.DEDUCT,
                    party=a.party,
                    asset=a,
                    amount=r.deducted,
                    starts_on=on,
                    registry_reference=r.registry_reference,
                    created_by=by,
                )
            )
            rows.append(
                ReceiptRow(
                    enforcement_id=a.enforcement_id,
                    reference=r.registry_reference,
                    received_on=on,
                    amount=r.deducted,
                    source="deduction",
                )
            )
        if not done:
            return result
        moved = transition_many(sorted({a.enforcement.case_id for a in done}), "deduct", by=by)
        if moved.refused:  # the enforcement was open, so its case is in enforcement
            raise ActionRefused("；".join(sorted(set(moved.refused.values()))))
        Asset.objects.bulk_update(done, ["frozen", "deducted"], batch_size=500)
        Measure.objects.bulk_create(measures, batch_size=500)
        # A freeze fully consumed by the deduction ends with it (no release to order).
        emptied = [a.pk for a in done if a.frozen <= 0]
        for chunk in chunks(emptied):
            Measure.objects.filter(
                asset_id__in=chunk, kind=MeasureKind.FREEZE, lifted_on=None
            ).update(lifted_on=on)
        result.done = [a.pk for a in done]
        audit(by, "deduct", result.done, refused=len(result.refused), on=on.isoformat())
        enqueue_documents(measure_ids=[m.pk for m in measures])
        report = record_receipts(rows, by=by)
        if report.refused:
            raise ActionRefused("；".join(f"{k}：{v}" for k, v in report.refused.items()))
    return result


SEIZABLE = (AssetKind.VEHICLE, AssetKind.REAL_ESTATE)


def _seized_already(asset: Asset) -> Measure | None:
    """The seizure in force of the same property for the case (a later inquiry reports it
    again as a new hit: the same kind and registration number)."""
    for m in Measure.objects.filter(
        enforcement__case_id=asset.enforcement.case_id, kind=MeasureKind.SEIZE, lifted_on=None
    ).select_related("asset"):
        if m.asset is not None and (m.asset.kind, m.asset.identifier) == (
            asset.kind,
            asset.identifier,
        ):
            return m
    return None


def seize(asset_ids: Sequence[int], *, by: User, on: date | None = None) -> BulkResult:
    """Seize matched vehicles (扣押, 2 years) and real estate (查封, 3 years) at the registry."""
    require(by, "seize")
    on = on or today()
    ids = unique_ids(asset_ids)
    result = BulkResult()
    params = current_parameters()
    with transaction.atomic():
        assets = _locked_assets(by, ids)
        plan: list[tuple[Asset, FreezeOrder]] = []
        for pk in ids:
            a = assets.get(pk)
            reason = _asset_refusal(a, SEIZABLE, "仅机动车、不动产可以查封、扣押；银行存款请冻结")
            if reason is None and a is not None:
                e = a.enforcement
                held = _seized_already(a)
                if held is not None:
                    until = f"，期限至{zh_date(held.ends_on)}" if held.ends_on else ""
                    reason = f"{label(e)}：该财产已查封{until}"
                elif secured(e, still_owed(e, on)):
                    reason = f"{label(e)}：已冻结、查封的财产足以清偿债务，不得超标的查封"
                else:
                    ends = freeze_ends(a.kind, on, params=params)
                    plan.append(
                        (
                            a,
                            FreezeOrder(
                                _order_reference("sz", a, "seize"),
                                a.registry_reference,
                                a.value,
                                ends,
                            ),
                        )
                    )
            if reason is not None:
                result.refused[pk] = reason
        by_order = _send_freezes([o for _a, o in plan])
        measures: list[Measure] = []
        case_of: dict[int, int] = {}
        references: dict[int, str] = {}
        for a, order in plan:
            r = by_order.get(order.order_reference)
            if r is None or r.error:
                why = r.error if r is not None and r.error else "无反馈"
                result.refused[a.pk] = f"{label(a.enforcement)}：查控系统未能查封（{why}）"
                continue
            case_of[a.pk] = a.enforcement.case_id
            references[a.pk] = r.registry_reference
            measures.append(
                Measure(
                    enforcement=a.enforcement,
                    kind=MeasureKind.SEIZE,
                    party=a.party,
                    asset=a,
                    amount=a.value,
                    starts_on=on,
                    ends_on=order.until,
                    registry_reference=r.registry_reference,
                    created_by=by,
                )
            )
        _moved_or_released(result, case_of, "seize", by, references)
        measures = [m for m in measures if m.asset_id in case_of]
        Measure.objects.bulk_create(measures, batch_size=500)
        result.done = [pk for pk in ids if pk in case_of]
        audit(by, "seize", result.done, refused=len(result.refused), on=on.isoformat())
        enqueue_documents(measure_ids=[m.pk for m in measures])
    return result


def _unlifted(enforcement_ids: list[int], kind: str) -> set[tuple[int, int | None]]:
    out: set[tuple[int, int | None]] = set()
    for chunk in chunks(enforcement_ids):
        out.update(
            Measure.objects.filter(enforcement_id__in=chunk, kind=kind, lifted_on=None).values_list(
                "enforcement_id", "party_id"
            )
        )
    return out


def restrict_consumption(
    enforcement_ids: Sequence[int], *, by: User, on: date | None = None
) -> BulkResult:
    """Restrict the high consumption of each debtor (one order per debtor); refused while the
    execution notice's period runs (the notice issued today)."""
    require(by, "restrict_consumption")
    on = on or today()
    ids = unique_ids(enforcement_ids)
    result = BulkResult()
    with transaction.atomic():
        found = _locked_enforcements(by, ids)
        debtors = debtors_of(list(found))
        notified: dict[int, date] = {}
        for chunk in chunks(list(found)):
            notified.update(
                Measure.objects.filter(enforcement_id__in=chunk, kind=MeasureKind.EXECUTION_NOTICE)
                .values("enforcement_id")
                .annotate(first=Min("starts_on"))
                .values_list("enforcement_id", "first")
            )
        restricted = _unlifted(list(found), MeasureKind.CONSUMPTION_RESTRICTION)
        measures: list[Measure] = []
        ready: list[Enforcement] = []
        for pk in ids:
            e = found.get(pk)
            if e is None:
                result.refused[pk] = ENFORCEMENT_NOT_FOUND
                continue
            if e.state != EnforcementState.OPEN:
                result.refused[pk] = _not_open(e)
                continue
            if pk not in notified or notified[pk] >= on:
                result.refused[pk] = f"{label(e)}：执行通知书指定的期间尚未届满，不能限制消费"
                continue
            parties = [p for p in debtors.get(pk, []) if (pk, p.pk) not in restricted]
            if not parties:
                result.refused[pk] = f"{label(e)}：已对被执行人限制消费"
                continue
            ready.append(e)
            measures.extend(
                Measure(
                    enforcement=e,
                    kind=MeasureKind.CONSUMPTION_RESTRICTION,
                    party=p,
                    starts_on=on,
                    created_by=by,
                )
                for p in parties
            )
        moved = set(
            transition_many([e.case_id for e in ready], "restrict_consumption", by=by).moved
        )
        result.done = [e.pk for e in ready if e.case_id in moved]
        measures = [m for m in measures if m.enforcement.case_id in moved]
        Measure.objects.bulk_create(measures, batch_size=500)
        audit(
            by, "restrict_consumption", result.done, refused=len(result.refused), on=on.isoformat()
        )
        enqueue_documents(measure_ids=[m.pk for m in measures])
    return result


def is_minor(party: Party, on: date) -> bool:
    """A minor on `on`: marked so, or under 18 by the birth date (民法典 Art. 17)."""
    if party.kind == PartyKind.ORGANISATION:
        return False
    if party.is_minor:
        return True
    b = party.birth_date
    if b is None:
        return False
    age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
    return age < 18


def list_dishonest(
    enforcement_ids: Sequence[int],
    *,
    ground: str,
    by: User,
    on: date | None = None,
    years: int | None = None,
) -> BulkResult:
    """List the debtors of these enforcements as dishonest on `ground` (LISTING_GROUNDS); each
    debtor refused is named with the case number. `done` lists the enforcements with at least
    one debtor listed; `refused` each enforcement's refusals (joined by "；")."""
    require(by, "list_dishonest")
    on = on or today()
    ids = unique_ids(enforcement_ids)
    result = BulkResult()
    params = current_parameters()
    ends: date | None = None
    if ground in LISTING_GROUNDS:
        try:
            ends = listing_ends(ground, on, years=years, params=params)
        except LawError as exc:
            raise ActionRefused(str(exc)) from None
    with transaction.atomic():
        found = _locked_enforcements(by, ids)
        debtors = debtors_of(list(found))
        listed = _unlifted(list(found), MeasureKind.DISHONEST_LISTING)
        measures: list[Measure] = []
        ready: list[Enforcement] = []
        for pk in ids:
            e = found.get(pk)
            if e is None:
                result.refused[pk] = ENFORCEMENT_NOT_FOUND
                continue
            if e.state != EnforcementState.OPEN:
                result.refused[pk] = _not_open(e)
                continue
            owed = still_owed(e, on)
            covered = secured(e, owed)
            reasons: list[str] = []
            mine: list[Measure] = []
            for p in debtors.get(pk, []):
                reason = listing_refusal(
                    ground=ground,
                    is_minor=is_minor(p, on),
                    fully_performed=owed <= 0,
                    secured=covered,
                )
                if reason is None and (pk, p.pk) in listed:
                    reason = "已纳入失信被执行人名单"
                if reason is not None:
                    reasons.append(f"{label(e)} 被执行人{p.name}：{reason}")
                    continue
                mine.append(
                    Measure(
                        enforcement=e,
                        kind=MeasureKind.DISHONEST_LISTING,
                        party=p,
                        ground=ground,
                        starts_on=on,
                        ends_on=ends,
                        created_by=by,
                    )
                )
            if reasons:
                result.refused[pk] = "；".join(reasons)
            if mine:
                ready.append(e)
                measures.extend(mine)
        moved = set(transition_many([e.case_id for e in ready], "list_dishonest", by=by).moved)
        result.done = [e.pk for e in ready if e.case_id in moved]
        measures = [m for m in measures if m.enforcement.case_id in moved]
        Measure.objects.bulk_create(measures, batch_size=500)
        audit(
            by,
            "list_dishonest",
            result.done,
            ground=ground,
            debtors=len(measures),
            refused=len(result.refused),
            on=on.isoformat(),
        )
        enqueue_documents(measure_ids=[m.pk for m in measures])
    return result


def make_settlement(
    enforcement_id: int,
    *,
    instalments: Sequence[tuple[date, Decimal]],
    by: User,
    on: date | None = None,
    grace_days: int = 0,
) -> Settlement:
    """Record an execution settlement (执行和解) of instalments (due date, amount)."""
    on = on or today()
    scope = visible_enforcements(by)
    e = scope.select_related("case").filter(pk=enforcement_id).first()
    if e is None:
        raise ActionRefused(ENFORCEMENT_NOT_FOUND)
    require(by, "execution_settlement", e.case)
    if not instalments:
        raise ActionRefused(f"{label(e)}：执行和解协议须载明履行期限和金额")
    rows = sorted((d, Decimal(str(a))) for d, a in instalments)
    for due, amount in rows:
        if amount <= 0:
            raise ActionRefused(f"{label(e)}：{zh_date(due)}的分期金额须大于零")
        if due < on:
            raise ActionRefused(f"{label(e)}：履行日期{zh_date(due)}早于和解日期")
    total = sum((a for _d, a in rows), ZERO)
    with transaction.atomic():
        locked = Enforcement.objects.select_for_update().get(pk=e.pk)
        if locked.state != EnforcementState.OPEN:
            raise ActionRefused(_not_open(locked))
        if Settlement.objects.filter(enforcement=locked).exists():
            raise ActionRefused(f"{label(e)}：本案已达成执行和解")
        settlement = Settlement.objects.create(
            enforcement=locked,
            agreed_on=on,
            total=total,
            instalments=[
                {"number": i, "due": d.isoformat(), "amount": f"{a:.2f}"}
                for i, (d, a) in enumerate(rows, start=1)
            ],
            grace_days=grace_days,
            created_by=by,
        )
        measure = Measure.objects.create(
            enforcement=locked,
            kind=MeasureKind.SETTLEMENT,
            amount=total,
            starts_on=on,
            ends_on=rows[-1][0],
            created_by=by,
        )
        transition(e.case, "execution_settlement", by=by, note=f"执行和解金额{total:.2f}元")
        audit(by, "settlement", [locked.pk], total=f"{total:.2f}", instalments=len(rows))
        enqueue_documents(measure_ids=[measure.pk])
    return settlement


def settlement_sweep(*, today: date) -> dict[str, int]:
    """Settlements paid in full → PERFORMED (the enforcement closes as performed); an
    instalment due (plus grace) and not covered by what was received since the agreement →
    BROKEN: the creditor may apply to resume the original title, crediting what was paid
    (SPC execution-settlement provisions 2018, Art. 9). Idempotent; SYSTEM."""
    from datetime import timedelta

    performed: list[int] = []
    broken: list[int] = []
    with transaction.atomic():
        active = list(
            Settlement.objects.select_for_update(skip_locked=True)
            .filter(state=SettlementState.ACTIVE)
            .order_by("pk")
        )
        for s in active:
            paid = (
                Receipt.objects.filter(
                    enforcement_id=s.enforcement_id, received_on__gte=s.agreed_on
                ).aggregate(t=Sum("amount"))["t"]
                or ZERO
            )
            if paid >= s.total:
                performed.append(s.pk)
                continue
            due = sum(
                (
                    Decimal(str(i["amount"]))
                    for i in s.instalments
                    if date.fromisoformat(str(i["due"])) + timedelta(days=s.grace_days) < today
                ),
                ZERO,
            )
            if paid < due:
                broken.append(s.pk)
        Settlement.objects.filter(pk__in=performed).update(state=SettlementState.PERFORMED)
        Settlement.objects.filter(pk__in=broken).update(state=SettlementState.BROKEN)
        closing_ids = list(
            Settlement.objects.filter(
                pk__in=performed, enforcement__state=EnforcementState.OPEN
            ).values_list("enforcement_id", flat=True)
        )
        if closing_ids:
            from jiefen.enforcement.actions.closing import close_performed

            close_performed(closing_ids, by=None, on=today)
        audit(
            None,
            "settlement_sweep",
            performed + broken,
            performed=len(performed),
            broken=len(broken),
        )
    return {"performed": len(performed), "broken": len(broken)}
