"""Periodic work: every scheduled job of jiefen on one scheduler, started with the task worker.

The scheduler is django-tasks-concurrent's `@periodic` (see README, "Periodic work"): each job is
a `django.tasks` task declared once in `schedule.py`; `jiefen worker` runs django-tasks-db's worker
with the scheduler beside it. Each slot of a schedule is claimed by one database row under a unique
constraint, so however many workers run, one of them enqueues each slot; the jobs themselves are
idempotent too, so a re-run (a catch-up slot, a retry) moves nothing twice.
"""
