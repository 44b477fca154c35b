"""`jiefen worker`: the task worker (django-tasks-db) with the periodic scheduler beside it.

This is the one command a deployment runs, once or on several machines: the worker takes tasks
from the queue as `db_worker` does (same options), and a daemon thread enqueues the periodic
jobs of `jiefen.scheduling.schedule` when their slot comes. Every worker may schedule: each slot
is claimed by one row under a unique constraint, so one of them enqueues it.
"""

from __future__ import annotations

import logging
import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_concurrent.scheduler import run_scheduler_thread
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jiefen.scheduling import schedule  # noqa: F401  (registers every periodic job)


class Command(DbWorkerCommand):
    help = "后台任务进程，并按计划触发定时任务（调解期满、支付令生效、分期逾期、批次恢复）"

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-scheduler",
            action="store_false",
            dest="scheduler",
            help="只处理任务，不触发定时任务（其他任务进程负责调度时可用，非必需）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # With --reload the parent only restarts a child that runs the worker: schedule there.
        in_worker_process = not options["reload"] or os.environ.get(DJANGO_AUTORELOAD_ENV)
        if options.pop("scheduler") and in_worker_process:
            log = logging.getLogger("django_tasks_concurrent")
            log.setLevel(logging.INFO if options["verbosity"] else logging.WARNING)
            if not log.hasHandlers():
                log.addHandler(logging.StreamHandler(self.stdout))
            run_scheduler_thread()
        super().handle(*args, **options)
