"""批量送达: a clerk serves a whole series (or chosen cases) in one action, in chunks.

`start_service` records the job and queues it; `run_service_job` opens the services of one
chunk of cases at a time and sends their first attempts. Every chunk is idempotent (a party
already being served is skipped; an attempt is sent once), so a job a worker died in is simply
run again. The counts on the job are derived from the data (`refresh_job`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.access import in_scope
from jiefen.cases.actions import ids_digest, require
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.service.actions.common import ActionRefused, Law, audit
from jiefen.service.actions.dispatch import dispatch
from jiefen.service.actions.opening import open_services
from jiefen.service.actions.progress import refresh_job
from jiefen.service.actions.settlement import settle
from jiefen.service.models import AttemptState, Service, ServiceAttempt, ServiceJob


def start_service(
    *,
    by: User,
    series: Series | None = None,
    case_ids: list[int] | None = None,
    run_now: bool = False,
) -> ServiceJob:
    """Record a service job for the filed cases of a series (or the given cases) and queue it."""
    require(by, "service.serve_series")
    if case_ids is None:
        if series is None:
            raise ActionRefused("请选择要送达的系列案或案件")
        case_ids = list(
            series.cases.filter(state=State.FILED).order_by("pk").values_list("pk", flat=True)
        )
    # Only cases the clerk may serve count: the job's total is what it can really do.
    scope = in_scope(by, list(case_ids))
    ids = [pk for pk in dict.fromkeys(case_ids) if pk in scope]
    if not ids:
        raise ActionRefused("没有待送达的案件（需处于「已立案」状态）")
    courts = set(Case.objects.filter(pk__in=ids[:900]).values_list("court_id", flat=True))
    if len(courts) != 1:
        raise ActionRefused("一次批量送达只能包含同一法院的案件")
    court_id = courts.pop()
    if by.organisation_id != court_id and by.role != "platform_admin":
        raise ActionRefused("只能送达本院案件")
    with transaction.atomic():
        job = ServiceJob.objects.create(
            court_id=court_id, series=series, case_ids=ids, total=len(ids), requested_by=by
        )
        audit(
            actor_id=by.pk,
            action="service.start",
            object_type="service_job",
            object_id=job.pk,
            payload={**ids_digest(ids), "series": series.pk if series else None},
        )
        if not run_now:
            from jiefen.service.tasks import run_service_job_task

            transaction.on_commit(lambda: run_service_job_task.enqueue(job.pk))
    return job


def run_service_job(job_id: int) -> ServiceJob:
    """Open and send the services of the job's cases, chunk by chunk; safe to run again."""
    job = ServiceJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status in (ServiceJob.Status.DONE, ServiceJob.Status.FAILED):
        return job
    ServiceJob.objects.filter(pk=job_id).update(
        status=ServiceJob.Status.SENDING, heartbeat_at=timezone.now()
    )
    law = Law.load()
    size = int(settings.JIEFEN_SERVICE_CHUNK)
    ids = list(job.case_ids)
    for i in range(0, len(ids), size):
        part = ids[i : i + size]
        try:
            open_services(part, by=job.requested_by, job=job)
        except ActionRefused as exc:
            ServiceJob.objects.filter(pk=job_id).update(
                status=ServiceJob.Status.FAILED, error=str(exc)[:2000]
            )
            return refresh_job(job_id)
        queued = list(
            ServiceAttempt.objects.filter(
                service__case_id__in=part, state=AttemptState.QUEUED
            ).values_list("pk", flat=True)
        )
        dispatch(attempt_ids=queued, law=law)
        settle(list(Service.objects.filter(case_id__in=part).values_list("pk", flat=True)), law=law)
        refresh_job(job_id)
    return refresh_job(job_id, finished=True)
