"""Every periodic job of jiefen, in one place: adding a job is one line here.

Each job is a `django.tasks` task of its stage app that takes the slot's `timestamp` and calls an
idempotent action as the system. The cron lines are settings (`jiefen.settings.tasks`), read in
TIME_ZONE. `periodic_id` tells two schedules of the same task apart in the claim table.
"""

from __future__ import annotations

from django.conf import settings
from django.tasks import Task
from django_tasks_concurrent import periodic

from jiefen.docket.tasks import resume_stale_jobs
from jiefen.enforcement.tasks import (
    collect_answers_task,
    delisting_sweep_task,
    prepare_applications_task,
    reinquiry_sweep_task,
    settlement_sweep_task,
)
from jiefen.hearings.tasks import confirm_hearings_task
from jiefen.intake.tasks import resume_stale_batches
from jiefen.judgments.tasks import decisions_sweep_task
from jiefen.mediation.tasks import (
    expire_mediations_task,
    payment_orders_take_effect_task,
    sweep_missed_instalments_task,
)
from jiefen.publication.tasks import prepare_publications_task
from jiefen.risk.tasks import detect_warnings_task
from jiefen.service.tasks import service_sweep_task
from jiefen.webhooks.tasks import deliver_webhooks_task

# Date-driven sweeps: the legal consequence of a day having passed (deadline, objection period,
# grace period). Each runs daily and again as an hourly catch-up.
DAILY_SWEEPS: tuple[Task, ...] = (
    expire_mediations_task,
    payment_orders_take_effect_task,
    sweep_missed_instalments_task,
    decisions_sweep_task,
    prepare_applications_task,
    settlement_sweep_task,
    reinquiry_sweep_task,
    delisting_sweep_task,
    prepare_publications_task,
    detect_warnings_task,
)

for sweep in DAILY_SWEEPS:
    periodic(cron=settings.JIEFEN_SWEEP_DAILY_CRON, periodic_id="daily")(sweep)
    periodic(cron=settings.JIEFEN_SWEEP_CATCH_UP_CRON, periodic_id="catch-up")(sweep)

# Bulk jobs whose worker died are queued again (their chunks are idempotent).
periodic(cron=settings.JIEFEN_INTAKE_RESUME_CRON)(resume_stale_batches)
periodic(cron=settings.JIEFEN_FILING_RESUME_CRON)(resume_stale_jobs)

# Service: retries, fallback to post and public notice, public notice periods ending. Often,
# because a retry is due an hour after a failure; the sweep moves nothing twice.
periodic(cron=settings.JIEFEN_SERVICE_SWEEP_CRON)(service_sweep_task)

# Hearings: served cases get their hearing confirmed, or moved with a new summons (hourly, after
# the service sweep has settled the services).
periodic(cron=settings.JIEFEN_SWEEP_CATCH_UP_CRON, periodic_id="hearings")(confirm_hearings_task)

# Enforcement: the registries answer inquiries asynchronously; their answers are collected often
# (a pending inquiry is asked again until it is answered).
periodic(cron=settings.JIEFEN_REGISTRY_COLLECT_CRON)(collect_answers_task)

# Webhooks: new events collected from the stages' append-only tables, due deliveries (first
# attempts and retries with backoff) sent; each delivery goes out once, whatever the workers.
periodic(cron=settings.JIEFEN_WEBHOOK_CRON)(deliver_webhooks_task)
