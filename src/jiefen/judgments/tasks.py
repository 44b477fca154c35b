"""Background work of the decision stage: the daily effect sweep (on the platform scheduler)."""

from __future__ import annotations

from django.tasks import task

from jiefen.scheduling.slots import slot_date


@task()
def decisions_sweep_task(timestamp: int | None = None) -> dict[str, int]:
    """Appeal periods, decisions taking effect, enforceability for the slot's date (idempotent)."""
    from jiefen.judgments.actions.effect import take_effect_due

    return take_effect_due(slot_date(timestamp))
