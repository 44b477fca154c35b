"""Row validation: every cell parsed, every rejected row given row, column and a Chinese reason.

A row that fails any check is rejected as a whole and reported with all its problems; the rows
that pass become `Record`s (typed values plus the element-style facts of `Case.elements`).
With the `reject_failed_rows` policy the accepted rows go ahead unaffected by the rejected ones.
Row numbers are the spreadsheet's (the header is row 1, the first data row is row 2).
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

import polars as pl

from jiefen.intake import format as fmt
from jiefen.intake.identity import check_resident_id
from jiefen.intake.reader import Table
from jiefen.privacy import mask_id_number, mask_phone

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MONEY = re.compile(r"^\d{1,16}(\.\d{1,2})?$")
_NUMBER = re.compile(r"^\d{1,4}(\.\d{1,6})?$")
_CARD = re.compile(r"^\d{16,19}$")
_DATE_CN = re.compile(r"^(\d{4})[年/.-](\d{1,2})[月/.-](\d{1,2})日?$")
_TRUE = {"是", "y", "yes", "true", "1", "√", "有"}
_FALSE = {"否", "n", "no", "false", "0", "×", "无", ""}
ZERO = Decimal("0.00")
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    reason: str
    value: str = ""
    kind: str = "invalid"


@dataclass
class Person:
    name: str
    id_number: str
    mobile: str = ""
    email: str = ""
    address: str = ""
    division: str = ""
    employer: str = ""
    sex: str = ""
    birth_date: date | None = None
    role: str = "defendant"
    guarantee_kind: str = ""
    guarantee_limit: Decimal | None = None
    # Filled by `jiefen.intake.prepare` (blind index and ciphertexts, computed off the writer).
    index: str = ""
    sealed: dict[str, str] = field(default_factory=dict)


@dataclass
class Record:
    row: int
    contract_number: str
    product: str
    borrower: Person
    guarantors: list[Person]
    contact_confirmed: bool
    e_service_consent: bool
    cut_off_date: date
    amounts: dict[str, Decimal]
    claim_total: Decimal
    annual_rate: Decimal
    interest_from: date
    overdue_since: date
    last_collection_on: date | None
    elements: dict[str, Any] = field(default_factory=dict)
    # Filled by `jiefen.intake.prepare`.
    elements_json: str = ""
    amount_params: tuple[str, ...] = ()
    over_cap: bool = False
    limitation_risk: bool = False
    small_claims_eligible: bool = False


class _RowCheck:
    """Parses one row's cells, collecting errors instead of stopping at the first."""

    def __init__(self, row: int, values: dict[str, str], headers: dict[str, str]) -> None:
        self.row = row
        self.values = values
        self.headers = headers
        self.errors: list[RowError] = []
        self.failed: set[str] = set()

    def fail(self, key: str, reason: str) -> None:
        spec = fmt.BY_KEY.get(key)
        self.failed.add(key)
        value = self.values.get(key, "")[:200]
        # The error report is a list like any other: ID numbers and mobiles stay masked in it
        # (PIPL Art. 51; rule 8); the row number tells the bank which record to fix.
        if spec is not None and spec.kind == "id":
            value = mask_id_number(value)
        elif spec is not None and spec.kind == "mobile":
            value = mask_phone(value)
        self.errors.append(RowError(self.row, spec.header if spec else key, reason, value))

    def has_error(self, key: str) -> bool:
        return key in self.failed

    def text(self, key: str) -> str:
        value = self.values.get(key, "")
        if not value and fmt.BY_KEY[key].required:
            self.fail(key, "必填项为空")
        elif len(value) > 200:
            self.fail(key, "内容过长（超过200字）")
            return value[:200]
        return value

    def date(self, key: str) -> date | None:
        value = self.values.get(key, "")
        if not value:
            if fmt.BY_KEY[key].required:
                self.fail(key, "必填项为空")
            return None
        try:
            return date.fromisoformat(value[:10]) if len(value) in (10, 19) else _parse_date(value)
        except ValueError:
            pass
        try:
            return _parse_date(value)
        except ValueError:
            self.fail(key, "日期无法识别，应为 YYYY-MM-DD 格式的有效日期")
            return None

    def money(self, key: str) -> Decimal:
        value = self.values.get(key, "").replace(",", "").replace("，", "")
        if not value:
            if fmt.BY_KEY[key].required:
                self.fail(key, "必填项为空")
            return ZERO
        if value.startswith("-"):
            self.fail(key, "金额不能为负数")
            return ZERO
        if not _MONEY.match(value):
            self.fail(key, "金额格式错误，应为不超过两位小数的数字（单位：元）")
            return ZERO
        return Decimal(value).quantize(Decimal("0.01"))

    def number(self, key: str, default: Decimal) -> Decimal:
        value = self.values.get(key, "").rstrip("%")
        if not value:
            if fmt.BY_KEY[key].required:
                self.fail(key, "必填项为空")
            return default
        if value.startswith("-"):
            self.fail(key, "不能为负数")
            return default
        if not _NUMBER.match(value):
            self.fail(key, "数字格式错误")
            return default
        return Decimal(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.values.get(key, "").lower()
        if not value:
            if fmt.BY_KEY[key].required:
                self.fail(key, "必填项为空，应填“是”或“否”")
            return default
        if value in _TRUE:
            return True
        if value in _FALSE:
            return False
        self.fail(key, "应填“是”或“否”")
        return default

    def choice(self, key: str, default: str = "") -> str:
        value = self.values.get(key, "")
        column = fmt.BY_KEY[key]
        if not value:
            if column.required:
                self.fail(key, "必填项为空")
            return default
        if value not in column.choices:
            self.fail(key, "取值应为：" + "、".join(column.choices))
            return default
        return value

    def person(self, prefix: str, *, role: str) -> Person | None:
        """Borrower or guarantor: name, valid resident ID, optional mobile.

        A guarantor's address (optional; 户籍所在地或经常居住地, 法发〔2017〕19号 第8条) is read
        here too: a guarantor who never agreed to electronic service can be served there by
        post (民诉法 Art. 91) instead of by public notice, which Art. 95 allows only when no
        other way works. The borrower's address is read with its other contacts in `_validate`.
        """
        name_key, id_key, mobile_key = f"{prefix}_name", f"{prefix}_id", f"{prefix}_mobile"
        name = self.text(name_key)
        id_number = self.values.get(id_key, "").upper()
        if role == "guarantor" and not name and not id_number:
            return None
        if not id_number:
            self.fail(
                id_key, "必填项为空" if role == "defendant" else "填写了保证人但缺少身份证号码"
            )
            return None
        if role == "guarantor" and not name:
            self.fail(name_key, "填写了保证人身份证号码但缺少姓名")
        problem = check_resident_id(id_number)
        if problem:
            self.fail(id_key, problem)
            return None
        mobile = self.values.get(mobile_key, "")
        if mobile and not _MOBILE.match(mobile):
            self.fail(mobile_key, "手机号码应为11位大陆手机号码")
        elif not mobile and role == "defendant":
            self.fail(mobile_key, "必填项为空")
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        return Person(
            name=name,
            id_number=id_number,
            mobile=mobile,
            address=self.text(f"{prefix}_address") if role == "guarantor" else "",
            role=role,
            sex="男" if int(id_number[16]) % 2 else "女",
            birth_date=birth,
        )


class _TrustedRow(_RowCheck):
    """A row that passed every column-wise check (`jiefen.intake.vector`): parse, don't re-check.

    Only the parsing of the cells the checks already proved well formed is shortened; the rest
    of `validate_row` (which builds the record and its elements) is the same code for every row.
    """

    def date(self, key: str) -> date | None:
        value = self.values.get(key, "")
        return date.fromisoformat(value) if value else None

    def money(self, key: str) -> Decimal:
        value = self.values.get(key, "")
        if not value:
            return ZERO
        return Decimal(value) if value[-3:-2] == "." else Decimal(value).quantize(_CENT)

    def person(self, prefix: str, *, role: str) -> Person | None:
        name = self.values.get(f"{prefix}_name", "")
        id_number = self.values.get(f"{prefix}_id", "").upper()
        if role == "guarantor" and not name and not id_number:
            return None
        return Person(
            name=name,
            id_number=id_number,
            mobile=self.values.get(f"{prefix}_mobile", ""),
            address=self.values.get(f"{prefix}_address", "") if role == "guarantor" else "",
            role=role,
            sex="男" if int(id_number[16]) % 2 else "女",
            birth_date=date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14])),
        )


