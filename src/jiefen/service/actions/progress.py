"""The progress of a 批量送达 job, derived from the data (never added up).

Refreshed by the job as it sends and by settlement whenever services of the job are served, so
the page shows how many of its cases are out and how many served however long receipts take.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.utils import timezone

from jiefen.service.models import AttemptState, Service, ServiceJob


def refresh_job(job_id: int, *, finished: bool = False) -> ServiceJob:
    """Counts from the data: cases with every service dispatched, cases served."""
    job = ServiceJob.objects.get(pk=job_id)
    ids = list(job.case_ids)
    dispatched = served = 0
    for i in range(0, len(ids), 900):
        part = ids[i : i + 900]
        rows = (
            Service.objects.filter(case_id__in=part)
            .values("case_id")
            .annotate(
                n=Count("pk", distinct=True),
                out=Count(
                    "pk",
                    filter=~Q(attempts__state__in=[AttemptState.QUEUED, AttemptState.SENDING])
                    | Q(stage="public_notice"),
                    distinct=True,
                ),
                ok=Count("pk", filter=Q(state=Service.State.SERVED), distinct=True),
            )
        )
        for r in rows:
            dispatched += r["out"] >= r["n"]
            served += r["ok"] >= r["n"]
    fields: dict[str, object] = {
        "dispatched": dispatched,
        "served": served,
        "heartbeat_at": timezone.now(),
    }
    if finished and job.status != ServiceJob.Status.FAILED:
        fields.update(
            status=ServiceJob.Status.DONE, finished_at=timezone.now(), dispatched=job.total
        )
    ServiceJob.objects.filter(pk=job_id).update(**fields)
    job.refresh_from_db()
    return job
