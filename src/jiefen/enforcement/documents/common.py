"""What every enforcement document knows: the kinds, the wording constants, one case's facts
(loaded set-wise), and the phrases they share."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Sum

from jiefen.cases.models import Case, CaseParty, CaseType, IdType, Party, PartyKind, PartyRole
from jiefen.documents.context import court_data, date_in_words, figures, words
from jiefen.documents.kinds import Kind, register
from jiefen.documents.models import RecipientRole
from jiefen.enforcement.models import (
    Asset,
    AssetKind,
    Enforcement,
    Inquiry,
    Measure,
    MeasureKind,
    Receipt,
    TitleKind,
)
from jiefen.law.judgment_text import CARD_PRINCIPAL_LABEL, COMPONENT_LABELS, cn_number, percent
from jiefen.law.money import ZERO
from jiefen.privacy import mask_id_number

CHUNK = 200

CPL = "《中华人民共和国民事诉讼法》"
INTERP = "《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》"
SEIZURE = "《最高人民法院关于人民法院民事执行中查封、扣押、冻结财产的规定》"
INVESTIGATION = "《最高人民法院关于民事执行中财产调查若干问题的规定》"
RESTRICTION = "《最高人民法院关于限制被执行人高消费及有关消费的若干规定》"
DISHONEST = "《最高人民法院关于公布失信被执行人名单信息的若干规定》"
TERMINATION = "《最高人民法院关于严格规范终结本次执行程序的规定（试行）》"
DELAY = "《最高人民法院关于执行程序中计算迟延履行期间的债务利息适用法律若干问题的解释》"
FEES = "《诉讼费用交纳办法》"
REPORT_DAYS = 5  # 报告财产令的报告期限 (court practice; the provisions leave it to the order)

RULING, DECISION = "执行裁定书", "决定书"
_P = RecipientRole.PARTIES
_D = RecipientRole.DEFENDANT
KINDS: dict[str, Kind] = {
    k.code: register(k)
    for k in (
        Kind("enf_execution_notice", "执行通知书", _D, "enf_notice.typ"),
        Kind("enf_report_order", "报告财产令", _D, "enf_notice.typ"),
        Kind("enf_freeze_ruling", "执行裁定书（冻结）", _P, "enf_ruling.typ"),
        Kind("enf_deduct_ruling", "执行裁定书（扣划）", _P, "enf_ruling.typ"),
        Kind("enf_seize_ruling", "执行裁定书（查封）", _P, "enf_ruling.typ"),
        Kind("enf_unfreeze_ruling", "执行裁定书（解除冻结、查封）", _P, "enf_ruling.typ"),
        Kind("enf_restriction_order", "限制消费令", _D, "enf_notice.typ"),
        Kind("enf_restriction_lift", "解除限制消费令", _D, "enf_notice.typ"),
        Kind("enf_dishonest_decision", "决定书（纳入失信被执行人名单）", _P, "enf_ruling.typ"),
        Kind("enf_delisting_decision", "决定书（删除失信信息）", _P, "enf_ruling.typ"),
        Kind("enf_termination_ruling", "执行裁定书（终结本次执行程序）", _P, "enf_ruling.typ"),
        Kind("enf_closing_notice", "结案通知书", _P, "enf_notice.typ"),
        Kind("enf_receipt", "执行款收据", _D, "enf_receipt.typ"),
        Kind("enf_statement", "执行款明细", RecipientRole.CLAIMANT, "enf_statement.typ"),
    )
}
MEASURE_KINDS: dict[str, str] = {
    MeasureKind.EXECUTION_NOTICE: "enf_execution_notice",
    MeasureKind.REPORT_ORDER: "enf_report_order",
    MeasureKind.FREEZE: "enf_freeze_ruling",
    MeasureKind.DEDUCT: "enf_deduct_ruling",
    MeasureKind.SEIZE: "enf_seize_ruling",
    MeasureKind.CONSUMPTION_RESTRICTION: "enf_restriction_order",
    MeasureKind.DISHONEST_LISTING: "enf_dishonest_decision",
    MeasureKind.TERMINATION: "enf_termination_ruling",
    MeasureKind.CLOSING: "enf_closing_notice",
}  # a settlement (执行和解) is the parties' agreement: the court issues no document for it
LIFT_KINDS: dict[str, str] = {
    MeasureKind.FREEZE: "enf_unfreeze_ruling",
    MeasureKind.SEIZE: "enf_unfreeze_ruling",
    MeasureKind.CONSUMPTION_RESTRICTION: "enf_restriction_lift",
    MeasureKind.DISHONEST_LISTING: "enf_delisting_decision",
}
# Art. 3 of the 2015 consumption-restriction provisions, items (一)-(九).
PROHIBITED = (
    "乘坐交通工具时，选择飞机、列车软卧、轮船二等以上舱位",
    "在星级以上宾馆、酒店、夜总会、高尔夫球场等场所进行高消费",
    "购买不动产或者新建、扩建、高档装修房屋",
    "租赁高档写字楼、宾馆、公寓等场所办公",
    "购买非经营必需车辆",
    "旅游、度假",
    "子女就读高收费私立学校",
    "支付高额保费购买保险理财产品",
    "乘坐G字头动车组列车全部座位、其他动车组列车一等以上座位等其他非生活和工作必需的消费行为",
)
# 财产调查表: what Arts. 5-6 of the asset-investigation provisions require to be reported.
SCHEDULE = (
    (
        "收入、银行存款、现金、理财产品、有价证券",
        "工资、劳务报酬等收入；开户银行、账号及余额；现金；理财产品、股票、债券等",
    ),
    ("土地使用权、房屋等不动产", "坐落、不动产权证号、面积、抵押或者出租情况"),
    (
        "交通运输工具、机器设备、产品、原材料等动产",
        "品牌型号、号牌号码、存放地点、由他人占有的情况",
    ),
    (
        "债权、股权、投资权益、基金份额、信托受益权、知识产权等财产性权利",
        "债务人或者公司名称、数额或者份额",
    ),
    ("其他应当报告的财产", ""),
    (
        "收到执行通知之日前一年至报告之日的财产变动",
        "转让、出租财产；设立担保物权等权利负担；放弃债权或者延长债权清偿期；支出大额资金等",
    ),
)
ASSET_WORD: dict[str, str] = {  # how a ruling names the asset, and the measure's verb for it
    AssetKind.DEPOSIT: "存款",
    AssetKind.WAGES: "工资收入",
    AssetKind.SECURITIES: "证券",
    AssetKind.VEHICLE: "机动车",
    AssetKind.REAL_ESTATE: "不动产",
}
MONEY = (AssetKind.DEPOSIT, AssetKind.WAGES)
ARTICLE: dict[str, str] = {  # 民诉法 article of the measure by asset kind
    AssetKind.DEPOSIT: "第二百五十三条",
    AssetKind.SECURITIES: "第二百五十三条",
    AssetKind.WAGES: "第二百五十四条",
    AssetKind.VEHICLE: "第二百五十五条",
    AssetKind.REAL_ESTATE: "第二百五十五条",
}


# ---------------------------------------------------------------------------------------------
# What every document of one enforcement case knows
# ---------------------------------------------------------------------------------------------


@dataclass
class CaseFacts:
    """One enforcement case with what its documents print (loaded set-wise for a chunk)."""

    e: Enforcement
    links: list[CaseParty] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    computation: dict[str, Any] | None = None
    assets: list[Asset] = field(default_factory=list)
    inquiry_days: list[date] = field(default_factory=list)
    inquired_on: dict[int, date] = field(default_factory=dict)  # inquiry id → its day
    chain: list[Enforcement] = field(default_factory=list)  # the title's cases, first filed first
    money: dict[int, Recovered] = field(default_factory=dict)  # receipts' totals by enforcement

    def as_of(self, day: date) -> CaseFacts:
        """What the court had done and found by `day` (a ruling rendered later by the worker
        states the facts of its own date, not what happened after)."""
        return replace(
            self,
            measures=[m for m in self.measures if m.starts_on <= day],
            inquiry_days=[d for d in self.inquiry_days if d <= day],
            assets=[a for a in self.assets if self.inquired_on.get(a.inquiry_id, day) <= day],
        )

    def recovered(self, cases: Iterable[Enforcement]) -> Recovered:
        total = Recovered()
        for c in cases:
            total.merge(self.money.get(c.pk))
        return total

    @property
    def case(self) -> Case:
        return self.e.case

    @property
    def debtors(self) -> list[Party]:
        """The debtors the execution notices went to (被执行人), else the case's defendants."""
        seen: dict[int, Party] = {}
        for m in self.measures:
            if m.kind == MeasureKind.EXECUTION_NOTICE and m.party is not None:
                seen.setdefault(m.party.pk, m.party)
        if seen:
            return list(seen.values())
        return [cp.party for cp in self.links if cp.role == PartyRole.DEFENDANT]

    @property
    def guarantors(self) -> set[int]:
        return {cp.party_id for cp in self.links if cp.role == PartyRole.GUARANTOR}

    @property
    def applicant(self) -> str:
        return self.case.institution.name

    @property
    def officer(self) -> str:
        return self.e.officer.display_name

    def names(self, parties: Iterable[Party] | None = None) -> str:
        return "、".join(p.name for p in (self.debtors if parties is None else parties))

    def of(self, kind: str, party: Party | None = None) -> list[Measure]:
        return [
            m for m in self.measures if m.kind == kind and (party is None or m.party_id == party.pk)
        ]