def _parse_date(value: str) -> date:
    value = value.strip()
    if len(value) == 8 and value.isdigit():
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    if len(value) == 19 and value.endswith("00:00:00"):
        return date.fromisoformat(value[:10])
    match = _DATE_CN.match(value)
    if not match:
        raise ValueError(value)
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))


def _iso(d: date | None) -> str:
    return d.isoformat() if d else ""


def validate_row(
    row: int,
    values: dict[str, str],
    case_type: str,
    headers: dict[str, str],
    *,
    trusted: bool = False,
) -> tuple[Record | None, list[RowError]]:
    """Check one row; return its Record (None if rejected) and its errors.

    `trusted`: the row passed the column-wise checks of `jiefen.intake.vector`; its cells are
    parsed without being checked again. Should a trusted row still fail (the column-wise checks
    are meant to be stricter, never looser), it is checked in full, so the verdict is the same.
    """
    if trusted:
        try:
            record, errors = _validate(_TrustedRow(row, values, headers), values, case_type)
        except (ValueError, ArithmeticError, IndexError):
            record, errors = None, [RowError(row, "", "")]
        if record is not None and not errors:
            return record, errors
    return _validate(_RowCheck(row, values, headers), values, case_type)


def _validate(
    c: _RowCheck, values: dict[str, str], case_type: str
) -> tuple[Record | None, list[RowError]]:
    row = c.row
    contract_number = c.text("contract_number")
    product = c.text("product")
    signed_on = c.date("signed_on")
    borrower = c.person("borrower", role="defendant")
    if borrower is not None:
        borrower.email = c.text("borrower_email")
        borrower.address = c.text("borrower_address")
        borrower.division = c.text("borrower_division")
        if borrower.division and not (len(borrower.division) == 6 and borrower.division.isdigit()):
            c.fail("borrower_division", "行政区划代码应为6位数字")
        borrower.employer = c.text("borrower_employer")
    else:
        c.text("borrower_address")
    contact_confirmed = c.flag("contact_confirmed", False)
    e_service_consent = c.flag("e_service_consent", False)
    annual_rate = c.number("annual_rate", ZERO)
    if values.get("annual_rate") and not c.has_error("annual_rate") and not 0 < annual_rate <= 100:
        c.fail("annual_rate", "合同年利率应大于0且不超过100（单位：%）")
    multiplier = c.number("penalty_multiplier", Decimal("1.5"))
    compound = c.flag("compound", True)
    basis = c.choice("day_basis", "360")
    repaid_principal = c.money("repaid_principal")
    repaid_interest = c.money("repaid_interest")
    interest_paid_to = c.date("interest_paid_to")
    overdue_since = c.date("overdue_since")
    last_collection_on = c.date("last_collection_on")
    cut_off = c.date("cut_off_date")
    amounts = {key: c.money(key) for key in fmt.MONEY_KEYS}
    claim_total = c.money("claim_total")
    until_paid = c.flag("until_paid", True)
    if values.get("principal") and not c.has_error("principal") and amounts["principal"] <= 0:
        c.fail("principal", "欠付本金须大于0")
    total = sum(amounts.values(), ZERO)
    money_ok = not c.failed.intersection((*fmt.MONEY_KEYS, "claim_total"))
    if values.get("claim_total") and money_ok and total != claim_total:
        c.fail("claim_total", f"各项金额之和为{total}元，与标的总额{claim_total}元不符")
    if overdue_since and cut_off and overdue_since > cut_off:
        c.fail("overdue_since", "逾期起始日晚于欠款截止日")
    if signed_on and cut_off and signed_on > cut_off:
        c.fail("signed_on", "合同签订日期晚于欠款截止日")

    elements: dict[str, Any] = {
        "contract": {
            "name": c.text("contract_name"),
            "number": contract_number,
            "signed_on": _iso(signed_on),
            "place": c.text("signed_place"),
        },
        "rates": {
            "annual_rate_percent": str(annual_rate),
            "penalty_multiplier": str(multiplier),
            "compound": compound,
            "basis": basis,
        },
        "repaid": {
            "principal": str(repaid_principal),
            "interest": str(repaid_interest),
            "interest_paid_to": _iso(interest_paid_to),
        },
        "overdue_since": _iso(overdue_since),
        "until_paid": until_paid,
        "claims_costs": c.flag("claims_costs", False),
        "e_service": {"consent": e_service_consent, "clause": c.text("e_service_clause")},
    }
    interest_from = interest_paid_to or signed_on
    if case_type == fmt.LOAN:
        agreed = c.money("loan_agreed")
        disbursed = c.money("loan_disbursed")
        disbursed_on = c.date("disbursed_on")
        start, end = c.date("term_start"), c.date("term_end")
        if start and end and end < start:
            c.fail("term_end", "借款到期日早于借款起始日")
        if agreed and disbursed > agreed:
            c.fail("loan_disbursed", "实际发放金额大于约定借款金额")
        method = c.choice("repayment_method")
        acceleration = c.choice("acceleration", "否")
        elements.update(
            {
                "loan_amount": {"agreed": str(agreed), "disbursed": str(disbursed)},
                "term": {"start": _iso(start), "end": _iso(end)},
                "disbursed_on": _iso(disbursed_on),
                "repayment_method": fmt.REPAYMENT_LABELS.get(method, ""),
                "acceleration": fmt.ACCELERATION_LABELS.get(acceleration, ""),
            }
        )
        interest_from = interest_paid_to or disbursed_on or signed_on
    else:
        card_number = c.text("card_number")
        if card_number and not _CARD.match(card_number):
            c.fail("card_number", "信用卡卡号应为16至19位数字")
        issued_on = c.date("card_issued_on")
        elements.update(
            {
                "card": {
                    "number": card_number,
                    "holder": borrower.name if borrower else "",
                    "issued_on": _iso(issued_on),
                    "issuing_branch": c.text("card_branch"),
                    "credit_limit": str(c.money("credit_limit")),
                },
                "terms_explained": {"done": c.flag("terms_explained", True), "how": ""},
            }
        )
        interest_from = interest_paid_to or overdue_since or issued_on or signed_on
    if last_collection_on:
        elements["collection"] = [
            {"on": _iso(last_collection_on), "channel": c.text("collection_channel")}
        ]

    guarantors = _guarantors(c, borrower)
    guarantee_signed = c.date("guarantee_signed_on")
    elements["guarantees"] = [
        {
            "name": g.name,
            "kind": g.guarantee_kind,
            "limit": str(g.guarantee_limit) if g.guarantee_limit is not None else "",
            "signed_on": _iso(guarantee_signed),
        }
        for g in guarantors
    ]
    collateral = _collateral(c)
    if collateral:
        elements["collateral"] = collateral
    evidence = values.get("evidence", "")
    elements["evidence"] = [e.strip() for e in re.split(r"[;；]", evidence) if e.strip()]

    if c.errors or borrower is None or cut_off is None or overdue_since is None:
        return None, c.errors
    return Record(
        row=row,
        contract_number=contract_number,
        product=product,
        borrower=borrower,
        guarantors=guarantors,
        contact_confirmed=contact_confirmed,
        e_service_consent=e_service_consent,
        cut_off_date=cut_off,
        amounts=amounts,
        claim_total=claim_total,
        annual_rate=annual_rate,
        interest_from=interest_from or overdue_since,
        overdue_since=overdue_since,
        last_collection_on=last_collection_on,
        elements=elements,
    ), []


