"""`jiefen intake_resume`: queue again the batches whose worker stopped (killed, machine lost)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiefen.intake.actions import process_batch, stale_batches
from jiefen.intake.tasks import enqueue_import


class Command(BaseCommand):
    help = "恢复中断的批次导入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--older-than", type=int, default=120, help="无进展超过多少秒视为中断")
        parser.add_argument("--now", action="store_true", help="在本进程中完成，而不是交给任务进程")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = stale_batches(timedelta(seconds=options["older_than"]))
        for batch_id in ids:
            if options["now"]:
                process_batch(batch_id)
            else:
                enqueue_import(batch_id)
        self.stdout.write(f"已恢复 {len(ids)} 个批次：{ids}")
