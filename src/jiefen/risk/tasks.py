"""Background work of the risk stage: the daily sweep that runs the warning rules for the day of
its scheduler slot (`jiefen.scheduling.schedule`), then gives each new fraud warning to its
institution as an intervention task (`jiefen.referrals.actions.interventions`). Idempotent: a
re-run changes nothing."""

from __future__ import annotations

from django.tasks import task

from jiefen.scheduling.slots import slot_date


@task()
def detect_warnings_task(timestamp: int | None = None) -> dict[str, int]:
    """Warnings raised or refreshed for the slot's day, and the intervention tasks opened."""
    from jiefen.referrals.actions.interventions import open_interventions
    from jiefen.risk.actions import detect_warnings

    day = slot_date(timestamp)
    result = detect_warnings(by=None, as_of=day)
    opened = open_interventions(by=None, as_of=day)
    return {
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "interventions": opened,
    }