def _positive_money(c: _RowCheck, key: str) -> Decimal | None:
    """An optional amount that, when given, must be above zero (a limit of 0 is no guarantee)."""
    if not c.values.get(key):
        return None
    amount = c.money(key)
    if not c.has_error(key) and amount <= 0:
        c.fail(key, "金额须大于0；无限额的请留空")
    return None if c.has_error(key) else amount


def _guarantors(c: _RowCheck, borrower: Person | None) -> list[Person]:
    """The guarantors with the guarantee each gave, as the bank states it.

    The guarantee type is never assumed: a guarantor without one is rejected. (Where the
    contract itself leaves it open the law reads a general guarantee, 民法典 Art. 686(2) — the
    bank says so by writing 一般保证.) It decides what the complaint may claim: joint and
    several liability (Art. 688) or only what enforcement against the debtor leaves (Art. 687).
    """
    guarantors: list[Person] = []
    for prefix in ("guarantor1", "guarantor2"):
        kind_key, limit_key = f"{prefix}_kind", f"{prefix}_limit"
        g = c.person(prefix, role="guarantor")
        if g is None:
            if not c.values.get(f"{prefix}_name") and not c.values.get(f"{prefix}_id"):
                # An address with nobody to serve at it is a shifted or half-deleted guarantor.
                for key in (kind_key, limit_key, f"{prefix}_address"):
                    if c.values.get(key):
                        c.fail(key, "未填写保证人，不应填写此项")
            continue
        kind = c.values.get(kind_key, "")
        if not kind:
            c.fail(kind_key, "有保证人时必填（连带责任保证/一般保证）")
        else:
            g.guarantee_kind = fmt.GUARANTEE_KIND_LABELS.get(c.choice(kind_key), "")
        g.guarantee_limit = _positive_money(c, limit_key)
        if borrower and g.id_number == borrower.id_number:
            c.fail(f"{prefix}_id", "保证人与借款人为同一人")
        guarantors.append(g)
    return guarantors


