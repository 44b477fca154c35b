"""Column-wise checks over a whole batch (polars): which rows need no per-row diagnosis.

`clean_rows` runs every check of `jiefen.intake.validate` that can be written per column —
required cells, lengths, ID numbers (GB 11643-1999: format, province, birth date and the ISO 7064
MOD 11-2 weighted sum over the 17 digit columns), mobiles, amounts in integer fen, the seven
components summing to 标的总额, strict ISO dates and their order, 是/否 cells, choices, the
guarantors — and marks the rows that pass all of them. Those rows are parsed without repeating
the checks (`validate.validate_rows(trusted=…)`); every other row gets the full per-row check,
which alone words the errors. The mask is deliberately conservative: a row it is unsure about
(a date written 2024/1/5, an amount with a thousands separator) simply takes the per-row path,
so the verdict for every row is exactly the per-row one.
"""

from __future__ import annotations

import polars as pl

from jiefen.intake import format as fmt
from jiefen.intake.reader import Table
from jiefen.law.identifiers import province_prefixes

_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_ID_CHECK = "10X98765432"
_TRUE = ["是", "y", "yes", "true", "1", "√", "有"]
_TRUE_FALSE = [*_TRUE, "否", "n", "no", "false", "0", "×", "无"]
_MAX_FEN_DIGITS = 13  # integer yuan digits; 7 such amounts in fen still fit in Int64
_MOBILE = r"^1[3-9]\d{9}$"
_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
_RATE = r"^(0|[1-9]\d{0,3})(\.\d{1,6})?$"


def _valid_id(col: pl.Expr, provinces: list[str]) -> pl.Expr:
    """GB 11643-1999: 17 digits + check character, known province, real birth date ≥ 1900."""
    digits = [col.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(17)]
    total = pl.sum_horizontal([d * w for d, w in zip(digits, _ID_WEIGHTS, strict=True)])
    check = pl.lit(list(_ID_CHECK)).list.get(total % 11)
    birth = col.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    return (
        col.str.contains(r"^\d{17}[\dX]$")
        & col.str.slice(0, 2).is_in(provinces)
        & birth.is_not_null()
        & (birth.dt.year() >= 1900)
        & (col.str.slice(17, 1) == check)
    ).fill_null(False)


def _fen(col: pl.Expr) -> pl.Expr:
    """A money cell in integer fen (null when empty or not in the strict form)."""
    whole = col.str.extract(r"^(\d+)", 1).cast(pl.Int64, strict=False)
    frac = col.str.extract(r"\.(\d{1,2})$", 1).str.pad_end(2, "0").cast(pl.Int64, strict=False)
    return whole * 100 + frac.fill_null(0)


def _money_ok(col: pl.Expr) -> pl.Expr:
    return col.str.contains(rf"^\d{{1,{_MAX_FEN_DIGITS}}}(\.\d{{1,2}})?$")


def _date(col: pl.Expr) -> pl.Expr:
    return pl.when(col.str.contains(_ISO_DATE)).then(col.str.to_date("%Y-%m-%d", strict=False))


def _checks(table: Table, provinces: list[str]) -> list[pl.Expr]:
    case_type = table.case_type
    columns = fmt.columns_for(case_type)
    c = pl.col
    checks: list[pl.Expr] = []
    for column in columns:
        cell = c(column.key)
        empty = cell == ""
        if column.required:
            checks.append(~empty)
        if column.kind == "text":
            checks.append(cell.str.len_chars() <= 200)
        elif column.kind == "date":
            checks.append(empty | _date(cell).is_not_null())
        elif column.kind == "money":
            checks.append(empty | _money_ok(cell))
        elif column.kind == "bool":
            checks.append(cell.str.to_lowercase().is_in(["", *_TRUE_FALSE]))
        elif column.kind == "choice" and not column.key.startswith("guarantor"):
            checks.append(empty | cell.is_in(list(column.choices)))
    borrower = c("borrower_id").str.to_uppercase()
    checks += [
        _valid_id(borrower, provinces),
        c("borrower_mobile").str.contains(_MOBILE),
        (c("borrower_division") == "") | c("borrower_division").str.contains(r"^\d{6}$"),
        c("annual_rate").str.contains(_RATE),
        c("annual_rate").cast(pl.Float64, strict=False).is_between(0, 100, closed="right"),
        (c("penalty_multiplier") == "") | c("penalty_multiplier").str.contains(_RATE),
        _fen(c("principal")) > 0,
        pl.sum_horizontal([_fen(c(k)) for k in fmt.MONEY_KEYS]) == _fen(c("claim_total")),
        _date(c("overdue_since")) <= _date(c("cut_off_date")),
        _date(c("signed_on")) <= _date(c("cut_off_date")),
    ]
    if case_type == fmt.LOAN:
        checks += [
            _date(c("term_end")) >= _date(c("term_start")),
            _fen(c("loan_disbursed")) <= _fen(c("loan_agreed")),
        ]
    else:
        checks.append(c("card_number").str.contains(r"^\d{16,19}$"))
    checks += _guarantee_checks(borrower, provinces) + _collateral_checks()
    return checks


def _optional_positive(col: pl.Expr) -> pl.Expr:
    """An optional limit: empty, or a strict amount above zero."""
    return (col == "") | (_money_ok(col) & (_fen(col) > 0))


def _guarantee_checks(borrower: pl.Expr, provinces: list[str]) -> list[pl.Expr]:
    """A guarantor is complete with the type of guarantee given; no guarantee facts without one."""
    c = pl.col
    kinds = list(fmt.GUARANTEE_KIND_LABELS)
    checks = []
    for prefix in ("guarantor1", "guarantor2"):
        name, gid = c(f"{prefix}_name"), c(f"{prefix}_id").str.to_uppercase()
        mobile, kind, limit = c(f"{prefix}_mobile"), c(f"{prefix}_kind"), c(f"{prefix}_limit")
        # The address (optional, ≤200 characters like every text cell) only with a guarantor.
        address = c(f"{prefix}_address")
        absent = (name == "") & (gid == "") & (kind == "") & (limit == "") & (address == "")
        present = (
            (name != "")
            & _valid_id(gid, provinces)
            & ((mobile == "") | mobile.str.contains(_MOBILE))
            & kind.is_in(kinds)
            & _optional_positive(limit)
            & (gid != borrower)
        )
        checks.append(absent | present)
    return checks


def _collateral_checks() -> list[pl.Expr]:
    """Collateral comes with its type and whether it was registered (and the number if so)."""
    c = pl.col
    facts = list(fmt.COLLATERAL_FACTS)
    registered = c("collateral_registered").str.to_lowercase()
    yes = registered.is_in(_TRUE)
    absent = pl.all_horizontal([c(k) == "" for k in ["collateral", *facts]])
    present = (
        (c("collateral") != "")
        & c("collateral_kind").is_in(list(fmt.COLLATERAL_KIND_LABELS))
        & (registered != "")
        & (~yes | (c("collateral_registration_number") != ""))
        & (
            yes
            | ((c("collateral_registration_number") == "") & (c("collateral_registered_on") == ""))
        )
        & _optional_positive(c("collateral_maximum"))
    )
    return [absent | present]


def clean_rows(table: Table) -> list[bool]:
    """One flag per data row: True when the row passes every column-wise check."""
    try:
        provinces = sorted(province_prefixes())
    except ImportError:  # no province list: let every row take the per-row path
        return [False] * table.frame.height
    if table.frame.height == 0:
        return []
    mask = pl.all_horizontal([e.fill_null(False) for e in _checks(table, provinces)])
    return table.frame.select(mask.alias("clean"))["clean"].to_list()
