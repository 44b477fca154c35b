"""The court-sealed documents of the enforcement stage (执行文书), one per measure or receipt.

Wording follows the SPC 执行文书样式 (2016) and the provisions each document rests on:

- 执行通知书 — 民诉法 (2023) Arts. 251, 264; 民诉解释 (2022) Art. 480 (the notice names the
  delay interest); 失信规定 (法释〔2017〕7号) Art. 5 (it warns of the dishonest list);
- 报告财产令 — 民诉法 Art. 252; 《最高人民法院关于民事执行中财产调查若干问题的规定》Arts. 3-10
  (period, scope, changes, supplementary report, consequences; the 财产调查表 attached, Art. 4);
- 执行裁定书 freezing, deducting (民诉法 Art. 253; 收入 Art. 254) and seizing (Art. 255), each
  with 查封扣押冻结规定 (2020) Art. 1 and the period of 民诉解释 Art. 485; lifting a freeze or
  seizure (查封扣押冻结规定 Art. 28); 终结本次执行程序 (民诉解释 Art. 517, 终本规定 Arts. 1, 9,
  with the contents its Art. 6 asks for);
- 限制消费令 and its lifting — 民诉法 Art. 266, 《最高人民法院关于限制被执行人高消费及有关消费的
  若干规定》(2015) Arts. 1, 3, 9, 11 (an organisation's legal representative, principal officers,
  responsible persons and actual controller are bound too);
- 决定书 listing a debtor as dishonest (失信规定 Art. 1 item of the ground, Art. 2 term, Arts. 11-12
  correction) and deleting the entry (Art. 10; Art. 2 para. 2 for early deletion of a term listing);
- 结案通知书 (执行完毕), 执行款收据 (figures and 人民币大写), 执行款明细 (the creditor's statement);
- 强制执行申请书 of a judgment title, on the mediation stage's `enforcement_application` kind.

Every document is issued for its occasion (`issued_for` = ``measure:<id>``, ``measure:<id>:lift``,
``receipt:<id>``, ``application:<id>``), so the bulk functions are idempotent: they render only the
rows still without a document, reuse a document a crashed or concurrent run already stored, and
link them with one bulk UPDATE per chunk. They run in `tasks.render_documents_task`, never in the
request. Natural persons' ID numbers are masked as in the judgment; bank account numbers keep
their last four digits (architecture rule 8).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.db.models import Model, Sum
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Case, CaseParty, CaseType, IdType, Party, PartyKind, PartyRole
from jiefen.documents.actions import DocumentAlreadyIssued, issue_document
from jiefen.documents.context import court_data, date_in_words, figures, words
from jiefen.documents.kinds import ENFORCEMENT_APPLICATION, Kind, register
from jiefen.documents.models import RecipientRole, StoredDocument
from jiefen.enforcement.models import (
    Application,
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Inquiry,
    Measure,
    MeasureKind,
    Receipt,
    ReceiptSource,
    SettlementState,
    TitleKind,
)
from jiefen.law.enforcement import (
    LISTING_GROUNDS,
    LISTING_ITEMS,
    UNTIL_PERFORMANCE,
    next_reinquiry,
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
_ASSET_WORD: dict[str, str] = {  # how a ruling names the asset, and the measure's verb for it
    AssetKind.DEPOSIT: "存款",
    AssetKind.WAGES: "工资收入",
    AssetKind.SECURITIES: "证券",
    AssetKind.VEHICLE: "机动车",
    AssetKind.REAL_ESTATE: "不动产",
}
_MONEY = (AssetKind.DEPOSIT, AssetKind.WAGES)
_ARTICLE: dict[str, str] = {  # 民诉法 article of the measure by asset kind
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
class _Enf:
    """One enforcement case with what its documents print (loaded set-wise for a chunk)."""

    e: Enforcement
    links: list[CaseParty] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    computation: dict[str, Any] | None = None
    assets: list[Asset] = field(default_factory=list)
    inquiry_days: list[date] = field(default_factory=list)
    inquired_on: dict[int, date] = field(default_factory=dict)  # inquiry id → its day
    chain: list[Enforcement] = field(default_factory=list)  # the title's cases, first filed first
    money: dict[int, _Money] = field(default_factory=dict)  # receipts' totals by enforcement

    def as_of(self, day: date) -> _Enf:
        """What the court had done and found by `day` (a ruling rendered later by the worker
        states the facts of its own date, not what happened after)."""
        return replace(
            self,
            measures=[m for m in self.measures if m.starts_on <= day],
            inquiry_days=[d for d in self.inquiry_days if d <= day],
            assets=[a for a in self.assets if self.inquired_on.get(a.inquiry_id, day) <= day],
        )

    def recovered(self, cases: Iterable[Enforcement]) -> _Money:
        total = _Money()
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


def _load(enforcement_ids: Iterable[int]) -> dict[int, _Enf]:
    """The enforcement cases, their parties, measures, title computation and assets: six queries."""
    ids = sorted(set(enforcement_ids))
    rows = {
        e.pk: _Enf(e)
        for e in Enforcement.objects.filter(pk__in=ids).select_related(
            "case__institution", "case__court", "case__notary_office", "officer", "resumed_from"
        )
    }
    by_case: dict[int, list[_Enf]] = defaultdict(list)
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
    money = _totals({c.pk for x in rows.values() for c in _chain(x.e)})
    for x in rows.values():
        x.chain, x.money = _chain(x.e), money
    return rows


def _totals(enforcement_ids: set[int]) -> dict[int, _Money]:
    """The receipts' totals of each enforcement case (one grouped query)."""
    sums = {f"sum_{k}": Sum(f) for k, f in _Money.FIELDS.items()}
    rows: Any = (
        Receipt.objects.filter(enforcement_id__in=sorted(enforcement_ids))
        .values("enforcement_id")
        .annotate(**sums)
    )
    return {
        r["enforcement_id"]: _Money(**{k: r[f"sum_{k}"] or ZERO for k in _Money.FIELDS})
        for r in rows
    }


def _d(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))


def _yuan(amount: Decimal) -> str:
    return f"人民币{figures(amount)}元"


def _yuan_words(amount: Decimal) -> str:
    return f"人民币{figures(amount)}元（{words(amount)}）"


