"""Filing for enforcement (执行立案): prepared applications, the creditor's submission, filing.

- `prepare_applications(today=)` (SYSTEM sweep): an application (强制执行申请书) for every
  effective judgment or mediation document whose performance period has passed with the case
  still EFFECTIVE, and for every draft the mediation stage opened for a missed instalment of
  a confirmed or notarized agreement — once per case (the partial unique constraint).
- `submit_applications(ids, by=, on=)`: the bank's agent submits a series at once. Each is
  refused with its reason (another institution's, not prepared, the case not under an
  enforceable title, the 2-year window of 民诉法 Art. 250 passed — that one is recorded as
  REFUSED); the rest are filed in one transaction: 执 numbers from one counter lock, officers
  balanced, the execution fee (办法 Art. 14), the `Enforcement` rows, the case moves
  `apply_enforcement`, then the execution notice and the order to report assets to each debtor
  (民诉法 Arts. 251-252) and `issue_execution_notice`. Set-based: bulk inserts and updates per
  chunk, whatever the size of the series.
- `apply_for_title(case_ids, by=, on=)`: the bank applies for cases without a prepared one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, prefetch_related_objects

from jiefen.accounts.models import Organisation, User
from jiefen.cases.actions import TransitionRefused, require, transition_many
from jiefen.cases.models import Case
from jiefen.cases.numbering import take_case_numbers
from jiefen.cases.states import State
from jiefen.enforcement.actions.common import (
    ZERO,
    audit,
    chunks,
    enqueue_documents,
    today,
    unique_ids,
    zh_date,
)
from jiefen.enforcement.models import (
    Application,
    ApplicationState,
    Enforcement,
    Measure,
    MeasureKind,
)
from jiefen.enforcement.rules import (
    TitleDebt,
    TitleMissing,
    balanced_officers,
    execution_fee_for,
    title_debt,
)
from jiefen.law.errors import CalendarDataMissing
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar, execution_application_deadline, months_later
from jiefen.lawdata.selectors import court_fee_policy, current_parameters

ENFORCEMENT_TYPE = "执"
TITLE_STATES = (
    State.EFFECTIVE,
    State.CONFIRMED,
    State.NOTARIZED,
    State.PAYMENT_ORDER_EFFECTIVE,
)
_CASE_RELATED = (
    "case__court",
    "case__institution",
    "case__judgment",
    "case__mediation__enforcement_draft",
    "case__mediation__payment_order",
    "case__mediation__confirmation",
    "case__mediation__notarization",
)


@dataclass
class SubmitResult:
    """The enforcements filed, and each refused application (or case) with its reason."""

    filed: list[int] = field(default_factory=list)
    refused: dict[int, str] = field(default_factory=dict)


def _calendar() -> tuple[HolidayCalendar, Parameters]:
    params = current_parameters()
    return HolidayCalendar.from_params(params), params


def application_deadline(
    performance_ends: date, *, calendar: HolidayCalendar, params: Parameters
) -> tuple[date, bool]:
    """Last day to apply (民诉法 Art. 250: 2 years from the last day of the performance period),
    and whether it is final. Without the holiday calendar of its year the nominal day is
    returned (not final): it may still move past a rest day once the calendar is published."""
    try:
        return execution_application_deadline(
            performance_ends, calendar=calendar, params=params
        ), True
    except CalendarDataMissing as exc:
        nominal = getattr(exc, "nominal_date", None)
        if nominal is None:
            months = int(params.rule("execution_application_months", performance_ends).value)
            nominal = months_later(performance_ends, months)
        return nominal, False


def _new_application(td: TitleDebt, case: Case, on: date, deadline: date) -> Application:
    return Application(
        case=case,
        title_kind=td.kind,
        title_reference=td.reference,
        performance_ends=td.delay_from,
        application_deadline=deadline,
        amount=td.applied_total,
        prepared_on=on,
    )


def _no_application() -> Any:
    return ~Exists(Application.objects.filter(case_id=OuterRef("case_id")))


def prepare_applications(*, today: date) -> int:
    """Prepare an application for each title whose performance period passed unpaid (SYSTEM).

    Idempotent: a case with any application gets none; two sweeps at once insert one (the
    partial unique constraint, conflicts ignored). Returns how many were prepared.
    """
    require(None, "enforcement.prepare_applications")
    from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
    from jiefen.mediation.models import EnforcementDraft

    calendar, params = _calendar()
    judgment_cases = list(
        Judgment.objects.filter(
            _no_application(),
            state=DecisionState.EFFECTIVE,
            kind__in=[DecisionKind.JUDGMENT, DecisionKind.MEDIATION],
            performance_ends__lt=today,
            case__state=State.EFFECTIVE,
        )
        .order_by("case_id")
        .values_list("case_id", flat=True)
    )
    draft_cases = list(
        EnforcementDraft.objects.filter(
            ~Exists(Application.objects.filter(case_id=OuterRef("mediation__case_id"))),
            mediation__case__state__in=[State.CONFIRMED, State.NOTARIZED],
            submitted=False,
        )
        .order_by("mediation__case_id")
        .values_list("mediation__case_id", flat=True)
    )
    prepared: list[int] = []
    with transaction.atomic():
        for chunk in chunks(judgment_cases + draft_cases, 500):
            cases = list(
                Case.objects.filter(pk__in=chunk).select_related(
                    *(name.removeprefix("case__") for name in _CASE_RELATED)
                )
            )
            prefetch_related_objects(cases, "case_parties__party")
            rows = []
            for case in cases:
                try:
                    td = title_debt(case, interest_terms=False)
                except TitleMissing:
                    continue
                deadline, _final = application_deadline(
                    td.delay_from, calendar=calendar, params=params
                )
                rows.append(_new_application(td, case, today, deadline))
            Application.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            prepared.extend(
                Application.objects.filter(
                    case_id__in=[r.case_id for r in rows],
                    state=ApplicationState.PREPARED,
                    prepared_on=today,
                    document=None,
                ).values_list("pk", flat=True)
            )
        audit(None, "prepare_applications", prepared, on=today.isoformat())
        enqueue_documents(application_ids=prepared)
    return len(prepared)


def _refusal_for(application: Application, by: User) -> str | None:
    case = application.case
    if case.institution_id != by.organisation_id:
        return "不是本机构的案件，不能提交执行申请"
    if application.state == ApplicationState.SUBMITTED:
        on = application.submitted_on
        return f"执行申请已于{zh_date(on)}提交" if on else "执行申请已提交"
    if application.state == ApplicationState.REFUSED:
        return f"执行申请已不予受理：{application.refusal}"
    if case.state not in TITLE_STATES:
        return f"案件当前状态为「{State(case.state).label}」，不能申请执行"
    return None


def _window_refusal(
    application: Application, on: date, calendar: HolidayCalendar, params: Parameters
) -> tuple[str | None, bool]:
    """(reason, final): the 2-year window of 民诉法 Art. 250, from the title's last day."""
    deadline, final = application_deadline(
        application.performance_ends, calendar=calendar, params=params
    )
    if on <= deadline:
        return None, True
    if not final:
        return (
            f"申请执行期限名义上于{zh_date(deadline)}届满，但该年度节假日安排尚未录入，"
            "无法确定是否顺延，请录入节假日数据后再提交",
            False,
        )
    return f"已超过申请执行期限（{zh_date(deadline)}届满，民事诉讼法第二百五十条）", True


