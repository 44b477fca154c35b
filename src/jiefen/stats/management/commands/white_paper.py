"""`jiefen white_paper --period 2026 --out FILE.pdf [--court 渝0105]`: write the white paper."""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q
from pypdf import PdfReader

from jiefen.accounts.models import Organisation, OrganisationKind
from jiefen.stats.periods import parse_period


class Command(BaseCommand):
    help = "生成金融审判白皮书（PDF）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--period", required=True, help="统计期间：2026、2026-Q4 或 2026-11")
        parser.add_argument("--out", required=True, help="输出的 PDF 文件路径")
        parser.add_argument(
            "--court", default="", help="法院代码或法院代字，如 渝0105；不填为全平台"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            period = parse_period(options["period"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        court = None
        if code := options["court"].strip():
            court = Organisation.objects.filter(
                Q(code=code) | Q(court_code=code), kind=OrganisationKind.COURT
            ).first()
            if court is None:
                raise CommandError(f"法院「{code}」不存在（请填写法院代码或法院代字，如 渝0105）")
        out = Path(options["out"])
        folder = out.parent if str(out.parent) else Path(".")
        if out.is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
            raise CommandError(f"无法写入文件「{out}」：目录不存在或没有写入权限")
        from jiefen.stats.white_paper import render_white_paper

        pdf = render_white_paper(period, court)
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise CommandError(f"无法写入文件「{out}」：{exc.strerror}") from exc
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        self.stdout.write(f"已生成白皮书，共{pages}页：{out}")
