"""The element lists (要素) of the 2025 official element-style complaint templates.

For 金融借款合同纠纷 and 信用卡纠纷 (nationwide from 2025-07-14). Each element has a stable key;
`Case.elements` stores the facts under these keys and the claimed amounts are columns of `Case`.
`complaint_elements(case)` turns a case into the numbered rows of the complaint, in the order and
wording of the template, for documents, the borrower portal and the hearing.

Keys of `Case.elements` (all optional unless the intake format says otherwise):
  contract        {"name", "number", "signed_on", "place"}
  loan_amount     {"agreed", "disbursed"}                       (loans)
  term            {"start", "end"}                              (loans)
  rates           {"annual_rate_percent", "penalty_multiplier", "compound", "basis"}
  disbursed_on    "YYYY-MM-DD"                                  (loans)
  repayment_method one of REPAYMENT_METHODS                     (loans)
  repaid          {"principal", "interest", "interest_paid_to"}
  overdue_since   "YYYY-MM-DD"
  acceleration    "accelerate" | "rescind" | ""                 (loans)
  card            {"number", "holder", "issued_on", "issuing_branch", "credit_limit"} (cards)
  terms_explained {"done": bool, "how": str}                    (cards)
  collection      [{"on": "YYYY-MM-DD", "channel": str}]
  guarantees      [{"name", "kind", "limit", "signed_on"}]
                  kind: one of GUARANTEE_KINDS; limit: "" (none) or a yuan amount
  collateral      {"description", "kind", "signed_on", "maximum_amount", "registered",
                   "registration_number", "registered_on"}
                  kind: one of COLLATERAL_KINDS; maximum_amount: "" or yuan (最高额)
  until_paid      bool   (interest claimed on until actual payment)
  claims_costs    bool   (litigation costs claimed from the defendants; absent = not claimed)
  evidence        [file names]
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jiefen.cases.models import Case

REPAYMENT_METHODS = {
    "equal_instalments": "等额本息",
    "equal_principal": "等额本金",
    "bullet": "到期一次性还本付息",
    "monthly_interest": "按月计息、到期一次性还本",
    "quarterly_interest": "按季计息、到期一次性还本",
    "yearly_interest": "按年计息、到期一次性还本",
    "other": "其他",
}


# 保证方式 (民法典 Arts. 686–688): the complaint claims joint liability only from a joint guarantor.
GUARANTEE_KINDS = {"joint": "连带责任保证", "general": "一般保证"}
# 担保物类型: registration means something different for each (民法典 Arts. 402, 403, 429, 441).
COLLATERAL_KINDS = {
    "real_estate_mortgage": "不动产抵押",
    "movable_mortgage": "动产抵押",
    "pledge": "质押",
}
CIVIL_CODE = "《中华人民共和国民法典》"


@dataclass(frozen=True)
class Element:
    key: str
    section: str  # "claims" (诉讼请求和依据) or "facts" (事实与理由)
    label: str


CLAIMS = "claims"
FACTS = "facts"
SECTION_TITLES = {CLAIMS: "诉讼请求和依据", FACTS: "事实与理由"}

FINANCIAL_LOAN_2025: tuple[Element, ...] = (
    Element("principal", CLAIMS, "本金"),
    Element("interest", CLAIMS, "利息（期内利息、复利、罚息）"),
    Element("acceleration", CLAIMS, "是否要求提前还款或解除合同"),
    Element("guarantee_claim", CLAIMS, "是否主张担保权利"),
    Element("enforcement_costs", CLAIMS, "是否主张实现债权的费用"),
    Element("litigation_costs", CLAIMS, "是否主张诉讼费用"),
    Element("other_claims", CLAIMS, "其他请求"),
    Element("claim_total", CLAIMS, "标的总额"),
    Element("contract", FACTS, "合同签订情况（名称、编号、签订时间、地点等）"),
    Element("contract_parties", FACTS, "合同主体"),
    Element("loan_amount", FACTS, "借款金额"),
    Element("term", FACTS, "借款期限"),
    Element("rates", FACTS, "借款利率"),
    Element("disbursed_on", FACTS, "借款提供时间"),
    Element("repayment_method", FACTS, "还款方式"),
    Element("repaid", FACTS, "还款情况"),
    Element("overdue", FACTS, "是否存在逾期还款"),
    Element("security_contract", FACTS, "是否签订物的担保（抵押、质押）合同"),
    Element("guarantors_collateral", FACTS, "担保人、担保物"),
    Element("maximum_amount_security", FACTS, "是否最高额担保（抵押、质押）"),
    Element("security_registration", FACTS, "是否办理抵押、质押登记"),
    Element("guarantee_contract", FACTS, "是否签订保证合同 / 保函"),
    Element("guarantee_kind", FACTS, "保证方式"),
    Element("other_security", FACTS, "其他担保方式"),
    Element("liability_basis", FACTS, "请求承担责任的依据"),
    Element("other_notes", FACTS, "其他需要说明的内容"),
    Element("evidence", FACTS, "证据清单"),
)

CREDIT_CARD_2025: tuple[Element, ...] = (
    Element("principal", CLAIMS, "透支本金"),
    Element("interest", CLAIMS, "利息、罚息、复利、滞纳金、违约金、手续费等"),
    Element("guarantee_claim", CLAIMS, "是否主张担保权利"),
    Element("enforcement_costs", CLAIMS, "是否主张实现债权的费用"),
    Element("litigation_costs", CLAIMS, "是否主张诉讼费用"),
    Element("other_claims", CLAIMS, "其他请求"),
    Element("claim_total", CLAIMS, "标的总额"),
    Element("card", FACTS, "信用卡办理情况（信用卡卡号、信用卡登记权利人、办卡时间、办卡行等）"),
    Element("card_terms", FACTS, "信用卡合约的主要约定"),
    Element("terms_explained", FACTS, "是否就信用卡合约主要条款进行提示注意"),
    Element("repaid", FACTS, "被告逾期部分已还金额"),
    Element("overdue", FACTS, "被告逾期未还款金额"),
    Element("collection", FACTS, "是否向被告进行通知和催收"),
    Element("security_contract", FACTS, "是否签订物的担保（抵押、质押）合同"),
    Element("guarantors_collateral", FACTS, "担保人、担保物"),
    Element("maximum_amount_security", FACTS, "是否最高额担保（抵押、质押）"),
    Element("security_registration", FACTS, "是否办理抵押、质押登记"),
    Element("guarantee_contract", FACTS, "是否签订保证合同"),
    Element("guarantee_kind", FACTS, "保证方式"),
    Element("other_security", FACTS, "其他担保方式"),
    Element("liability_basis", FACTS, "请求承担责任的依据"),
    Element("other_notes", FACTS, "其他需要说明的内容"),
    Element("evidence", FACTS, "证据清单"),
)

CATALOGUE: dict[str, tuple[Element, ...]] = {
    "financial_loan": FINANCIAL_LOAN_2025,
    "credit_card": CREDIT_CARD_2025,
}


@dataclass(frozen=True)
class ElementRow:
    number: int
    key: str
    section: str
    label: str
    text: str


def yuan(value: Any) -> str:
    """12,345.60 元 — amounts in documents keep fen and thousands separators."""
    return f"{Decimal(str(value)):,.2f}元"


def cn_date(value: Any) -> str:
    """2024-03-05 → 2024年3月5日 (dates in documents are written 年月日)."""
    if not value:
        return "—"
    y, m, d = str(value)[:10].split("-")
    return f"{int(y)}年{int(m)}月{int(d)}日"


def _yes_no(flag: bool, detail: str = "") -> str:
    return f"是。{detail}" if flag and detail else ("是" if flag else "否")


def guarantee_kind_label(kind: str) -> str:
    """The Chinese name of a guarantee type; an unknown or missing one is said to be missing."""
    if kind in GUARANTEE_KINDS.values():
        return kind
    return GUARANTEE_KINDS.get(kind, "保证方式未载明")


def _limit_phrase(g: dict[str, Any]) -> str:
    return f"在保证限额{yuan(g['limit'])}范围内" if g.get("limit") else ""


def guarantee_claim(g: dict[str, Any], debtors: str) -> str:
    """What the complaint asks of one guarantor, by the type of guarantee the bank stated.

    Joint (Art. 688): joint and several liability. General (Art. 687; 担保制度解释 Art. 26):
    only for what enforcement against the debtor's property leaves unpaid — never 连带.
    """
    kind = guarantee_kind_label(str(g.get("kind", "")))
    limit = _limit_phrase(g)
    if kind == GUARANTEE_KINDS["joint"]:
        return f"请求判令保证人{g['name']}{limit}对上述债务承担连带清偿责任"
    if kind == GUARANTEE_KINDS["general"]:
        return (
            f"请求判令保证人{g['name']}{limit}对被告{debtors}的上述债务"
            "经依法强制执行后仍不能履行的部分承担清偿责任"
        )
    return f"请求判令保证人{g['name']}{limit}承担保证责任（保证方式未载明）"


def priority_claimable(collateral: dict[str, Any]) -> bool:
    """May the complaint claim priority (优先受偿) over the collateral's proceeds?

    A registered mortgage or pledge: yes. An unregistered movable mortgage exists from the
    contract (Art. 403): yes, though not against a good-faith third party. An unregistered
    real-estate mortgage was never created (Art. 402): no. An unregistered pledge: not claimed
    (a movable pledge exists only on delivery, Art. 429, which the batch does not record).
    """
    if not collateral:
        return False
    if collateral.get("registered"):
        return True
    return collateral.get("kind") == "movable_mortgage"


def _collateral_name(collateral: dict[str, Any]) -> str:
    return str(collateral.get("description") or collateral.get("kind") or "担保物")


def _priority_claim(collateral: dict[str, Any], debtors: str) -> str:
    """Priority over the proceeds of the borrower's own collateral (the batch format carries
    no third-party mortgagor, who would have to be a defendant), within the maximum amount
    where the security is a maximum-amount one (最高额, Art. 420)."""
    maximum = collateral.get("maximum_amount")
    scope = f"在最高债权额{yuan(maximum)}范围内" if maximum else "在上述债权范围内"
    return (
        f"请求确认原告对被告{debtors}提供的{_collateral_name(collateral)}"
        f"折价或者拍卖、变卖所得价款{scope}享有优先受偿权"
    )


def _registration_text(collateral: dict[str, Any]) -> str:
    """是否办理抵押、质押登记 — as the bank's data says, with what follows from it in law."""
    if not collateral:
        return "否"
    if collateral.get("registered"):
        text = "是，正式登记"
        if collateral.get("registration_number"):
            text += f"；登记证明号：{collateral['registration_number']}"
        if collateral.get("registered_on"):
            text += f"；登记日期：{cn_date(collateral['registered_on'])}"
        return text
    kind = collateral.get("kind")
    if kind == "real_estate_mortgage":
        return (
            f"否。未办理抵押登记，抵押权未设立（{CIVIL_CODE}第四百零二条），"
            "原告不主张就该财产优先受偿"
        )
    if kind == "movable_mortgage":
        return (
            f"否。动产抵押权自抵押合同生效时设立，未经登记不得对抗善意第三人"
            f"（{CIVIL_CODE}第四百零三条）"
        )
    return "否。原告不主张就该财产优先受偿"