def load(enforcement_ids: Iterable[int]) -> dict[int, CaseFacts]:
    """The enforcement cases, their parties, measures, title computation and assets: six queries."""
    ids = sorted(set(enforcement_ids))
    rows = {
        e.pk: CaseFacts(e)
        for e in Enforcement.objects.filter(pk__in=ids).select_related(
            "case__institution", "case__court", "case__notary_office", "officer", "resumed_from"
        )
    }
    by_case: dict[int, list[CaseFacts]] = defaultdict(list)
    for x in rows.values():
        by_case[x.e.case_id].append(x)
    for cp in (
        CaseParty.objects.filter(case_id__in=list(by_case))
        .select_related("party")
        .order_by("position", "pk")
    ):
        for x in by_case[cp.case_id]:
            x.links.append(cp)
    from jiefen.judgments.models import Judgment

    for case_id, computation in Judgment.objects.filter(case_id__in=list(by_case)).values_list(
        "case_id", "computation"
    ):
        for x in by_case[case_id]:
            x.computation = dict(computation or {})
    for m in (
        Measure.objects.filter(enforcement_id__in=ids)
        .select_related("party", "asset")
        .order_by("starts_on", "pk")
    ):
        rows[m.enforcement_id].measures.append(m)
    for a in Asset.objects.filter(enforcement_id__in=ids).order_by("pk"):
        rows[a.enforcement_id].assets.append(a)
    for pk, eid, day in Inquiry.objects.filter(enforcement_id__in=ids).values_list(
        "pk", "enforcement_id", "requested_on"
    ):
        rows[eid].inquiry_days.append(day)
        rows[eid].inquired_on[pk] = day
    money = _totals({c.pk for x in rows.values() for c in title_chain(x.e)})
    for x in rows.values():
        x.chain, x.money = title_chain(x.e), money
    return rows


