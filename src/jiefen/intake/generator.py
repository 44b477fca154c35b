"""A realistic batch for demos, tests and benchmarks (`jiefen gen_batch`).

Borrowers get valid resident ID numbers (`jiefen.law.identifiers.make_resident_id`) born in
real districts whose addresses they live at, mainland mobiles, a mix of products, rates and
guarantees (nearly every guarantor with an address to be served at by post); amounts owed at
the cut-off date are computed with `jiefen.law.interest` from the contract rates (contractual
interest to the default date, penalty interest at rate × multiplier from then to the cut-off
date, compound interest on the unpaid interest at the penalty rate).
The legal facts the complaint depends on vary as in a real portfolio: guarantees mostly joint,
some general, some with a limit; collateral on some loans, a few of them never registered;
litigation costs claimed in most cases. With `bad_fraction` a known share of rows is broken,
each in one of `BAD_KINDS` (missing legal facts among them), so tests can check that exactly
those rows are rejected for the right reason.
"""

from __future__ import annotations

import io
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import polars as pl

from jiefen.intake import format as fmt
from jiefen.law.identifiers import make_resident_id
from jiefen.law.interest import simple_interest

# Real districts (GB/T 2260 codes) with the address prefix their residents write.
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("500101", "重庆市万州区"),
    ("500102", "重庆市涪陵区"),
    ("500103", "重庆市渝中区"),
    ("500104", "重庆市大渡口区"),
    ("500105", "重庆市江北区"),
    ("500106", "重庆市沙坪坝区"),
    ("500107", "重庆市九龙坡区"),
    ("500108", "重庆市南岸区"),
    ("500109", "重庆市北碚区"),
    ("500112", "重庆市渝北区"),
    ("500113", "重庆市巴南区"),
    ("500117", "重庆市合川区"),
    ("500118", "重庆市永川区"),
    ("500120", "重庆市璧山区"),
    ("510104", "四川省成都市锦江区"),
    ("510105", "四川省成都市青羊区"),
    ("510106", "四川省成都市金牛区"),
    ("510107", "四川省成都市武侯区"),
    ("510108", "四川省成都市成华区"),
    ("510112", "四川省成都市龙泉驿区"),
    ("510116", "四川省成都市双流区"),
    ("510302", "四川省自贡市自流井区"),
    ("510502", "四川省泸州市江阳区"),
    ("510603", "四川省德阳市旌阳区"),
    ("510703", "四川省绵阳市涪城区"),
    ("520102", "贵州省贵阳市南明区"),
    ("530102", "云南省昆明市五华区"),
    ("420106", "湖北省武汉市武昌区"),
    ("610113", "陕西省西安市雁塔区"),
    ("430102", "湖南省长沙市芙蓉区"),
)
STREETS = (
    "建新北路",
    "观音桥步行街",
    "北城天街",
    "红旗河沟",
    "解放碑",
    "杨家坪正街",
    "南坪西路",
    "人民路",
    "春熙路",
    "天府大道",
    "锦华路",
    "中山路",
    "新华路",
    "学府路",
    "滨江路",
    "嘉陵路",
    "长江路",
    "龙湖街",
    "金开大道",
    "松牌路",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉建国志文斌宇浩凯健俊帆帅旭宁婷雪琳晨阳欣悦思涵梓轩子怡雨桐"
MOBILE_PREFIXES = (
    "130",
    "131",
    "132",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
)
LOAN_PRODUCTS = (
    ("个人消费贷款", "《个人消费借款合同》"),
    ("个人经营贷款", "《个人经营性借款合同》"),
    ("汽车消费贷款", "《汽车消费贷款合同》"),
    ("个人住房装修贷款", "《个人装修贷款合同》"),
)
CARD_PRODUCTS = (
    ("标准信用卡", "《信用卡领用合约》"),
    ("白金信用卡", "《白金信用卡领用合约》"),
    ("信用卡分期", "《信用卡分期付款协议》"),
)
REPAYMENT = ("等额本息", "等额本金", "到期一次性还本付息", "按月计息、到期一次性还本")

BAD_KINDS = (
    "bad_check_digit",
    "negative_amount",
    "sum_mismatch",
    "end_before_start",
    "missing_field",
    "duplicate_contract",
    "bad_date",
    "missing_guarantee_kind",
    "missing_costs_claim",
    "missing_registration",
)

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Generated:
    rows: int
    bad: dict[str, int]
    bad_rows: dict[int, str]  # spreadsheet row -> kind


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randrange(low * 100, high * 100)) * CENT


