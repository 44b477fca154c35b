"""Background tasks: Django's django.tasks API on the django-tasks-db backend.

`jiefen worker` runs the task worker with the periodic scheduler (django-tasks-concurrent)
beside it; the schedules below are cron lines read in TIME_ZONE (Asia/Shanghai), and every job
on them is declared in `jiefen.scheduling.schedule`.
"""

from jiefen.settings.env import env, env_bool

TASKS = {
    "default": {
        "BACKEND": env("JIEFEN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The daily sweeps (mediation expiry, payment orders taking effect, missed instalments) run
# just after the legal day changes; the hourly catch-up reruns them (they move nothing twice),
# so a worker that was down at 00:30, or a run that failed, is made good within the hour.
JIEFEN_SWEEP_DAILY_CRON = env("JIEFEN_SWEEP_DAILY_CRON", "30 0 * * *")
JIEFEN_SWEEP_CATCH_UP_CRON = env("JIEFEN_SWEEP_CATCH_UP_CRON", "45 * * * *")
# Batches whose worker died (no progress for JIEFEN_INTAKE_RESUME_AFTER seconds) are queued again.
JIEFEN_INTAKE_RESUME_CRON = env("JIEFEN_INTAKE_RESUME_CRON", "*/5 * * * *")
JIEFEN_INTAKE_RESUME_AFTER = int(env("JIEFEN_INTAKE_RESUME_AFTER", "600"))
# Filing jobs run in chunks of JIEFEN_FILING_CHUNK cases (one transaction each); a job with no
# progress for JIEFEN_FILING_RESUME_AFTER seconds is queued again (chunks are idempotent).
# JIEFEN_FILING_THROTTLE_MS pauses after each chunk (to spare a shared database, or in tests).
JIEFEN_FILING_CHUNK = int(env("JIEFEN_FILING_CHUNK", "50"))
JIEFEN_FILING_THROTTLE_MS = int(env("JIEFEN_FILING_THROTTLE_MS", "0"))
JIEFEN_FILING_RESUME_CRON = env("JIEFEN_FILING_RESUME_CRON", "*/5 * * * *")
JIEFEN_FILING_RESUME_AFTER = int(env("JIEFEN_FILING_RESUME_AFTER", "600"))
# A slot the scheduler missed by more than this (no worker running) is skipped, not replayed;
# the hourly catch-up covers the daily slot.
PERIODIC_MAX_DELAY_SECONDS = 600
# Service (送达): a failed e-service attempt is tried JIEFEN_SERVICE_RETRIES more times,
# JIEFEN_SERVICE_RETRY_AFTER seconds apart; e-service delivered to an unconfirmed address and not
# read within JIEFEN_SERVICE_READ_WAIT seconds falls back to post; a mailing without a receipt after
# JIEFEN_SERVICE_POST_WAIT seconds counts as undelivered. The sweep runs on JIEFEN_SERVICE_SWEEP_CRON.
JIEFEN_SERVICE_RETRIES = int(env("JIEFEN_SERVICE_RETRIES", "2"))
JIEFEN_SERVICE_RETRY_AFTER = int(env("JIEFEN_SERVICE_RETRY_AFTER", "3600"))
JIEFEN_SERVICE_READ_WAIT = int(env("JIEFEN_SERVICE_READ_WAIT", str(3 * 86400)))
JIEFEN_SERVICE_POST_WAIT = int(env("JIEFEN_SERVICE_POST_WAIT", str(15 * 86400)))
JIEFEN_SERVICE_SWEEP_CRON = env("JIEFEN_SERVICE_SWEEP_CRON", "*/10 * * * *")
JIEFEN_SERVICE_CHUNK = int(env("JIEFEN_SERVICE_CHUNK", "500"))
# Enforcement: answers of the asset registries to pending online inquiries (网络查控) are fetched
# on JIEFEN_REGISTRY_COLLECT_CRON; the re-inquiry of cases terminated for now is a daily sweep.
JIEFEN_REGISTRY_COLLECT_CRON = env("JIEFEN_REGISTRY_COLLECT_CRON", "*/5 * * * *")
# Webhooks: new events collected and due deliveries sent (jiefen.webhooks.tasks; docs/webhooks.md).
JIEFEN_WEBHOOK_CRON = env("JIEFEN_WEBHOOK_CRON", "* * * * *")
# One POST may take JIEFEN_WEBHOOK_TIMEOUT seconds; a failed delivery waits JIEFEN_WEBHOOK_BACKOFF
# seconds, doubled after each further failure up to JIEFEN_WEBHOOK_BACKOFF_CAP, and is given up
# after JIEFEN_WEBHOOK_MAX_ATTEMPTS. Events are read again for JIEFEN_WEBHOOK_SETTLE seconds, so
# a transaction that commits late is not skipped (see `webhooks.actions.collect`).
# JIEFEN_WEBHOOK_ALLOW_PRIVATE off refuses URLs on loopback, private or link-local addresses: a
# court whose banks connect over the internet turns it off, so a registered URL cannot make
# jiefen call into the court's own network.
JIEFEN_WEBHOOK_TIMEOUT = float(env("JIEFEN_WEBHOOK_TIMEOUT", "10"))
JIEFEN_WEBHOOK_BACKOFF = max(1, int(env("JIEFEN_WEBHOOK_BACKOFF", "60")))
JIEFEN_WEBHOOK_BACKOFF_CAP = max(1, int(env("JIEFEN_WEBHOOK_BACKOFF_CAP", str(6 * 3600))))
JIEFEN_WEBHOOK_MAX_ATTEMPTS = max(1, int(env("JIEFEN_WEBHOOK_MAX_ATTEMPTS", "8")))
JIEFEN_WEBHOOK_SETTLE = max(0, int(env("JIEFEN_WEBHOOK_SETTLE", "300")))
JIEFEN_WEBHOOK_ALLOW_PRIVATE = env_bool("JIEFEN_WEBHOOK_ALLOW_PRIVATE", default=True)
