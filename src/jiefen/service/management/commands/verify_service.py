"""`jiefen verify_service --case 案号`: prove a case's service evidence is intact.

Re-reads every stored file of the case's service against its SHA-256, validates the court's
signatures, recomputes receipt and message digests and compares each proof's evidence bundle
with the records (jiefen.service.proof.verify_case). Exit 0: all checks pass; 1: a check
failed; 2: no case has that number.
"""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from jiefen.cases.models import Case
from jiefen.service.verification import verify_case


class Command(BaseCommand):
    help = "核验案件的送达证据（文书摘要、电子签章、回执、送达凭证）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--case", required=True, help="案号，如（2025）渝0105民初1号")

    def handle(self, *args: Any, **options: Any) -> None:
        number = options["case"].strip()
        case = Case.objects.filter(case_number=number).first()
        if case is None:
            self.stderr.write(f"未找到案号为 {number} 的案件")
            sys.exit(2)
        checks = verify_case(case)
        for c in checks:
            mark = "ℹ" if c.info else ("✓" if c.ok else "✗")
            self.stdout.write(f"{mark} {c.what}：{c.detail}")
        failed = [c for c in checks if not c.ok]
        if failed:
            self.stdout.write(f"核验未通过：共 {len(checks)} 项，{len(failed)} 项不符（{number}）")
            sys.exit(1)
        self.stdout.write(f"核验全部通过：共 {len(checks)} 项（{number}）")