def _totals(enforcement_ids: set[int]) -> dict[int, Recovered]:
    """The receipts' totals of each enforcement case (one grouped query)."""
    sums = {f"sum_{k}": Sum(f) for k, f in Recovered.FIELDS.items()}
    rows: Any = (
        Receipt.objects.filter(enforcement_id__in=sorted(enforcement_ids))
        .values("enforcement_id")
        .annotate(**sums)
    )
    return {
        r["enforcement_id"]: Recovered(**{k: r[f"sum_{k}"] or ZERO for k in Recovered.FIELDS})
        for r in rows
    }


def _d(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def yuan(amount: Decimal) -> str:
    return f"人民币{figures(amount)}元"


def yuan_words(amount: Decimal) -> str:
    return f"人民币{figures(amount)}元（{words(amount)}）"


def zh_day(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def address_form(party: Party | None) -> str:
    return "你单位" if party is not None and party.kind == PartyKind.ORGANISATION else "你"


def mask_account(identifier: str) -> str:
    """6222 0210 0012 3456 789 → 6222***********6789 (only the last four digits identify it)."""
    raw = identifier.replace(" ", "")
    return raw if len(raw) <= 8 else raw[:4] + "*" * (len(raw) - 8) + raw[-4:]


def term_phrase(start: date, end: date | None) -> str:
    """ "期限为一年，自2026年3月10日起至2027年3月9日止" (the years only when the dates make them)."""
    if end is None:
        return ""
    after = end + timedelta(days=1)
    years = after.year - start.year
    span = (
        f"为{cn_number(years)}年，"
        if years > 0 and (after.month, after.day) == (start.month, start.day)
        else ""
    )
    return f"{span}自{zh_day(start)}起至{zh_day(end)}止"


def party_rows(x: CaseFacts, debtors: Sequence[Party] | None = None) -> list[dict[str, str]]:
    """申请执行人 / 被执行人 lines, as the judgment prints its party lines (IDs masked)."""
    inst = x.case.institution
    rows = [
        {
            "role": "申请执行人",
            "text": f"{inst.name}，住所地{inst.address}。" if inst.address else f"{inst.name}。",
        }
    ]
    if inst.legal_representative:
        rows.append(
            {
                "role": inst.representative_title or "负责人",
                "text": f"{inst.legal_representative}。",
                "indent": "1",
            }
        )
    for p in x.debtors if debtors is None else debtors:
        if p.kind == PartyKind.ORGANISATION:
            parts = [p.name, f"住所地{p.domicile}" if p.domicile else ""]
            parts.append(f"{p.get_id_type_display()}{p.id_number}" if p.id_number else "")
            rows.append({"role": "被执行人", "text": "，".join(x for x in parts if x) + "。"})
            if p.legal_representative:
                rows.append(
                    {"role": "法定代表人", "text": f"{p.legal_representative}。", "indent": "1"}
                )
            continue
        parts = [p.name, p.sex, f"{zh_day(p.birth_date)}出生" if p.birth_date else "", p.ethnicity]
        parts.append(f"住{p.domicile}" if p.domicile else "")
        label = "公民身份号码" if p.id_type == IdType.RESIDENT_ID else p.get_id_type_display()
        parts.append(f"{label}{mask_id_number(p.id_number)}" if p.id_number else "")
        rows.append({"role": "被执行人", "text": "，".join(x for x in parts if x) + "。"})
    return rows


def title_phrase(x: CaseFacts) -> str:
    """The title as documents cite it: 本院（2025）渝0105民初12号民事判决书 / 某公证处…公证书."""
    ref = x.e.title_reference
    case = x.case
    if x.e.title_kind == TitleKind.NOTARIZED:
        issuer = case.notary_office.name if case.notary_office_id and case.notary_office else ""
        return ref if issuer and ref.startswith(issuer) else f"{issuer}{ref}"
    code = case.court.court_code or case.court.code
    return f"本院{ref}" if code and code in ref else ref


def case_phrase(x: CaseFacts) -> str:
    return f"申请执行人{x.applicant}与被执行人{x.names()}{x.case.get_case_type_display()}一案"


def filing_phrase(x: CaseFacts) -> str:
    """How the enforcement case came to the court (执 or 执恢)."""
    e = x.e
    old = e.resumed_from
    if old is not None:
        return (
            f"本院于{zh_day(old.filed_on)}立案执行（{old.number}），于{zh_day(old.closed_on)}裁定终结本次"
            f"执行程序；因发现被执行人有可供执行的财产，本院于{zh_day(e.filed_on)}恢复执行"
        )
    return f"申请执行人{x.applicant}向本院申请强制执行，本院于{zh_day(e.filed_on)}立案执行"


def debt_items(x: CaseFacts) -> list[tuple[str, Decimal]]:
    """The money debt by the title's own components when the judgment's computation adds up to
    the enforcement's figures, else by the four components of the distribution."""
    e, comp = x.e, x.computation or {}
    awarded = comp.get("awarded") or {}
    a = {k: _d(awarded.get(k)) for k in COMPONENT_LABELS}
    court_fee = _d(comp.get("fee_defendants"))
    matches = awarded and (
        e.principal == a["principal"]
        and e.interest == a["interest"] + a["penalty_interest"] + a["compound_interest"]
        and e.other == a["fees"] + a["liquidated_damages"]
        and e.costs == a["lawyer_fees"] + court_fee
    )
    if matches:
        labels = dict(COMPONENT_LABELS)
        if x.case.case_type == CaseType.CREDIT_CARD:
            labels["principal"] = CARD_PRINCIPAL_LABEL
        order = ("principal", "interest", "penalty_interest", "compound_interest", "fees")
        items = [(labels[k], a[k]) for k in (*order, "liquidated_damages", "lawyer_fees")]
        items.append(("案件受理费", court_fee))
    else:
        items = [
            ("本金", e.principal),
            ("利息", e.interest),
            ("其他金钱债务（手续费、违约金等）", e.other),
            ("实现债权的费用（案件受理费、律师费等）", e.costs),
        ]
    return [(label, amount) for label, amount in items if amount > 0]


def debt_total(e: Enforcement) -> Decimal:
    return e.costs + e.interest + e.principal + e.other


def debt_text(x: CaseFacts) -> str:
    """人民币52,525.00元（伍万贰仟伍佰贰拾伍元整），其中借款本金50,000.00元、利息2,000.00元、…"""
    items = "、".join(f"{label}{figures(amount)}元" for label, amount in debt_items(x))
    return yuan_words(debt_total(x.e)) + (f"，其中{items}" if items else "")


def continuing_phrase(e: Enforcement) -> str:
    if not e.continuing_percent:
        return ""
    start = e.continuing_from or e.delay_from + timedelta(days=1)
    return (
        f"以未偿还的本金（{yuan(e.principal)}）为基数，自{zh_day(start)}起按年利率"
        f"{percent(e.continuing_percent)}计算至实际清偿之日止的利息"
    )


def delay_sentence(e: Enforcement) -> str:
    """The doubled-part interest of 民诉法 Art. 264 as 法释〔2014〕8号 Arts. 1-3 compute it."""
    return (
        "加倍支付迟延履行期间的债务利息（加倍部分债务利息以尚未清偿的生效法律文书确定的除一般"
        f"债务利息之外的金钱债务为基数，自{zh_day(e.delay_from)}次日起按日万分之一点七五计算至"
        "实际履行之日止）"
    )


def obligations(x: CaseFacts) -> list[str]:
    """一、…；二、…。 — what the debtors must pay."""
    e = x.e
    parts = [f"向申请执行人{x.applicant}支付{title_phrase(x)}确定的款项{debt_text(x)}"]
    if continuing_phrase(e):
        parts.append(f"支付{continuing_phrase(e)}")
    parts.append(f"{delay_sentence(e)}（{DELAY}第一条至第三条）")
    if e.execution_fee > 0:
        parts.append(f"负担申请执行费{yuan(e.execution_fee)}（{FEES}第二十条、第三十八条）")
    n = len(parts)
    return [f"{cn_number(i)}、{p}{'。' if i == n else '；'}" for i, p in enumerate(parts, start=1)]


def jointly(x: CaseFacts) -> str:
    joint = [p for p in x.debtors if p.pk in x.guarantors]
    if not joint or len(x.debtors) < 2:
        return ""
    return f"被执行人{x.names(joint)}按照{title_phrase(x)}确定的范围对上述债务承担连带清偿责任。"


def contact_lines(x: CaseFacts) -> list[str]:
    court = court_data(x.case.court)
    return [
        f"承办执行员：{x.officer}　联系电话：{court['phone']}",
        f"本院地址：{court['address']}",
    ]


def document_data(x: CaseFacts, heading: str, on: date, **extra: Any) -> dict[str, Any]:
    return {
        "heading": heading,
        "case_number": x.e.number,
        "judge": x.officer,
        "clerk": "",
        "officer": x.officer,
        "issued_on_words": date_in_words(on),
        "after": [],
        **extra,
    }


@dataclass
class Recovered:
    amount: Decimal = ZERO
    fee: Decimal = ZERO
    costs: Decimal = ZERO
    interest: Decimal = ZERO
    principal: Decimal = ZERO
    other: Decimal = ZERO
    delay: Decimal = ZERO
    surplus: Decimal = ZERO

    FIELDS: ClassVar[dict[str, str]] = {
        "amount": "amount",
        "fee": "to_execution_fee",
        "costs": "to_costs",
        "interest": "to_interest",
        "principal": "to_principal",
        "other": "to_other",
        "delay": "to_delay_interest",
        "surplus": "surplus",
    }

    def merge(self, other: Recovered | None) -> None:
        for k in self.FIELDS if other is not None else ():
            setattr(self, k, getattr(self, k) + getattr(other, k))

    def add(self, r: Receipt) -> None:
        self.amount += r.amount
        self.fee += r.to_execution_fee
        self.costs += r.to_costs
        self.interest += r.to_interest
        self.principal += r.to_principal
        self.other += r.to_other
        self.delay += r.to_delay_interest
        self.surplus += r.surplus

    def lines(self) -> list[tuple[str, Decimal]]:
        return [
            ("申请执行费", self.fee),
            ("实现债权的费用（案件受理费、律师费等）", self.costs),
            ("一般债务利息", self.interest),
            ("本金", self.principal),
            ("其他金钱债务（手续费、违约金等）", self.other),
            ("迟延履行期间的加倍部分债务利息", self.delay),
            ("退还被执行人", self.surplus),
        ]


def title_chain(e: Enforcement) -> list[Enforcement]:
    """The enforcement cases of one title, the first filed first (执 → 执恢 → …)."""
    chain = [e]
    while chain[-1].resumed_from_id:
        parent = chain[-1].resumed_from
        if parent is None:  # pragma: no cover - the foreign key is protected
            break
        chain.append(parent)
    return chain[::-1]


def chain_receipts(chain: Sequence[Enforcement]) -> list[Receipt]:
    return list(
        Receipt.objects.filter(enforcement_id__in=[c.pk for c in chain])
        .select_related("created_by")
        .order_by("received_on", "pk")
    )
