"""The periodic job of the webhooks: collect the events past the outbox cursors, then send the
due deliveries (first attempts and retries). Idempotent and safe with several workers."""

from __future__ import annotations

import logging

from django.tasks import task

logger = logging.getLogger(__name__)


@task()
def deliver_webhooks_task(timestamp: int | None = None) -> dict[str, int]:
    """Deliveries made for the new events, then every due delivery sent once.

    Deliveries already made are sent even if collecting fails (the error is raised after them,
    so the task's result shows it and the next run tries again from the same cursors)."""
    from jiefen.webhooks.actions import collect, deliver_due

    failure: Exception | None = None
    made = 0
    try:
        made = collect()
    except Exception as exc:  # sending what is due must not wait for a broken source
        logger.exception("webhooks: collecting events failed")
        failure = exc
    report = deliver_due().as_dict()
    if failure is not None:
        raise failure
    return {"collected": made, **report}
