"""Reading external feeds (行政处罚、投诉、工商登记) from CSV or JSON records.

One record per row; the columns are `COLUMNS` (docs/risk.md has an example). A bad row gets
"第N行「字段」：原因" and is left out; the good rows are kept. N is the line of the CSV file
(the header is line 1) or the position of the JSON record (the first is 1). Nothing here
writes: `jiefen.risk.actions.import_feed_csv` / `import_feed_records` store what this returns.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jiefen.law.identifiers import is_valid_uscc
from jiefen.risk.models import FeedSource

# column → its Chinese name in the error messages
COLUMNS: dict[str, str] = {
    "source": "来源",
    "external_id": "来源编号",
    "firm_name": "企业名称",
    "uscc": "统一社会信用代码",
    "division_code": "行政区划代码",
    "occurred_on": "发生日期",
    "detail": "内容",
    "amount": "金额",
    "business_scope": "经营范围",
    "registered_capital": "注册资本（万元）",
}
_OTHER = {"file": "文件", "header": "表头", "record": "记录"}
REQUIRED = ("source", "external_id", "firm_name", "occurred_on")
SOURCES = {
    **{s.value: s.value for s in FeedSource},
    **{s.label: s.value for s in FeedSource},
}
MAX_LENGTH = {"external_id": 64, "firm_name": 200, "uscc": 18}


@dataclass
class FeedError:
    row: int
    field: str
    reason: str

    @property
    def message(self) -> str:
        name = COLUMNS.get(self.field) or _OTHER.get(self.field, self.field)
        return f"第{self.row}行「{name}」：{self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "field": self.field,
            "reason": self.reason,
            "message": self.message,
        }


@dataclass
class Parsed:
    records: list[dict[str, Any]]  # clean FeedRecord field values
    errors: list[FeedError]
    rows: int


def _money(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if not value.is_finite() or value < 0:
        raise InvalidOperation
    return value.quantize(Decimal("0.01"))


def clean_record(raw: dict[str, Any], row: int) -> tuple[dict[str, Any] | None, list[FeedError]]:
    """One record's values, or None with the reasons it was refused."""
    values = {k: ("" if raw.get(k) is None else str(raw.get(k)).strip()) for k in COLUMNS}
    errors = [FeedError(row, k, "不能为空") for k in REQUIRED if not values[k]]
    for key, limit in MAX_LENGTH.items():
        if len(values[key]) > limit:
            errors.append(FeedError(row, key, f"超过{limit}个字符"))
    out: dict[str, Any] = {
        k: values[k] for k in ("external_id", "firm_name", "detail", "business_scope")
    }
    if values["source"]:
        if values["source"] in SOURCES:
            out["source"] = SOURCES[values["source"]]
        else:
            errors.append(
                FeedError(
                    row, "source", "应为 penalty/complaint/registration（行政处罚/投诉/工商登记）"
                )
            )
    uscc = values["uscc"].upper()
    if uscc and not is_valid_uscc(uscc):
        errors.append(FeedError(row, "uscc", f"「{uscc}」不是有效的统一社会信用代码"))
    out["uscc"] = uscc
    division = values["division_code"]
    if division and not (len(division) == 6 and division.isdigit()):
        errors.append(FeedError(row, "division_code", "应为6位数字"))
    out["division_code"] = division
    if values["occurred_on"]:
        try:
            out["occurred_on"] = date.fromisoformat(values["occurred_on"])
        except ValueError:
            errors.append(
                FeedError(
                    row, "occurred_on", f"「{values['occurred_on']}」不是YYYY-MM-DD格式的日期"
                )
            )
    for key in ("amount", "registered_capital"):
        out[key] = None
        if values[key]:
            try:
                out[key] = _money(values[key])
            except InvalidOperation:
                errors.append(FeedError(row, key, f"「{values[key]}」不是非负金额"))
    return (None, errors) if errors else (out, [])


def _parse(numbered: list[tuple[int, Any]]) -> Parsed:
    good, errors = [], []
    for row, raw in numbered:
        if not isinstance(raw, dict):
            errors.append(FeedError(row, "record", "不是JSON对象"))
            continue
        record, problems = clean_record(raw, row)
        errors.extend(problems)
        if record is not None:
            good.append(record)
    return Parsed(good, errors, len(numbered))


def parse_records(records: list[Any]) -> Parsed:
    """JSON records (the API's payload): row N is the N-th record."""
    return _parse(list(enumerate(records, start=1)))


def parse_csv(data: bytes) -> Parsed:
    """A UTF-8 CSV file (a BOM is allowed) with a header row; blank lines are skipped."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed([], [FeedError(1, "file", "文件不是UTF-8编码")], 0)
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        names = "、".join(f"{c}（{COLUMNS[c]}）" for c in missing)
        return Parsed([], [FeedError(1, "header", f"缺少列 {names}")], 0)
    reader.fieldnames = header
    numbered = []
    for raw in reader:
        if any(isinstance(v, str) and v.strip() for v in raw.values()):
            numbered.append((reader.line_num, raw))
    return _parse(numbered)
