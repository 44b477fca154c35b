"""The writers of the docket: case numbers, batch filing, filing jobs.

`file_cases` files a set of cases in ONE transaction, set-wise: it takes a block of case numbers
from the counter row (locked), decides procedure, fee and preservation per case in Python,
writes the case columns with one bulk UPDATE, inserts the `Filing` rows with one bulk INSERT and
moves the cases with `transition_many("file")` (CaseEvent rows + one audit record). Documents
are rendered afterwards, in chunks, by `jiefen.docket.tasks`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.access import in_scope
from jiefen.cases.actions import TransitionRefused, require, transition_many
from jiefen.cases.models import Case, CaseParty, Contact, ContactKind, PartyRole, Series
from jiefen.cases.numbering import take_numbers
from jiefen.cases.states import BY_NAME, State
from jiefen.docket import rules
from jiefen.docket.models import FeeAccount, Filing, FilingJob
from jiefen.law.case_numbers import CaseNumber
from jiefen.law.fees import preservation_fee
from jiefen.law.periods import HolidayCalendar
from jiefen.lawdata.selectors import court_fee_policy, court_timing_policy, current_parameters

ZERO = Decimal("0.00")

CIVIL_FIRST_INSTANCE = "民初"
PRESERVATION = "财保"
FILABLE = BY_NAME["file"].sources
# Cases a judge still carries: filed and not yet judged / withdrawn.
OPEN_STATES = (State.FILED, State.SERVED, State.HEARING_SCHEDULED, State.HEARD)


def judge_loads(court: Organisation) -> dict[int, int]:
    judges = User.objects.filter(organisation=court, role=Role.JUDGE, is_active=True)
    return dict(
        judges.annotate(
            n=Count("judged_cases", filter=Q(judged_cases__state__in=OPEN_STATES))
        ).values_list("pk", "n")
    )


def clerk_loads(court: Organisation) -> dict[int, int]:
    clerks = User.objects.filter(organisation=court, role=Role.CLERK, is_active=True)
    return dict(
        clerks.annotate(
            n=Count("clerked_cases", filter=Q(clerked_cases__state__in=OPEN_STATES))
        ).values_list("pk", "n")
    )


@dataclass
class FilingResult:
    filed: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    fees_total: Decimal = Decimal("0")


def _public_notice_ids(case_ids: list[int]) -> set[int]:
    """Cases in which a defendant can foreseeably be served only by public notice.

    A defendant is serviceable through a contact they confirmed, a contact with e-service consent
    (a pre-dispute clause in the loan or card contract counts: 在线诉讼规则 Art. 29) or a postal
    address; with none of these, only public notice remains (民诉法 Art. 95), which rules out
    summary procedure and small claims (民诉解释 Art. 140).
    """
    usable = Contact.objects.filter(party_id=OuterRef("party_id")).filter(
        Q(confirmed=True) | Q(e_service_consent=True) | Q(kind=ContactKind.ADDRESS)
    )
    stranded = CaseParty.objects.filter(case_id__in=case_ids, role=PartyRole.DEFENDANT).exclude(
        Exists(usable)
    )
    return set(stranded.values_list("case_id", flat=True))


def _payment_order_fees_paid(case_ids: list[int]) -> dict[int, Decimal]:
    """Payment-order fees already paid for cases that came here through an objection.

    The creditor then pays only the difference to the acceptance fee (民诉解释 Art. 195; the
    crediting is court practice, legal-rules §1.4).
    """
    from jiefen.mediation.models import PaymentOrder

    rows = PaymentOrder.objects.filter(
        mediation__case_id__in=case_ids, objected_on__isnull=False
    ).values_list("mediation__case_id", "fee")
    return dict(rows)


def _assign(cases: list[Case], court: Organisation) -> dict[int, tuple[int, int]]:
    """case id → (judge id, clerk id); each series planned on its own, in id order."""
    loads = judge_loads(court)
    clerks = clerk_loads(court)
    if not clerks:
        raise TransitionRefused("本院没有可分案的书记员")
    result: dict[int, tuple[int, int]] = {}
    by_series: dict[int | None, list[Case]] = defaultdict(list)
    for c in cases:
        by_series[c.series_id].append(c)
    for _, group in sorted(by_series.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)):
        if not loads:
            raise TransitionRefused("本院没有可分案的法官")
        plan = rules.plan_assignment(len(group), loads, court.judge_capacity)
        it = iter(group)
        for judge_id, count in plan:
            clerk_id = min(clerks, key=lambda c: (clerks[c], c))
            for _ in range(count):
                case = next(it)
                result[case.pk] = (judge_id, clerk_id)
            loads[judge_id] += count
            clerks[clerk_id] += count
    return result


def file_cases(
    case_ids: list[int],
    *,
    by: User,
    filed_on: date | None = None,
    preservation: bool = False,
    job: FilingJob | None = None,
) -> FilingResult:
    """File every case of `case_ids` that is filable (screening / awaiting_filing); one court."""
    require(by, "file")
    filed_on = filed_on or timezone.localdate()
    params = current_parameters()
    calendar = HolidayCalendar.from_params(params)
    result = FilingResult()
    with transaction.atomic():
        cases = list(
            Case.objects.select_for_update()
            .filter(pk__in=case_ids, state__in=FILABLE)
            .order_by("series_id", "pk")
        )
        # Cases outside the filer's scope are skipped like cases already filed.
        scope = in_scope(by, [c.pk for c in cases])
        cases = [c for c in cases if c.pk in scope]
        result.skipped = sorted(set(case_ids) - {c.pk for c in cases})
        if not cases:
            return result
        courts = {c.court_id for c in cases}
        if len(courts) != 1:
            raise TransitionRefused("一次批量立案只能包含同一法院的案件")
        court = Organisation.objects.get(pk=courts.pop())
        if by.role == Role.CLERK and by.organisation_id != court.pk:
            raise TransitionRefused("只能办理本院案件的立案")
        policy = court_fee_policy(court)
        timing = court_timing_policy(court)
        public_notice = _public_notice_ids([c.pk for c in cases])
        assignment = _assign(cases, court)
        first = take_numbers(court, filed_on.year, CIVIL_FIRST_INSTANCE, len(cases))
        first_pres = (
            take_numbers(court, filed_on.year, PRESERVATION, len(cases)) if preservation else 0
        )
        code = court.court_code or court.code
        credits = _payment_order_fees_paid([c.pk for c in cases])
        filings: list[Filing] = []
        judge_slots: dict[int, int] = defaultdict(int)
        tz = timezone.get_current_timezone()
        for i, case in enumerate(cases):
            choice = rules.choose_procedure(
                case.claim_total,
                public_notice=case.pk in public_notice,
                province=court.province,
                as_of=filed_on,
                params=params,
            )
            fee = rules.filing_fee(case.claim_total, choice.procedure, policy, filed_on, params)
            judge_id, clerk_id = assignment[case.pk]
            case.case_number = str(CaseNumber(filed_on.year, code, CIVIL_FIRST_INSTANCE, first + i))
            case.procedure = choice.procedure
            case.acceptance_fee = fee.payable
            case.filed_on = filed_on
            case.judge_id = judge_id
            case.clerk_id = clerk_id
            case.updated_at = timezone.now()
            pres_number = pres_fee = None
            if preservation:
                pres_number = str(CaseNumber(filed_on.year, code, PRESERVATION, first_pres + i))
                pres_fee = preservation_fee(
                    case.claim_total, policy=policy, as_of=filed_on, params=params
                ).payable
            slot = judge_slots[judge_id]
            judge_slots[judge_id] += 1
            hearing = rules.hearing_slot(
                filed_on,
                slot,
                calendar,
                procedure=choice.procedure,
                lead_days=timing.hearing_lead_days,
                params=params,
            )
            filings.append(
                Filing(
                    case=case,
                    job=job,
                    filed_on=filed_on,
                    sequence=first + i,
                    procedure_reason=choice.reason[:200],
                    fee_full=fee.full,
                    fee_halved=fee.halved,
                    fee_credited=min(credits.get(case.pk, ZERO), fee.payable),
                    preservation_number=pres_number,
                    preservation_fee=pres_fee,
                    hearing_at=timezone.make_aware(hearing, tz)
                    if timezone.is_naive(hearing)
                    else hearing,
                    hearing_place=f"本院第{(judge_id % 6) + 1}法庭",
                    evidence_days=rules.evidence_days(choice.procedure, filed_on, params),
                )
            )
            result.fees_total += fee.payable - min(credits.get(case.pk, ZERO), fee.payable)
        Case.objects.bulk_update(
            cases,
            ["case_number", "procedure", "acceptance_fee", "filed_on", "updated_at"],
            batch_size=500,
        )
        Filing.objects.bulk_create(filings, batch_size=500)
        # The move is checked while the cases still wait at the court (the filer's scope);
        # the judge and clerk it assigns are written after it.
        moved = transition_many(
            [c.pk for c in cases], "file", by=by, note=f"批量立案（{len(cases)}件）"
        )
        if moved.refused:
            # Numbers, filings and fees were written for every locked case: all or nothing.
            raise TransitionRefused(next(iter(moved.refused.values())))
        result.filed = moved.moved
        Case.objects.bulk_update(cases, ["judge", "clerk"], batch_size=500)
        audit(
            actor_id=by.pk,
            action="docket.file_cases",
            object_type="court",
            object_id=court.pk,
            payload={
                "cases": len(cases),
                "first": str(cases[0].case_number),
                "last": str(cases[-1].case_number),
                "fees_total": str(result.fees_total),
                "preservation": preservation,
            },
        )
    return result


def start_filing(
    *,
    by: User,
    case_ids: list[int] | None = None,
    series: Series | None = None,
    preservation: bool = False,
    run_now: bool = False,
) -> FilingJob:
    """Record a filing job for a series (or given cases) and queue its task after commit."""
    require(by, "docket.file_series")
    if series is not None and case_ids is None:
        case_ids = list(
            series.cases.filter(state__in=FILABLE).order_by("pk").values_list("pk", flat=True)
        )
    ids = list(case_ids or [])
    if not ids:
        raise TransitionRefused("没有可立案的案件（需处于「诉前筛查」或「待立案」状态）")
    court_id = Case.objects.filter(pk=ids[0]).values_list("court_id", flat=True).get()
    with transaction.atomic():
        job = FilingJob.objects.create(
            court_id=court_id,
            series=series,
            case_ids=ids,
            preservation=preservation,
            total=len(ids),
            requested_by=by,
        )
        audit(
            actor_id=by.pk,
            action="docket.start_filing",
            object_type="filing_job",
            object_id=job.pk,
            payload={"cases": len(ids), "series": series.pk if series else None},
        )
        if not run_now:
            from jiefen.docket.tasks import run_filing_job

            transaction.on_commit(lambda: run_filing_job.enqueue(job.pk))
    return job


def mark_job(job_id: int, **fields: Any) -> None:
    """Progress of a job (its own row; not case state)."""
    FilingJob.objects.filter(pk=job_id).update(**fields)


def record_documented(job_id: int, *, cases: int, documents: int) -> None:
    """Count a finished chunk of documents; the job is done when every filed case has its set.

    Counted with F() expressions so chunks finishing at once in several workers add up.
    """
    FilingJob.objects.filter(pk=job_id).update(
        documented=F("documented") + cases, documents=F("documents") + documents
    )
    FilingJob.objects.filter(pk=job_id, documented__gte=F("total")).exclude(
        status=FilingJob.Status.DONE
    ).update(status=FilingJob.Status.DONE, finished_at=timezone.now())


def _now() -> datetime:
    return timezone.now()


def set_fee_account(
    court: Organisation, *, payee: str, bank: str, account: str, by: User | None
) -> FeeAccount:
    """Set (or replace) the court's fee-collection account printed on the fee notices."""
    require(by, "docket.set_fee_account")
    with transaction.atomic():
        fee_account, _ = FeeAccount.objects.update_or_create(
            court=court, defaults={"payee": payee, "bank": bank, "account": account}
        )
        audit(
            actor_id=by.pk if by else None,
            action="docket.set_fee_account",
            object_type="court",
            object_id=court.pk,
            payload={"payee": payee, "bank": bank, "account": account},
        )
    return fee_account