def _security_claims(case: Case, e: dict[str, Any]) -> list[str]:
    debtors = "、".join(cp.party.name for cp in case.defendants) or "借款人"
    claims = [guarantee_claim(g, debtors) for g in e.get("guarantees") or []]
    collateral = e.get("collateral") or {}
    if priority_claimable(collateral):
        claims.append(_priority_claim(collateral, debtors))
    return claims


def _liability_basis(e: dict[str, Any]) -> str:
    articles = ["第六百七十四条", "第六百七十五条", "第六百七十六条"]
    kinds = {guarantee_kind_label(str(g.get("kind", ""))) for g in e.get("guarantees") or []}
    if GUARANTEE_KINDS["general"] in kinds:
        articles.append("第六百八十七条")
    if GUARANTEE_KINDS["joint"] in kinds:
        articles.append("第六百八十八条")
    collateral = e.get("collateral") or {}
    if priority_claimable(collateral):
        # Priority over the proceeds (Art. 386): a mortgage created by registration (Art. 402)
        # or by the contract (Art. 403) and realised under Art. 410; a pledge under Art. 436.
        articles.append("第三百八十六条")
        articles += {
            "real_estate_mortgage": ["第四百零二条", "第四百一十条"],
            "movable_mortgage": ["第四百零三条", "第四百一十条"],
            "pledge": ["第四百三十六条"],
        }.get(str(collateral.get("kind", "")), [])
    return CIVIL_CODE + "、".join(articles)


