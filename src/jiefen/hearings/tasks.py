"""Background work of hearings: confirming the hearings of served cases (on the scheduler)."""

from __future__ import annotations

from typing import Any

from django.tasks import task

CHUNK = 500


@task()
def confirm_hearings_task(timestamp: int | None = None) -> dict[str, Any]:
    """Confirm or move the hearing of every SERVED case, as the system; idempotent.

    A case leaves SERVED once its hearing is fixed, so a second run finds nothing. Cases go in
    chunks ordered by series and judge, so a series' moved hearings share sessions.
    """
    from jiefen.cases.models import Case
    from jiefen.cases.states import State
    from jiefen.hearings.actions.rescheduling import confirm_hearings

    ids = list(
        Case.objects.filter(state=State.SERVED)
        .order_by("series_id", "judge_id", "pk")
        .values_list("pk", flat=True)
    )
    total: dict[str, Any] = {"scheduled": 0, "rescheduled": 0, "refused": {}}
    for i in range(0, len(ids), CHUNK):
        part = confirm_hearings(ids[i : i + CHUNK], by=None)
        total["scheduled"] += part["scheduled"]
        total["rescheduled"] += part["rescheduled"]
        total["refused"].update(part["refused"])
    return total
