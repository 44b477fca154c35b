"""The error report a bank downloads (CSV or XLSX), and the blank XLSX template.

Cells that a spreadsheet would run as a formula (starting with = + - @ or a tab / carriage
return) are prefixed with an apostrophe, so a hostile value copied from a bank's own file into
the report cannot execute when the bank opens it (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from jiefen.intake import format as fmt
from jiefen.intake.models import Batch, BatchError

HEADERS = ["行号", "列", "原因", "原值", "类别"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _rows(errors: Iterable[BatchError]) -> Iterable[list[str]]:
    for e in errors:
        yield [
            str(e.row) if e.row else "文件",
            neutralise(e.column),
            neutralise(e.reason),
            neutralise(e.value),
            e.get_kind_display(),
        ]


def errors_csv(batch: Batch) -> bytes:
    """UTF-8 with BOM, so Excel on a Chinese Windows opens it with the right encoding."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADERS)
    writer.writerows(_rows(batch.errors.order_by("row", "id").iterator(chunk_size=2000)))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def errors_xlsx(batch: Batch) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("错误报告")
    sheet.append(HEADERS)
    for row in _rows(batch.errors.order_by("row", "id").iterator(chunk_size=2000)):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_xlsx(case_type: str) -> bytes:
    """Blank batch template: the header row in Chinese, and a second sheet with the column guide."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    columns = fmt.columns_for(case_type)
    book = Workbook()
    sheet = book.active
    sheet.title = "批次"
    sheet.append([c.header for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FDE8E8")
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "必填", "格式", "说明"])
    kinds = {
        "text": "文本",
        "id": "身份证号码",
        "mobile": "手机号码",
        "date": "日期",
        "money": "金额（元）",
        "rate": "百分数",
        "number": "数字",
        "bool": "是/否",
        "choice": "选项",
        "list": "列表",
    }
    for c in columns:
        guide.append(
            [
                c.header,
                "是" if c.required else "否",
                kinds[c.kind],
                c.guide + ("：" + "、".join(c.choices) if c.choices else ""),
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