def _element_text(case: Case, key: str) -> str:
    e: dict[str, Any] = case.elements or {}
    cut = cn_date(case.cut_off_date)
    guarantees = e.get("guarantees") or []
    collateral = e.get("collateral") or {}
    match key:
        case "principal":
            return f"截至{cut}止，尚欠本金{yuan(case.principal)}（人民币，下同）"
        case "interest":
            text = (
                f"截至{cut}止，欠期内利息{yuan(case.interest)}、罚息{yuan(case.penalty_interest)}、"
                f"复利{yuan(case.compound_interest)}"
            )
            if case.fees:
                text += f"、手续费{yuan(case.fees)}"
            if case.liquidated_damages:
                text += f"、违约金{yuan(case.liquidated_damages)}"
            if e.get("until_paid"):
                text += f"；自{cn_date(case.cut_off_date)}次日起按合同约定计算至实际清偿之日止"
            return text
        case "acceleration":
            choice = e.get("acceleration", "")
            return {"accelerate": "是，提前还款（加速到期）", "rescind": "是，解除合同"}.get(
                choice, "否"
            )
        case "guarantee_claim":
            claims = _security_claims(case, e)
            return _yes_no(bool(claims), "；".join(claims))
        case "enforcement_costs":
            return _yes_no(bool(case.lawyer_fees), f"律师费{yuan(case.lawyer_fees)}")
        case "litigation_costs":
            return _yes_no(bool(e.get("claims_costs")), "本案诉讼费用由被告承担")
        case "other_claims":
            return "无"
        case "claim_total":
            return yuan(case.claim_total)
        case "contract":
            c = e.get("contract") or {}
            return (
                f"《{str(c.get('name', '借款合同')).strip('《》')}》，"
                f"编号{c.get('number', case.contract_number)}，"
                f"签订时间{cn_date(c.get('signed_on'))}"
                + (f"，签订地点{c['place']}" if c.get("place") else "")
            )
        case "contract_parties":
            borrowers = "、".join(cp.party.name for cp in case.defendants)
            return f"贷款人：{case.institution.name}；借款人：{borrowers}"
        case "loan_amount":
            la = e.get("loan_amount") or {}
            return f"约定：{yuan(la.get('agreed', 0))}；实际发放：{yuan(la.get('disbursed', 0))}"
        case "term":
            t = e.get("term") or {}
            matured = bool(t.get("end")) and str(t["end"]) <= str(case.cut_off_date)
            return f"是否到期：{'是' if matured else '否'}；约定期限：{cn_date(t.get('start'))}起至{cn_date(t.get('end'))}止"
        case "rates":
            r = e.get("rates") or {}
            text = f"利率{r.get('annual_rate_percent', '—')}%/年"
            if r.get("penalty_multiplier"):
                upward = (Decimal(str(r["penalty_multiplier"])) - 1) * 100
                text += f"；逾期上浮{upward.normalize():f}%"
            text += "；计收复利" if r.get("compound") else "；不计复利"
            return text
        case "disbursed_on":
            la = e.get("loan_amount") or {}
            return f"{cn_date(e.get('disbursed_on'))}，{yuan(la.get('disbursed', 0))}"
        case "repayment_method":
            return REPAYMENT_METHODS.get(e.get("repayment_method", ""), "—")
        case "repaid":
            rp = e.get("repaid") or {}
            text = (
                f"已还本金：{yuan(rp.get('principal', 0))}；已还利息：{yuan(rp.get('interest', 0))}"
            )
            if rp.get("interest_paid_to"):
                text += f"，还息至{cn_date(rp['interest_paid_to'])}"
            return text
        case "overdue":
            since = e.get("overdue_since")
            if case.case_type == "credit_card":
                return (
                    f"逾期时间：{cn_date(since)}起；截至{cut}，被告欠付信用卡本金{yuan(case.principal)}、"
                    f"利息{yuan(case.interest)}、罚息{yuan(case.penalty_interest)}、复利{yuan(case.compound_interest)}、"
                    f"违约金{yuan(case.liquidated_damages)}、手续费{yuan(case.fees)}"
                )
            return _yes_no(bool(since), f"逾期时间：{cn_date(since)}起至今")
        case "card":
            c = e.get("card") or {}
            return (
                f"卡号{c.get('number', case.contract_number)}，登记权利人{c.get('holder', '')}，"
                f"办卡时间{cn_date(c.get('issued_on'))}，办卡行{c.get('issuing_branch', case.institution.name)}"
            )
        case "card_terms":
            r = e.get("rates") or {}
            c = e.get("card") or {}
            return (
                f"透支额度：{yuan(c.get('credit_limit', 0))}；利息按日利率"
                f"{r.get('daily_rate_percent', '0.05')}%计收，逾期按领用合约计收违约金"
            )
        case "terms_explained":
            te = e.get("terms_explained") or {}
            return _yes_no(bool(te.get("done")), te.get("how", ""))
        case "collection":
            col = e.get("collection") or []
            detail = "；".join(f"{cn_date(c['on'])}通过{c['channel']}催收" for c in col)
            return _yes_no(bool(col), detail)
        case "security_contract":
            if not collateral:
                return "否"
            kind = COLLATERAL_KINDS.get(collateral.get("kind", ""), "")
            text = f"是（{kind}）" if kind else "是"
            if collateral.get("signed_on"):
                text += f"。签订时间：{cn_date(collateral['signed_on'])}"
            return text
        case "guarantors_collateral":
            names = "、".join(g["name"] for g in guarantees) or "无"
            return (
                f"担保人：{names}；担保物：{_collateral_name(collateral) if collateral else '无'}"
            )
        case "maximum_amount_security":
            maximum = collateral.get("maximum_amount")
            return f"是。担保额度：{yuan(maximum)}" if maximum else "否"
        case "security_registration":
            return _registration_text(collateral)
        case "guarantee_contract":
            if not guarantees:
                return "否"
            signed = guarantees[0].get("signed_on")
            content = "；".join(
                f"{g['name']}：{guarantee_kind_label(str(g.get('kind', '')))}，"
                + (f"保证限额{yuan(g['limit'])}" if g.get("limit") else "未约定保证限额")
                for g in guarantees
            )
            return (
                f"是。签订时间：{cn_date(signed) if signed else '—'}；"
                f"保证人：{'、'.join(g['name'] for g in guarantees)}；主要内容：{content}"
            )
        case "guarantee_kind":
            if not guarantees:
                return "—"
            labels = [guarantee_kind_label(str(g.get("kind", ""))) for g in guarantees]
            if len(guarantees) == 1:
                return labels[0]
            return "；".join(f"{g['name']}：{k}" for g, k in zip(guarantees, labels, strict=True))
        case "other_security":
            return "否"
        case "liability_basis":
            name = str((e.get("contract") or {}).get("name", "合同")).strip("《》")
            return f"合同约定：《{name}》相关条款；法律规定：{_liability_basis(e)}"
        case "other_notes":
            return "无"
        case "evidence":
            return "、".join(e.get("evidence") or []) or "无"
    return "—"