def submit_applications(
    application_ids: Sequence[int], *, by: User, on: date | None = None
) -> SubmitResult:
    """Submit the bank's applications and file the enforcements (see the module docstring).

    `refused` maps each refused application id to its reason; `filed` lists the new
    `Enforcement` ids. Safe with two submissions of the same ids at once: the applications
    are locked, so the second finds them submitted.
    """
    require(by, "apply_enforcement")
    on = on or today()
    if on > today():
        raise TransitionRefused(f"申请日期{zh_date(on)}晚于今天，请核对")
    ids = unique_ids(application_ids)
    result = SubmitResult()
    calendar, params = _calendar()
    with transaction.atomic():
        ready: list[tuple[Application, TitleDebt]] = []
        window_refused: list[Application] = []
        rules_by_court: dict[int, object] = {}
        for chunk in chunks(ids, 500):
            apps = list(
                Application.objects.select_for_update(of=("self",))
                .select_related(*_CASE_RELATED)
                .filter(pk__in=chunk)
                .order_by("pk")
            )
            prefetch_related_objects(apps, "case__case_parties__party")
            found = {a.pk: a for a in apps}
            for pk in chunk:
                a = found.get(pk)
                if a is None:
                    result.refused[pk] = "执行申请不存在"
                    continue
                reason = _refusal_for(a, by)
                if reason is None:
                    reason, final = _window_refusal(a, on, calendar, params)
                    if reason is not None and final:
                        a.state, a.refusal = ApplicationState.REFUSED, reason
                        window_refused.append(a)
                if reason is None:
                    try:
                        td = title_debt(a.case, rules=_court_rules(a.case.court, rules_by_court))
                    except TransitionRefused as exc:
                        reason = str(exc)
                if reason is not None:
                    result.refused[pk] = reason
                    continue
                ready.append((a, td))
        Application.objects.bulk_update(window_refused, ["state", "refusal"], batch_size=500)
        filed = _file(ready, by=by, on=on, result=result)
        audit(
            by,
            "submit_applications",
            filed,
            applications=len(ids),
            refused=len(result.refused),
            on=on.isoformat(),
        )
    result.filed = filed
    return result


