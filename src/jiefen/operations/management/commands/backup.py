"""`jiefen backup --out DIR`: database, stored documents and key material, each file verified."""

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.operations.backup import make_backup, remove_incomplete, summary
from jiefen.operations.manifest import BackupError


class Command(BaseCommand):
    help = "备份数据库、全部文书文件与密钥材料（逐一校验 SHA-256），写入新的备份目录"
    # A backup must run even if a system check complains; restore runs before `migrate` too.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, help="备份目录（须不存在或为空）")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"]).resolve()
        try:
            manifest = make_backup(out, progress=self.stderr.write)
        except BackupError as exc:
            if out.is_dir() and not (out / "manifest.json").exists():
                remove_incomplete(out)
            raise CommandError(str(exc)) from exc
        for note in manifest["secrets"]["notice"]:
            self.stderr.write(f"注意：{note}")
        for problem in manifest["problems"]:
            self.stderr.write(f"问题：{problem}")
        self.stdout.write(json.dumps(summary(manifest, out), ensure_ascii=False))
        if not manifest["ok"]:
            self.stderr.write("备份已写入，但有文件未通过校验（见上）：该备份不完整")
            sys.exit(1)
