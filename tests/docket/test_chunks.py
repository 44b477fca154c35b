"""Filing jobs run in chunks: each chunk is its own transaction and safe to run twice.

A re-run chunk changes nothing (documents, case events, audit records, numbers, counts), counts
are derived from the stored data, numbers are taken per chunk so other filings go on in
between, and the database stores each document once per occasion (a summons may be issued
again for a new hearing date, never twice for the same one).
"""

import hashlib
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseEvent, CaseNumberCounter, Series
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases, file_chunk, plan_job, start_filing
from jiefen.docket.models import FilingJob
from jiefen.docket.paperwork import filing_extra, hearing_occasion
from jiefen.docket.tasks import resume, run_job
from jiefen.documents.actions import DocumentAlreadyIssued, issue_document
from jiefen.documents.context import case_context
from jiefen.documents.models import StoredDocument
from jiefen.law.case_numbers import parse_case_number

FILED_ON = date(2025, 7, 1)
# Per case: 受理案件通知书 + 交纳诉讼费用通知书 to the claimant, five documents per defendant.
DOCS_ONE_DEFENDANT = 7


@pytest.fixture
def chunked(settings: Any) -> None:
    settings.JIEFEN_FILING_CHUNK = 2


def _snapshot(job: FilingJob) -> dict[str, Any]:
    job.refresh_from_db()
    return {
        "documents": StoredDocument.objects.count(),
        "events": CaseEvent.objects.count(),
        "audit": AuditRecord.objects.count(),
        "numbers": sorted(Case.objects.exclude(case_number=None).values_list("pk", "case_number")),
        "counter": list(CaseNumberCounter.objects.values_list("type_code", "last")),
        "job": (job.status, job.total, job.filed, job.documented, job.documents, job.skipped),
        "chunks": list(
            job.chunks.values_list("index", "filed", "documented", "documents", "skipped", "done")
        ),
    }


def test_rerunning_a_chunk_changes_nothing(
    make_case: Any, staff: Any, series: Series, chunked: None
) -> None:
    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(5)]
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    before = _snapshot(job)
    assert before["job"] == (FilingJob.Status.DONE, 5, 5, 5, 5 * DOCS_ONE_DEFENDANT, 0)
    assert before["documents"] == 5 * DOCS_ONE_DEFENDANT
    assert len(before["chunks"]) == 3

    for index in range(3):
        file_chunk(job.pk, index)  # each chunk again, as a re-queued task would
    job.chunks.update(done=False)  # even a chunk that looks unfinished is redone to the same end
    for index in range(3):
        file_chunk(job.pk, index)
    run_job(job.pk, inline=True)
    after = _snapshot(job)
    assert after == before
    assert {c.pk for c in cases} == {pk for pk, _ in after["numbers"]}


def test_a_chunk_run_twice_does_not_finish_the_job_early(
    make_case: Any, staff: Any, series: Series, chunked: None
) -> None:
    """The counts are derived: two runs of the first chunk are still two cases of five."""
    for _ in range(5):
        make_case(series=series, state=State.AWAITING_FILING)
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    plan_job(job.pk)
    file_chunk(job.pk, 0)
    file_chunk(job.pk, 0)
    job.refresh_from_db()
    assert job.status != FilingJob.Status.DONE and job.finished_at is None
    assert (job.filed, job.documented, job.documents) == (2, 2, 2 * DOCS_ONE_DEFENDANT)
    assert job.percent < 100


