"""`jiefen gen_batch`: write a realistic generated batch (CSV or XLSX) for demos and tests."""

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from jiefen.intake.format import CARD, LOAN
from jiefen.intake.generator import write_batch

TYPES = {"credit_card": CARD, "loan": LOAN, "financial_loan": LOAN}


class Command(BaseCommand):
    help = "生成一个模拟批次文件（CSV 或 XLSX）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--type", choices=sorted(TYPES), required=True)
        parser.add_argument("--cases", type=int, required=True)
        parser.add_argument("--bad-fraction", type=float, default=0.0)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="输出文件（.csv 或 .xlsx）")
        parser.add_argument("--encoding", default="utf-8", help="CSV 编码：utf-8、gbk 或 gb18030")
        parser.add_argument("--prefix", default=None, help="合同编号前缀")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if out.suffix.lower() not in (".csv", ".xlsx"):
            raise CommandError("--out 须以 .csv 或 .xlsx 结尾")
        if not 0 <= options["bad_fraction"] < 1:
            raise CommandError("--bad-fraction 须在 0 与 1 之间")
        info = write_batch(
            out,
            TYPES[options["type"]],
            options["cases"],
            bad_fraction=options["bad_fraction"],
            seed=options["seed"],
            encoding=options["encoding"],
            prefix=options["prefix"],
        )
        self.stdout.write(
            json.dumps({"file": str(out), "rows": info.rows, "bad": info.bad}, ensure_ascii=False)
        )