def complaint_elements(case: Case) -> list[ElementRow]:
    """The numbered element rows of the 2025 complaint template, filled from the case."""
    rows: list[ElementRow] = []
    numbers = {CLAIMS: 0, FACTS: 0}
    for element in CATALOGUE[case.case_type]:
        numbers[element.section] += 1
        rows.append(
            ElementRow(
                numbers[element.section],
                element.key,
                element.section,
                element.label,
                _element_text(case, element.key),
            )
        )
    return rows


# =============================================================================================
# The answer catalogue (要素式答辩状, 2025 texts): the answer items in template order, each
# mapped to the complaint element it answers. "exemption" is 有无其他免责/减责事由 (it answers
# the claim as a whole); "answer_basis", "other_notes" are free text and "evidence" the
# answer's evidence list (files). Where the complaint has an element the answer template does
# not ask about (e.g. 诉讼费用), there is no answer item: the court decides costs by law.
# =============================================================================================


@dataclass(frozen=True)
class AnswerElement:
    key: (
        str  # a complaint element key, or "exemption" / "answer_basis" / "other_notes" / "evidence"
    )
    section: str  # CLAIMS (答辩事项和依据) or FACTS (事实和理由)
    label: str  # as the template asks it, e.g. "对本金有无异议"


ANSWER_SECTION_TITLES = {
    CLAIMS: "答辩事项和依据（对原告诉讼请求的确认或者异议）",
    FACTS: "事实和理由（对起诉状事实与理由的确认或者异议）",
}
# Items that are not 无异议 / 有异议 choices but free text (and files) of the answer.
ANSWER_TEXT_KEYS = frozenset({"answer_basis", "other_notes", "evidence"})

