"""Background tasks of the mediation stage; each takes ids and is idempotent."""

from django.tasks import task

from jiefen.mediation.actions.notices import deliver_notices


@task()
def deliver_notices_task(notice_ids: list[int]) -> int:
    """Send queued notices; already sent ones are skipped, so running twice sends nothing twice."""
    return deliver_notices(notice_ids)
