"""Background work of the publication stage: the daily sweep preparing effective judgments for
publication (on the platform scheduler, `jiefen.scheduling.schedule`). Idempotent."""

from __future__ import annotations

from django.tasks import task

from jiefen.scheduling.slots import slot_date


@task()
def prepare_publications_task(timestamp: int | None = None) -> int:
    """Judgments effective by the slot's date get their anonymised text, pending review."""
    from jiefen.publication.actions import prepare_publications

    return prepare_publications(by=None, as_of=slot_date(timestamp))