def _cn(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else "—"


def _you(party: Party | None) -> str:
    return "你单位" if party is not None and party.kind == PartyKind.ORGANISATION else "你"


def _mask_account(identifier: str) -> str:
    """6222 0210 0012 3456 789 → 6222***********6789 (only the last four digits identify it)."""
    raw = identifier.replace(" ", "")
    return raw if len(raw) <= 8 else raw[:4] + "*" * (len(raw) - 8) + raw[-4:]


def _term(start: date, end: date | None) -> str:
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
    return f"{span}自{_cn(start)}起至{_cn(end)}止"


def _party_rows(x: _Enf, debtors: Sequence[Party] | None = None) -> list[dict[str, str]]:
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
        parts = [p.name, p.sex, f"{_cn(p.birth_date)}出生" if p.birth_date else "", p.ethnicity]
        parts.append(f"住{p.domicile}" if p.domicile else "")
        label = "公民身份号码" if p.id_type == IdType.RESIDENT_ID else p.get_id_type_display()
        parts.append(f"{label}{mask_id_number(p.id_number)}" if p.id_number else "")
        rows.append({"role": "被执行人", "text": "，".join(x for x in parts if x) + "。"})
    return rows


def _title(x: _Enf) -> str:
    """The title as documents cite it: 本院（2025）渝0105民初12号民事判决书 / 某公证处…公证书."""
    ref = x.e.title_reference
    case = x.case
    if x.e.title_kind == TitleKind.NOTARIZED:
        issuer = case.notary_office.name if case.notary_office_id and case.notary_office else ""
        return ref if issuer and ref.startswith(issuer) else f"{issuer}{ref}"
    code = case.court.court_code or case.court.code
    return f"本院{ref}" if code and code in ref else ref


def _case_phrase(x: _Enf) -> str:
    return f"申请执行人{x.applicant}与被执行人{x.names()}{x.case.get_case_type_display()}一案"


def _filing(x: _Enf) -> str:
    """How the enforcement case came to the court (执 or 执恢)."""
    e = x.e
    old = e.resumed_from
    if old is not None:
        return (
            f"本院于{_cn(old.filed_on)}立案执行（{old.number}），于{_cn(old.closed_on)}裁定终结本次"
            f"执行程序；因发现被执行人有可供执行的财产，本院于{_cn(e.filed_on)}恢复执行"
        )
    return f"申请执行人{x.applicant}向本院申请强制执行，本院于{_cn(e.filed_on)}立案执行"


def _debt_items(x: _Enf) -> list[tuple[str, Decimal]]:
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


def _debt_total(e: Enforcement) -> Decimal:
    return e.costs + e.interest + e.principal + e.other


def _debt_text(x: _Enf) -> str:
    """人民币52,525.00元（伍万贰仟伍佰贰拾伍元整），其中借款本金50,000.00元、利息2,000.00元、…"""
    items = "、".join(f"{label}{figures(amount)}元" for label, amount in _debt_items(x))
    return _yuan_words(_debt_total(x.e)) + (f"，其中{items}" if items else "")


def _continuing(e: Enforcement) -> str:
    if not e.continuing_percent:
        return ""
    start = e.continuing_from or e.delay_from + timedelta(days=1)
    return (
        f"以未偿还的本金（{_yuan(e.principal)}）为基数，自{_cn(start)}起按年利率"
        f"{percent(e.continuing_percent)}计算至实际清偿之日止的利息"
    )


def delay_sentence(e: Enforcement) -> str:
    """The doubled-part interest of 民诉法 Art. 264 as 法释〔2014〕8号 Arts. 1-3 compute it."""
    return (
        "加倍支付迟延履行期间的债务利息（加倍部分债务利息以尚未清偿的生效法律文书确定的除一般"
        f"债务利息之外的金钱债务为基数，自{_cn(e.delay_from)}次日起按日万分之一点七五计算至"
        "实际履行之日止）"
    )


def _obligations(x: _Enf) -> list[str]:
    """一、…；二、…。 — what the debtors must pay."""
    e = x.e
    parts = [f"向申请执行人{x.applicant}支付{_title(x)}确定的款项{_debt_text(x)}"]
    if _continuing(e):
        parts.append(f"支付{_continuing(e)}")
    parts.append(f"{delay_sentence(e)}（{DELAY}第一条至第三条）")
    if e.execution_fee > 0:
        parts.append(f"负担申请执行费{_yuan(e.execution_fee)}（{FEES}第二十条、第三十八条）")
    n = len(parts)
    return [f"{cn_number(i)}、{p}{'。' if i == n else '；'}" for i, p in enumerate(parts, start=1)]


def _jointly(x: _Enf) -> str:
    joint = [p for p in x.debtors if p.pk in x.guarantors]
    if not joint or len(x.debtors) < 2:
        return ""
    return f"被执行人{x.names(joint)}按照{_title(x)}确定的范围对上述债务承担连带清偿责任。"


def _contact(x: _Enf) -> list[str]:
    court = court_data(x.case.court)
    return [
        f"承办执行员：{x.officer}　联系电话：{court['phone']}",
        f"本院地址：{court['address']}",
    ]


def _base(x: _Enf, heading: str, on: date, **extra: Any) -> dict[str, Any]:
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


# ---------------------------------------------------------------------------------------------
# One document per measure
# ---------------------------------------------------------------------------------------------


@dataclass
class _Doc:
    kind: str
    recipient: Party | str
    context: dict[str, Any]
    on: date
    occasion: str


def _notice(m: Measure, x: _Enf) -> dict[str, Any]:
    """执行通知书 to one debtor."""
    p, you = m.party, _you(m.party)
    paras = [
        f"{_case_phrase(x)}，{_title(x)}已经发生法律效力。{_filing(x)}。依照{CPL}第二百五十一条、"
        f"第二百六十四条，{INTERP}第四百八十条规定，责令{you}自收到本通知之日起立即履行下列义务：",
        *_obligations(x),
    ]
    if _jointly(x):
        paras.append(_jointly(x))
    if x.e.resumed_from_id:
        earlier = x.recovered(x.chain[:-1])
        if earlier.amount > 0:
            paras.append(
                f"终结本次执行程序前已执行到位的{_yuan(earlier.amount)}，按照法定顺序抵扣上述款项。"
            )
    paras.append(
        f"请将上述款项交至本院执行款专户，并注明执行案号{x.e.number}；已直接向申请执行人履行的，"
        "应当及时向本院提交履行凭证。"
    )
    if p is not None and any(r.starts_on == m.starts_on for r in x.of(MeasureKind.REPORT_ORDER, p)):
        paras.append(f"{you}应当按照本院同日发出的报告财产令，如实向本院报告财产情况。")
    paras.append(
        f"{you}逾期不履行的，本院将依法强制执行，可以查询、冻结、划拨、查封、扣押、拍卖、变卖{you}"
        f"的财产，对{you}采取限制消费措施；具有{DISHONEST}第一条规定情形之一的，本院将依法把"
        f"{you}纳入失信被执行人名单，向社会公布并实施"
        f"信用惩戒。拒不履行人民法院已经发生法律效力的判决、裁定的，本院将依照{CPL}第一百一十四条"
        "规定予以罚款、拘留；构成犯罪的，依法追究刑事责任。"
    )
    return _base(
        x,
        "执行通知书",
        m.starts_on,
        to=p.name if p else x.names(),
        paragraphs=paras,
        closing="特此通知。",
        contact=_contact(x),
    )


def _report_order(m: Measure, x: _Enf) -> dict[str, Any]:
    """报告财产令 to one debtor, with the 财产调查表 attached (财产调查规定 Art. 4)."""
    p, you = m.party, _you(m.party)
    organisation = p is not None and p.kind == PartyKind.ORGANISATION
    who = (
        f"{you}或者{you}的主要负责人、直接责任人员"
        if organisation
        else f"{you}或者{you}的法定代理人"
    )
    days = cn_number(REPORT_DAYS)
    paras = [
        f"本院于{_cn(x.e.filed_on)}立案执行{_case_phrase(x)}。依照{CPL}第二百五十二条、{INVESTIGATION}"
        f"第三条至第十条规定，责令{you}自收到本令之日起{days}日内，如实向本院书面报告当前以及收到"
        "执行通知之日前一年的财产情况，并逐项填写本令所附财产调查表。",
        "应当报告的财产包括：（一）收入、银行存款、现金、理财产品、有价证券；（二）土地使用权、"
        "房屋等不动产；（三）交通运输工具、机器设备、产品、原材料等动产；（四）债权、股权、投资"
        "权益、基金份额、信托受益权、知识产权等财产性权利；（五）其他应当报告的财产。财产已出租、"
        "已设立担保物权等权利负担，或者存在共有、权属争议等情形的，应当一并报告；动产由第三人占有，"
        "不动产、特定动产、其他财产权等登记在第三人名下的，也应当一并报告。",
        "自收到执行通知之日前一年至提交书面财产报告之日，财产情况发生下列变动的，应当将变动情况"
        "一并报告：（一）转让、出租财产的；（二）在财产上设立担保物权等权利负担的；（三）放弃债权"
        "或者延长债权清偿期的；（四）支出大额资金的；（五）其他影响生效法律文书确定债权实现的财产"
        "变动。",
        "报告财产后，财产情况发生变动，影响申请执行人债权实现的，应当自财产变动之日起十日内向本院"
        "补充报告。在本令载明的期限内提交书面报告确有困难的，可以向本院书面申请延长期限。",
        f"拒绝报告、虚假报告或者无正当理由逾期报告财产情况的，本院将根据情节轻重对{who}予以罚款、"
        f"拘留；构成犯罪的，依法追究刑事责任；并依法将{you}纳入失信被执行人名单。",
    ]
    schedule = {
        "title": "财产调查表",
        "note": f"被执行人：{p.name if p else x.names()}（请逐项如实填写；没有的写「无」）",
        "rows": [list(r) for r in SCHEDULE],
    }
    return _base(
        x,
        "报告财产令",
        m.starts_on,
        to=p.name if p else x.names(),
        paragraphs=[*paras, "附：财产调查表"],
        closing="",
        contact=_contact(x),
        schedule=schedule,
    )


def _asset_text(a: Asset, owner: str) -> str:
    """被执行人张三在某银行开立的账户（账号6222********6789）内的存款 / 名下的机动车（…）."""
    word = _ASSET_WORD.get(a.kind, "财产")
    detail = f"{a.description}，" if a.description else ""
    if a.kind in (AssetKind.DEPOSIT, AssetKind.WAGES):
        return f"被执行人{owner}在{a.registry}开立的账户（账号{_mask_account(a.identifier)}）内的{word}"
    if a.kind == AssetKind.SECURITIES:
        return f"被执行人{owner}在{a.registry}的{word}（{detail}账户{_mask_account(a.identifier)}）"
    label = "号牌号码" if a.kind == AssetKind.VEHICLE else "不动产权证号"
    return f"被执行人{owner}名下的{word}（{detail}{label}{a.identifier}）"


def _asset_ruling(m: Measure, x: _Enf) -> tuple[str, dict[str, Any]] | None:
    """执行裁定书 freezing, deducting or seizing one asset of one debtor."""
    a = m.asset
    if a is None:
        return None
    owner = m.party.name if m.party else (a.holder_name or x.names())
    article = _ARTICLE.get(a.kind, "第二百五十五条")
    amount = m.amount if m.amount is not None else a.value
    term = _term(m.starts_on, m.ends_on)
    thing = _asset_text(a, owner)
    if m.kind == MeasureKind.DEDUCT:
        verb = "提取" if a.kind == AssetKind.WAGES else "扣划"
        frozen = [f for f in x.of(MeasureKind.FREEZE) if f.asset_id == a.pk]
        before = (
            f"本院已于{_cn(frozen[0].starts_on)}依法冻结上述{_ASSET_WORD.get(a.kind, '财产')}。"
            if frozen
            else ""
        )
        order = f"{verb}{thing}{_yuan(amount)}。"
        basis = f"{CPL}{article}"
    elif m.kind == MeasureKind.FREEZE:
        verb = "扣留" if a.kind == AssetKind.WAGES else "冻结"
        before = ""
        amount_text = _yuan(amount) if a.kind in (AssetKind.DEPOSIT, AssetKind.WAGES) else ""
        order = f"{verb}{thing}{amount_text}" + (f"，{verb}期限{term}" if term else "") + "。"
        basis = f"{CPL}{article}，{INTERP}第四百八十五条，{SEIZURE}第一条"
    else:
        verb, before = "查封", ""
        order = f"查封{thing}" + (f"，查封期限{term}" if term else "") + "。"
        basis = f"{CPL}{article}，{INTERP}第四百八十五条，{SEIZURE}第一条"
    paras = [
        f"本院在执行{_case_phrase(x)}中，{_title(x)}已经发生法律效力。被执行人{owner}未按执行通知书"
        f"履行法律文书确定的义务。{before}依照{basis}规定，裁定如下："
    ]
    context = _base(
        x,
        RULING,
        m.starts_on,
        parties=_party_rows(x),
        paragraphs=paras,
        orders=[order],
        after=[
            "本裁定立即执行。",
            f"当事人、利害关系人认为执行行为违反法律规定的，可以依照{CPL}第二百三十六条规定向本院"
            "提出书面异议。",
        ],
    )
    return MEASURE_KINDS[m.kind], context


def _restriction(m: Measure, x: _Enf) -> dict[str, Any]:
    """限制消费令 to one debtor (for an organisation, its officers are bound as well)."""
    p, you = m.party, _you(m.party)
    organisation = p is not None and p.kind == PartyKind.ORGANISATION
    if organisation and p is not None:
        rep = f"法定代表人{p.legal_representative}、" if p.legal_representative else "法定代表人、"
        bound = f"{you}及{you}的{rep}主要负责人、影响债务履行的直接责任人员、实际控制人"
    else:
        bound = you
    paras = [
        f"本院于{_cn(x.e.filed_on)}立案执行{_case_phrase(x)}。因{you}未按执行通知书指定的期间履行"
        f"生效法律文书确定的给付义务，依照{CPL}第二百六十六条，{RESTRICTION}第一条、第三条规定，"
        f"对{you}采取限制消费措施，限制{bound}不得实施以下高消费及非生活和工作必需的消费行为：",
        *[
            f"（{cn_number(i)}）{item}{'。' if i == len(PROHIBITED) else '；'}"
            for i, item in enumerate(PROHIBITED, start=1)
        ],
    ]
    if organisation:
        paras.append(
            "上述人员因私消费以个人财产实施前述规定行为的，可以向本院提出申请，本院审查属实的，"
            "予以准许。"
        )
    until = _cn(m.ends_on) if m.ends_on else f"{you}履行完毕生效法律文书确定的义务之日"
    paras += [
        f"限制消费期间：自本令送达之日起至{until}止。{you}履行完毕生效法律文书确定的义务的，本院将"
        f"依照{RESTRICTION}第九条规定及时解除本令。",
        f"如违反本限制消费令，经查证属实的，本院将依照{CPL}第一百一十四条规定予以罚款、拘留；情节"
        "严重，构成犯罪的，依法追究刑事责任；并可依法将其纳入失信被执行人名单。",
    ]
    return _base(
        x,
        "限制消费令",
        m.starts_on,
        to=p.name if p else x.names(),
        paragraphs=paras,
        closing="",
        contact=_contact(x),
    )


def _ground_facts(m: Measure, x: _Enf, name: str) -> str:
    p = m.party
    if m.ground == "breaks_reporting":
        orders = x.of(MeasureKind.REPORT_ORDER, p)
        when = f"本院于{_cn(orders[0].starts_on)}向其发出报告财产令，" if orders else ""
        return f"{when}被执行人{name}未按报告财产令报告财产，违反财产报告制度"
    if m.ground == "breaks_restriction":
        orders = x.of(MeasureKind.CONSUMPTION_RESTRICTION, p)
        when = f"本院于{_cn(orders[0].starts_on)}向其发出限制消费令，" if orders else ""
        return f"{when}被执行人{name}违反限制消费令"
    if m.ground == "breaks_settlement":
        return f"被执行人{name}无正当理由拒不履行执行和解协议"
    return f"被执行人{name}{LISTING_GROUNDS.get(m.ground, '未履行生效法律文书确定的义务')}"


def _listing(m: Measure, x: _Enf) -> dict[str, Any]:
    """决定书 listing one debtor as dishonest (失信规定 Arts. 1, 2, 5)."""
    p = m.party
    name = p.name if p else x.names()
    item = LISTING_ITEMS.get(m.ground, "一")
    with_term = m.ground != UNTIL_PERFORMANCE and m.ends_on is not None
    cite = f"{CPL}第二百六十六条，{DISHONEST}第一条第{item}项" + ("、第二条" if with_term else "")
    order = f"将被执行人{name}纳入失信被执行人名单" + (
        f"，纳入期限{_term(m.starts_on, m.ends_on)}。" if with_term else "。"
    )
    after = ["本决定一经作出即生效。"]
    if not with_term:
        after.append(
            f"被执行人履行完毕生效法律文书确定的全部义务的，本院将依照{DISHONEST}第十条规定在三个"
            "工作日内删除失信信息。"
        )
    after += [
        "本院将把被执行人的失信信息录入最高人民法院失信被执行人名单库，并通过该名单库统一向社会公布。",
        f"被执行人认为不应将其纳入失信被执行人名单、记载和公布的失信信息不准确或者失信信息应予删除"
        f"的，可以向本院申请纠正；本院自收到书面纠正申请之日起十五日内审查（{DISHONEST}第十一条、"
        "第十二条）。",
    ]
    paras = [
        f"本院在执行{_case_phrase(x)}中，{_title(x)}已经发生法律效力。被执行人{name}未履行生效法律"
        f"文书确定的义务，且{_ground_facts(m, x, name)}。依照{cite}规定，决定如下："
    ]
    return _base(
        x,
        DECISION,
        m.starts_on,
        parties=_party_rows(x, [p] if p else None),
        paragraphs=paras,
        orders=[order],
        after=after,
        officer="",
    )


def _done_list(x: _Enf) -> str:
    """执行经过: the measures taken, in date order (终本规定 Art. 6 item (二))."""
    steps: list[str] = []
    notices = x.of(MeasureKind.EXECUTION_NOTICE)
    if notices:
        days = sorted({m.starts_on for m in notices})
        reports = "、报告财产令" if x.of(MeasureKind.REPORT_ORDER) else ""
        steps.append(
            f"于{'、'.join(_cn(d) for d in days)}向被执行人{x.names()}发出执行通知书{reports}"
        )
    if x.inquiry_days:
        days = sorted(set(x.inquiry_days))
        steps.append(
            f"于{'、'.join(_cn(d) for d in days)}通过网络执行查控系统查询被执行人的存款、车辆、"
            "不动产、证券等财产"
        )
    for m in x.measures:
        owner = m.party.name if m.party else x.names()
        if m.kind in (MeasureKind.FREEZE, MeasureKind.DEDUCT, MeasureKind.SEIZE) and m.asset:
            verb = {"freeze": "冻结", "deduct": "扣划", "seize": "查封"}[m.kind]
            amount = f"{_yuan(m.amount)}" if m.amount and m.kind != MeasureKind.SEIZE else ""
            steps.append(f"于{_cn(m.starts_on)}{verb}{_asset_text(m.asset, owner)}{amount}")
        elif m.kind == MeasureKind.CONSUMPTION_RESTRICTION:
            steps.append(f"于{_cn(m.starts_on)}向被执行人{owner}发出限制消费令")
        elif m.kind == MeasureKind.DISHONEST_LISTING:
            steps.append(f"于{_cn(m.starts_on)}将被执行人{owner}纳入失信被执行人名单")
    return "；".join(steps)


def _assets_found(x: _Enf) -> str:
    """查明的财产情况 (终本规定 Art. 6 item (三)); name-only hits are not the debtor's."""
    matched = [a for a in x.assets if a.matched]
    others = len(x.assets) - len(matched)
    if matched:
        found = "；".join(
            f"{a.registry}反馈被执行人{a.holder_name}的{_ASSET_WORD.get(a.kind, '财产')}"
            f"（{a.description or '—'}，{'余额' if a.kind in _MONEY else '价值'}{_yuan(a.value)}）"
            for a in matched
        )
        text = (
            f"经查询，{found}，本院已依法采取上述措施；除此之外，未发现被执行人有其他可供执行的财产"
        )
    else:
        text = "经查询，未发现被执行人名下有可供执行的银行存款、车辆、不动产、证券等财产"
    if others:
        text += f"。另有{cn_number(others)}项财产登记人的证件号码与被执行人不一致，不属于被执行人的财产，未予处置"
    return text + "。"


def _termination(m: Measure, x: _Enf) -> dict[str, Any]:
    """执行裁定书 terminating the current round (终本), with what 终本规定 Art. 6 asks for."""
    x = x.as_of(m.starts_on)
    e = x.e
    restricted = bool(x.of(MeasureKind.CONSUMPTION_RESTRICTION))
    listed = bool(x.of(MeasureKind.DISHONEST_LISTING))
    done = _done_list(x)
    owed_fee = max(e.execution_fee - e.fee_collected, ZERO)
    paras = [
        f"本院在执行{_case_phrase(x)}中，{_title(x)}已经发生法律效力，确定被执行人应向申请执行人支付"
        f"{_debt_text(x)}及迟延履行期间的债务利息。{_filing(x)}，执行标的为{_yuan(e.applied_total)}。",
        f"本案执行过程中，本院{done}。" if done else "本案执行过程中，本院依法采取了执行措施。",
        _assets_found(x),
        f"截至本裁定作出之日，本案执行到位{_yuan(e.received)}，尚有生效法律文书确定的金钱债务"
        f"{_yuan(e.debt_outstanding)}未履行，迟延履行期间的债务利息计算至实际履行之日止"
        + (f"，申请执行费{_yuan(owed_fee)}尚未收取" if owed_fee > 0 else "")
        + "。",
        f"本院已将本案执行情况及财产调查结果告知申请执行人{x.applicant}，并听取了其对终结本次执行程序"
        "的意见。",
        "本院认为，本案已向被执行人发出执行通知书、责令其报告财产"
        + ("，已发出限制消费令" if restricted else "")
        + ("，并已将符合条件的被执行人纳入失信被执行人名单" if listed else "")
        + "，已穷尽财产调查措施，未发现被执行人有可供执行的财产或者发现的财产不能处置，自执行案件"
        f"立案之日起已超过三个月，符合终结本次执行程序的条件。依照{INTERP}第五百一十七条、"
        f"{TERMINATION}第一条规定，裁定如下：",
    ]
    first = next_reinquiry(m.starts_on, m.starts_on)  # as of the ruling, not of rendering
    nxt = f"，下次查询日期为{_cn(first)}" if first else ""
    after = [
        "终结本次执行程序后，被执行人应当继续履行生效法律文书确定的义务，申请执行人享有要求被执行人"
        "继续履行债务的权利。",
        "申请执行人发现被执行人有可供执行财产的，可以向本院申请恢复执行；申请恢复执行不受申请执行"
        f"时效期间的限制（{INTERP}第五百一十七条第二款，{TERMINATION}第九条第一款）。",
        "终结本次执行程序后的五年内，本院每六个月通过网络执行查控系统查询一次被执行人的财产，并将"
        f"查询结果告知申请执行人{nxt}；符合恢复执行条件的，本院将及时恢复执行（{TERMINATION}"
        "第九条第二款）。",
        "本裁定送达后立即生效。",
    ]
    return _base(
        x,
        RULING,
        m.starts_on,
        parties=_party_rows(x),
        paragraphs=paras,
        orders=["终结本次执行程序。"],
        after=after,
    )


@dataclass
class _Money:
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

    def merge(self, other: _Money | None) -> None:
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


def _chain(e: Enforcement) -> list[Enforcement]:
    """The enforcement cases of one title, the first filed first (执 → 执恢 → …)."""
    chain = [e]
    while chain[-1].resumed_from_id:
        parent = chain[-1].resumed_from
        if parent is None:  # pragma: no cover - the foreign key is protected
            break
        chain.append(parent)
    return chain[::-1]


def _receipts(chain: Sequence[Enforcement]) -> list[Receipt]:
    return list(
        Receipt.objects.filter(enforcement_id__in=[c.pk for c in chain])
        .select_related("created_by")
        .order_by("received_on", "pk")
    )


def _closing(m: Measure, x: _Enf) -> dict[str, Any]:
    """结案通知书: the title performed in full (执行完毕)."""
    total = x.recovered(x.chain)
    split = "、".join(f"{label}{figures(v)}元" for label, v in total.lines() if v > 0)
    lifted = [
        label
        for kind, label in (
            (MeasureKind.FREEZE, "冻结"),
            (MeasureKind.SEIZE, "查封"),
            (MeasureKind.CONSUMPTION_RESTRICTION, "限制消费"),
        )
        if x.of(kind)
    ]
    paras = [
        f"本院受理的{_case_phrase(x)}，{_title(x)}已经发生法律效力，{_filing(x)}。",
        f"截至{_cn(m.starts_on)}，本案执行到位{_yuan_words(total.amount)}"
        + (f"，其中{split}" if split else "")
        + "。生效法律文书确定的义务已全部履行完毕。",
    ]
    if lifted:
        paras.append(f"本院依法解除对被执行人采取的{'、'.join(lifted)}措施。")
    if x.of(MeasureKind.DISHONEST_LISTING):
        paras.append("被执行人的失信信息，本院依法予以删除。")
    paras.append(f"本案已执行完毕，于{_cn(m.starts_on)}结案。")
    return _base(
        x,
        "结案通知书",
        m.starts_on,
        to=f"申请执行人{x.applicant}、被执行人{x.names()}",
        paragraphs=paras,
        closing="特此通知。",
        contact=_contact(x),
    )


def _measure_doc(m: Measure, x: _Enf) -> _Doc | None:
    kind = MEASURE_KINDS.get(m.kind)
    if kind is None:
        return None
    builders: dict[str, Callable[[Measure, _Enf], dict[str, Any]]] = {
        MeasureKind.EXECUTION_NOTICE: _notice,
        MeasureKind.REPORT_ORDER: _report_order,
        MeasureKind.CONSUMPTION_RESTRICTION: _restriction,
        MeasureKind.DISHONEST_LISTING: _listing,
        MeasureKind.TERMINATION: _termination,
        MeasureKind.CLOSING: _closing,
    }
    if m.kind in builders:
        context = builders[m.kind](m, x)
    else:
        built = _asset_ruling(m, x)
        if built is None:
            return None
        kind, context = built
    context["title"] = KINDS[kind].title
    recipient: Party | str = m.party or f"申请执行人{x.applicant}、被执行人{x.names()}"
    return _Doc(kind, recipient, context, m.starts_on, f"measure:{m.pk}")


# ---------------------------------------------------------------------------------------------
# Lifting: 解除冻结/查封 rulings, 解除限制消费令, 删除失信信息 decisions
# ---------------------------------------------------------------------------------------------


def _unfreeze(m: Measure, x: _Enf, on: date) -> dict[str, Any] | None:
    a = m.asset
    if a is None:
        return None
    owner = m.party.name if m.party else (a.holder_name or x.names())
    thing = _asset_text(a, owner)
    verb = (
        "查封" if m.kind == MeasureKind.SEIZE else ("扣留" if a.kind == AssetKind.WAGES else "冻结")
    )
    performed = x.e.state == EnforcementState.PERFORMED
    reason = (
        "现被执行人已履行生效法律文书确定的全部义务，债务已经清偿。"
        if performed
        else f"经本院审查，上述{verb}措施应予解除。"
    )
    item = "四" if performed else "六"
    paras = [
        f"本院在执行{_case_phrase(x)}中，于{_cn(m.starts_on)}裁定{verb}{thing}。{reason}依照{SEIZURE}"
        f"第二十八条第一款第{item}项规定，裁定如下："
    ]
    return _base(
        x,
        RULING,
        on,
        parties=_party_rows(x),
        paragraphs=paras,
        orders=[f"解除对{thing}的{verb}。"],
        after=["本裁定立即执行。"],
        title=f"执行裁定书（解除{verb}）",
    )


def _restriction_lift(m: Measure, x: _Enf, on: date) -> dict[str, Any]:
    p, you = m.party, _you(m.party)
    performed = x.e.state == EnforcementState.PERFORMED
    others = "及对相关人员" if p is not None and p.kind == PartyKind.ORGANISATION else ""
    paras = [
        f"本院在执行{_case_phrase(x)}中，于{_cn(m.starts_on)}对{you}发出限制消费令。"
        + (f"因{you}已履行完毕生效法律文书确定的义务，" if performed else "")
        + f"依照{RESTRICTION}第九条规定，本院决定解除对{you}{others}的限制消费令。",
        f"自本令作出之日起，{you}不再受本院{_cn(m.starts_on)}发出的限制消费令的约束。",
    ]
    return _base(
        x,
        "解除限制消费令",
        on,
        to=p.name if p else x.names(),
        paragraphs=paras,
        closing="",
        contact=_contact(x),
    )


def _delisting(m: Measure, x: _Enf, on: date) -> dict[str, Any]:
    p = m.party
    name = p.name if p else x.names()
    e = x.e
    settled = getattr(e, "settlement", None)
    with_term = m.ends_on is not None and m.ground != UNTIL_PERFORMANCE
    if with_term and m.ends_on is not None and on > m.ends_on:
        reason = f"现纳入期限已于{_cn(m.ends_on)}届满"
        cite = f"{DISHONEST}第十条第二款"
    elif e.state == EnforcementState.PERFORMED and with_term:
        # A term listing is not deleted under Art. 10 para. 1 (its para. 2); performance allows
        # the court to delete it early (Art. 2 para. 2).
        reason = "现被执行人已积极履行生效法律文书确定的全部义务"
        cite = f"{DISHONEST}第二条第二款"
    elif e.state == EnforcementState.PERFORMED:
        reason = "现被执行人已履行生效法律文书确定的全部义务"
        cite = f"{DISHONEST}第十条第一款第一项"
    elif settled is not None and settled.state == SettlementState.PERFORMED:
        reason = "现当事人达成的执行和解协议已履行完毕"
        cite = f"{DISHONEST}第十条第一款第二项"
    else:
        reason = "经本院审查，被执行人的失信信息应予删除"
        cite = f"{DISHONEST}第十条"
    paras = [
        f"本院在执行{_case_phrase(x)}中，于{_cn(m.starts_on)}决定将被执行人{name}纳入失信被执行人"
        f"名单。{reason}。依照{cite}规定，决定如下："
    ]
    return _base(
        x,
        DECISION,
        on,
        parties=_party_rows(x, [p] if p else None),
        paragraphs=paras,
        orders=[f"删除被执行人{name}的失信信息。"],
        after=["本决定一经作出即生效。"],
        officer="",
    )


def _lift_doc(m: Measure, x: _Enf) -> _Doc | None:
    kind = LIFT_KINDS.get(m.kind)
    if kind is None or m.lifted_on is None:
        return None
    on = m.lifted_on
    context: dict[str, Any] | None
    if kind == "enf_unfreeze_ruling":
        context = _unfreeze(m, x, on)
    elif kind == "enf_restriction_lift":
        context = _restriction_lift(m, x, on)
    else:
        context = _delisting(m, x, on)
    if context is None:
        return None
    context.setdefault("title", KINDS[kind].title)
    recipient: Party | str = m.party or f"申请执行人{x.applicant}、被执行人{x.names()}"
    return _Doc(kind, recipient, context, on, f"measure:{m.pk}:lift")


# ---------------------------------------------------------------------------------------------
# Issuing set-wise
# ---------------------------------------------------------------------------------------------


def _existing(
    case_ids: set[int], occasions: set[str]
) -> dict[tuple[int, str, str], StoredDocument]:
    rows = StoredDocument.objects.filter(case_id__in=case_ids, issued_for__in=occasions)
    return {(d.case_id or 0, d.kind, d.issued_for): d for d in rows}


def _issue(pairs: list[tuple[Model, Case, _Doc]], field_name: str, by: User | None) -> int:
    """Issue each (row, case, doc) not yet stored, link every row, return how many were new."""
    if not pairs:
        return 0
    stored = _existing({c.pk for _, c, _ in pairs}, {d.occasion for _, _, d in pairs})
    made = 0
    linked: list[Model] = []
    for row, case, doc in pairs:
        found = stored.get((case.pk, doc.kind, doc.occasion))
        if found is None:
            try:
                found = issue_document(
                    case,
                    doc.kind,
                    recipient=doc.recipient,
                    context=doc.context,
                    by=by,
                    issued_on=doc.on,
                    issued_for=doc.occasion,
                )
                made += 1
            except DocumentAlreadyIssued:  # a concurrent run stored it between our look and now
                found = StoredDocument.objects.get(
                    case=case, kind=doc.kind, issued_for=doc.occasion
                )
        setattr(row, field_name, found)
        linked.append(row)
    type(linked[0])._default_manager.bulk_update(linked, [field_name], batch_size=500)
    return made


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    unique = sorted(set(ids))
    for start in range(0, len(unique), CHUNK):
        yield unique[start : start + CHUNK]


def issue_measure_documents(measure_ids: list[int], *, by: User | None) -> int:
    """Render, seal and link the document of each measure that has none (执行通知书, 报告财产令,
    rulings, 限制消费令, 失信决定书, 终本裁定, 结案通知书). Idempotent; returns how many were
    issued now. A settlement has no court document and is left as it is."""
    made = 0
    for chunk in _chunks(measure_ids):
        todo = list(Measure.objects.filter(pk__in=chunk, document__isnull=True).order_by("pk"))
        facts = _load(m.enforcement_id for m in todo)
        pairs = []
        for m in todo:
            x = facts[m.enforcement_id]
            m = next(n for n in x.measures if n.pk == m.pk)  # the copy with party and asset
            doc = _measure_doc(m, x)
            if doc is not None:
                pairs.append((m, x.case, doc))
        made += _issue(pairs, "document", by)  # type: ignore[arg-type]
    return made


def issue_lift_documents(measure_ids: list[int], *, by: User | None) -> int:
    """The lifting document of each lifted measure without one: 执行裁定书 (解除冻结/查封), 解除
    限制消费令, 决定书 (删除失信信息). Idempotent; returns how many were issued now."""
    made = 0
    for chunk in _chunks(measure_ids):
        todo = list(
            Measure.objects.filter(
                pk__in=chunk, lift_document__isnull=True, lifted_on__isnull=False
            ).order_by("pk")
        )
        facts = _load(m.enforcement_id for m in todo)
        pairs = []
        for m in todo:
            x = facts[m.enforcement_id]
            m = next(n for n in x.measures if n.pk == m.pk)
            doc = _lift_doc(m, x)
            if doc is not None:
                pairs.append((m, x.case, doc))
        made += _issue(pairs, "lift_document", by)  # type: ignore[arg-type]
    return made


# ---------------------------------------------------------------------------------------------
# 执行款收据
# ---------------------------------------------------------------------------------------------


def _creditor_reported(r: Receipt) -> bool:
    """Money the debtor paid the creditor directly, reported by the creditor's agent: it never
    reached the court's account (see actions.money._held)."""
    return r.created_by is not None and r.created_by.role == Role.BANK_AGENT


def receipt_number(r: Receipt, court_code: str) -> str:
    return f"{court_code}执款{r.received_on:%Y}{r.pk:07d}"


def _receipt_doc(r: Receipt, x: _Enf, payer: str) -> _Doc:
    court = x.case.court
    on = timezone.localdate(r.created_at) if r.created_at else r.received_on
    on = max(on, r.received_on)
    rows = [
        ["执行案号", x.e.number],
        ["交款人", payer],
        ["收款单位", f"{court.name}（执行款专户）"],
        ["款项来源", r.get_source_display()],
        ["到账日期", _cn(r.received_on)],
        ["银行流水号", r.reference],
        ["金额（小写）", _yuan(r.amount)],
        ["金额（大写）", words(r.amount)],
    ]
    split = _Money()
    split.add(r)
    distribution = [[label, figures(v)] for label, v in split.lines()]
    distribution.append(["合计", figures(r.amount)])
    note = (
        f"执行款先扣除由被执行人负担的申请执行费（{FEES}第二十条、第三十八条），再依次清偿实现债权的"
        f"费用、利息、主债务（《中华人民共和国民法典》第五百六十一条），最后清偿迟延履行期间的加倍"
        f"部分债务利息（{DELAY}第四条）；多余部分退还被执行人。"
    )
    if _creditor_reported(r):
        note += (
            "本款项系被执行人直接向申请执行人支付、经申请执行人报告后登记，未进入本院执行款专户。"
        )
    context = {
        "heading": "执行款收据",
        "title": "执行款收据",
        "case_number": f"收据编号：{receipt_number(r, court.court_code or court.code)}",
        "rows": rows,
        "distribution": distribution,
        "note": note,
        "officer": x.officer,
        "seal_label": "财务专用章",
        "issued_on_words": date_in_words(on),
    }
    return _Doc("enf_receipt", payer, context, on, f"receipt:{r.pk}")


def _payer(r: Receipt, x: _Enf) -> str:
    if r.source == ReceiptSource.DEDUCTION:
        for m in x.of(MeasureKind.DEDUCT):
            if m.registry_reference == r.reference and m.party is not None:
                return f"被执行人{m.party.name}（本院扣划）"
        return f"被执行人{x.names()}（本院扣划）"
    suffix = "（执行和解款）" if r.source == ReceiptSource.SETTLEMENT else ""
    return f"被执行人{x.names()}{suffix}"


def issue_receipt_documents(receipt_ids: list[int], *, by: User | None) -> int:
    """The 执行款收据 of each receipt without one. Idempotent; returns how many were issued now."""
    made = 0
    for chunk in _chunks(receipt_ids):
        todo = list(
            Receipt.objects.filter(pk__in=chunk, document__isnull=True)
            .select_related("created_by")
            .order_by("pk")
        )
        facts = _load(r.enforcement_id for r in todo)
        pairs = []
        for r in todo:
            x = facts[r.enforcement_id]
            pairs.append((r, x.case, _receipt_doc(r, x, _payer(r, x))))
        made += _issue(pairs, "document", by)  # type: ignore[arg-type]
    return made


# ---------------------------------------------------------------------------------------------
# 执行款明细 (creditor statement)
# ---------------------------------------------------------------------------------------------


def creditor_statement(enforcement: Enforcement, *, by: User | None, on: date) -> StoredDocument:
    """执行款明细 for the creditor at `on`: the title's debt, every receipt of the title (the 执
    and 执恢 cases) with its distribution, the pay-outs, and what is still owed at `on` (the
    continuing and doubled-part interest accrued to that day, `actions.money.ledger`). The same
    figures on the same day give the same document (issued once); new money gives a new one."""
    from jiefen.enforcement.actions.money import ledger

    x = _load([enforcement.pk])[enforcement.pk]
    e = x.e
    chain = _chain(e)
    receipts = _receipts(chain)
    as_of = max([on, *(r.received_on for r in receipts)])
    dist = ledger(e, as_of=as_of)
    from jiefen.enforcement.models import Disbursement

    payouts = list(
        Disbursement.objects.filter(enforcement_id__in=[c.pk for c in chain]).order_by(
            "paid_on", "pk"
        )
    )
    total = _Money()
    rows = []
    for i, r in enumerate(receipts, start=1):
        total.add(r)
        rows.append(
            [
                str(i),
                r.received_on.isoformat(),
                r.reference,
                r.get_source_display(),
                *(
                    figures(v)
                    for v in (
                        r.amount,
                        r.to_execution_fee,
                        r.to_costs,
                        r.to_interest,
                        r.to_principal,
                        r.to_other,
                        r.to_delay_interest,
                        r.surplus,
                    )
                ),
            ]
        )
    sums = [total.amount, total.fee, total.costs, total.interest, total.principal, total.other]
    totals = ["合计", "", "", "", *(figures(v) for v in (*sums, total.delay, total.surplus))]
    direct = sum(
        (r.amount - r.to_execution_fee - r.surplus for r in receipts if _creditor_reported(r)),
        ZERO,
    )
    to_creditor = total.costs + total.interest + total.principal + total.other + total.delay
    paid = sum((d.amount for d in payouts), ZERO)
    held = max(to_creditor - direct - paid, ZERO)
    owed = dist.outstanding_debt + dist.outstanding_delay_interest + dist.outstanding_execution_fee
    summary = [
        [
            ["执行到位合计", figures(total.amount)],
            ["其中：申请执行费", figures(total.fee)],
            ["应付申请执行人（债务及迟延履行利息）", figures(to_creditor)],
            ["退还被执行人", figures(total.surplus)],
            ["申请执行人直接收取（自行报告）", figures(direct)],
            ["已发还申请执行人", figures(paid)],
            ["本院暂存待发还", figures(held)],
        ],
        [
            ["尚欠金钱债务（含已计一般债务利息）", figures(dist.outstanding_debt)],
            ["尚欠迟延履行期间的加倍部分债务利息", figures(dist.outstanding_delay_interest)],
            ["尚欠申请执行费", figures(dist.outstanding_execution_fee)],
            ["尚欠合计", figures(owed)],
        ],
    ]
    debt = [[label, figures(v)] for label, v in _debt_items(x)]
    debt.append(["金钱债务合计", figures(_debt_total(e))])
    if _continuing(e):
        debt.append(["继续计付的一般债务利息", "计算至实际清偿之日"])
    debt.append(["申请执行费（由被执行人负担）", figures(e.execution_fee)])
    notes = [
        f"1. 执行依据：{_title(x)}；迟延履行期间的加倍部分债务利息自{_cn(e.delay_from)}次日起按日"
        "万分之一点七五计算，每笔执行款到账之日其清偿部分停止计算。",
        f"2. 分配顺序：申请执行费 → 实现债权的费用 → 一般债务利息 → 本金 → 其他金钱债务 → 迟延履行"
        f"期间的加倍部分债务利息（{FEES}第三十八条，《中华人民共和国民法典》第五百六十一条，{DELAY}"
        "第四条）。",
        f"3. 尚欠金额计算至{_cn(as_of)}；此后继续计算的利息以实际履行之日为准。",
    ]
    parties = [
        {"role": "申请执行人", "text": x.applicant},
        {"role": "被执行人", "text": x.names()},
        {"role": "执行依据", "text": _title(x).removeprefix("本院")},
    ]
    if len(chain) > 1:
        parties.append({"role": "执行案号", "text": "、".join(c.number for c in chain)})
    context: dict[str, Any] = {
        "heading": "执行款明细",
        "title": "执行款明细",
        "case_number": e.number,
        "parties": parties,
        "intro": f"{_case_phrase(x)}，截至{_cn(as_of)}的执行款到账、分配及发还情况如下：",
        "as_of": _cn(as_of),
        "debt": debt,
        "receipts": rows,
        "receipts_total": totals,
        "disbursements": [[d.paid_on.isoformat(), figures(d.amount)] for d in payouts],
        "summary": summary,
        "notes": notes,
        "issued_on_words": date_in_words(on),
    }
    digest = hashlib.sha256(repr((rows, totals, summary, context["disbursements"])).encode())
    occasion = f"statement:{e.pk}:{on:%Y%m%d}:{digest.hexdigest()[:12]}"
    found = StoredDocument.objects.filter(
        case=x.case, kind="enf_statement", issued_for=occasion
    ).first()
    if found is not None:
        return found
    try:
        return issue_document(
            x.case,
            "enf_statement",
            recipient=x.applicant,
            context=context,
            by=by,
            issued_on=on,
            issued_for=occasion,
        )
    except DocumentAlreadyIssued:
        return StoredDocument.objects.get(case=x.case, kind="enf_statement", issued_for=occasion)


# ---------------------------------------------------------------------------------------------
# 强制执行申请书 (the creditor's application, unsigned: the applicant seals it)
# ---------------------------------------------------------------------------------------------


def _application_parts(application: Application) -> tuple[_Enf, Any]:
    """A stand-in enforcement built from the title (the application may not be filed yet)."""
    from jiefen.enforcement.rules import TitleMissing, execution_fee_for, title_debt

    case = (
        Case.objects.select_related("institution", "court", "notary_office")
        .prefetch_related("case_parties__party")
        .get(pk=application.case_id)
    )
    try:
        title = title_debt(case)
    except TitleMissing:
        title = None
    debt = title.debt if title is not None else None
    stand_in = Enforcement(
        case=case,
        number="",
        title_kind=application.title_kind,
        title_reference=application.title_reference,
        filed_on=application.prepared_on,
        delay_from=application.performance_ends,
        costs=debt.costs if debt else ZERO,
        interest=debt.interest if debt else ZERO,
        principal=debt.principal if debt else application.amount,
        other=debt.other if debt else ZERO,
        applied_total=application.amount,
    )
    if title is not None and title.general_interest is not None:
        stand_in.continuing_percent = title.general_interest.annual_percent
        stand_in.continuing_from = title.general_interest.start
    stand_in.execution_fee = execution_fee_for(
        case.court, application.amount, application.prepared_on
    )
    links = list(case.case_parties.all())
    x = _Enf(stand_in, links=links)
    from jiefen.judgments.models import Judgment

    judgment = Judgment.objects.filter(case=case).first()
    x.computation = dict(judgment.computation or {}) if judgment else None
    debtors = title.debtors if title is not None else [cp.party for cp in case.defendants]
    return x, debtors


def application_document(application: Application, *, by: User | None) -> StoredDocument:
    """强制执行申请书 of a prepared application (民诉法 Arts. 247, 250, 264; 办法 Art. 38),
    on the mediation stage's `enforcement_application` template; linked to the application."""
    occasion = f"application:{application.pk}"
    found = StoredDocument.objects.filter(
        case_id=application.case_id, kind=ENFORCEMENT_APPLICATION.code, issued_for=occasion
    ).first()
    if found is None:
        found = _render_application(application, by=by, occasion=occasion)
    Application.objects.filter(pk=application.pk, document__isnull=True).update(document=found)
    application.document = found
    return found


def _render_application(
    application: Application, *, by: User | None, occasion: str
) -> StoredDocument:
    x, debtors = _application_parts(application)
    e, case = x.e, x.case
    names = "、".join(p.name for p in debtors)
    joint = [p.name for p in debtors if p.pk in x.guarantors]
    ref = application.title_reference
    asks = [
        f"请求依法强制执行被申请人{names}向申请人{x.applicant}支付{ref}确定的款项{_debt_text(x)}"
        + (f"，并支付{_continuing(e)}" if _continuing(e) else ""),
        f"请求被申请人{delay_sentence(e)}（{CPL}第二百六十四条）",
    ]
    if joint and len(debtors) > 1:
        asks.append(f"请求被申请人{'、'.join(joint)}按照{ref}确定的范围对上述债务承担连带清偿责任")
    asks.append(
        f"本案申请执行费（按申请执行标的计算为{_yuan(e.execution_fee)}）由被申请人负担"
        f"（{FEES}第三十八条）"
    )
    requests = [
        f"{cn_number(i)}、{a}{'。' if i == len(asks) else '；'}" for i, a in enumerate(asks, 1)
    ]
    reasons = [
        f"申请人与被申请人{names}{case.get_case_type_display()}一案，{_title(x)}已经发生法律效力，"
        f"确定被申请人应向申请人支付上述款项，履行期限已于{_cn(application.performance_ends)}届满。"
        "被申请人至今未履行生效法律文书确定的义务。",
        f"依照{CPL}第二百四十七条、第二百五十条规定，申请人在申请执行期间（至"
        f"{_cn(application.application_deadline)}届满）内向贵院申请强制执行，请依法执行。",
    ]
    rows = [[label, f"{figures(v)}元"] for label, v in _debt_items(x)]
    rows.append(["申请执行标的", f"{figures(application.amount)}元"])
    rows.append(["申请执行费（按标的计算）", f"{figures(e.execution_fee)}元"])
    parties = [
        {
            "role": r["role"].replace("申请执行人", "申请人").replace("被执行人", "被申请人"),
            "name": r["text"].rstrip("。"),
            "detail": "",
        }
        for r in _party_rows(x, debtors)
    ]
    kind_label = TitleKind(application.title_kind).label
    context: dict[str, Any] = {
        "case_number": "",
        "parties": parties,
        "title": ref,
        "requests": requests,
        "reasons": reasons,
        "rows": rows,
        "applicant_name": x.applicant,
        "attachments": [
            f"{ref}及生效证明" if ref.endswith(kind_label) else f"{ref}（{kind_label}）及生效证明",
            "申请人营业执照、负责人身份证明及授权委托书",
            "被申请人身份信息及财产线索",
        ],
        "issued_on_words": _cn(application.prepared_on),
    }
    try:
        return issue_document(
            case,
            ENFORCEMENT_APPLICATION.code,
            recipient=case.court.name,
            context=context,
            by=by,
            sign=False,
            issued_on=application.prepared_on,
            issued_for=occasion,
        )
    except DocumentAlreadyIssued:
        return StoredDocument.objects.get(
            case=case, kind=ENFORCEMENT_APPLICATION.code, issued_for=occasion
        )
