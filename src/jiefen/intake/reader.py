"""Reading a batch file into a table of strings, refusing hostile files early and cheaply.

Two steps. `sniff` runs in the web request and does only what is cheap and bounded (size, file
type, the text encoding of the head and the CSV header, the XLSX zip directory); `read_table`,
which parses the whole file, runs in the task worker, never in a request.

Every refusal happens within bounded memory and time and says why in Chinese:
- files above `MAX_BYTES` are refused before being read;
- CSV: binary content (NUL bytes, control characters), an XLSX or other archive with a .csv
  name, UTF-16, and text that is neither UTF-8 nor GB18030 (the superset of GBK that Chinese
  bank systems export) are refused;
- XLSX: the zip directory is checked before anything is decompressed (member count, total
  uncompressed size, compression ratio of each member and of the whole archive: zip bombs; real
  sheets compress about 10:1, a bomb of repeated cells 100:1 and more), XML members are scanned
  (bounded) for
  DOCTYPE/ENTITY declarations (entity expansion tricks), and the sheet's declared dimension is
  checked against the row and column limits before the sheet is parsed;
- more than `MAX_ROWS` data rows or `MAX_COLUMNS` columns are refused.
Cells are read as text; the validator parses them, so a cell is never silently coerced.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass

import polars as pl
from django.conf import settings

from jiefen.intake.format import BY_HEADER, columns_for, detect_case_type

MAX_BYTES: int = getattr(settings, "JIEFEN_INTAKE_MAX_BYTES", 200 * 1024 * 1024)
MAX_ROWS: int = getattr(settings, "JIEFEN_INTAKE_MAX_ROWS", 200_000)
MAX_COLUMNS = 200
MAX_ZIP_MEMBERS = 2_000
# What a sheet of MAX_ROWS rows inflates to, and the compression a real sheet never reaches
# (generated and Excel-saved sheets compress about 10:1).
MAX_UNCOMPRESSED: int = getattr(settings, "JIEFEN_INTAKE_MAX_UNCOMPRESSED", 700 * 1024 * 1024)
MAX_RATIO: int = getattr(settings, "JIEFEN_INTAKE_MAX_ZIP_RATIO", 60)
RATIO_FLOOR = 2 * 1024 * 1024  # small members may compress further; they cannot bomb
_HEAD = 1024 * 1024  # what the request reads of a CSV: enough for the encoding and the header
_SCAN = 64 * 1024

_DIMENSION = re.compile(rb'<dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"')


NO_ROWS = "文件没有数据行（只有表头），一个批次至少应包含一行数据"


class FileRefused(Exception):
    """The file cannot be read as a batch; the message is shown to the bank (Chinese)."""


@dataclass(frozen=True)
class Table:
    case_type: str
    frame: pl.DataFrame  # columns renamed to format keys, every cell a string ("" when empty)
    headers: dict[str, str]  # key -> header as it appeared
    encoding: str


@dataclass(frozen=True)
class Sniffed:
    kind: str  # "csv" | "xlsx"
    case_type: str  # "" for an XLSX: its header is read by the worker


def _kind(data: bytes, file_name: str) -> str:
    """csv or xlsx, from the name and the content, which must agree."""
    if len(data) > MAX_BYTES:
        raise FileRefused(
            f"文件过大（{len(data) // 1024 // 1024} MB），上限为 {MAX_BYTES // 1024 // 1024} MB"
        )
    if not data.strip():
        raise FileRefused("文件为空")
    is_zip = data[:4] == b"PK\x03\x04"
    name = file_name.lower()
    if name.endswith((".xlsx", ".xlsm")):
        if not is_zip:
            raise FileRefused("文件扩展名为 .xlsx，但内容不是 Excel 工作簿")
        return "xlsx"
    if name.endswith(".xls"):
        raise FileRefused("不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV")
    if is_zip or data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRefused("文件内容是压缩包或 Excel 文件，与 .csv 扩展名不符")
    return "csv"


def sniff(data: bytes, file_name: str) -> Sniffed:
    """The checks an upload gets in the request, before a batch is created: bounded work only.

    An XLSX's zip directory is checked without inflating the sheet (bombs are refused here);
    a CSV's head is decoded and its header checked. Nothing is parsed beyond the header.
    """
    kind = _kind(data, file_name)
    if kind == "xlsx":
        _check_zip(data)
        return Sniffed("xlsx", "")
    text, _encoding = _decode(data[:_HEAD], partial=len(data) > _HEAD)
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    if first_line.count(",") + 1 > MAX_COLUMNS:
        raise FileRefused(f"列数超过上限 {MAX_COLUMNS}")
    headers = [h.strip() for h in next(csv.reader([first_line.rstrip("\r")]), [])]
    case_type = _case_type(headers)
    rest = text.split("\n", 1)[1] if "\n" in text else ""
    if len(data) <= _HEAD and not rest.strip():
        raise FileRefused(NO_ROWS)
    return Sniffed("csv", case_type)


def read_table(data: bytes, file_name: str) -> Table:
    """Parse `data` (CSV or XLSX, decided by content and name) into a Table, or refuse it.

    The full parse: run it in the task worker, never in a web request.
    """
    if _kind(data, file_name) == "xlsx":
        frame, encoding = _read_xlsx(data), "xlsx"
    else:
        text, encoding = _decode(data)
        frame = _read_csv(text)
    return _to_table(frame, encoding)


# --------------------------------------------------------------------------- CSV


def _decode(data: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Text and encoding; `partial` when `data` is a head cut anywhere (even inside a character)."""
    head = data[:_HEAD]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused("文件为 UTF-16 编码，请另存为 UTF-8 或 GBK 编码的 CSV")
    if b"\x00" in head:
        raise FileRefused("文件含二进制内容，不是文本格式的 CSV")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "gb18030"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=not partial)
        except UnicodeDecodeError:
            continue
        sample = text[:_SCAN]
        control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n")
        if control > max(8, len(sample) // 200):
            raise FileRefused("文件含大量控制字符，不是文本格式的 CSV")
        return text, encoding
    raise FileRefused("无法识别文件的文字编码，请使用 UTF-8 或 GBK/GB18030 编码")


def _read_csv(text: str) -> pl.DataFrame:
    first_line = text.split("\n", 1)[0]
    if first_line.count(",") + 1 > MAX_COLUMNS:
        raise FileRefused(f"列数超过上限 {MAX_COLUMNS}")
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            infer_schema=False,
            n_rows=MAX_ROWS + 1,
            raise_if_empty=True,
            truncate_ragged_lines=False,
        )
    except (pl.exceptions.PolarsError, ValueError) as exc:
        raise FileRefused(f"CSV 格式错误，无法解析：{str(exc).splitlines()[0][:120]}") from None
    return frame