def test_each_chunk_takes_its_own_numbers_and_commits(
    make_case: Any, staff: Any, series: Series, chunked: None
) -> None:
    """Another filing between two chunks gets the next number; no chunk holds the counter."""
    job_cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(4)]
    other = make_case(state=State.AWAITING_FILING)
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    plan_job(job.pk)
    file_chunk(job.pk, 0)
    # Only the first chunk is filed and numbered; the rest wait, unnumbered.
    states = dict(Case.objects.filter(pk__in=[c.pk for c in job_cases]).values_list("pk", "state"))
    assert sorted(states.values()) == [State.AWAITING_FILING] * 2 + [State.FILED] * 2
    assert CaseNumberCounter.objects.get(type_code="民初").last == 2
    file_cases([other.pk], by=staff["clerks"][1], filed_on=FILED_ON)
    file_chunk(job.pk, 1)
    seq = {
        c.pk: parse_case_number(c.case_number).seq
        for c in Case.objects.filter(pk__in=[*states, other.pk])
    }
    assert seq[other.pk] == 3
    assert sorted(seq.values()) == [1, 2, 3, 4, 5]
    job.refresh_from_db()
    assert job.status == FilingJob.Status.DONE and job.filed == 4


def test_a_series_keeps_its_judge_and_distinct_hearings_across_chunks(
    make_case: Any, staff: Any, series: Series, chunked: None
) -> None:
    for _ in range(5):
        make_case(series=series, state=State.AWAITING_FILING)
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    filed = Case.objects.filter(series=series).select_related("filing")
    assert len({c.judge_id for c in filed}) == 1  # below the judge's capacity: one judge
    assert len({c.filing.hearing_at for c in filed}) == 5  # no two cases in one slot


def test_bulk_audit_records_name_the_job_and_a_digest_of_its_ids(
    make_case: Any, staff: Any, series: Series, chunked: None
) -> None:
    ids = sorted(make_case(series=series, state=State.AWAITING_FILING).pk for _ in range(3))
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    label = f"filing_job:{job.pk}"
    bulk = AuditRecord.objects.filter(
        action__in=["docket.file_cases", "case.file.bulk", "documents.issue_packets"]
    )
    assert bulk.count() == 3 * 2  # two chunks (2 + 1 cases), three bulk records each
    covered: dict[str, list[int]] = {}
    for record in bulk:
        assert record.payload["job"] == label
        assert not any(isinstance(v, list) for v in record.payload.values())  # no id lists
        covered.setdefault(record.action, []).append(record.payload["count"])
    assert all(sorted(counts) == [1, 2] for counts in covered.values())
    start = AuditRecord.objects.get(action="docket.start_filing")
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()
    assert start.payload["job"] == label and start.payload["ids_sha256"] == digest


def _summons_for(case: Case, when: datetime, by: Any) -> StoredDocument:
    """A summons for a hearing at `when`, issued as the hearing stage will re-issue one."""
    filing = case.filing
    filing.hearing_at = when  # in memory only: the occasion and the printed hearing
    extra = filing_extra(case, filing)
    defendant = case_context(case, issued_on=FILED_ON, extra=extra)["defendants"][0]
    return issue_document(
        case,
        "summons",
        recipient=defendant,
        context=extra,
        by=by,
        issued_for=hearing_occasion(filing),
    )


def test_summons_again_for_a_new_hearing_date_but_never_twice_for_one(
    make_case: Any, staff: Any, series: Series
) -> None:
    case = make_case(series=series, state=State.AWAITING_FILING)
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    run_job(job.pk, inline=True)
    case = Case.objects.select_related("filing", "court").get(pk=case.pk)
    clerk = staff["clerks"][0]
    first = StoredDocument.objects.get(case=case, kind="summons")
    assert first.issued_for == hearing_occasion(case.filing)

    # The hearing moves: a summons for the new date is a new document.
    moved = timezone.make_aware(datetime(2025, 8, 20, 14, 30))
    again = _summons_for(case, moved, clerk)
    assert again.issued_for == "hearing:2025-08-20T14:30" and again.sha256 != first.sha256
    # The same hearing twice is refused, for the new date and for the original one.
    with pytest.raises(DocumentAlreadyIssued, match="传票已就同一事由"):
        _summons_for(case, moved, clerk)
    with pytest.raises(DocumentAlreadyIssued):
        _summons_for(
            case, timezone.localtime(Case.objects.get(pk=case.pk).filing.hearing_at), clerk
        )
    assert StoredDocument.objects.filter(case=case, kind="summons").count() == 2

    # The refusal is the database's, not only the action's check.
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredDocument.objects.create(
            case=case,
            kind="summons",
            title="传票",
            format="pdf",
            party=again.party,
            path="documents/x/duplicate.pdf",
            sha256="0" * 64,
            size=1,
            issued_for=again.issued_for,
        )
    # A claimant document (no party row) is unique per occasion as well.
    notice = StoredDocument.objects.get(case=case, kind="acceptance_notice")
    with pytest.raises(IntegrityError), transaction.atomic():
        StoredDocument.objects.create(
            case=case,
            kind="acceptance_notice",
            title="受理案件通知书",
            format="pdf",
            path="documents/x/duplicate-notice.pdf",
            sha256="0" * 64,
            size=1,
            issued_for=notice.issued_for,
        )