_ANSWER_TAIL: tuple[AnswerElement, ...] = (
    AnswerElement("exemption", FACTS, "有无其他免责/减责事由"),
    AnswerElement("answer_basis", FACTS, "答辩依据（合同约定、法律规定）"),
    AnswerElement("other_notes", FACTS, "其他需要说明的内容"),
    AnswerElement("evidence", FACTS, "证据清单"),
)

FINANCIAL_LOAN_ANSWER_2025: tuple[AnswerElement, ...] = (
    AnswerElement("principal", CLAIMS, "对本金有无异议"),
    AnswerElement("interest", CLAIMS, "对利息（期内利息、复利、罚息）有无异议"),
    AnswerElement("acceleration", CLAIMS, "对提前还款或解除合同有无异议"),
    AnswerElement("guarantee_claim", CLAIMS, "对担保权利诉请有无异议"),
    AnswerElement("enforcement_costs", CLAIMS, "对实现债权的费用有无异议"),
    AnswerElement("other_claims", CLAIMS, "对其他请求有无异议"),
    AnswerElement("claim_total", CLAIMS, "对标的总额有无异议"),
    AnswerElement("contract", FACTS, "对合同签订情况（名称、编号、签订时间、地点等）有无异议"),
    AnswerElement("contract_parties", FACTS, "对合同主体有无异议"),
    AnswerElement("loan_amount", FACTS, "对借款金额有无异议"),
    AnswerElement("term", FACTS, "对借款期限有无异议"),
    AnswerElement("rates", FACTS, "对借款利率有无异议"),
    AnswerElement("disbursed_on", FACTS, "对借款发放时间有无异议"),
    AnswerElement("repayment_method", FACTS, "对还款方式有无异议"),
    AnswerElement("repaid", FACTS, "对还款情况有无异议"),
    AnswerElement("overdue", FACTS, "对是否逾期还款有无异议"),
    AnswerElement("security_contract", FACTS, "对是否签订物的担保合同有无异议"),
    AnswerElement("guarantors_collateral", FACTS, "对担保人、担保物有无异议"),
    AnswerElement("maximum_amount_security", FACTS, "对最高额抵押担保有无异议"),
    AnswerElement("security_registration", FACTS, "对是否办理抵押/质押登记有无异议"),
    AnswerElement("guarantee_contract", FACTS, "对是否签订保证合同/保函有无异议"),
    AnswerElement("guarantee_kind", FACTS, "对保证方式有无异议"),
    AnswerElement("other_security", FACTS, "对其他担保方式有无异议"),
    *_ANSWER_TAIL,
)