def _collateral(c: _RowCheck) -> dict[str, Any]:
    """The security over property, with whether it was registered — never assumed.

    Registration decides the right: a real-estate mortgage exists only once registered
    (民法典 Art. 402), a movable mortgage exists from the contract but binds no good-faith
    third party until registered (Art. 403); so a registered mortgage needs its certificate
    number, and an unregistered one must say so.
    """
    description = c.text("collateral")
    if not description:
        for key in fmt.COLLATERAL_FACTS:
            if c.values.get(key):
                c.fail(key, "未填写抵押物/质押物，不应填写此项")
        return {}
    kind = ""
    if not c.values.get("collateral_kind"):
        c.fail("collateral_kind", "有担保物时必填（不动产抵押/动产抵押/质押）")
    else:
        kind = fmt.COLLATERAL_KIND_LABELS.get(c.choice("collateral_kind"), "")
    registered = False
    if not c.values.get("collateral_registered"):
        c.fail("collateral_registered", "有担保物时必填，应填“是”或“否”")
    else:
        registered = c.flag("collateral_registered", False)
    number = c.text("collateral_registration_number")
    registered_on = c.date("collateral_registered_on")
    if registered and not number and not c.has_error("collateral_registered"):
        c.fail("collateral_registration_number", "已办理登记时必填登记证明号")
    if not registered and not c.has_error("collateral_registered"):
        for key in ("collateral_registration_number", "collateral_registered_on"):
            if c.values.get(key):
                c.fail(key, "未办理登记，不应填写此项")
    maximum = _positive_money(c, "collateral_maximum")
    return {
        "description": description,
        "kind": kind,
        "signed_on": _iso(c.date("collateral_signed_on")),
        "maximum_amount": str(maximum) if maximum is not None else "",
        "registered": registered,
        "registration_number": number if registered else "",
        "registered_on": _iso(registered_on) if registered else "",
    }