def test_the_resume_queues_only_unfinished_jobs_without_progress(
    make_case: Any, staff: Any, series: Series
) -> None:
    make_case(series=series, state=State.AWAITING_FILING)
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    assert resume(timedelta(minutes=10)) == []  # just queued: not stalled
    FilingJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=11))
    assert resume(timedelta(minutes=10)) == [job.pk]
    run_job(job.pk, inline=True)
    job.refresh_from_db()
    assert job.status == FilingJob.Status.DONE
    assert resume(timedelta(0)) == []  # a finished job is never queued again


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_two_workers_running_one_chunk_at_once_store_one_set(
    make_case: Any, staff: Any, series: Series, var_dir: Any, database_url: str
) -> None:
    """A chunk re-queued while it still runs: two worker processes, one filing, one set."""
    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(3)]
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    plan_job(job.pk)
    env = {**os.environ, "DATABASE_URL": database_url, "JIEFEN_VAR_DIR": str(var_dir)}
    code = f"from jiefen.docket.actions import file_chunk; file_chunk({job.pk}, 0)"
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "jiefen.manage", "shell", "-c", code],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    results = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], [err[-2000:] for _, err in results]
    assert StoredDocument.objects.count() == 3 * DOCS_ONE_DEFENDANT
    assert sorted(parse_case_number(c.case_number).seq for c in Case.objects.all()) == [1, 2, 3]
    assert CaseEvent.objects.filter(transition="file").count() == 3
    # A loser's files were never recorded and are gone: every file on disk has its row.
    on_disk = {p.relative_to(var_dir).as_posix() for p in var_dir.rglob("documents/**/*.pdf")}
    assert on_disk == set(StoredDocument.objects.values_list("path", flat=True))
    job.refresh_from_db()
    assert job.status == FilingJob.Status.DONE and job.documents == 3 * DOCS_ONE_DEFENDANT
    assert {c.pk for c in cases} == set(Case.objects.values_list("pk", flat=True))


def test_cases_the_chunk_does_not_file_are_skipped_and_the_job_still_finishes(
    make_case: Any, staff: Any, series: Series
) -> None:
    """Not filable any more, or outside the filer's scope: counted as skipped, never waited for."""
    cases = [make_case(series=series, state=State.AWAITING_FILING) for _ in range(4)]
    job = start_filing(by=staff["clerks"][0], series=series, run_now=True, filed_on=FILED_ON)
    plan_job(job.pk)
    # Setup only: one case reopened for mediation meanwhile, one still waiting but carrying the
    # judge of an earlier confirmation proceeding (which may put it outside the clerk's scope).
    Case.objects.filter(pk=cases[0].pk).update(state=State.IN_MEDIATION)
    Case.objects.filter(pk=cases[1].pk).update(judge=staff["judges"][0])
    run_job(job.pk, inline=True)
    job.refresh_from_db()
    assert job.status == FilingJob.Status.DONE
    assert job.skipped >= 1 and job.filed + job.skipped == 4
    assert job.total == job.filed == job.documented
    assert job.documents == job.filed * DOCS_ONE_DEFENDANT
    assert Case.objects.get(pk=cases[0].pk).case_number is None
