"""Background tasks of the mediation stage; each takes ids or a slot and is idempotent.

The sweeps run on the schedule in `jiefen.scheduling.schedule` (daily and as an hourly
catch-up); each acts as the system (`by=None`) for the slot's date and moves nothing twice.
"""

from django.tasks import task

from jiefen.mediation.actions import (
    expire_mediations,
    payment_orders_take_effect,
    sweep_missed,
)
from jiefen.mediation.actions.notices import deliver_notices
from jiefen.scheduling.slots import slot_date


@task()
def deliver_notices_task(notice_ids: list[int]) -> int:
    """Send queued notices; already sent ones are skipped, so running twice sends nothing twice."""
    return deliver_notices(notice_ids)


@task()
def expire_mediations_task(timestamp: int | None = None) -> int:
    """Mediations past their deadline without an agreement go to filing; returns how many moved."""
    return len(expire_mediations(as_of=slot_date(timestamp)))


@task()
def payment_orders_take_effect_task(timestamp: int | None = None) -> int:
    """Payment orders whose objection period ran out unobjected become enforceable (Art. 227)."""
    return len(payment_orders_take_effect(as_of=slot_date(timestamp)))


@task()
def sweep_missed_instalments_task(timestamp: int | None = None) -> dict[str, int]:
    """Plans with an instalment unpaid after the grace period: enforcement drafts or filing."""
    return sweep_missed(as_of=slot_date(timestamp))
