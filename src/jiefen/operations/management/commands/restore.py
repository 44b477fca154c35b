"""`jiefen restore DIR [--force]`: restore a backup and prove it (audit chain, document hashes)."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from jiefen.operations.manifest import BackupError, read
from jiefen.operations.restore import restore
from jiefen.operations.verify import verify_installation


class Command(BaseCommand):
    help = "将备份恢复到 DATABASE_URL 所指的数据库与文书存储，并校验审计链与文书哈希"
    # A backup must run even if a system check complains; restore runs before `migrate` too.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("directory", help="jiefen backup 生成的备份目录")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时仍以备份替换其内容"
        )
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="不恢复，只按备份清单校验当前数据库与存储（审计链、文书哈希、行数、密钥）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["directory"]).resolve()
        try:
            if options["verify_only"]:
                result = verify_installation(read(directory))
            else:
                result = restore(directory, force=options["force"], progress=self.stderr.write)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        except DatabaseError as exc:
            raise CommandError(f"数据库无法读取（是否尚未恢复或未迁移？）：{exc}") from exc
        for problem in result["problems"]:
            self.stderr.write(f"问题：{problem}")
        self.stdout.write(json.dumps(result, ensure_ascii=False))
        if not result["ok"]:
            self.stderr.write("恢复未通过校验（见上）")
            sys.exit(1)