CREDIT_CARD_ANSWER_2025: tuple[AnswerElement, ...] = (
    AnswerElement("principal", CLAIMS, "对透支本金有无异议"),
    AnswerElement("interest", CLAIMS, "对利息、罚息、复利、滞纳金、违约金、手续费等有无异议"),
    AnswerElement("guarantee_claim", CLAIMS, "对担保权利诉请有无异议"),
    AnswerElement("enforcement_costs", CLAIMS, "对实现债权的费用有无异议"),
    AnswerElement("other_claims", CLAIMS, "对其他请求有无异议"),
    AnswerElement("claim_total", CLAIMS, "对标的总额有无异议"),
    AnswerElement("card", FACTS, "对信用卡办理情况有无异议"),
    AnswerElement("card_terms", FACTS, "对信用卡合约的主要约定有无异议"),
    AnswerElement(
        "terms_explained", FACTS, "对原告就信用卡合约主要条款进行提示注意、说明的情况有无异议"
    ),
    AnswerElement("repaid", FACTS, "对被告已还款金额有无异议"),
    AnswerElement("overdue", FACTS, "对被告逾期未还款金额有无异议"),
    AnswerElement("collection", FACTS, "对是否向被告进行通知和催收有无异议"),
    AnswerElement("security_contract", FACTS, "对是否签订物的担保合同有无异议"),
    AnswerElement("guarantors_collateral", FACTS, "对担保人、担保物有无异议"),
    AnswerElement("maximum_amount_security", FACTS, "对最高额抵押担保有无异议"),
    AnswerElement("security_registration", FACTS, "对是否办理抵押/质押登记有无异议"),
    AnswerElement("guarantee_contract", FACTS, "对是否签订保证合同有无异议"),
    AnswerElement("guarantee_kind", FACTS, "对保证方式有无异议"),
    AnswerElement("other_security", FACTS, "对其他担保方式有无异议"),
    *_ANSWER_TAIL,
)

ANSWER_CATALOGUE: dict[str, tuple[AnswerElement, ...]] = {
    "financial_loan": FINANCIAL_LOAN_ANSWER_2025,
    "credit_card": CREDIT_CARD_ANSWER_2025,
}


def answer_elements(case_type: str) -> list[AnswerElement]:
    """The items of the 2025 element-style answer for a case type, in template order."""
    return list(ANSWER_CATALOGUE[case_type])