def _court_rules(court: Organisation, cache: dict[int, object]) -> object:
    if court.pk not in cache:
        from jiefen.judgments.rules import court_rules

        cache[court.pk] = court_rules(court)
    return cache[court.pk]


def _file(
    ready: list[tuple[Application, TitleDebt]], *, by: User, on: date, result: SubmitResult
) -> list[int]:
    """File the ready applications: move, number, assign, create, notify. Returns the ids."""
    by_court: dict[int, list[tuple[Application, TitleDebt]]] = defaultdict(list)
    courts: dict[int, Organisation] = {}
    for a, td in ready:
        by_court[a.case.court_id].append((a, td))
        courts[a.case.court_id] = a.case.court
    # Refuse a court's applications before moving anything when it cannot file them.
    for court_id, items in list(by_court.items()):
        court = courts[court_id]
        reason = None if court.court_code else f"{court.name}未设置法院代字，无法编立执行案号"
        if reason is None:
            try:
                balanced_officers(court, 1)
            except TransitionRefused as exc:
                reason = str(exc)
        if reason:
            for a, _td in items:
                result.refused[a.pk] = reason
            del by_court[court_id]
    case_ids = [a.case_id for items in by_court.values() for a, _td in items]
    moved = set(transition_many(case_ids, "apply_enforcement", by=by, note="申请强制执行").moved)
    enforcements: list[Enforcement] = []
    debtors: dict[str, list[int]] = {}
    for court_id, items in by_court.items():
        court = courts[court_id]
        for a, _td in items:
            if a.case_id not in moved:
                result.refused[a.pk] = "案件状态已变化，不能申请执行"
        items = [(a, td) for a, td in items if a.case_id in moved]
        if not items:
            continue
        numbers = take_case_numbers(court, on.year, ENFORCEMENT_TYPE, len(items))
        officers = balanced_officers(court, len(items))
        policy = court_fee_policy(court)
        for (a, td), number, officer in zip(items, numbers, officers, strict=True):
            terms = td.general_interest
            enforcements.append(
                Enforcement(
                    case_id=a.case_id,
                    application=a,
                    number=number,
                    title_kind=td.kind,
                    title_reference=td.reference,
                    filed_on=on,
                    officer=officer,
                    costs=td.debt.costs,
                    interest=td.debt.interest,
                    principal=td.debt.principal,
                    other=td.debt.other,
                    continuing_percent=terms.annual_percent if terms else None,
                    continuing_basis=terms.basis if terms else 360,
                    continuing_from=terms.start if terms else None,
                    delay_from=td.delay_from,
                    applied_total=td.applied_total,
                    execution_fee=execution_fee_for(court, td.applied_total, on, policy=policy),
                    debt_outstanding=td.applied_total,
                    received=ZERO,
                )
            )
            debtors[number] = [p.pk for p in td.debtors]
    if not enforcements:
        return []
    Enforcement.objects.bulk_create(enforcements, batch_size=500)
    pks = _pks_by_number([e.number for e in enforcements])
    by_officer: dict[int, list[int]] = defaultdict(list)
    for e in enforcements:
        by_officer[e.officer_id].append(e.case_id)
    for officer_id, cases in by_officer.items():
        for chunk in chunks(cases):
            Case.objects.filter(pk__in=chunk).update(enforcement_officer_id=officer_id)
    filed_ids = [pks[e.number] for e in enforcements]
    measure_ids = issue_notices(
        [(pks[e.number], e.applied_total, debtors[e.number]) for e in enforcements],
        by=by,
        on=on,
    )
    app_ids = [e.application.pk for e in enforcements if e.application is not None]
    for chunk in chunks(app_ids):
        Application.objects.filter(pk__in=chunk).update(
            state=ApplicationState.SUBMITTED, submitted_on=on, submitted_by=by
        )
    from jiefen.mediation.models import EnforcementDraft

    drafts = [e.case_id for e in enforcements if e.title_kind in ("confirmation", "notarized")]
    for chunk in chunks(drafts):
        EnforcementDraft.objects.filter(mediation__case_id__in=chunk).update(submitted=True)
    undocumented = [
        e.application.pk
        for e in enforcements
        if e.application is not None and e.application.document_id is None
    ]
    enqueue_documents(measure_ids=measure_ids, application_ids=undocumented)
    return filed_ids