# --------------------------------------------------------------------------- XLSX


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _check_zip(data: bytes) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise FileRefused("Excel 文件已损坏，无法打开") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise FileRefused("Excel 文件内部结构异常（成员过多）")
        total = sum(m.file_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise FileRefused(
                f"Excel 文件解压后体积过大（{total // 1024 // 1024} MB，上限为 "
                f"{MAX_UNCOMPRESSED // 1024 // 1024} MB，疑似压缩炸弹），已拒绝"
            )
        if total > RATIO_FLOOR and total > MAX_RATIO * len(data):
            raise FileRefused(
                f"Excel 文件压缩比异常（{total // max(len(data), 1)}:1，正常表格约 10:1，"
                "疑似压缩炸弹），已拒绝"
            )
        for m in members:
            if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                raise FileRefused("Excel 文件压缩比异常（疑似压缩炸弹），已拒绝")
        if "xl/workbook.xml" not in archive.namelist():
            raise FileRefused("不是有效的 Excel 工作簿（缺少 workbook.xml）")
        for m in members:
            if not m.filename.endswith((".xml", ".rels", ".vml")):
                continue
            with archive.open(m) as stream:
                head = stream.read(_SCAN)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise FileRefused("Excel 文件含有 XML 实体声明（DOCTYPE/ENTITY），已拒绝")
            if m.filename.startswith("xl/worksheets/"):
                match = _DIMENSION.search(head)
                if match and match.group(4):
                    rows = int(match.group(4))
                    cols = _col_number(match.group(3))
                    if rows > MAX_ROWS + 1 or cols > MAX_COLUMNS:
                        raise FileRefused(
                            f"工作表尺寸异常（{rows} 行 × {cols} 列），上限为 {MAX_ROWS} 行、{MAX_COLUMNS} 列"
                        )


def _read_xlsx(data: bytes) -> pl.DataFrame:
    _check_zip(data)
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        sheet = reader.load_sheet(0, n_rows=MAX_ROWS + 1, dtypes="string")
        frame = sheet.to_polars()
    except Exception as exc:  # fastexcel raises its own error types for broken sheets
        raise FileRefused(f"Excel 文件无法读取：{str(exc).splitlines()[0][:120]}") from None
    if frame.width > MAX_COLUMNS:
        raise FileRefused(f"列数超过上限 {MAX_COLUMNS}")
    return frame


# --------------------------------------------------------------------------- common


def _case_type(headers: list[str]) -> str:
    """The batch's case type from its header row, or a refusal naming what is missing."""
    case_type = detect_case_type(headers)
    if case_type is None:
        raise FileRefused(
            "无法识别批次类型：表头中既没有「信用卡卡号」也没有「实际发放金额」，请使用模板"
        )
    missing = [c.header for c in columns_for(case_type) if c.required and c.header not in headers]
    if missing:
        raise FileRefused("缺少必填列：" + "、".join(missing))
    return case_type


def _to_table(frame: pl.DataFrame, encoding: str) -> Table:
    if frame.height == 0:
        raise FileRefused(NO_ROWS)
    if frame.height > MAX_ROWS:
        raise FileRefused(f"数据行数超过上限 {MAX_ROWS} 行，请拆分为多个批次")
    headers = [str(h).strip() for h in frame.columns]
    case_type = _case_type(headers)
    rename: dict[str, str] = {}
    seen: dict[str, str] = {}
    for original, header in zip(frame.columns, headers, strict=True):
        column = BY_HEADER.get(header)
        if column is not None and case_type in column.types and column.key not in seen:
            rename[original] = column.key
            seen[column.key] = header
    frame = frame.select(list(rename)).rename(rename)
    frame = frame.with_columns(pl.all().cast(pl.String).fill_null("").str.strip_chars())
    frame = frame.with_columns(
        *[pl.lit("").alias(c.key) for c in columns_for(case_type) if c.key not in seen]
    )
    return Table(case_type=case_type, frame=frame, headers=seen, encoding=encoding)
