"""What the 民事判决书 prints (legal-rules §7b; SPC 民事诉讼文书样式 2016, element style).

`judgment_context(case, result, …)` turns a case, its hearing, answers and findings and the
computed `JudgmentResult` into the plain dict `judgment.typ` (and the Word copy) read. The
sections a judge may rewrite (`EDITABLE`) are generated here as text; the judge's edit, kept
in `Judgment.text`, replaces the generated wording of that section. The amounts, the orders,
the Art. 264 sentence, the fee sentence and the appeal notice are never edited by hand: they
come from the computation and the procedure.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiefen.cases.elements import cn_date, guarantee_claim, priority_claimable
from jiefen.cases.models import Case, PartyRole
from jiefen.documents.context import case_context, date_in_words, figures
from jiefen.hearings.models import LIVE_HEARING, AnswerItem, AnswerPosition, Finding, Hearing
from jiefen.law.judgment import JudgmentResult

CIVIL_CODE = "《中华人民共和国民法典》"
CPL = "《中华人民共和国民事诉讼法》"
CARD_RULES = "《最高人民法院关于审理银行卡民事纠纷案件若干问题的规定》"
DELAY_SENTENCE = (
    "如果未按本判决指定的期间履行给付金钱义务，应当依照《中华人民共和国民事诉讼法》第二百六十四条"
    "之规定，加倍支付迟延履行期间的债务利息。"
)
FINAL_SENTENCE = "本判决为终审判决。"
EDITABLE: dict[str, str] = {
    "origin": "案件由来和审理经过",
    "answer": "被告答辩",
    "disputed": "争议要素的认定",
    "reasoning": "本院认为",
    "orders_note": "判项后的补充说明",
}
_SKIP_TEXTS = {"", "无", "—"}
# Claims and law, not facts: they are in 诉讼请求 and 本院认为, not in the confirmed facts.
_NOT_FACTS = {
    "guarantee_claim",
    "litigation_costs",
    "other_claims",
    "claim_total",
    "liability_basis",
}
_NUMERALS = "一二三四五六七八九十"


def _num(i: int) -> str:
    return _NUMERALS[i - 1] if i <= 10 else str(i)


def _names(names: list[str]) -> str:
    return "、".join(names)


def _hearing(case: Case) -> Hearing | None:
    return (
        Hearing.objects.filter(LIVE_HEARING, case=case).select_related("session__courtroom").first()
    )


def _origin(case: Case, data: Mapping[str, Any], hearing: Hearing | None) -> str:
    claimant = data["claimant"]["name"]
    everyone = [p["name"] for p in data["defendants"]]
    text = (
        f"原告{claimant}与被告{_names(everyone)}{data['case_type']}一案，本院于"
        f"{cn_date(case.filed_on)}立案后，依法适用{data['procedure'] or '简易程序'}"
    )
    if hearing is None:
        return text + "进行了审理。本案现已审理终结。"
    day = cn_date(timezone.localtime(hearing.held_at or hearing.starts_at).date())
    where = (
        "通过互联网法庭在线公开开庭"
        if hearing.session.online or hearing.session.courtroom.online
        else f"在本院{hearing.session.courtroom.name}公开开庭"
    )
    text += f"，于{day}{where}进行了审理。"
    text += f"原告{claimant}的委托诉讼代理人到庭参加诉讼" if hearing.claimant_present else ""
    absent = set(hearing.absent_party_ids or [])
    present = [p["name"] for p in data["defendants"] if p["party_id"] not in absent]
    away = [p["name"] for p in data["defendants"] if p["party_id"] in absent]
    if present:
        text += ("，" if hearing.claimant_present else "") + f"被告{_names(present)}到庭参加诉讼"
    if away:
        lead = "，" if (present or hearing.claimant_present) else ""
        text += (
            f"{lead}被告{_names(away)}经本院传票传唤，无正当理由拒不到庭参加诉讼，本院依法缺席审理"
            if hearing.default
            else f"{lead}被告{_names(away)}未到庭"
        )
    return text + "。本案现已审理终结。"


def _claims(case: Case, result: JudgmentResult, debtors: str) -> list[str]:
    """原告诉讼请求, numbered as the complaint put them."""
    e = case.elements or {}
    claimed = result.claimed
    parts = [
        f"{label}{figures(claimed.get(key, 0))}元"
        for key, label in (
            ("interest", "利息"),
            ("penalty_interest", "罚息"),
            ("compound_interest", "复利"),
            ("fees", "手续费"),
            ("liquidated_damages", "违约金"),
        )
        if Decimal(str(claimed.get(key, 0))) > 0
    ]
    head = "透支本金" if case.case_type == "credit_card" else "借款本金"
    first = f"判令被告{debtors}偿还{head}{figures(claimed.get('principal', 0))}元"
    if parts:
        first += "、" + "、".join(parts)
    first += f"（暂计至{cn_date(case.cut_off_date)}）"
    if e.get("until_paid"):
        first += f"，并支付自{cn_date(case.cut_off_date)}次日起按合同约定计算至实际清偿之日止的利息、罚息、复利"
    claims = [first]
    if Decimal(str(claimed.get("lawyer_fees", 0))) > 0:
        claims.append(
            f"判令被告{debtors}支付原告为实现债权支出的律师费{figures(claimed['lawyer_fees'])}元"
        )
    for g in e.get("guarantees") or []:
        claims.append(guarantee_claim(g, debtors).removeprefix("请求"))
    collateral = e.get("collateral") or {}
    if priority_claimable(collateral):
        name = collateral.get("description") or "抵押物"
        claims.append(f"确认原告对{name}折价或者拍卖、变卖所得价款享有优先受偿权")
    if e.get("claims_costs"):
        claims.append("本案诉讼费用由被告负担")
    return claims


def _answer(case: Case, data: Mapping[str, Any], hearing: Hearing | None) -> str:
    items = (
        AnswerItem.objects.filter(answer__case=case, answer__submitted_at__isnull=False)
        .select_related("answer__party")
        .order_by("answer__party_id", "pk")
    )
    labels = dict(Finding.objects.filter(case=case).values_list("key", "label"))
    said: dict[str, list[str]] = {}
    for item in items:
        if item.position == AnswerPosition.OBJECTION:
            label = labels.get(item.key, "免责事由" if item.key == "exemption" else item.key)
            reason = item.reason.strip().rstrip("。")
            said.setdefault(item.answer.party.name, []).append(
                f"对「{label}」有异议" + (f"，{reason}" if reason else "")
            )
        else:
            said.setdefault(item.answer.party.name, [])
    absent = set(hearing.absent_party_ids or []) if hearing else set()
    lines = []
    for p in data["defendants"]:
        if p["name"] in said:
            objections = said[p["name"]]
            body = (
                "；".join(objections) + "，对其余要素无异议"
                if objections
                else "对原告主张的事实无异议"
            )
            lines.append(f"被告{p['name']}辩称：{body}。")
        elif p["party_id"] in absent:
            lines.append(f"被告{p['name']}未作答辩，亦未到庭参加诉讼。")
        else:
            lines.append(f"被告{p['name']}未提交书面答辩意见。")
    return "\n".join(lines)


def _findings(case: Case) -> tuple[list[str], str]:
    """The undisputed elements as one list, and the disputed ones with evidence and reasoning."""
    undisputed: list[str] = []
    disputed: list[str] = []
    for f in Finding.objects.filter(case=case).order_by("pk"):
        if not f.disputed:
            if f.key not in _NOT_FACTS and f.claim_text.strip() not in _SKIP_TEXTS:
                undisputed.append(f"{f.label}：{f.claim_text.rstrip('。')}。")
            continue
        evidence = "、".join(str(e.get("title", "")) for e in f.evidence or [] if e.get("title"))
        text = f"关于「{f.label}」。原告主张：{f.claim_text.rstrip('。')}。{f.answer_text.rstrip('。')}。"
        if evidence:
            text += f"证据：{evidence}。"
        text += f"本院认定：{f.text.rstrip('。')}。"
        if f.reasoning:
            text += f.reasoning.strip()
        disputed.append(text)
    return undisputed, "\n".join(disputed)


def _articles(case: Case, result: JudgmentResult, default: bool) -> str:
    """依照…之规定: the provisions the orders rest on (legal-rules §7a-7b)."""
    if case.case_type == "credit_card":
        code = ["第五百零九条", "第五百七十七条", "第五百八十五条"]
    else:
        code = ["第六百六十七条", "第六百七十四条", "第六百七十五条", "第六百七十六条"]
    kinds = {g.liability for g in result.guarantors}
    if "general" in kinds:
        code.append("第六百八十七条")
    if "joint" in kinds:
        code.append("第六百八十八条")
    if result.guarantors:
        code += ["第六百九十一条", "第七百条"]
    if result.priority is not None:
        kind = (case.elements or {}).get("collateral", {}).get("kind")
        code += ["第三百八十六条", "第四百零三条" if kind == "movable_mortgage" else "第四百零二条"]
        code.append("第四百一十条")
    text = CIVIL_CODE + "、".join(code)
    if case.case_type == "credit_card":
        text += f"，{CARD_RULES}第二条"
    if result.rejected_any:
        text += "，《最高人民法院关于适用〈中华人民共和国民事诉讼法〉的解释》第九十条"
    procedure = ["第一百四十七条"] if default else []
    if case.procedure == "small_claims":
        procedure.append("第一百六十五条")
    if procedure:
        text += f"，{CPL}" + "、".join(procedure)
    return f"依照{text}之规定，判决如下："


def _reasoning(case: Case, data: Mapping[str, Any], result: JudgmentResult, default: bool) -> str:
    debtors = data["debtor_names"]
    contract = str(((case.elements or {}).get("contract") or {}).get("name", "")).strip("《》")
    if case.case_type == "credit_card":
        lines = [
            f"原告与被告{debtors}之间的信用卡合同关系系双方真实意思表示，不违反法律、行政法规的"
            f"强制性规定，合法有效。被告{debtors}透支后未按约还款，构成违约，应当承担偿还透支本金"
            f"并支付利息等违约责任（{CIVIL_CODE}第五百七十七条）。"
        ]
    else:
        lines = [
            f"原告与被告{debtors}签订的《{contract or '借款合同'}》系双方真实意思表示，不违反法律、"
            f"行政法规的强制性规定，合法有效。原告依约发放借款，被告{debtors}未按约定还本付息，"
            f"构成违约，应当偿还借款本金并按约定支付利息（{CIVIL_CODE}第六百七十四条、"
            "第六百七十五条、第六百七十六条）。"
        ]
    if result.cap_reduced and result.cap_reason:
        lines.append(result.cap_reason)
    claimed_fee = Decimal(str(result.claimed.get("lawyer_fees", 0)))
    if claimed_fee > 0 and Decimal(str(result.awarded.get("lawyer_fees", 0))) == 0:
        lines.append(
            f"原告主张的律师费{figures(claimed_fee)}元，因合同未约定由借款人负担或原告未举证证明"
            "已实际支付，本院不予支持。"
        )
    for g in result.guarantors:
        if g.liability == "joint":
            lines.append(
                f"被告{g.name}为上述债务提供连带责任保证，原告有权要求其在保证范围内承担连带清偿责任"
                f"（{CIVIL_CODE}第六百八十八条、第六百九十一条）；其承担保证责任后，有权向被告"
                f"{debtors}追偿（第七百条）。"
            )
        else:
            lines.append(
                f"被告{g.name}提供的保证为一般保证，在就被告{debtors}的财产依法强制执行仍不能履行"
                f"债务前，其有权拒绝向原告承担保证责任（{CIVIL_CODE}第六百八十六条、第六百八十七条）；"
                f"其承担保证责任后，有权向被告{debtors}追偿（第七百条）。"
            )
    if result.priority is not None:
        lines.append(
            f"原告就{result.priority.collateral.description}依法享有担保物权，有权就其折价或者拍卖、"
            f"变卖所得价款优先受偿（{CIVIL_CODE}第三百八十六条、第四百一十条）。"
        )
    elif result.priority_refused_reason:
        lines.append(result.priority_refused_reason)
    if default:
        lines.append(
            "被告经本院传票传唤，无正当理由拒不到庭参加诉讼，视为放弃答辩和质证的权利，"
            f"本院依法缺席判决（{CPL}第一百四十七条）。"
        )
    return "\n".join(lines)


def _appeal(case: Case, data: Mapping[str, Any]) -> str:
    if case.procedure == "small_claims":
        return FINAL_SENTENCE
    superior = case.court.court if case.court.court_id and case.court.court else None
    to = superior.name if superior is not None and superior.kind == "court" else "上一级人民法院"
    return (
        "如不服本判决，可以在判决书送达之日起十五日内，向本院递交上诉状，并按对方当事人的人数"
        f"提出副本，上诉于{to}。"
    )


def judgment_context(
    case: Case,
    result: JudgmentResult,
    *,
    edits: Mapping[str, str] | None = None,
    issued_on: date | None = None,
    default: bool = False,
) -> dict[str, Any]:
    """The data of one 民事判决书; `edits` (the judge's, by `EDITABLE` key) replace sections."""
    when = issued_on or timezone.localdate()
    data = case_context(case, issued_on=when)
    hearing = _hearing(case)
    debtors = [cp.party.name for cp in case.case_parties.all() if cp.role == PartyRole.DEFENDANT]
    data["debtor_names"] = _names(debtors)
    undisputed, disputed = _findings(case)
    generated = {
        "origin": _origin(case, data, hearing),
        "answer": _answer(case, data, hearing),
        "disputed": disputed,
        "reasoning": _reasoning(case, data, result, default),
        "orders_note": "",
    }
    sections = {k: (edits or {}).get(k) or v for k, v in generated.items()}
    data.update(
        title="民事判决书",
        generated=generated,
        sections={k: [p for p in v.split("\n") if p.strip()] for k, v in sections.items()},
        claims=_claims(case, result, data["debtor_names"]),
        undisputed=undisputed,
        basis=_articles(case, result, default),
        orders=_orders(result),
        delay_sentence=DELAY_SENTENCE,
        fee_sentence=result.fee_text.rstrip("。") + "。",
        appeal=_appeal(case, data),
        issued_on_words=date_in_words(when),
        parties=_parties(data),
    )
    return data


def _orders(result: JudgmentResult) -> list[str]:
    """一、…；二、…。 — numbered, each closed as courts print them."""
    n = len(result.orders)
    return [
        f"{_num(i)}、{o.rstrip('；。')}{'。' if i == n else '；'}"
        for i, o in enumerate(result.orders, start=1)
    ]


def _parties(data: Mapping[str, Any]) -> list[dict[str, str]]:
    c = data["claimant"]
    rows = [
        {"role": "原告", "text": f"{c['name']}，住所地{c['address']}。"},
        {
            "role": c["representative_title"] or "负责人",
            "text": f"{c['legal_representative']}。",
            "indent": "1",
        },
    ]
    for p in data["defendants"]:
        role = "被告（保证人）" if p["role"] == PartyRole.GUARANTOR.label else "被告"
        parts = [p["name"]]
        parts += [
            v
            for v in (p["sex"], f"{p['birth']}出生" if p["birth"] != "—" else "")
            if v and v != "—"
        ]
        if p["ethnicity"] != "—":
            parts.append(p["ethnicity"])
        parts.append(f"住{p['domicile']}")
        parts.append(f"公民身份号码{p['id_masked']}")
        rows.append({"role": role, "text": "，".join(parts) + "。"})
    return rows