def _person(rng: random.Random, seq: int) -> tuple[str, str, str, str, str]:
    code, place = DISTRICTS[rng.randrange(len(DISTRICTS))]
    born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 42))
    id_number = make_resident_id(code, born, seq % 1000)
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    mobile = rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"
    address = f"{place}{rng.choice(STREETS)}{rng.randrange(1, 300)}号{rng.randrange(1, 30)}-{rng.randrange(1, 8)}"
    return name, id_number, mobile, address, code


def _legal_facts(facts: random.Random, row: dict[str, str], i: int, loan: bool) -> None:
    """Guarantee types and limits, collateral registration and the costs claim of one row.

    Drawn from their own random stream, so the rest of a seeded batch stays as it was.
    """
    row["claims_costs"] = "是" if facts.random() < 0.92 else "否"
    for prefix in ("guarantor1", "guarantor2"):
        if not row.get(f"{prefix}_name"):
            continue
        row[f"{prefix}_kind"] = "连带责任保证" if facts.random() < 0.8 else "一般保证"
        if facts.random() < 0.25:
            row[f"{prefix}_limit"] = f"{facts.choice((20000, 50000, 100000, 200000))}.00"
    if loan and row.get("guarantor1_name") and facts.random() < 0.15:
        name, id_number, mobile, address, _ = _person(facts, i + 900)
        row.update(
            {
                "guarantor2_name": name,
                "guarantor2_id": id_number,
                "guarantor2_mobile": mobile,
                "guarantor2_address": address,
                "guarantor2_kind": "连带责任保证" if facts.random() < 0.7 else "一般保证",
            }
        )
    if loan and facts.random() < 0.2:
        signed = row["signed_on"]
        if row["product"] == "汽车消费贷款":
            kind, item = "动产抵押", f"车辆（车架号LSV{facts.randrange(10**13):013d}）"
        else:
            kind = "不动产抵押"
            item = (
                f"渝(20{facts.randrange(15, 24)})江北区不动产权第{facts.randrange(10**6):06d}号房屋"
            )
        row.update({"collateral": item, "collateral_kind": kind, "collateral_signed_on": signed})
        if facts.random() < 0.2:
            row["collateral_maximum"] = f"{facts.choice((300000, 500000, 800000))}.00"
        if facts.random() < 0.85:
            if kind == "动产抵押":
                number = f"机动车登记证书{facts.randrange(10**12):012d}"
            else:
                number = f"渝(20{facts.randrange(15, 24)})江北区不动产证明第{facts.randrange(10**6):06d}号"
            row.update(
                {
                    "collateral_registered": "是",
                    "collateral_registration_number": number,
                    "collateral_registered_on": signed,
                }
            )
        else:
            row["collateral_registered"] = "否"


def _postal_addresses(post: random.Random, row: dict[str, str]) -> None:
    """About one guarantor in twenty has no known address (served by public notice, 民诉法
    Art. 95); the others can be served by post at their domicile (Art. 91).

    The address itself comes with the guarantor from `_person` (the draws were always made);
    only this keep-or-drop decision is random, on a stream of its own: one more draw from
    `facts` would shift every later row's guarantee and collateral facts.
    """
    for prefix in ("guarantor1", "guarantor2"):
        if row.get(f"{prefix}_address") and post.random() >= 0.95:
            row[f"{prefix}_address"] = ""


