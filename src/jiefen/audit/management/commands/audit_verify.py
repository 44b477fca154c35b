"""`jiefen audit_verify`: recompute the audit hash chain; exit 1 naming the first broken record."""

import sys
from typing import Any

from django.core.management.base import BaseCommand

from jiefen.audit.chain import verify


class Command(BaseCommand):
    help = "校验审计记录哈希链"

    def handle(self, *args: Any, **options: Any) -> None:
        checked, broken = verify()
        if broken is not None:
            self.stderr.write(
                f"审计链断裂：第 {broken.seq} 条记录：{broken.reason}（此前 {checked} 条完好）"
            )
            sys.exit(1)
        self.stdout.write(f"审计链完好：共 {checked} 条记录")
