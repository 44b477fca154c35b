"""Background work of batch filing (django.tasks on the django-tasks-db backend).

`run_filing_job(job_id)` files the job's cases in one transaction, then queues the documents in
chunks (`document_chunk`), each of which renders, signs and stores its cases' documents and
bumps the job's progress row. Both take ids and are idempotent: a re-run files nothing twice
(only filable cases are filed) and renders nothing twice (cases with documents are skipped).
"""

from __future__ import annotations

from django.tasks import task
from django.utils import timezone

from jiefen.docket.actions import file_cases, mark_job, record_documented
from jiefen.docket.models import FilingJob
from jiefen.docket.paperwork import document_cases

CHUNK = 50


def run_job(job_id: int, *, inline: bool = False) -> None:
    job = FilingJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status in (FilingJob.Status.DONE, FilingJob.Status.FAILED):
        return
    mark_job(job_id, status=FilingJob.Status.FILING)
    try:
        result = file_cases(
            list(job.case_ids), by=job.requested_by, preservation=job.preservation, job=job
        )
    except Exception as exc:
        mark_job(
            job_id,
            status=FilingJob.Status.FAILED,
            error=str(exc)[:2000],
            finished_at=timezone.now(),
        )
        raise
    # Cases filed earlier (a re-run) still count as filed for this job's progress.
    filed_ids = sorted(set(result.filed) | set(job.filings.values_list("case_id", flat=True)))
    mark_job(job_id, status=FilingJob.Status.RENDERING, filed=len(filed_ids), total=len(filed_ids))
    if not filed_ids:
        mark_job(
            job_id,
            status=FilingJob.Status.DONE,
            finished_at=timezone.now(),
            error="没有可立案的案件",
        )
        return
    chunks = [filed_ids[i : i + CHUNK] for i in range(0, len(filed_ids), CHUNK)]
    for chunk in chunks:
        if inline:
            run_chunk(job_id, chunk)
        else:
            document_chunk.enqueue(job_id, chunk)


def run_chunk(job_id: int, case_ids: list[int]) -> None:
    job = FilingJob.objects.select_related("requested_by").get(pk=job_id)
    made = document_cases(case_ids, by=job.requested_by)
    record_documented(job_id, cases=len(case_ids), documents=made)


@task()
def run_filing_job(job_id: int) -> None:
    run_job(job_id)


@task()
def document_chunk(job_id: int, case_ids: list[int]) -> None:
    run_chunk(job_id, case_ids)