def _row(rng: random.Random, case_type: str, i: int, cut_off: date, prefix: str) -> dict[str, str]:
    name, id_number, mobile, address, division = _person(rng, i)
    loan = case_type == fmt.LOAN
    product, contract_name = rng.choice(LOAN_PRODUCTS if loan else CARD_PRODUCTS)
    signed = cut_off - timedelta(days=rng.randrange(400, 2200))
    overdue = signed + timedelta(days=rng.randrange(90, (cut_off - signed).days - 30))
    paid_to = overdue - timedelta(days=rng.choice((30, 31, 60, 90)))
    rate = (
        Decimal(rng.choice(("4.35", "5.22", "6.00", "7.20", "9.60", "12.00", "15.60", "18.00")))
        if loan
        else Decimal("18.25")
    )
    multiplier = Decimal("1.5")
    principal = _money(rng, 3000, 200000) if loan else _money(rng, 2000, 60000)
    # Contractual interest unpaid from the last paid date to default; penalty from default on.
    interest = simple_interest(principal, rate, (overdue - paid_to).days)
    late_days = (cut_off - overdue).days
    penalty = simple_interest(principal, rate, late_days, multiplier=multiplier)
    compound = simple_interest(interest, rate, late_days, multiplier=multiplier)
    fees = Decimal("0.00") if loan else _money(rng, 0, 800)
    damages = Decimal("0.00") if loan else _money(rng, 0, 500)
    lawyer = Decimal(rng.choice((0, 0, 0, 1000, 2000, 3000))).quantize(CENT)
    total = principal + interest + penalty + compound + fees + damages + lawyer
    # Most banks keep collecting by SMS (which interrupts limitation); some stopped long ago.
    collected = cut_off - timedelta(days=rng.randrange(0, 300)) if rng.random() < 0.85 else None
    row = {
        "contract_number": f"{prefix}{i + 1:07d}",
        "product": product,
        "contract_name": contract_name,
        "signed_on": signed.isoformat(),
        "signed_place": "重庆市江北区",
        "borrower_name": name,
        "borrower_id": id_number,
        "borrower_mobile": mobile,
        "borrower_email": "",
        "borrower_address": address,
        "borrower_division": division,
        "borrower_employer": "",
        "contact_confirmed": "是" if rng.random() < 0.3 else "否",
        "e_service_consent": "是" if rng.random() < 0.9 else "否",
        "e_service_clause": "第十八条",
        "annual_rate": str(rate),
        "penalty_multiplier": str(multiplier),
        "compound": "是",
        "day_basis": "360",
        "repaid_principal": str(_money(rng, 0, 5000)),
        "repaid_interest": str(_money(rng, 0, 2000)),
        "interest_paid_to": paid_to.isoformat(),
        "overdue_since": overdue.isoformat(),
        "last_collection_on": collected.isoformat() if collected and collected > overdue else "",
        "collection_channel": "短信" if collected else "",
        "cut_off_date": cut_off.isoformat(),
        "principal": str(principal),
        "interest": str(interest),
        "penalty_interest": str(penalty),
        "compound_interest": str(compound),
        "fees": str(fees),
        "liquidated_damages": str(damages),
        "lawyer_fees": str(lawyer),
        "claim_total": str(total),
        "until_paid": "是",
        "evidence": "借款合同.pdf;放款凭证.pdf;还款明细.pdf",
    }
    if loan:
        agreed = (principal * Decimal("1.2")).quantize(Decimal("1"))
        row.update(
            {
                "loan_agreed": f"{agreed}.00",
                "loan_disbursed": f"{agreed}.00",
                "disbursed_on": signed.isoformat(),
                "term_start": signed.isoformat(),
                "term_end": (signed + timedelta(days=365 * rng.choice((1, 2, 3)))).isoformat(),
                "repayment_method": rng.choice(REPAYMENT),
                "acceleration": "提前还款",
            }
        )
        if rng.random() < 0.35:
            g_name, g_id, g_mobile, g_address, _ = _person(rng, i + 500)
            row.update(
                {
                    "guarantor1_name": g_name,
                    "guarantor1_id": g_id,
                    "guarantor1_mobile": g_mobile,
                    "guarantor1_address": g_address,  # ~5% dropped by `_postal_addresses`
                    "guarantee_signed_on": signed.isoformat(),
                }
            )
    else:
        row.update(
            {
                "card_number": "6259" + f"{rng.randrange(10**12):012d}",
                "card_issued_on": signed.isoformat(),
                "card_branch": "巴渝银行信用卡中心",
                "credit_limit": str(
                    Decimal(rng.choice((10000, 20000, 50000, 80000))).quantize(CENT)
                ),
                "terms_explained": "是",
                "evidence": "信用卡申请表.pdf;领用合约.pdf;对账单.pdf",
            }
        )
    return row


