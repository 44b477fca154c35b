"""Ending an enforcement: terminating the current round (终本), re-inquiries and resumption
(执恢), closing as performed, deleting dishonest entries.

- `terminate_for_now(ids, by=, on=)`: the conditions of 法〔2016〕373号 Art. 1 and 5 checked on
  the rows (`law.enforcement.termination_refusal`); then TERMINATED_FOR_NOW with the
  re-inquiry schedule (every 6 months for 5 years, Art. 9) and the ruling. Freezes, seizures
  and restrictions stay in force.
- `reinquiry_sweep(today=)` (SYSTEM): the due re-inquiries; resumption follows when the
  answer (`inquiry.collect_answers`) shows a matched asset.
- `resume(ids, by=, on=)`: a new 执恢 enforcement of the same title, debt and running totals,
  no new execution fee, the same officer; the old one RESUMED; execution notice again; the
  assets found move to the new case (the inquiries stay with the old one, as history).
- `close_performed(ids, by=, on=)`: fully performed: PERFORMED, the case closes, freezes and
  seizures released at the registry, restrictions lifted, a dishonest entry without a term
  (ground (一)) deleted the same day (the law allows 3 working days, 法释〔2017〕7号 Art. 10:
  `lift_due`); an entry with a term stays until it has run (Art. 10 para. 2); 结案通知书.
- `delisting_sweep(today=)`: entries whose term has run are deleted; the safety net for
  entries and freezes of performed cases still not lifted.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q

from jiefen.accounts.models import User
from jiefen.cases.access import visible_enforcements
from jiefen.cases.actions import require, transition_many
from jiefen.cases.models import Case
from jiefen.cases.numbering import take_case_numbers
from jiefen.cases.states import State
from jiefen.enforcement.actions.common import (
    ZERO,
    ActionRefused,
    BulkResult,
    audit,
    chunks,
    debtors_of,
    enqueue_documents,
    label,
    today,
    unique_ids,
)
from jiefen.enforcement.actions.filing import issue_notices
from jiefen.enforcement.models import (
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Inquiry,
    InquiryState,
    Measure,
    MeasureKind,
    Settlement,
    SettlementState,
)
from jiefen.enforcement.registry import RegistryUnavailable, registry
from jiefen.enforcement.rules import balanced_officers
from jiefen.law.enforcement import (
    TerminationFacts,
    delisting_deadline,
    next_reinquiry,
    reinquiry_schedule,
    termination_refusal,
)
from jiefen.law.errors import CalendarDataMissing
from jiefen.law.periods import HolidayCalendar
from jiefen.lawdata.selectors import current_parameters

RESUMED_TYPE = "执恢"
logger = logging.getLogger(__name__)


def _locked(
    by: User | None, ids: list[int], *, skip_locked: bool = False
) -> dict[int, Enforcement]:
    scope = visible_enforcements(by) if by is not None else Enforcement.objects.all()
    out: dict[int, Enforcement] = {}
    for chunk in chunks(ids):
        out.update(
            (e.pk, e)
            for e in scope.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related("case", "case__court", "officer")
            .filter(pk__in=chunk)
            .order_by("pk")
        )
    return out


def _ids_with(model_qs: object, field: str, ids: list[int]) -> set[int]:
    out: set[int] = set()
    for chunk in chunks(ids):
        out.update(model_qs.filter(**{f"{field}__in": chunk}).values_list(field, flat=True))  # type: ignore[attr-defined]
    return out


def _disposable(ids: list[int]) -> set[int]:
    """Enforcements with a matched asset still to dispose of: a deposit with a balance not
    deducted (frozen or not), or a vehicle / real estate / securities with a value."""
    deposits = Asset.objects.filter(matched=True, kind__in=[AssetKind.DEPOSIT, AssetKind.WAGES])
    out: set[int] = set()
    for chunk in chunks(ids):
        for eid, value, deducted in deposits.filter(enforcement_id__in=chunk).values_list(
            "enforcement_id", "value", "deducted"
        ):
            if value - deducted > 0:
                out.add(eid)
        out.update(
            Asset.objects.filter(enforcement_id__in=chunk, matched=True, value__gt=0)
            .exclude(kind__in=[AssetKind.DEPOSIT, AssetKind.WAGES])
            .values_list("enforcement_id", flat=True)
        )
    return out


def terminate_for_now(
    enforcement_ids: Sequence[int],
    *,
    by: User,
    on: date | None = None,
    creditor_heard: bool = True,
) -> BulkResult:
    """Terminate the current round of these enforcements (终结本次执行程序).

    `creditor_heard`: the officer confirms the creditor was told of the enforcement and heard
    on terminating it (Art. 5); the act is refused when False.
    """
    require(by, "terminate_for_now")
    on = on or today()
    ids = unique_ids(enforcement_ids)
    result = BulkResult()
    params = current_parameters()
    with transaction.atomic():
        found = _locked(by, ids)
        open_ids = [pk for pk, e in found.items() if e.state == EnforcementState.OPEN]
        measures = Measure.objects.all()
        notices = _ids_with(
            measures.filter(kind=MeasureKind.EXECUTION_NOTICE), "enforcement_id", open_ids
        )
        reports = _ids_with(
            measures.filter(kind=MeasureKind.REPORT_ORDER), "enforcement_id", open_ids
        )
        restricted = _ids_with(
            measures.filter(kind=MeasureKind.CONSUMPTION_RESTRICTION), "enforcement_id", open_ids
        )
        answered = _ids_with(
            Inquiry.objects.filter(state=InquiryState.ANSWERED), "enforcement_id", open_ids
        )
        pending = _ids_with(
            Inquiry.objects.filter(state=InquiryState.PENDING), "enforcement_id", open_ids
        )
        disposable = _disposable(open_ids)
        schedule = reinquiry_schedule(on, params=params)
        ready: list[Enforcement] = []
        for pk in ids:
            e = found.get(pk)
            if e is None:
                result.refused[pk] = "执行案件不存在或无权操作"
                continue
            if e.state != EnforcementState.OPEN:
                result.refused[pk] = (
                    f"{label(e)}：执行案件当前状态为「{EnforcementState(e.state).label}」，"
                    "不能终结本次执行程序"
                )
                continue
            facts = TerminationFacts(
                filed_on=e.filed_on,
                as_of=on,
                notice_issued=pk in notices,
                report_ordered=pk in reports,
                restriction_issued=pk in restricted,
                inquiry_done=pk in answered and pk not in pending,
                disposable_assets=pk in disposable,
                creditor_heard=creditor_heard,
            )
            reason = termination_refusal(facts, params=params)
            if reason:
                result.refused[pk] = f"{label(e)}：{reason}"
                continue
            ready.append(e)
        moved = set(transition_many([e.case_id for e in ready], "terminate_for_now", by=by).moved)
        ready = [e for e in ready if e.case_id in moved]
        for e in ready:
            e.state = EnforcementState.TERMINATED_FOR_NOW
            e.closed_on = on
            e.next_inquiry_on = next_reinquiry(on, on, params=params)
            e.reinquiry_until = schedule[-1] if schedule else None
        Enforcement.objects.bulk_update(
            ready, ["state", "closed_on", "next_inquiry_on", "reinquiry_until"], batch_size=500
        )
        created = Measure.objects.bulk_create(
            [
                Measure(enforcement=e, kind=MeasureKind.TERMINATION, starts_on=on, created_by=by)
                for e in ready
            ],
            batch_size=500,
        )
        result.done = [e.pk for e in ready]
        audit(by, "terminate_for_now", result.done, refused=len(result.refused), on=on.isoformat())
        enqueue_documents(measure_ids=[m.pk for m in created])
    return result


def reinquiry_sweep(*, today: date) -> dict[str, int]:
    """Start the re-inquiries due by `today` (SYSTEM). Idempotent: each one moves its
    `next_inquiry_on` to the next scheduled date (None after the 5 years); several workers at
    once skip the rows another holds (PostgreSQL). A registry that cannot be reached leaves
    the dates as they are, for the next run."""
    params = current_parameters()
    with transaction.atomic():
        due = list(
            Enforcement.objects.select_for_update(skip_locked=True)
            .filter(state=EnforcementState.TERMINATED_FOR_NOW, next_inquiry_on__lte=today)
            .order_by("pk")
        )
        if not due:
            return {"due": 0, "inquired": 0}
        from jiefen.enforcement.actions.inquiry import start_inquiries

        try:
            start_inquiries([e.pk for e in due], by=None, on=today, reinquiry=True)
        except ActionRefused as exc:
            logger.warning("re-inquiry of %s cases not sent: %s", len(due), exc)
            return {"due": len(due), "inquired": 0}
        by_next: dict[date | None, list[int]] = defaultdict(list)
        for e in due:
            start = e.closed_on or today
            by_next[next_reinquiry(start, today, params=params)].append(e.pk)
        for next_on, pks in by_next.items():
            for chunk in chunks(pks):
                Enforcement.objects.filter(pk__in=chunk).update(next_inquiry_on=next_on)
    return {"due": len(due), "inquired": len(due)}


def resume(
    enforcement_ids: Sequence[int], *, by: User | None, on: date | None = None
) -> BulkResult:
    """Resume enforcements terminated for now (恢复执行): `done` lists the NEW 执恢
    enforcement ids, `refused` is keyed by the old ids."""
    require(by, "resume_enforcement")
    on = on or today()
    ids = unique_ids(enforcement_ids)
    result = BulkResult()
    with transaction.atomic():
        found = _locked(by, ids)
        ready: list[Enforcement] = []
        for pk in ids:
            e = found.get(pk)
            if e is None:
                result.refused[pk] = "执行案件不存在或无权操作"
            elif e.state != EnforcementState.TERMINATED_FOR_NOW:
                result.refused[pk] = (
                    f"{label(e)}：执行案件当前状态为「{EnforcementState(e.state).label}」，"
                    "不能恢复执行"
                )
            else:
                ready.append(e)
        moved = transition_many(
            [e.case_id for e in ready], "resume_enforcement", by=by, note="恢复执行"
        )
        for e in ready:
            if e.case_id in moved.refused:
                result.refused[e.pk] = f"{label(e)}：{moved.refused[e.case_id]}"
        ready = [e for e in ready if e.case_id not in moved.refused]
        if not ready:
            return result
        by_court: dict[int, list[Enforcement]] = defaultdict(list)
        for e in ready:
            by_court[e.case.court_id].append(e)
        new: list[Enforcement] = []
        for items in by_court.values():
            court = items[0].case.court
            numbers = take_case_numbers(court, on.year, RESUMED_TYPE, len(items))
            inactive = [e for e in items if not e.officer.is_active]
            spare = iter(balanced_officers(court, len(inactive)) if inactive else [])
            for old, number in zip(items, numbers, strict=True):
                officer = old.officer if old.officer.is_active else next(spare)
                new.append(
                    Enforcement(
                        case_id=old.case_id,
                        application=old.application,
                        number=number,
                        resumed_from=old,
                        title_kind=old.title_kind,
                        title_reference=old.title_reference,
                        filed_on=on,
                        officer=officer,
                        costs=old.costs,
                        interest=old.interest,
                        principal=old.principal,
                        other=old.other,
                        continuing_percent=old.continuing_percent,
                        continuing_basis=old.continuing_basis,
                        continuing_from=old.continuing_from,
                        delay_from=old.delay_from,
                        applied_total=old.applied_total,
                        execution_fee=old.execution_fee,
                        received=old.received,
                        paid_out=old.paid_out,
                        fee_collected=old.fee_collected,
                        debt_outstanding=old.debt_outstanding,
                        delay_interest_outstanding=old.delay_interest_outstanding,
                        first_payment_on=old.first_payment_on,
                    )
                )
        for old in ready:
            old.state = EnforcementState.RESUMED
            old.next_inquiry_on = None
        Enforcement.objects.bulk_update(ready, ["state", "next_inquiry_on"], batch_size=500)
        Enforcement.objects.bulk_create(new, batch_size=500)
        numbers_to_pk = dict(
            Enforcement.objects.filter(number__in=[n.number for n in new]).values_list(
                "number", "pk"
            )
        )
        for n in new:
            n.pk = numbers_to_pk[n.number]
        by_officer: dict[int, list[int]] = defaultdict(list)
        for n in new:
            by_officer[n.officer_id].append(n.case_id)
            Asset.objects.filter(enforcement_id=n.resumed_from_id or 0).update(enforcement_id=n.pk)
        for officer_id, case_ids in by_officer.items():
            for chunk in chunks(case_ids):
                Case.objects.filter(pk__in=chunk).update(enforcement_officer_id=officer_id)
        debtors = debtors_of([e.pk for e in ready])
        measure_ids = issue_notices(
            [
                (n.pk, n.debt_outstanding, [p.pk for p in debtors.get(n.resumed_from_id or 0, [])])
                for n in new
            ],
            by=by,
            on=on,
        )
        result.done = [n.pk for n in new]
        audit(
            by,
            "resume",
            result.done,
            resumed_from=[e.pk for e in ready],
            refused=len(result.refused),
            on=on.isoformat(),
        )
        enqueue_documents(measure_ids=measure_ids)
    return result


def _calendar() -> HolidayCalendar:
    return HolidayCalendar.from_params(current_parameters())


def _release(measures: list[Measure], on: date) -> list[Measure]:
    """Release freezes and seizures at the registry; returns those released (a registry
    that cannot be reached leaves them for `delisting_sweep`)."""
    references = [m.registry_reference for m in measures if m.registry_reference]
    if references:
        try:
            registry().unfreeze(references)
        except RegistryUnavailable as exc:
            logger.warning("release of %s freezes postponed: %s", len(references), exc)
            return []
    for m in measures:
        m.lifted_on = on
    return measures


def close_performed(enforcement_ids: Sequence[int], *, by: User | None, on: date) -> BulkResult:
    """Close these open enforcements as fully performed (see the module docstring). The
    lifting acts are the court's own duty and are made as the system."""
    require(by, "close")
    ids = unique_ids(enforcement_ids)
    result = BulkResult()
    with transaction.atomic():
        found = _locked(by, ids)
        ready = []
        for pk in ids:
            e = found.get(pk)
            if e is None:
                result.refused[pk] = "执行案件不存在或无权操作"
            elif e.state != EnforcementState.OPEN:
                result.refused[pk] = (
                    f"{label(e)}：执行案件当前状态为「{EnforcementState(e.state).label}」，"
                    "不能以执行完毕结案"
                )
            else:
                ready.append(e)
        moved = transition_many([e.case_id for e in ready], "close", by=by, note="执行完毕")
        for e in ready:
            if e.case_id in moved.refused:
                result.refused[e.pk] = f"{label(e)}：{moved.refused[e.case_id]}"
        ready = [e for e in ready if e.case_id not in moved.refused]
        if not ready:
            return result
        for e in ready:
            e.state = EnforcementState.PERFORMED
            e.closed_on = on
            e.next_inquiry_on = None
        Enforcement.objects.bulk_update(
            ready, ["state", "closed_on", "next_inquiry_on"], batch_size=500
        )
        lifted = _lift_case_measures([e.case_id for e in ready], on)
        Settlement.objects.filter(
            enforcement_id__in=[e.pk for e in ready], state=SettlementState.ACTIVE
        ).update(state=SettlementState.PERFORMED)
        closings = Measure.objects.bulk_create(
            [
                Measure(enforcement=e, kind=MeasureKind.CLOSING, starts_on=on, created_by=by)
                for e in ready
            ],
            batch_size=500,
        )
        result.done = [e.pk for e in ready]
        audit(by, "close_performed", result.done, lifted=len(lifted), on=on.isoformat())
        enqueue_documents(measure_ids=[m.pk for m in closings], lift_ids=lifted)
    return result


