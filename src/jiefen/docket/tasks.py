"""Background work of batch filing (django.tasks on the django-tasks-db backend).

`run_filing_job(job_id)` plans the job (judges and clerks for all its cases, then chunks) and
queues one `filing_chunk(job_id, index)` per unfinished chunk; each chunk files its cases in its
own transaction and then stores their documents (`docket.actions.file_chunk`). Both take ids
and are idempotent, so the same call resumes a job a killed worker left unfinished
(`jiefen filing_resume`, and `resume_stale_jobs` on the schedule): finished chunks are skipped,
the open one is redone.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.tasks import task

from jiefen.cases.actions import TransitionRefused
from jiefen.docket.actions import fail_job, file_chunk, plan_job, refresh_job, stale_jobs
from jiefen.docket.models import FilingJob
from jiefen.law.errors import LawError


def _throttle() -> None:
    """Optional pause after each chunk (ms), to spare a shared database or to test crash safety."""
    pause = int(settings.JIEFEN_FILING_THROTTLE_MS)
    if pause:
        time.sleep(pause / 1000)


def run_job(job_id: int, *, inline: bool = False) -> None:
    """Plan the job if needed and run (inline) or queue every unfinished chunk."""
    job = FilingJob.objects.get(pk=job_id)
    if job.status in (FilingJob.Status.DONE, FilingJob.Status.FAILED):
        return
    try:
        chunks = plan_job(job_id)
    except (TransitionRefused, LawError) as exc:  # LawError: e.g. holiday year not entered
        fail_job(job_id, str(exc))
        return
    for chunk in chunks:
        if chunk.done:
            continue
        if inline:
            run_chunk(job_id, chunk.index)
        else:
            filing_chunk.enqueue(job_id, chunk.index)
    refresh_job(job_id)


def run_chunk(job_id: int, index: int) -> None:
    """One chunk; a refusal the clerk must act on fails the job with its message."""
    if FilingJob.objects.filter(pk=job_id, status=FilingJob.Status.FAILED).exists():
        return
    try:
        file_chunk(job_id, index)
    except (TransitionRefused, LawError) as exc:  # LawError: e.g. holiday year not entered
        fail_job(job_id, str(exc))
        return
    _throttle()


@task()
def run_filing_job(job_id: int) -> None:
    run_job(job_id)


@task()
def filing_chunk(job_id: int, index: int) -> None:
    run_chunk(job_id, index)


def resume(older_than: timedelta) -> list[int]:
    """Queue again every unfinished job without progress for `older_than`; return their ids."""
    ids = stale_jobs(older_than)
    for job_id in ids:
        run_filing_job.enqueue(job_id)
    return ids


@task()
def resume_stale_jobs(timestamp: int | None = None) -> list[int]:
    """The periodic resume: jobs with no progress for JIEFEN_FILING_RESUME_AFTER seconds.

    Queuing a job that is merely slow files and documents nothing twice (chunks are idempotent).
    """
    return resume(timedelta(seconds=settings.JIEFEN_FILING_RESUME_AFTER))
