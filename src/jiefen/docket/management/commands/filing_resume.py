"""`jiefen filing_resume`: queue again the unfinished chunks of filing jobs whose worker stopped."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiefen.docket.actions import stale_jobs
from jiefen.docket.tasks import resume, run_job


class Command(BaseCommand):
    help = "恢复中断的批量立案任务（重新排队未完成的分块）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=120, help="无进展超过多少秒视为中断")
        parser.add_argument("--now", action="store_true", help="在本进程中完成，而不是交给任务进程")

    def handle(self, *args: Any, **options: Any) -> None:
        older_than = timedelta(seconds=options["older_than"])
        if options["now"]:
            ids = stale_jobs(older_than)
            for job_id in ids:
                run_job(job_id, inline=True)
        else:
            ids = resume(older_than)
        self.stdout.write(f"已恢复 {len(ids)} 个批量立案任务：{ids}")
