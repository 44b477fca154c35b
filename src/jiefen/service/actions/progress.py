"""The progress of a 批量送达 job, derived from the data (never added up).

Refreshed by the job as it sends and by settlement whenever services of the job are served, so
the page shows how many of its cases are out and how many served however long receipts take.
"""

from __future__ import annotations

from django.utils import timezone

from jiefen.service.models import AttemptState, Service, ServiceAttempt, ServiceJob


def refresh_job(job_id: int, *, finished: bool = False) -> ServiceJob:
    """Counts from the data: cases whose services are all sent out, cases all served.

    A case is out when it has its services and none of their attempts waits to be sent; it
    is served when none of its services is still in progress. Three counts over the services
    the job opened (indexed by job).
    """
    job = ServiceJob.objects.get(pk=job_id)
    services = Service.objects.filter(job_id=job_id)
    opened = services.values("case_id").distinct().count()
    unsent = (
        ServiceAttempt.objects.filter(
            service__job_id=job_id, state__in=(AttemptState.QUEUED, AttemptState.SENDING)
        )
        .values("service__case_id")
        .distinct()
        .count()
    )
    still_open = services.filter(state=Service.State.IN_PROGRESS).values("case_id").distinct()
    dispatched = opened - unsent
    served = opened - still_open.count()
    fields: dict[str, object] = {
        "dispatched": dispatched,
        "served": served,
        "heartbeat_at": timezone.now(),
    }
    if finished and job.status != ServiceJob.Status.FAILED:
        fields.update(status=ServiceJob.Status.DONE, finished_at=timezone.now())
    ServiceJob.objects.filter(pk=job_id).update(**fields)
    job.refresh_from_db()
    return job