def validate_rows(
    table: Table,
    lo: int,
    hi: int,
    *,
    trusted: list[bool] | None = None,
    cells: list[list[Any]] | None = None,
) -> tuple[list[Record], list[RowError]]:
    """Validate data rows [lo, hi) (0-based) on their own; see `DuplicateCheck` for the rest.

    `trusted` (one flag per data row of the table, from `jiefen.intake.vector.clean_rows`)
    marks the rows whose cells need parsing only. `cells` (the columns of rows [lo, hi) as
    Python lists) lets a forked worker validate without calling polars, whose thread pool does
    not survive a fork.
    """
    records: list[Record] = []
    errors: list[RowError] = []
    keys = table.frame.columns
    if cells is None:
        columns = [column.to_list() for column in table.frame.slice(lo, hi - lo).get_columns()]
    else:
        columns = cells
    for index, row in enumerate(zip(*columns, strict=True), start=lo):
        record, row_errors = validate_row(
            index + 2,
            dict(zip(keys, row, strict=True)),
            table.case_type,
            table.headers,
            trusted=bool(trusted and trusted[index]),
        )
        if record is not None:
            records.append(record)
        errors.extend(row_errors)
    return records, errors


_R = TypeVar("_R")


class DuplicateCheck:
    """A contract number repeated in the file is rejected after its first row.

    The first occurrence of every number is found once for the whole file (polars), so a
    resumed batch and every slice see the same verdict as a reading of the file in order.
    """

    def __init__(self, table: Table) -> None:
        frame = table.frame.select(
            pl.col("contract_number").alias("number"), (pl.int_range(pl.len()) + 2).alias("row")
        ).with_columns(pl.col("row").min().over("number").alias("first"))
        repeated = frame.filter((pl.col("number") != "") & (pl.col("row") != pl.col("first")))
        self.repeats: dict[int, tuple[int, str]] = {
            row: (first, number)
            for row, first, number in repeated.select("row", "first", "number").iter_rows()
        }

    def apply(
        self,
        records: list[_R],
        errors: list[RowError],
        lo: int,
        hi: int,
        row_of: Callable[[_R], int] = operator.attrgetter("row"),
    ) -> tuple[list[_R], list[RowError]]:
        """Drop and report the repeats among data rows [lo, hi) (0-based)."""
        header = fmt.BY_KEY["contract_number"].header
        extra = [
            RowError(row, header, f"合同编号与本批次第{first}行重复", number)
            for row, (first, number) in sorted(self.repeats.items())
            if lo + 2 <= row < hi + 2
        ]
        if not extra:
            return records, errors
        dup_rows = {e.row for e in extra}
        kept = [r for r in records if row_of(r) not in dup_rows]
        merged = sorted([*errors, *extra], key=lambda e: e.row)
        return kept, merged


def validate_table(table: Table) -> tuple[list[Record], list[RowError]]:
    """Validate every row of `table` in one go (small batches, tests)."""
    records, errors = validate_rows(table, 0, table.frame.height)
    return DuplicateCheck(table).apply(records, errors, 0, table.frame.height)
