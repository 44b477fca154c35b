"""Background work of service: the batch job, and the periodic sweep (on the platform scheduler)."""

from __future__ import annotations

from django.tasks import task


@task()
def run_service_job_task(job_id: int) -> None:
    from jiefen.service.actions import run_service_job

    run_service_job(job_id)


@task()
def service_sweep_task(timestamp: int | None = None) -> dict[str, int]:
    """Retries, fallbacks (post, public notice) and dates passing; idempotent (see `escalation`)."""
    from jiefen.service.actions import sweep

    return sweep()


@task()
def dispatch_attempts_task(attempt_ids: list[int]) -> int:
    """Send the first attempts of documents served after filing (`actions.serve_documents`)."""
    from jiefen.service.actions import dispatch

    return dispatch(attempt_ids=attempt_ids)