def _pks_by_number(numbers: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for chunk in chunks(numbers):
        out.update(Enforcement.objects.filter(number__in=chunk).values_list("number", "pk"))
    return out


def issue_notices(
    rows: Sequence[tuple[int, Decimal, Sequence[int]]], *, by: User | None, on: date
) -> list[int]:
    """Execution notice and order to report assets (民诉法 Arts. 251-252) to each debtor of each
    enforcement (`rows`: enforcement id, amount, debtor party ids), then the cases move
    `issue_execution_notice` (as the system: the court's filing act). Returns the measure ids."""
    measures = [
        Measure(
            enforcement_id=enforcement_id,
            kind=kind,
            party_id=party_id,
            amount=amount if kind == MeasureKind.EXECUTION_NOTICE else None,
            starts_on=on,
            created_by=by,
        )
        for enforcement_id, amount, parties in rows
        for party_id in parties
        for kind in (MeasureKind.EXECUTION_NOTICE, MeasureKind.REPORT_ORDER)
    ]
    Measure.objects.bulk_create(measures, batch_size=500)
    enforcement_ids = [r[0] for r in rows]
    ids: list[int] = []
    case_ids: list[int] = []
    for chunk in chunks(enforcement_ids):
        ids.extend(
            Measure.objects.filter(
                enforcement_id__in=chunk,
                kind__in=[MeasureKind.EXECUTION_NOTICE, MeasureKind.REPORT_ORDER],
                starts_on=on,
                document=None,
            ).values_list("pk", flat=True)
        )
        case_ids.extend(Enforcement.objects.filter(pk__in=chunk).values_list("case_id", flat=True))
    transition_many(case_ids, "issue_execution_notice", by=None, note="发出执行通知书、报告财产令")
    return ids


def apply_for_title(case_ids: Sequence[int], *, by: User, on: date | None = None) -> SubmitResult:
    """The bank applies to enforce these cases' titles without a prepared application: one is
    prepared on the fly (or the prepared one reused) and submitted. `refused` maps each refused
    CASE id to its reason; `filed` lists the new enforcement ids."""
    require(by, "apply_enforcement")
    on = on or today()
    ids = unique_ids(case_ids)
    result = SubmitResult()
    calendar, params = _calendar()
    with transaction.atomic():
        app_of_case: dict[int, int] = {}
        for chunk in chunks(ids, 500):
            cases = {
                c.pk: c
                for c in Case.objects.filter(pk__in=chunk).select_related(
                    *(name.removeprefix("case__") for name in _CASE_RELATED)
                )
            }
            prefetch_related_objects(list(cases.values()), "case_parties__party")
            prepared = dict(
                Application.objects.filter(
                    case_id__in=chunk, state=ApplicationState.PREPARED
                ).values_list("case_id", "pk")
            )
            rows = []
            for pk in chunk:
                case = cases.get(pk)
                if case is None:
                    result.refused[pk] = "案件不存在"
                elif case.institution_id != by.organisation_id:
                    result.refused[pk] = "不是本机构的案件，不能申请执行"
                elif case.state not in TITLE_STATES:
                    result.refused[pk] = (
                        f"案件当前状态为「{State(case.state).label}」，不能申请执行"
                    )
                elif pk in prepared:
                    app_of_case[pk] = prepared[pk]
                else:
                    try:
                        td = title_debt(case, interest_terms=False)
                    except TitleMissing as exc:
                        result.refused[pk] = str(exc)
                        continue
                    deadline, _final = application_deadline(
                        td.delay_from, calendar=calendar, params=params
                    )
                    rows.append(_new_application(td, case, on, deadline))
            Application.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)
            app_of_case.update(
                Application.objects.filter(
                    case_id__in=[r.case_id for r in rows], state=ApplicationState.PREPARED
                ).values_list("case_id", "pk")
            )
        case_of_app = {a: c for c, a in app_of_case.items()}
        submitted = submit_applications(list(case_of_app), by=by, on=on)
    result.filed = submitted.filed
    for app_id, reason in submitted.refused.items():
        result.refused[case_of_app.get(app_id, app_id)] = reason
    return result
