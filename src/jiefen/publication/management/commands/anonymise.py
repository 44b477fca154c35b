"""`jiefen anonymise FILE.txt [--person NAME …] [--organisation NAME …]`: print the text of a
UTF-8 file anonymised as a judgment is for publication (法释〔2016〕19号, legal-rules §6)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.law.anonymisation import anonymise


class Command(BaseCommand):
    help = "按裁判文书公开规则对文本进行隐名处理并输出"
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="UTF-8 文本文件")
        parser.add_argument(
            "--person", action="append", default=[], help="须隐名的自然人姓名（可多次）"
        )
        parser.add_argument(
            "--organisation", action="append", default=[], help="保留原名的机构名称或住所（可多次）"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"文件不存在：{path}") from None
        except IsADirectoryError:
            raise CommandError(f"不是文件：{path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"文件不是 UTF-8 编码的文本：{path}") from None
        result = anonymise(text, options["person"], options["organisation"])
        self.stdout.write(result.text, ending="" if result.text.endswith("\n") else "\n")
