"""The document of each measure (notices, orders, rulings, decisions) and of its lifting."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from jiefen.cases.models import Party, PartyKind
from jiefen.documents.context import figures
from jiefen.enforcement.documents.common import (
    ARTICLE,
    ASSET_WORD,
    CPL,
    DECISION,
    DISHONEST,
    INTERP,
    INVESTIGATION,
    KINDS,
    LIFT_KINDS,
    MEASURE_KINDS,
    MONEY,
    PROHIBITED,
    REPORT_DAYS,
    RESTRICTION,
    RULING,
    SCHEDULE,
    SEIZURE,
    TERMINATION,
    CaseFacts,
    address_form,
    case_phrase,
    contact_lines,
    debt_text,
    document_data,
    filing_phrase,
    jointly,
    mask_account,
    obligations,
    party_rows,
    term_phrase,
    title_phrase,
    yuan,
    yuan_words,
    zh_day,
)
from jiefen.enforcement.models import (
    Asset,
    AssetKind,
    EnforcementState,
    Measure,
    MeasureKind,
    SettlementState,
)
from jiefen.law.enforcement import (
    LISTING_GROUNDS,
    LISTING_ITEMS,
    UNTIL_PERFORMANCE,
    next_reinquiry,
)
from jiefen.law.judgment_text import cn_number
from jiefen.law.money import ZERO

# ---------------------------------------------------------------------------------------------
# One document per measure
# ---------------------------------------------------------------------------------------------


@dataclass
class DocumentSpec:
    kind: str
    recipient: Party | str
    context: dict[str, Any]
    on: date
    occasion: str


def _notice(m: Measure, x: CaseFacts) -> dict[str, Any]:
    """执行通知书 to one debtor."""
    p, you = m.party, address_form(m.party)
    paras = [
        f"{case_phrase(x)}，{title_phrase(x)}已经发生法律效力。{filing_phrase(x)}。依照{CPL}第二百五十一条、"
        f"第二百六十四条，{INTERP}第四百八十条规定，责令{you}自收到本通知之日起立即履行下列义务：",
        *obligations(x),
    ]
    if jointly(x):
        paras.append(jointly(x))
    if x.e.resumed_from_id:
        earlier = x.recovered(x.chain[:-1])
        if earlier.amount > 0:
            paras.append(
                f"终结本次执行程序前已执行到位的{yuan(earlier.amount)}，按照法定顺序抵扣上述款项。"
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
    return document_data(
        x,
        "执行通知书",
        m.starts_on,
        to=p.name if p else x.names(),
        paragraphs=paras,
        closing="特此通知。",
        contact=contact_lines(x),
    )


def _report_order(m: Measure, x: CaseFacts) -> dict[str, Any]:
    """报告财产令 to one debtor, with the 财产调查表 attached (财产调查规定 Art. 4)."""
    p, you = m.party, address_form(m.party)
    organisation = p is not None and p.kind == PartyKind.ORGANISATION
    who = (
        f"{you}或者{you}的主要负责人、直接责任人员"
        if organisation
        else f"{you}或者{you}的法定代理人"
    )
    days = cn_number(REPORT_DAYS)
    paras = [
        f"本院于{zh_day(x.e.filed_on)}立案执行{case_phrase(x)}。依照{CPL}第二百五十二条、{INVESTIGATION}"
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
    return document_data(
        x,
        "报告财产令",
        m.starts_on,
        to=p.name if p else x.names(),
        paragraphs=[*paras, "附：财产调查表"],
        closing="",
        contact=contact_lines(x),
        schedule=schedule,
    )


def _asset_text(a: Asset, owner: str) -> str:
    """被执行人张三在某银行开立的账户（账号6222********6789）内的存款 / 名下的机动车（…）."""
    word = ASSET_WORD.get(a.kind, "财产")
    detail = f"{a.description}，" if a.description else ""
    if a.kind in (AssetKind.DEPOSIT, AssetKind.WAGES):
        return (
            f"被执行人{owner}在{a.registry}开立的账户（账号{mask_account(a.identifier)}）内的{word}"
        )
    if a.kind == AssetKind.SECURITIES:
        return f"被执行人{owner}在{a.registry}的{word}（{detail}账户{mask_account(a.identifier)}）"
    label = "号牌号码" if a.kind == AssetKind.VEHICLE else "不动产权证号"
    return f"被执行人{owner}名下的{word}（{detail}{label}{a.identifier}）"


def _asset_ruling(m: Measure, x: CaseFacts) -> tuple[str, dict[str, Any]] | None:
    """执行裁定书 freezing, deducting or seizing one asset of one debtor."""
    a = m.asset
    if a is None:
        return None
    owner = m.party.name if m.party else (a.holder_name or x.names())
    article = ARTICLE.get(a.kind, "第二百五十五条")
    amount = m.amount if m.amount is not None else a.value
    term = term_phrase(m.starts_on, m.ends_on)
    thing = _asset_text(a, owner)
    if m.kind == MeasureKind.DEDUCT:
        verb = "提取" if a.kind == AssetKind.WAGES else "扣划"
        frozen = [f for f in x.of(MeasureKind.FREEZE) if f.asset_id == a.pk]
        before = (
            f"本院已于{zh_day(frozen[0].starts_on)}依法冻结上述{ASSET_WORD.get(a.kind, '财产')}。"
            if frozen
            else ""
        )
        order = f"{verb}{thing}{yuan(amount)}。"
        basis = f"{CPL}{article}"
    elif m.kind == MeasureKind.FREEZE:
        verb = "扣留" if a.kind == AssetKind.WAGES else "冻结"
        before = ""
        amount_text = yuan(amount) if a.kind in (AssetKind.DEPOSIT, AssetKind.WAGES) else ""
        order = f"{verb}{thing}{amount_text}" + (f"，{verb}期限{term}" if term else "") + "。"
        basis = f"{CPL}{article}，{INTERP}第四百八十五条，{SEIZURE}第一条"
    else:
        verb, before = "查封", ""
        order = f"查封{thing}" + (f"，查封期限{term}" if term else "") + "。"
        basis = f"{CPL}{article}，{INTERP}第四百八十五条，{SEIZURE}第一条"
    paras = [
        f"本院在执行{case_phrase(x)}中，{title_phrase(x)}已经发生法律效力。被执行人{owner}未按执行通知书"
        f"履行法律文书确定的义务。{before}依照{basis}规定，裁定如下："
    ]
    context = document_data(
        x,
        RULING,
        m.starts_on,
        parties=party_rows(x),
        paragraphs=paras,
        orders=[order],
        after=[
            "本裁定立即执行。",
            f"当事人、利害关系人认为执行行为违反法律规定的，可以依照{CPL}第二百三十六条规定向本院"
            "提出书面异议。",
        ],
    )
    return MEASURE_KINDS[m.kind], context


def _restriction(m: Measure, x: CaseFacts) -> dict[str, Any]:
    """限制消费令 to one debtor (for an organisation, its officers are bound as well)."""
    p, you = m.party, address_form(m.party)
    organisation = p is not None and p.kind == PartyKind.ORGANISATION
    if organisation and p is not None:
        rep = f"法定代表人{p.legal_representative}、" if p.legal_representative else "法定代表人、"
        bound = f"{you}及{you}的{rep}主要负责人、影响债务履行的直接责任人员、实际控制人"
    else:
        bound = you
    paras = [
        f"本院于{zh_day(x.e.filed_on)}立案执行{case_phrase(x)}。因{you}未按执行通知书指定的期间履行"
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
    until = zh_day(m.ends_on) if m.ends_on else f"{you}履行完毕生效法律文书确定的义务之日"
    paras += [
        f"限制消费期间：自本令送达之日起至{until}止。{you}履行完毕生效法律文书确定的义务的，本院将"
        f"依照{RESTRICTION}第九条规定及时解除本令。",
        f"如违反本限制消费令，经查证属实的，本院将依照{CPL}第一百一十四条规定予以罚款、拘留；情节"
        "严重，构成犯罪的，依法追究刑事责任；并可依法将其纳入失信被执行人名单。",
    ]
    return document_data(
        x,
        "限制消费令",
        m.starts_on,
        to=p.name if p else x.names(),
        paragraphs=paras,
        closing="",
        contact=contact_lines(x),
    )


def _ground_facts(m: Measure, x: CaseFacts, name: str) -> str:
    p = m.party
    if m.ground == "breaks_reporting":
        orders = x.of(MeasureKind.REPORT_ORDER, p)
        when = f"本院于{zh_day(orders[0].starts_on)}向其发出报告财产令，" if orders else ""
        return f"{when}被执行人{name}未按报告财产令报告财产，违反财产报告制度"
    if m.ground == "breaks_restriction":
        orders = x.of(MeasureKind.CONSUMPTION_RESTRICTION, p)
        when = f"本院于{zh_day(orders[0].starts_on)}向其发出限制消费令，" if orders else ""
        return f"{when}被执行人{name}违反限制消费令"
    if m.ground == "breaks_settlement":
        return f"被执行人{name}无正当理由拒不履行执行和解协议"
    return f"被执行人{name}{LISTING_GROUNDS.get(m.ground, '未履行生效法律文书确定的义务')}"


def _listing(m: Measure, x: CaseFacts) -> dict[str, Any]:
    """决定书 listing one debtor as dishonest (失信规定 Arts. 1, 2, 5)."""
    p = m.party
    name = p.name if p else x.names()
    item = LISTING_ITEMS.get(m.ground, "一")
    with_term = m.ground != UNTIL_PERFORMANCE and m.ends_on is not None
    cite = f"{CPL}第二百六十六条，{DISHONEST}第一条第{item}项" + ("、第二条" if with_term else "")
    order = f"将被执行人{name}纳入失信被执行人名单" + (
        f"，纳入期限{term_phrase(m.starts_on, m.ends_on)}。" if with_term else "。"
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
        f"本院在执行{case_phrase(x)}中，{title_phrase(x)}已经发生法律效力。被执行人{name}未履行生效法律"
        f"文书确定的义务，且{_ground_facts(m, x, name)}。依照{cite}规定，决定如下："
    ]
    return document_data(
        x,
        DECISION,
        m.starts_on,
        parties=party_rows(x, [p] if p else None),
        paragraphs=paras,
        orders=[order],
        after=after,
        officer="",
    )


def _done_list(x: CaseFacts) -> str:
    """执行经过: the measures taken, in date order (终本规定 Art. 6 item (二))."""
    steps: list[str] = []
    notices = x.of(MeasureKind.EXECUTION_NOTICE)
    if notices:
        days = sorted({m.starts_on for m in notices})
        reports = "、报告财产令" if x.of(MeasureKind.REPORT_ORDER) else ""
        steps.append(
            f"于{'、'.join(zh_day(d) for d in days)}向被执行人{x.names()}发出执行通知书{reports}"
        )
    if x.inquiry_days:
        days = sorted(set(x.inquiry_days))
        steps.append(
            f"于{'、'.join(zh_day(d) for d in days)}通过网络执行查控系统查询被执行人的存款、车辆、"
            "不动产、证券等财产"
        )
    for m in x.measures:
        owner = m.party.name if m.party else x.names()
        if m.kind in (MeasureKind.FREEZE, MeasureKind.DEDUCT, MeasureKind.SEIZE) and m.asset:
            verb = {"freeze": "冻结", "deduct": "扣划", "seize": "查封"}[m.kind]
            amount = f"{yuan(m.amount)}" if m.amount and m.kind != MeasureKind.SEIZE else ""
            steps.append(f"于{zh_day(m.starts_on)}{verb}{_asset_text(m.asset, owner)}{amount}")
        elif m.kind == MeasureKind.CONSUMPTION_RESTRICTION:
            steps.append(f"于{zh_day(m.starts_on)}向被执行人{owner}发出限制消费令")
        elif m.kind == MeasureKind.DISHONEST_LISTING:
            steps.append(f"于{zh_day(m.starts_on)}将被执行人{owner}纳入失信被执行人名单")
    return "；".join(steps)


def _assets_found(x: CaseFacts) -> str:
    """查明的财产情况 (终本规定 Art. 6 item (三)); name-only hits are not the debtor's."""
    matched = [a for a in x.assets if a.matched]
    others = len(x.assets) - len(matched)
    if matched:
        found = "；".join(
            f"{a.registry}反馈被执行人{a.holder_name}的{ASSET_WORD.get(a.kind, '财产')}"
            f"（{a.description or '—'}，{'余额' if a.kind in MONEY else '价值'}{yuan(a.value)}）"
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


def _termination(m: Measure, x: CaseFacts) -> dict[str, Any]:
    """执行裁定书 terminating the current round (终本), with what 终本规定 Art. 6 asks for."""
    x = x.as_of(m.starts_on)
    e = x.e
    restricted = bool(x.of(MeasureKind.CONSUMPTION_RESTRICTION))
    listed = bool(x.of(MeasureKind.DISHONEST_LISTING))
    done = _done_list(x)
    owed_fee = max(e.execution_fee - e.fee_collected, ZERO)
    paras = [
        f"本院在执行{case_phrase(x)}中，{title_phrase(x)}已经发生法律效力，确定被执行人应向申请执行人支付"
        f"{debt_text(x)}及迟延履行期间的债务利息。{filing_phrase(x)}，执行标的为{yuan(e.applied_total)}。",
        f"本案执行过程中，本院{done}。" if done else "本案执行过程中，本院依法采取了执行措施。",
        _assets_found(x),
        f"截至本裁定作出之日，本案执行到位{yuan(e.received)}，尚有生效法律文书确定的金钱债务"
        f"{yuan(e.debt_outstanding)}未履行，迟延履行期间的债务利息计算至实际履行之日止"
        + (f"，申请执行费{yuan(owed_fee)}尚未收取" if owed_fee > 0 else "")
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
    nxt = f"，下次查询日期为{zh_day(first)}" if first else ""
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
    return document_data(
        x,
        RULING,
        m.starts_on,
        parties=party_rows(x),
        paragraphs=paras,
        orders=["终结本次执行程序。"],
        after=after,
    )


def _closing(m: Measure, x: CaseFacts) -> dict[str, Any]:
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
        f"本院受理的{case_phrase(x)}，{title_phrase(x)}已经发生法律效力，{filing_phrase(x)}。",
        f"截至{zh_day(m.starts_on)}，本案执行到位{yuan_words(total.amount)}"
        + (f"，其中{split}" if split else "")
        + "。生效法律文书确定的义务已全部履行完毕。",
    ]
    if lifted:
        paras.append(f"本院依法解除对被执行人采取的{'、'.join(lifted)}措施。")
    if x.of(MeasureKind.DISHONEST_LISTING):
        paras.append("被执行人的失信信息，本院依法予以删除。")
    paras.append(f"本案已执行完毕，于{zh_day(m.starts_on)}结案。")
    return document_data(
        x,
        "结案通知书",
        m.starts_on,
        to=f"申请执行人{x.applicant}、被执行人{x.names()}",
        paragraphs=paras,
        closing="特此通知。",
        contact=contact_lines(x),
    )


def measure_doc(m: Measure, x: CaseFacts) -> DocumentSpec | None:
    kind = MEASURE_KINDS.get(m.kind)
    if kind is None:
        return None
    builders: dict[str, Callable[[Measure, CaseFacts], dict[str, Any]]] = {
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
    return DocumentSpec(kind, recipient, context, m.starts_on, f"measure:{m.pk}")


# ---------------------------------------------------------------------------------------------
# Lifting: 解除冻结/查封 rulings, 解除限制消费令, 删除失信信息 decisions
# ---------------------------------------------------------------------------------------------


def _unfreeze(m: Measure, x: CaseFacts, on: date) -> dict[str, Any] | None:
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
        f"本院在执行{case_phrase(x)}中，于{zh_day(m.starts_on)}裁定{verb}{thing}。{reason}依照{SEIZURE}"
        f"第二十八条第一款第{item}项规定，裁定如下："
    ]
    return document_data(
        x,
        RULING,
        on,
        parties=party_rows(x),
        paragraphs=paras,
        orders=[f"解除对{thing}的{verb}。"],
        after=["本裁定立即执行。"],
        title=f"执行裁定书（解除{verb}）",
    )


def _restriction_lift(m: Measure, x: CaseFacts, on: date) -> dict[str, Any]:
    p, you = m.party, address_form(m.party)
    performed = x.e.state == EnforcementState.PERFORMED
    others = "及对相关人员" if p is not None and p.kind == PartyKind.ORGANISATION else ""
    paras = [
        f"本院在执行{case_phrase(x)}中，于{zh_day(m.starts_on)}对{you}发出限制消费令。"
        + (f"因{you}已履行完毕生效法律文书确定的义务，" if performed else "")
        + f"依照{RESTRICTION}第九条规定，本院决定解除对{you}{others}的限制消费令。",
        f"自本令作出之日起，{you}不再受本院{zh_day(m.starts_on)}发出的限制消费令的约束。",
    ]
    return document_data(
        x,
        "解除限制消费令",
        on,
        to=p.name if p else x.names(),
        paragraphs=paras,
        closing="",
        contact=contact_lines(x),
    )


def _delisting(m: Measure, x: CaseFacts, on: date) -> dict[str, Any]:
    p = m.party
    name = p.name if p else x.names()
    e = x.e
    settled = getattr(e, "settlement", None)
    with_term = m.ends_on is not None and m.ground != UNTIL_PERFORMANCE
    if with_term and m.ends_on is not None and on > m.ends_on:
        reason = f"现纳入期限已于{zh_day(m.ends_on)}届满"
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
        f"本院在执行{case_phrase(x)}中，于{zh_day(m.starts_on)}决定将被执行人{name}纳入失信被执行人"
        f"名单。{reason}。依照{cite}规定，决定如下："
    ]
    return document_data(
        x,
        DECISION,
        on,
        parties=party_rows(x, [p] if p else None),
        paragraphs=paras,
        orders=[f"删除被执行人{name}的失信信息。"],
        after=["本决定一经作出即生效。"],
        officer="",
    )


def lift_doc(m: Measure, x: CaseFacts) -> DocumentSpec | None:
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
    return DocumentSpec(kind, recipient, context, on, f"measure:{m.pk}:lift")
