"""Background work of the intake stage (django.tasks on the django-tasks-db worker).

Tasks take ids and are idempotent: `process_batch` resumes from the batch's committed cursor,
so running the task twice, or after a killed worker, ends with the same cases.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import task

from jiefen.intake.actions import process_batch, stale_batches, summary


@task()
def import_batch(batch_id: int) -> dict[str, Any]:
    return summary(process_batch(batch_id))


def enqueue_import(batch_id: int) -> None:
    """Queue the import once the batch row is committed (the worker must be able to see it)."""
    transaction.on_commit(lambda: import_batch.enqueue(batch_id))


@task()
def resume_stale_batches(timestamp: int | None = None) -> list[int]:
    """Queue again the batches whose worker stopped (killed, machine lost); on the schedule.

    A batch with no progress for JIEFEN_INTAKE_RESUME_AFTER seconds resumes from its committed
    cursor, so queuing one that is merely slow imports nothing twice.
    """
    ids = stale_batches(timedelta(seconds=settings.JIEFEN_INTAKE_RESUME_AFTER))
    for batch_id in ids:
        enqueue_import(batch_id)
    return ids
