"""Background work of the risk stage: the daily sweep that runs the warning rules for the day of
its scheduler slot (`jiefen.scheduling.schedule`). Idempotent: a re-run changes nothing."""

from __future__ import annotations

from django.tasks import task

from jiefen.scheduling.slots import slot_date


@task()
def detect_warnings_task(timestamp: int | None = None) -> dict[str, int]:
    """Warnings raised or refreshed for the slot's day."""
    from jiefen.risk.actions import detect_warnings

    result = detect_warnings(by=None, as_of=slot_date(timestamp))
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