def _break(row: dict[str, str], kind: str, case_type: str, first_contract: str, i: int) -> None:
    if kind == "bad_check_digit":
        last = row["borrower_id"][-1]
        row["borrower_id"] = row["borrower_id"][:-1] + ("0" if last != "0" else "1")
    elif kind == "negative_amount":
        row["interest"] = "-" + row["interest"]
    elif kind == "sum_mismatch":
        row["claim_total"] = str(Decimal(row["claim_total"]) + Decimal("100.00"))
    elif kind == "end_before_start":
        if case_type == fmt.LOAN:
            row["term_start"], row["term_end"] = row["term_end"], row["term_start"]
        else:
            row["overdue_since"] = (
                date.fromisoformat(row["cut_off_date"]) + timedelta(days=10)
            ).isoformat()
    elif kind == "missing_field":
        row["borrower_name"] = ""
    elif kind == "duplicate_contract":
        row["contract_number"] = first_contract
    elif kind == "bad_date":
        row["cut_off_date"] = "2025-02-30"
    elif kind == "missing_guarantee_kind":
        if not row.get("guarantor1_name"):
            name, id_number, mobile, address, _ = _person(random.Random(i), i + 500)
            row.update(
                guarantor1_name=name,
                guarantor1_id=id_number,
                guarantor1_mobile=mobile,
                guarantor1_address=address,
            )
        row["guarantor1_kind"] = ""
        row["guarantor1_limit"] = ""
    elif kind == "missing_costs_claim":
        row["claims_costs"] = ""
    elif kind == "missing_registration":
        if not row.get("collateral"):
            row.update(
                collateral="渝(2021)江北区不动产权第000123号房屋", collateral_kind="不动产抵押"
            )
        for key in ("collateral_registered", "collateral_registration_number"):
            row[key] = ""
        row["collateral_registered_on"] = ""


def generate_rows(
    case_type: str,
    cases: int,
    *,
    bad_fraction: float = 0.0,
    seed: int = 1,
    cut_off: date = date(2025, 6, 30),
    prefix: str | None = None,
) -> tuple[list[dict[str, str]], Generated]:
    rng = random.Random(seed)
    prefix = prefix or ("JK" if case_type == fmt.LOAN else "XYK") + f"{seed % 1000:03d}-"
    rows = [_row(rng, case_type, i, cut_off, prefix) for i in range(cases)]
    facts = random.Random(seed + 7_777_777)
    for i, row in enumerate(rows):
        _legal_facts(facts, row, i, case_type == fmt.LOAN)
    post = random.Random(seed + 3_333_333)
    for row in rows:
        _postal_addresses(post, row)
    n_bad = round(cases * bad_fraction)
    # Row 0 stays good: it is the original that duplicate_contract rows repeat.
    picked = sorted(rng.sample(range(1, cases), min(n_bad, max(cases - 1, 0)))) if n_bad else []
    bad_rows: dict[int, str] = {}
    for n, index in enumerate(picked):
        kind = BAD_KINDS[n % len(BAD_KINDS)]
        _break(rows[index], kind, case_type, rows[0]["contract_number"], index)
        bad_rows[index + 2] = kind
    return rows, Generated(cases, dict(Counter(bad_rows.values())), bad_rows)


def _frame(rows: list[dict[str, str]], case_type: str) -> pl.DataFrame:
    columns = fmt.columns_for(case_type)
    return pl.DataFrame(
        {c.header: [r.get(c.key, "") for r in rows] for c in columns},
        schema={c.header: pl.String for c in columns},
    )


def write_batch(
    path: Path,
    case_type: str,
    cases: int,
    *,
    bad_fraction: float = 0.0,
    seed: int = 1,
    encoding: str = "utf-8",
    prefix: str | None = None,
) -> Generated:
    """Write a generated batch to `path` (.csv in `encoding`, or .xlsx)."""
    rows, info = generate_rows(
        case_type, cases, bad_fraction=bad_fraction, seed=seed, prefix=prefix
    )
    path.write_bytes(
        render(rows, case_type, xlsx=path.suffix.lower() == ".xlsx", encoding=encoding)
    )
    return info


def render(
    rows: list[dict[str, str]], case_type: str, *, xlsx: bool = False, encoding: str = "utf-8"
) -> bytes:
    if xlsx:
        return _xlsx_bytes(
            [c.header for c in fmt.columns_for(case_type)],
            ([r.get(c.key, "") for c in fmt.columns_for(case_type)] for r in rows),
        )
    text = _frame(rows, case_type).write_csv()
    return text.encode(encoding)


def _xlsx_bytes(headers: list[str], rows: Iterator[list[str]] | list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("批次")
    sheet.append(headers)
    for r in rows:
        sheet.append(r)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