def _lift_case_measures(case_ids: list[int], on: date) -> list[int]:
    """Everything still in force for these performed cases, of any of their enforcements:
    freezes and seizures released, restrictions lifted, dishonest entries deleted (with the
    Art. 10 deadline in `lift_due`). Returns the ids of the measures lifted."""
    pending: list[Measure] = []
    for chunk in chunks(case_ids):
        pending.extend(
            Measure.objects.select_for_update(of=("self",))
            .select_related("enforcement")
            .filter(
                enforcement__case_id__in=chunk,
                lifted_on=None,
                kind__in=[
                    MeasureKind.FREEZE,
                    MeasureKind.SEIZE,
                    MeasureKind.CONSUMPTION_RESTRICTION,
                    MeasureKind.DISHONEST_LISTING,
                ],
            )
            .order_by("pk")
        )
    registry_held = [m for m in pending if m.kind in (MeasureKind.FREEZE, MeasureKind.SEIZE)]
    done = _release(registry_held, on)
    if done:
        for chunk in chunks(case_ids):
            Asset.objects.filter(enforcement__case_id__in=chunk, frozen__gt=0).update(frozen=ZERO)
    restrictions = [m for m in pending if m.kind == MeasureKind.CONSUMPTION_RESTRICTION]
    for m in restrictions:
        m.lifted_on = on
    # 失信规定 Art. 10: full performance deletes an entry without a term (ground (一)) within 3
    # working days; an entry with a term stays until its term has run (Art. 10 para. 2) — the
    # court may delete it earlier (Art. 2 para. 3), and `delisting_sweep` deletes it after.
    listings = [m for m in pending if m.kind == MeasureKind.DISHONEST_LISTING and m.ends_on is None]
    if listings:
        try:
            due = delisting_deadline(on, calendar=_calendar(), params=current_parameters())
        except CalendarDataMissing:
            due = None
        for m in listings:
            m.lift_due, m.lifted_on = due, on
        transition_many(
            sorted({m.enforcement.case_id for m in listings}),
            "delist_dishonest",
            by=None,
            note="履行完毕，删除失信信息",
        )
    changed = [*done, *restrictions, *listings]
    Measure.objects.bulk_update(changed, ["lifted_on", "lift_due"], batch_size=500)
    return [m.pk for m in changed]


