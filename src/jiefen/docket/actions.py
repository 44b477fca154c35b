"""The writers of the docket: case numbers, batch filing, filing jobs.

`file_cases` files a set of cases in ONE transaction, set-wise: it takes a block of case numbers
from the counter row (locked), decides procedure, fee and preservation per case in Python,
writes the case columns with one bulk UPDATE, inserts the `Filing` rows with one bulk INSERT and
moves the cases with `transition_many("file")` (CaseEvent rows + one audit record).

A filing job is planned once (`plan_job`: judges and clerks for the whole job, then chunks, the
job's end in quarter chunks so several workers finish together: `_split`) and run chunk by chunk (`file_chunk`): each chunk files its cases in its own transaction — locking
only its cases and the number counter, and taking numbers for its cases only, so other jobs and
stages go on meanwhile — and then stores their documents. A crash loses at most the open chunk;
`resume` (the `filing_resume` command) queues the unfinished chunks again. Counts are derived
from the data (`refresh_job`), so running a chunk twice changes nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.chain import append as audit
from jiefen.cases.access import in_scope
from jiefen.cases.actions import TransitionRefused, ids_digest, require, transition_many
from jiefen.cases.models import Case, CaseParty, Contact, ContactKind, PartyRole, Series
from jiefen.cases.numbering import take_numbers
from jiefen.cases.states import BY_NAME, State
from jiefen.docket import rules
from jiefen.docket.models import FeeAccount, Filing, FilingChunk, FilingJob
from jiefen.docket.paperwork import document_cases, documented_cases, hearing_occasion
from jiefen.hearings.models import Hearing
from jiefen.law.case_numbers import CaseNumber
from jiefen.law.fees import preservation_fee
from jiefen.law.parameters import Parameters
from jiefen.law.periods import HolidayCalendar
from jiefen.law.timelines import earliest_hearing_day
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


def _assign(cases: Sequence[Case], court: Organisation) -> dict[int, tuple[int, int]]:
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
    assignment: Mapping[int, tuple[int, int]] | None = None,
) -> FilingResult:
    """File every case of `case_ids` that is filable (screening / awaiting_filing); one court.

    `assignment` (case id → judge id, clerk id) is the job's plan; cases missing from it are
    assigned here. Each case's hearing is booked by the hearing scheduler
    (`hearings.actions.scheduling.book`), which no two filing jobs can double-book.
    """
    require(by, "file")
    filed_on = filed_on or timezone.localdate()
    params = current_parameters()
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
        planned = dict(assignment or {})
        unplanned = [c for c in cases if c.pk not in planned]
        if unplanned:
            planned.update(_assign(unplanned, court))
        first = take_numbers(court, filed_on.year, CIVIL_FIRST_INSTANCE, len(cases))
        first_pres = (
            take_numbers(court, filed_on.year, PRESERVATION, len(cases)) if preservation else 0
        )
        code = court.court_code or court.code
        credits = _payment_order_fees_paid([c.pk for c in cases])
        filings: list[Filing] = []
        for i, case in enumerate(cases):
            choice = rules.choose_procedure(
                case.claim_total,
                public_notice=case.pk in public_notice,
                province=court.province,
                as_of=filed_on,
                params=params,
            )
            fee = rules.filing_fee(case.claim_total, choice.procedure, policy, filed_on, params)
            judge_id, clerk_id = planned[case.pk]
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
                    evidence_days=rules.evidence_days(choice.procedure, filed_on, params),
                )
            )
            result.fees_total += fee.payable - min(credits.get(case.pk, ZERO), fee.payable)
        Case.objects.bulk_update(
            cases,
            ["case_number", "procedure", "acceptance_fee", "filed_on", "updated_at"],
            batch_size=500,
        )
        _book_hearings(
            cases,
            filings,
            by=by,
            filed_on=filed_on,
            lead_days=timing.hearing_lead_days,
            params=params,
        )
        Filing.objects.bulk_create(filings, batch_size=500)
        label = f"filing_job:{job.pk}" if job else ""
        # The move is checked while the cases still wait at the court (the filer's scope);
        # the judge and clerk it assigns are written after it.
        moved = transition_many(
            [c.pk for c in cases],
            "file",
            by=by,
            note=f"批量立案任务第{job.pk}号" if job else "批量立案",
            job=label,
        )
        if moved.refused:
            # Numbers, filings and fees were written for every locked case: all or nothing.
            raise TransitionRefused(next(iter(moved.refused.values())))
        Case.objects.bulk_update(cases, ["judge", "clerk"], batch_size=500)
        result.filed = moved.moved
        audit(
            actor_id=by.pk,
            action="docket.file_cases",
            object_type="court",
            object_id=court.pk,
            payload={
                "job": label,
                **ids_digest(result.filed),
                "first": str(cases[0].case_number),
                "last": str(cases[-1].case_number),
                "fees_total": str(result.fees_total),
                "preservation": preservation,
            },
        )
    return result


def _book_hearings(
    cases: Sequence[Case],
    filings: Sequence[Filing],
    *,
    by: User,
    filed_on: date,
    lead_days: int,
    params: Parameters,
) -> None:
    """Book each filed case's first hearing through the one scheduler and note it on its filing.

    Cases of one series and judge share sessions; the earliest day is the court's hearing lead
    after filing, never before the answer and evidence periods (`timelines.earliest_hearing_day`,
    the latest over the group's procedures). `Filing.hearing_at` / `hearing_place` feed the
    summons of the filing packet; `Hearing.summons_for` is that summons' occasion.
    """
    from jiefen.hearings.actions.scheduling import book

    calendar = HolidayCalendar.from_params(params)
    filing_of = {f.case.pk: f for f in filings}
    groups: dict[tuple[int | None, int | None], list[Case]] = defaultdict(list)
    for case in cases:
        groups[(case.judge_id, case.series_id)].append(case)
    booked = []
    for group in groups.values():
        earliest = max(
            earliest_hearing_day(
                filed_on, c.procedure, lead_days=lead_days, calendar=calendar, params=params
            )
            for c in group
        )
        for hearing in book(
            group, earliest=earliest, by=by, calendar=calendar, params=params, reason="立案排期"
        ):
            filing = filing_of[hearing.case_id]
            filing.hearing_at = hearing.starts_at
            filing.hearing_place = hearing.session.courtroom.name
            hearing.summons_for = hearing_occasion(filing)
            booked.append(hearing)
    Hearing.objects.bulk_update(booked, ["summons_for"], batch_size=500)


def start_filing(
    *,
    by: User,
    case_ids: list[int] | None = None,
    series: Series | None = None,
    preservation: bool = False,
    run_now: bool = False,
    filed_on: date | None = None,
) -> FilingJob:
    """Record a filing job for a series (or given cases) and queue its task after commit.

    The job files on `filed_on` (default today) however long its chunks take.
    """
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
            filed_on=filed_on or timezone.localdate(),
            total=len(ids),
            requested_by=by,
        )
        audit(
            actor_id=by.pk,
            action="docket.start_filing",
            object_type="filing_job",
            object_id=job.pk,
            payload={
                "job": f"filing_job:{job.pk}",
                **ids_digest(ids),
                "series": series.pk if series else None,
            },
        )
        if not run_now:
            from jiefen.docket.tasks import run_filing_job

            transaction.on_commit(lambda: run_filing_job.enqueue(job.pk))
    return job


def chunk_size() -> int:
    """Cases per chunk: one transaction of filing, then one set of documents."""
    return int(settings.JIEFEN_FILING_CHUNK)


# The smallest chunk of a job's finer tail (see `_split`): below it the tail is not split.
MIN_TAIL_CHUNK = 5


def _split(ids: Sequence[int], size: int) -> list[list[int]]:
    """Chunks of `size`, except the job's last 2 × `size` cases, in chunks of about `size` / 4.

    Why (scale-out, benchmarks/scale.py): several workers share a job's chunks and the job is
    done when its last chunk is. With equal chunks a worker that finds the queue empty waits on
    average half a chunk's rendering for the one still busy — for 400 cases in chunks of 50 on
    two workers, ~2 s of a 25 s job. Quarter chunks at the end cut that wait to a fraction of a
    second at the cost of a few more small transactions; a job of up to 2 × `size` cases is all
    quarter chunks, so it too spreads over the workers. Cases keep their order (series, id) and
    each chunk still takes its own block of numbers, so nothing else about chunks changes.
    """
    tail = max(len(ids) - 2 * size, 0)
    head = tail - tail % size  # the whole chunks before the finer tail
    step = size // 4
    if step < MIN_TAIL_CHUNK:
        head, step = len(ids), size  # small chunks (tests, tiny settings): all equal
    parts = [list(ids[i : i + size]) for i in range(0, head, size)]
    rest = ids[head:]
    if rest:
        pieces = -(-len(rest) // step)  # ceil: equal pieces of at most `step`
        bounds = [len(rest) * k // pieces for k in range(pieces + 1)]
        parts += [list(rest[a:b]) for a, b in pairwise(bounds)]
    return parts


def _filable(ids: Sequence[int]) -> list[Case]:
    cases: list[Case] = []
    for i in range(0, len(ids), 900):  # below every backend's bound-parameter limit
        cases += Case.objects.filter(pk__in=ids[i : i + 900], state__in=FILABLE).only(
            "pk", "series_id", "court_id"
        )
    return sorted(cases, key=lambda c: (c.series_id is None, c.series_id or 0, c.pk))


def plan_job(job_id: int) -> list[FilingChunk]:
    """Split a job into chunks once, with judge and clerk planned for all its cases.

    Assignment is planned over the whole job, so a series stays with the judge(s) the
    assignment rule picks however the job is chunked. Filable cases come first in series and
    id order (the order numbers are given in); cases not filable now follow, and their chunk
    counts them as skipped unless they are filable when it runs. Idempotent: a planned job
    returns its chunks. Raises `TransitionRefused` (the court has no judge or clerk, or the
    cases belong to several courts).
    """
    with transaction.atomic():
        job = (
            FilingJob.objects.select_for_update(of=("self",)).select_related("court").get(pk=job_id)
        )
        chunks = list(job.chunks.all())
        if chunks:
            return chunks
        ids = list(dict.fromkeys(job.case_ids))
        cases = _filable(ids)
        if any(c.court_id != job.court_id for c in cases):
            raise TransitionRefused("一次批量立案只能包含同一法院的案件")
        plan = _assign(cases, job.court) if cases else {}
        ordered = [c.pk for c in cases]
        ordered += [pk for pk in ids if pk not in plan]
        chunks = FilingChunk.objects.bulk_create(
            FilingChunk(
                job=job,
                index=n,
                case_ids=part,
                assignment={str(pk): plan[pk] for pk in part if pk in plan},
            )
            for n, part in enumerate(_split(ordered, chunk_size()))
        )
        FilingJob.objects.filter(pk=job_id).update(heartbeat_at=timezone.now())
    return chunks


def file_chunk(job_id: int, index: int) -> FilingChunk:
    """File one chunk of a job in its own transaction, then store its cases' documents.

    Safe to run twice or concurrently with itself: only filable cases are filed (locked, so a
    second run waits and then finds them filed), documents are stored once per occasion (a
    database constraint), and the counts are re-derived from the data afterwards.
    """
    job = FilingJob.objects.select_related("requested_by").get(pk=job_id)
    chunk = FilingChunk.objects.get(job_id=job_id, index=index)
    if not chunk.done:
        FilingJob.objects.filter(pk=job_id, status=FilingJob.Status.QUEUED).update(
            status=FilingJob.Status.FILING
        )
        plan = {int(pk): (jc[0], jc[1]) for pk, jc in chunk.assignment.items()}
        file_cases(
            list(chunk.case_ids),
            by=job.requested_by,
            filed_on=job.filed_on,
            preservation=job.preservation,
            job=job,
            assignment=plan,
        )
        filed = _filed_by(job_id, chunk.case_ids)
        document_cases(filed, by=job.requested_by, job=f"filing_job:{job_id}")
        _count_chunk(chunk)
    refresh_job(job_id)
    chunk.refresh_from_db()
    return chunk


def _filed_by(job_id: int, case_ids: Sequence[int]) -> list[int]:
    return sorted(
        Filing.objects.filter(job_id=job_id, case_id__in=list(case_ids)).values_list(
            "case_id", flat=True
        )
    )


def _count_chunk(chunk: FilingChunk) -> None:
    """Set the chunk's counts from the data: filings of its job, stored documents, skips.

    Runs after the chunk's filing: a case of it this job did not file was skipped (filed by
    another job, no longer filable, or outside the filer's scope).
    """
    filed = _filed_by(chunk.job_id, chunk.case_ids)
    documented, documents = documented_cases(filed)
    skipped = len(set(chunk.case_ids)) - len(filed)
    done = len(documented) == len(filed)
    FilingChunk.objects.filter(pk=chunk.pk).update(
        filed=len(filed),
        documented=len(documented),
        documents=documents,
        skipped=skipped,
        done=done,
        finished_at=timezone.now() if done else None,
    )


def refresh_job(job_id: int) -> FilingJob:
    """Set the job's counts and status from its chunks; the job is done when all chunks are.

    The job row is locked first and the sums read after, so the last of several workers
    finishing at once sees every chunk (each statement reads what was committed before it).
    """
    with transaction.atomic():
        job = FilingJob.objects.select_for_update().get(pk=job_id)
        sums = job.chunks.aggregate(
            filed=Sum("filed", default=0),
            documented=Sum("documented", default=0),
            documents=Sum("documents", default=0),
            skipped=Sum("skipped", default=0),
            chunks=Count("pk"),
            open=Count("pk", filter=Q(done=False)),
        )
        if not sums["chunks"] or job.status in (FilingJob.Status.DONE, FilingJob.Status.FAILED):
            return job
        total = len(set(job.case_ids)) - sums["skipped"]
        fields = {k: sums[k] for k in ("filed", "documented", "documents", "skipped")}
        fields.update(total=total, heartbeat_at=timezone.now())
        if sums["open"] == 0:
            fields.update(status=FilingJob.Status.DONE, finished_at=timezone.now())
            if not sums["filed"]:
                fields["error"] = "没有可立案的案件"
        elif sums["filed"] >= total:
            fields["status"] = FilingJob.Status.RENDERING
        else:
            fields["status"] = FilingJob.Status.FILING
        FilingJob.objects.filter(pk=job_id).update(**fields)
        if fields.get("status") == FilingJob.Status.DONE:
            audit(
                actor_id=job.requested_by_id,
                action="docket.filing_job_done",
                object_type="filing_job",
                object_id=job_id,
                payload={k: sums[k] for k in ("filed", "documented", "documents", "skipped")},
            )
    job.refresh_from_db()
    return job


def fail_job(job_id: int, message: str) -> None:
    """A refusal the clerk must act on (no judge or clerk, mixed courts, missing calendar)."""
    with transaction.atomic():
        updated = (
            FilingJob.objects.filter(pk=job_id)
            .exclude(status__in=[FilingJob.Status.DONE, FilingJob.Status.FAILED])
            .update(
                status=FilingJob.Status.FAILED, error=message[:2000], finished_at=timezone.now()
            )
        )
        if updated:
            audit(
                actor_id=None,
                action="docket.filing_job_failed",
                object_type="filing_job",
                object_id=job_id,
                payload={"error": message[:2000]},
            )


def stale_jobs(older_than: timedelta = timedelta(minutes=2)) -> list[int]:
    """Unfinished jobs without progress for `older_than` (worker killed, machine lost)."""
    limit = timezone.now() - older_than
    return list(
        FilingJob.objects.exclude(status__in=[FilingJob.Status.DONE, FilingJob.Status.FAILED])
        .filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


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