def delisting_sweep(*, today: date) -> int:
    """The safety net (SYSTEM): dishonest entries, restrictions and freezes of performed
    cases still in force are lifted, and entries whose term has ended (`ends_on` passed) are
    deleted (Art. 10). Returns how many measures were lifted. Idempotent."""
    with transaction.atomic():
        in_force = Measure.objects.filter(
            lifted_on=None,
            enforcement__case__enforcements__state=EnforcementState.PERFORMED,
            kind__in=[
                MeasureKind.FREEZE,
                MeasureKind.SEIZE,
                MeasureKind.CONSUMPTION_RESTRICTION,
                MeasureKind.DISHONEST_LISTING,
            ],
        ).exclude(kind=MeasureKind.DISHONEST_LISTING, ends_on__isnull=False)
        performed = set(in_force.values_list("enforcement__case_id", flat=True))
        lifted = _lift_case_measures(sorted(performed), today) if performed else []
        # Entries with a term: deleted within 3 working days after it has run (Art. 10 para. 2).
        expired = list(
            Measure.objects.select_for_update(of=("self",))
            .select_related("enforcement")
            .filter(
                Q(ends_on__lt=today),
                kind=MeasureKind.DISHONEST_LISTING,
                lifted_on=None,
            )
            .order_by("pk")
        )
        calendar, params = _calendar(), current_parameters()
        for m in expired:
            m.lifted_on = today
            try:
                ended = m.ends_on or today  # the filter keeps only entries with a term
                m.lift_due = delisting_deadline(ended, calendar=calendar, params=params)
            except CalendarDataMissing:
                m.lift_due = None
        Measure.objects.bulk_update(expired, ["lifted_on", "lift_due"], batch_size=500)
        closed = Case.objects.filter(
            pk__in={m.enforcement.case_id for m in expired}, state=State.CLOSED
        ).values_list("pk", flat=True)
        if closed:
            transition_many(
                sorted(closed), "delist_dishonest", by=None, note="失信期限届满，删除失信信息"
            )
        ids = [*lifted, *(m.pk for m in expired)]
        if ids:
            audit(None, "delisting_sweep", ids, on=today.isoformat())
            enqueue_documents(lift_ids=ids)
    return len(ids)
