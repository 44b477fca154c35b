"""The documents of a suspected-crime referral (涉嫌犯罪移送): the court-sealed 移送函, the
rulings on the civil cases, and the evidence bundle that goes to the police.

- `letter_number(court, on)`: the letter's number from the court's locked counter (代字 法移),
  e.g. 渝0105法移〔2026〕3号, so concurrent referrals never share one.
- `issue_letter(referral, by=…)`: the 移送函 to the agency: the cases, the suspected facts, the
  grounds with the measured signals (`jiefen.risk.crime.case_signals`), what the court did with
  the civil cases and why (`jiefen.referrals.rules`), and the request to examine the matter and
  answer in writing whether a criminal case is opened (刑事诉讼法 Art. 112; 法释〔1998〕7号
  Art. 12: the courts and the police tell each other the result, 将结果函告). Two attachments:
  the list of cases and the list of the evidence in their files. Sealed by the referring court.
- `issue_rulings(referral, case_ids, kind, by=…, on=…)`: one ruling per case:
  民事裁定书 dismissing the suit (民间借贷规定 Art. 5 para. 1; 法释〔1998〕7号 Art. 11; 民诉法
  Art. 157(1)(三); the acceptance fee refunded, 法释〔1998〕7号 Art. 12; appealable in 10 days,
  民诉法 Art. 171), 民事裁定书 suspending it (民诉法 Arts. 153(1)(五), 157(1)(六); 民间借贷规定
  Art. 7; effective on service), or 执行裁定书 suspending the enforcement (民诉法 Art.
  267(1)(五); effective on service, Art. 269). Each occasion is issued once (`issued_for`).
- `evidence_bundle(referral, user)`: a ZIP of the letter and of each case's documents the user
  may see, every file read through its registered SHA-256, with a manifest (清单.csv).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from jiefen.accounts.models import Organisation, User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case, PartyRole
from jiefen.cases.numbering import take_numbers
from jiefen.documents.actions import DocumentAlreadyIssued, issue_document
from jiefen.documents.context import case_context, court_data, date_in_words, figures
from jiefen.documents.kinds import Kind, register
from jiefen.documents.models import DocumentFormat, RecipientRole, StoredDocument
from jiefen.documents.storage import read_verified
from jiefen.referrals import rules
from jiefen.referrals.models import Answer, Ground, Outcome, Referral
from jiefen.risk.crime import case_signals

LETTER = register(Kind("referral_letter", "移送函", RecipientRole.COURT, "referral_letter.typ"))
DISMISSAL = register(
    Kind(
        "crime_dismissal_ruling", "民事裁定书", RecipientRole.PARTIES, "crime_dismissal_ruling.typ"
    )
)
SUSPENSION = register(
    Kind(
        "crime_suspension_ruling",
        "民事裁定书",
        RecipientRole.PARTIES,
        "crime_suspension_ruling.typ",
    )
)
ENF_SUSPENSION = register(
    Kind("enf_suspension_ruling", "执行裁定书", RecipientRole.PARTIES, "enf_suspension_ruling.typ")
)

# issue_rulings(kind=…) → (document kind, the stored title that tells the rulings apart).
RULING_KINDS: dict[str, tuple[Kind, str]] = {
    "dismissal": (DISMISSAL, "民事裁定书（驳回起诉）"),
    "suspension": (SUSPENSION, "民事裁定书（中止诉讼）"),
    "enforcement_suspension": (ENF_SUSPENSION, "执行裁定书（中止执行）"),
}

LETTER_TYPE_CODE = "法移"  # the court's 代字 of its referral letters

# The offence each ground points to, as the documents name it (two SPC/SPP/MPS opinions: 关于
# 办理非法放贷刑事案件若干问题的意见 (2019), 关于办理"套路贷"刑事案件若干问题的意见 (2019)).
SUSPECTED_OFFENCE: dict[str, str] = {
    Ground.WITHHELD_INTEREST: "“套路贷”诈骗",
    Ground.SERIAL_LOANS: "“套路贷”诈骗",
    Ground.EFFECTIVE_RATE: "非法放贷",
    Ground.PROFESSIONAL_LENDER: "非法放贷",
    Ground.IDENTITY_MISUSE: "冒用他人名义骗取贷款",
    Ground.FRAUD_CONTACT: "电信网络诈骗",
    Ground.ILLEGAL_FUNDRAISING: "非法集资",
    Ground.OTHER: "其他",
}

CLAIM_PARTS = (
    ("principal", "借款本金"),
    ("interest", "利息"),
    ("penalty_interest", "罚息"),
    ("compound_interest", "复利"),
    ("fees", "费用"),
    ("liquidated_damages", "违约金"),
    ("lawyer_fees", "律师费"),
)

CRIMINAL_PROCEDURE = "《中华人民共和国刑事诉讼法》"


# ---------------------------------------------------------------------------------------------
# Small phrases
# ---------------------------------------------------------------------------------------------


def letter_number(court: Organisation, on: date) -> str:
    """The next number of the court's referral letters in the year of `on` (locked counter)."""
    n = take_numbers(court, on.year, LETTER_TYPE_CODE, 1)
    return f"{court.court_code or court.code}{LETTER_TYPE_CODE}〔{on.year}〕{n}号"


def case_label(case: Case) -> str:
    """How a case is named in the letter and the bundle: 案号, else 调解编号, else the contract."""
    return case.case_number or case.mediation_number or f"合同编号{case.contract_number}"


def _defendants(case: Case) -> list[str]:
    return [cp.party.name for cp in case.case_parties.all() if cp.role != PartyRole.GUARANTOR] or [
        cp.party.name for cp in case.case_parties.all()
    ]


def _names(names: Iterable[str]) -> str:
    return "、".join(dict.fromkeys(names))


def _ground_labels(referral: Referral) -> list[str]:
    return [Ground(g).label if g in Ground.values else str(g) for g in referral.grounds]


def suspected_offences(referral: Referral) -> str:
    """非法放贷、“套路贷”诈骗 — the offences the grounds point to (for 涉嫌…犯罪)."""
    named = [SUSPECTED_OFFENCE.get(g, "其他") for g in referral.grounds]
    found = [o for o in dict.fromkeys(named) if o != "其他"]
    return "、".join(found) if found else "其他"


def signal_text(signal: Mapping[str, Any]) -> str:
    """One measured signal as a phrase: 实际年利率（约定年利率12.00%）为35.56%. Signals are
    `case_signals` dicts {"signal", "label", "value", "threshold", "flagged"}; one not flagged
    (measured but under its threshold) is not a ground and gives ""."""
    if not signal.get("flagged", True):
        return ""
    if signal.get("text"):
        return str(signal["text"]).rstrip("。；;")
    label, value = str(signal.get("label", "")), str(signal.get("value", ""))
    if not (label and value):
        return label or value
    return f"{label}{'为' if value[:1].isdigit() else '：'}{value}"


def _signal_kind(signal: Mapping[str, Any]) -> str:
    return str(signal.get("signal") or signal.get("kind") or "")


def _claim_phrase(case: Case) -> str:
    """借款本金45,000.00元、利息1,234.56元，合计人民币46,234.56元."""
    parts = [
        f"{label}{figures(getattr(case, name))}元"
        for name, label in CLAIM_PARTS
        if getattr(case, name) and getattr(case, name) > 0
    ]
    total = f"合计人民币{figures(case.claim_total)}元"
    return "、".join(parts) + "，" + total if parts else total


def _loan_amount(case: Case) -> list[str]:
    """The agreed loan (contract) and the claim, for the case list: 借款50,000.00, 诉请52,000.00."""
    agreed = ((case.elements or {}).get("loan_amount") or {}).get("agreed")
    claim = f"诉请{figures(case.claim_total)}"
    return [f"借款{figures(Decimal(str(agreed)))}", claim] if agreed else [claim]


def _superior(case: Case) -> str:
    """The appeal court as judgments name it: the court's parent court, else 上一级人民法院."""
    parent = case.court.court if case.court.court_id and case.court.court else None
    return parent.name if parent is not None and parent.kind == "court" else "上一级人民法院"


def representative_role(name: str) -> str:
    """法定代表人 of a legal person; 负责人 of a branch, which is no legal person (民诉法 Art. 51;
    民诉解释 Art. 52)."""
    return "负责人" if name.endswith(("分行", "支行", "分公司", "中心")) else "法定代表人"


def _party_rows(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """原告 (with its 法定代表人 / 负责人) and 被告 lines as a ruling heads them (IDs masked)."""
    c = data["claimant"]
    rows = [{"role": "原告", "text": f"{c['name']}，住所地{c['address']}。"}]
    if c["legal_representative"] not in ("", "—"):
        title = c["representative_title"]
        unit = "该公司" if c["name"].endswith("公司") else "该单位"
        text = c["legal_representative"] + (
            f"，{unit}{title}。" if title and title != "负责人" else "。"
        )
        rows.append({"role": representative_role(c["name"]), "text": text, "indent": "1"})
    for p in data["defendants"]:
        role = "被告（保证人）" if p["role"] == PartyRole.GUARANTOR.label else "被告"
        parts = [p["name"]]
        parts += [v for v in (p["sex"], f"{p['birth']}出生" if p["birth"] != "—" else "") if v]
        parts = [v for v in parts if v != "—"]
        if p["ethnicity"] != "—":
            parts.append(p["ethnicity"])
        if p["domicile"] != "—":
            parts.append(f"住{p['domicile']}")
        if p["id_masked"]:
            parts.append(f"公民身份号码{p['id_masked']}")
        rows.append({"role": role, "text": "，".join(parts) + "。"})
    return rows


# ---------------------------------------------------------------------------------------------
# The letter (移送函)
# ---------------------------------------------------------------------------------------------


def _cases(referral: Referral) -> list[Case]:
    ids = list(referral.referral_cases.values_list("case_id", flat=True))
    return list(
        Case.objects.filter(pk__in=ids)
        .select_related("institution", "court", "judge", "clerk")
        .prefetch_related("case_parties__party")
        .order_by("case_number", "mediation_number", "pk")
    )


def _stages(referral: Referral) -> Counter[str]:
    return Counter(
        rules.stage_of(s)
        for s in referral.referral_cases.values_list("state_at_referral", flat=True)
    )


def _subject(cases: list[Case]) -> str:
    """原告A诉被告B等3件金融借款合同纠纷案件 (或：A与B…), as the opening of the letter names them."""
    claimants = _names(c.institution.name for c in cases)
    first = _defendants(cases[0])
    kinds = _names(rules.dispute_name(c) for c in cases)
    litigating = all(c.case_number for c in cases)
    head = f"原告{claimants}诉被告" if litigating else f"{claimants}与"
    if len(cases) == 1:
        return f"{head}{_names(first)}{kinds}一案（{case_label(cases[0])}）"
    return f"{head}{first[0] if first else ''}等{len(cases)}件{kinds}案件（案号见附件1）"


def _grounds_paragraphs(
    referral: Referral, cases: list[Case], signals: dict[int, list[dict[str, Any]]]
) -> list[str]:
    """二、 the grounds, each with how many cases show it and up to two measured examples."""
    labels = {c.pk: case_label(c) for c in cases}
    paras = []
    flat = [(cid, s) for cid, items in signals.items() for s in items]
    for i, ground in enumerate(referral.grounds, start=1):
        label = Ground(ground).label if ground in Ground.values else str(ground)
        mine = [(cid, signal_text(s)) for cid, s in flat if _signal_kind(s) == ground]
        mine = [(cid, text) for cid, text in mine if text]
        detail = ""
        if mine:
            count = len({cid for cid, _ in mine})
            examples = list(dict.fromkeys(f"{labels[cid]}案{text}" for cid, text in mine))[:2]
            more = "等" if count > len(examples) else ""
            detail = (
                f"：经本院测算，{count}件案件存在该情形（各案数据见附件1），如"
                f"{'；'.join(examples)}{more}"
            )
        paras.append(f"{i}.{label}{detail}。")
    return paras


def _decision_paragraph(referral: Referral, agency: str) -> str:
    """三、 what the court did with the civil cases, with the legal basis (rules.OUTCOME_BASIS)."""
    stages = _stages(referral)
    n_lit = stages[rules.LITIGATING]
    n_pre = stages[rules.PRE_FILING]
    n_enf = stages[rules.ENFORCEMENT]
    outcome = referral.outcome
    private = any(rules.is_private_lending(c) for c in _cases(referral))
    basis = rules.outcome_basis(outcome, private_lending=private)
    parts: list[str] = []
    if outcome == Outcome.DISMISS:
        if n_lit:
            parts.append(
                f"本院认为，上述借贷行为本身涉嫌犯罪，依照{basis.text}的规定，已对审理中的{n_lit}件"
                "案件裁定驳回起诉"
            )
        else:
            parts.append(f"本院认为，上述借贷行为本身涉嫌犯罪（{basis.text}）")
    elif outcome == Outcome.SUSPEND:
        parts.append(
            f"本院认为，上述案件的基本事实须以刑事案件的处理结果为依据，依照{basis.text}的规定，"
            + (f"已对审理中的{n_lit}件案件裁定中止诉讼" if n_lit else "相关民事案件应当中止")
        )
    else:
        parts.append(
            f"本院认为，上述涉嫌犯罪的线索与本院审理的民事案件有牵连，但不是同一法律关系，依照"
            f"{basis.text}的规定，将有关线索、材料移送贵{_unit(agency)}，民事案件继续审理"
        )
    if outcome in (Outcome.DISMISS, Outcome.SUSPEND):
        if n_pre:
            parts.append(
                f"尚未立案的{n_pre}件纠纷已中止诉前调解（{rules.MEDIATION_SUSPENSION.text}）"
            )
        if n_enf:
            parts.append(
                f"已进入执行程序的{n_enf}件案件已裁定中止执行（{rules.ENFORCEMENT_SUSPENSION.text}）"
            )
    return "三、民事案件的处理。" + "；".join(parts) + "。"


def _unit(agency: str) -> str:
    """How the letter addresses the agency: 贵局 (公安) / 贵院 (检察院)."""
    return "院" if agency.endswith("检察院") else "局"


def _evidence_rows(cases: list[Case]) -> list[dict[str, str]]:
    """附件2: each case's stored documents by title (复本 counted), as the file holds them."""
    titles: dict[int, Counter[str]] = {c.pk: Counter() for c in cases}
    for case_id, title in (
        StoredDocument.objects.filter(case_id__in=list(titles))
        .exclude(format=DocumentFormat.DOCX)
        .order_by("pk")
        .values_list("case_id", "title")
    ):
        titles[case_id or 0][title] += 1
    rows = []
    for c in cases:
        found = titles[c.pk]
        text = "、".join(f"{t}（{n}份）" if n > 1 else t for t, n in found.items())
        rows.append({"number": case_label(c), "documents": text or "（暂无电子卷宗材料）"})
    return rows


def letter_context(referral: Referral, on: date) -> dict[str, Any]:
    """The data of the 移送函 (referral_letter.typ)."""
    cases = _cases(referral)
    if not cases:
        raise TransitionRefused("移送未包含任何案件，不能制作移送函")
    agency = referral.agency.name
    signals = {c.pk: case_signals(c) for c in cases}
    unit = _unit(agency)
    court = court_data(referral.court)
    judge = referral.judge.display_name if referral.judge_id else ""
    rows = []
    for i, c in enumerate(cases, start=1):
        measured = [signal_text(s) for s in signals[c.pk] if signal_text(s)]
        rows.append(
            {
                "no": str(i),
                "number": case_label(c),
                "claimant": c.institution.name,
                "defendants": _names(_defendants(c)),
                "amount": _loan_amount(c),
                "signals": "；".join(measured) or "、".join(_ground_labels(referral)),
            }
        )
    return {
        "title": "移送函",
        "court": court,
        "case_number": referral.number,
        "agency": agency,
        "opening": (
            f"本院在办理{_subject(cases)}过程中，发现有关借贷行为涉嫌{suspected_offences(referral)}"
            f"犯罪。依照{rules.ECONOMIC_CRIME}第十条、第十一条的规定，现将有关案件的涉嫌犯罪线索、"
            f"材料移送贵{unit}，具体情况函告如下："
        ),
        "facts": ["一、涉嫌犯罪的事实。" + referral.statement.strip().rstrip("。") + "。"],
        "grounds_lead": "二、移送的理由。本院认为上述借贷行为涉嫌犯罪，理由如下：",
        "grounds": _grounds_paragraphs(referral, cases, signals),
        "decision": _decision_paragraph(referral, agency),
        "request": (
            f"四、请贵{unit}依照{CRIMINAL_PROCEDURE}第一百一十二条的规定进行审查，并参照"
            f"{rules.ECONOMIC_CRIME}第十二条的规定，将是否立案的结果书面函告本院。"
            "贵方决定不予立案，或者立案侦查后撤销案件的，本院将依法恢复有关民事案件的审理和执行。"
        ),
        "closing": "特此函告。",
        "attachments": [f"涉案案件清单（{len(cases)}件）", "证据材料清单"],
        "cases": rows,
        "evidence": _evidence_rows(cases),
        "judge": judge,
        "contact": f"承办法官：{judge}　联系电话：{court['phone']}　本院地址：{court['address']}",
        "issued_on_words": date_in_words(on),
    }


def issue_letter(referral: Referral, *, by: User | None, on: date | None = None) -> StoredDocument:
    """Render and seal the 移送函 of `referral` (its number is set by the caller) and store it.

    Issued once per referral (`issued_for` referral:<id>): a second call is refused. The caller
    (the referral action) links the document to the referral and sends it.
    """
    if not referral.number:
        raise TransitionRefused("移送函尚未编号，不能签发")
    if referral.outcome not in (Outcome.DISMISS, Outcome.SUSPEND, Outcome.REFER_LEAD):
        raise TransitionRefused("承办法官尚未决定移送（或已决定不予移送），不能签发移送函")
    when = on or referral.sent_on or referral.decided_on or timezone.localdate()
    return issue_document(
        None,
        LETTER.code,
        recipient=referral.agency.name,
        context=letter_context(referral, when),
        by=by,
        court=referral.court,
        issued_on=when,
        issued_for=f"referral:{referral.pk}",
    )


# ---------------------------------------------------------------------------------------------
# The rulings
# ---------------------------------------------------------------------------------------------


def _origin(case: Case, data: Mapping[str, Any], referral: Referral) -> list[str]:
    """How the case came: filed on, procedure; a prior suspension and the police's answer."""
    claimant = data["claimant"]["name"]
    debtors = _names(_defendants(case))
    procedure = f"，依法适用{data['procedure']}进行审理" if data["procedure"] else ""
    paras = [
        f"原告{claimant}与被告{debtors}{rules.dispute_name(case)}一案，本院于{data['filed_on']}立案"
        f"{procedure}。原告{claimant}向本院提出诉讼请求：判令被告{debtors}偿还"
        f"{_claim_phrase(case)}。"
    ]
    suspended = StoredDocument.objects.filter(
        case=case, kind=SUSPENSION.code, issued_for=f"referral:{referral.pk}:suspension"
    ).first()
    if suspended is not None:
        day = cn_date(timezone.localtime(suspended.created_at).date())
        sentence = (
            f"本院于{day}裁定本案中止诉讼，并将涉嫌犯罪的线索、材料移送{referral.agency.name}。"
        )
        if referral.answer == Answer.ACCEPTED and referral.answered_on:
            number = f"（{referral.answer_number}）" if referral.answer_number else ""
            sentence += (
                f"{referral.agency.name}于{cn_date(referral.answered_on)}决定立案侦查{number}。"
            )
        paras.append(sentence)
    return paras


def _finding(case: Case, referral: Referral) -> str:
    """The facts the court found: the statement and this case's measured signals."""
    measured = [signal_text(s) for s in case_signals(case) if signal_text(s)]
    grounds = "、".join(_ground_labels(referral))
    text = f"本院在审理中发现，{referral.statement.strip().rstrip('。')}。"
    if measured:
        text += f"经核查，本案{'；'.join(measured)}。"
    if grounds:
        text += f"本案存在{grounds}的情形。"
    return text


def _dismissal(case: Case, referral: Referral, data: Mapping[str, Any]) -> dict[str, Any]:
    claimant = data["claimant"]["name"]
    fee = case.acceptance_fee if case.acceptance_fee is not None else Decimal("0")
    agency = referral.agency.name
    after_filing = referral.answer == Answer.ACCEPTED
    basis = rules.for_loans(
        rules.DISMISSAL_AFTER_FILING if after_filing else rules.OUTCOME_BASIS[Outcome.DISMISS],
        private_lending=rules.is_private_lending(case),
    )
    reasoning = (
        f"本院认为，原告的起诉所依据的借贷行为本身涉嫌{suspected_offences(referral)}犯罪，本案不属于"
        f"民事纠纷案件，依法应当驳回起诉，并将涉嫌犯罪的线索、材料移送{agency}。依照{basis.text}"
        "规定，裁定如下："
    )
    if case.procedure == "small_claims":
        appeal = "本裁定为终审裁定。"
    else:
        appeal = (
            "如不服本裁定，可以在裁定书送达之日起十日内，向本院递交上诉状，并按对方当事人的人数"
            f"提出副本，上诉于{_superior(case)}。"
        )
    return {
        "paragraphs": [*_origin(case, data, referral), _finding(case, referral), reasoning],
        "ruling": [
            f"驳回原告{claimant}的起诉。",
            f"案件受理费{figures(fee)}元，退还原告{claimant}。",
        ],
        "after": [appeal],
    }


def _suspension(case: Case, referral: Referral, data: Mapping[str, Any]) -> dict[str, Any]:
    basis = rules.outcome_basis(Outcome.SUSPEND, private_lending=rules.is_private_lending(case))
    reasoning = (
        f"本院已将涉嫌犯罪的线索、材料移送{referral.agency.name}。本院认为，本案的基本事实须以相关"
        f"刑事案件的处理结果为依据，而该刑事案件尚未处理完毕，本案应当中止诉讼。依照{basis.text}"
        "规定，裁定如下："
    )
    return {
        "paragraphs": [*_origin(case, data, referral), _finding(case, referral), reasoning],
        "ruling": ["本案中止诉讼。"],
        "after": ["本裁定送达后即发生法律效力。"],
    }


def _civil_ruling(case: Case, referral: Referral, kind: str, on: date) -> dict[str, Any]:
    if not case.case_number:
        raise TransitionRefused(f"案件{case_label(case)}尚未立案，不能制作民事裁定书")
    data = case_context(case, issued_on=on)
    body = (_dismissal if kind == "dismissal" else _suspension)(case, referral, data)
    return {
        "parties": _party_rows(data),
        "judge": data["judge"],
        "clerk": data["clerk"],
        "issued_on_words": date_in_words(on),
        **body,
    }


def _enforcement_ruling(case: Case, referral: Referral, on: date) -> dict[str, Any]:
    """执行裁定书 中止执行 of the case's current enforcement (its 执 number)."""
    from jiefen.enforcement.documents.common import (
        case_phrase,
        document_data,
        filing_phrase,
        load,
        party_rows,
        title_phrase,
    )
    from jiefen.enforcement.models import Enforcement

    e = Enforcement.objects.filter(case=case).order_by("-filed_on", "-pk").first()
    if e is None:
        raise TransitionRefused(f"案件{case_label(case)}没有执行案件，不能裁定中止执行")
    x = load([e.pk])[e.pk]
    basis = f"{rules.CIVIL_PROCEDURE}第二百六十七条第一款第五项"
    paras = [
        f"本院在执行{case_phrase(x)}中，{title_phrase(x)}已经发生法律效力。{filing_phrase(x)}。",
        f"本院在执行中发现，{referral.statement.strip().rstrip('。')}。本院已将涉嫌犯罪的线索、材料"
        f"移送{referral.agency.name}。本院认为，执行依据所涉借贷行为涉嫌"
        f"{suspected_offences(referral)}犯罪，本案应当中止执行。依照{basis}规定，裁定如下：",
    ]
    parties = party_rows(x)
    if len(parties) > 1 and parties[1].get("indent"):  # the applicant's representative
        parties[1] = {**parties[1], "role": representative_role(x.applicant)}
    return document_data(
        x,
        "执行裁定书",
        on,
        parties=parties,
        paragraphs=paras,
        orders=[f"中止{e.number}案件的执行。"],
        after=[
            f"中止执行的情形消失后，本院将依法恢复执行（{rules.CIVIL_PROCEDURE}第二百六十七条第二款）。",
            "本裁定送达后立即生效。",
        ],
        case_number=e.number,
    )


def issue_rulings(
    referral: Referral, case_ids: list[int], kind: str, *, by: User | None, on: date
) -> list[StoredDocument]:
    """One sealed ruling per case of `referral` (kind: dismissal | suspension |
    enforcement_suspension), issued once per referral and kind (`issued_for`
    referral:<id>:<kind>): a case already given that ruling refuses the whole call before any
    document is rendered."""
    if kind not in RULING_KINDS:
        raise ValueError(f"未知的裁定种类：{kind}")
    spec, title = RULING_KINDS[kind]
    occasion = f"referral:{referral.pk}:{kind}"
    linked = set(referral.referral_cases.values_list("case_id", flat=True))
    cases = {
        c.pk: c
        for c in Case.objects.filter(pk__in=case_ids)
        .select_related("institution", "court__court", "judge", "clerk")
        .prefetch_related("case_parties__party__contacts")
    }
    for case_id in case_ids:
        if case_id not in linked or case_id not in cases:
            raise TransitionRefused(f"案件{case_id}不属于本次移送，不能制作裁定书")
    done = set(
        StoredDocument.objects.filter(
            case_id__in=case_ids, kind=spec.code, issued_for=occasion
        ).values_list("case_id", flat=True)
    )
    if done:
        labels = "、".join(case_label(cases[i]) for i in case_ids if i in done)
        raise DocumentAlreadyIssued(f"{labels}：{title}已就本次移送签发，不重复签发")
    docs = []
    for case_id in dict.fromkeys(case_ids):
        case = cases[case_id]
        if kind == "enforcement_suspension":
            context = _enforcement_ruling(case, referral, on)
        else:
            context = _civil_ruling(case, referral, kind, on)
        context["title"] = title
        docs.append(
            issue_document(
                case, spec.code, context=context, by=by, issued_on=on, issued_for=occasion
            )
        )
    return docs


# ---------------------------------------------------------------------------------------------
# The evidence bundle
# ---------------------------------------------------------------------------------------------


def _safe(name: str) -> str:
    """A file or folder name inside the ZIP (no path separators)."""
    return name.replace("/", "／").replace("\\", "＼")


def _folder_name(case: Case) -> str:
    return _safe(case_label(case))


def _ext(doc: StoredDocument) -> str:
    return doc.path.rsplit(".", 1)[-1] if "." in doc.path.rsplit("/", 1)[-1] else doc.format


def evidence_bundle(referral: Referral, user: User) -> tuple[str, bytes]:
    """(移送材料-<number>.zip, bytes): the letter, then one folder per referred case with the
    documents of it that `user` may see (`access.visible_documents`), and 清单.csv with each
    file's SHA-256 and size. Every file is read with `read_verified`: a tampered or missing
    file raises (`TamperedFile`) rather than going to the police altered."""
    from jiefen.cases.access import visible_documents

    manifest: list[tuple[str, str, str, int]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as z:

        def put(name: str, doc: StoredDocument) -> None:
            data = read_verified(doc.path, doc.sha256)
            z.writestr(name, data)
            manifest.append((name, doc.title, doc.sha256, len(data)))

        if referral.letter is not None:
            put(f"00-移送函-{referral.number or referral.pk}.pdf", referral.letter)
        for case in _cases(referral):
            folder = _folder_name(case)
            docs = visible_documents(user, case).order_by("pk")
            for i, doc in enumerate(docs, start=1):
                recipient = f"-{doc.recipient}" if doc.recipient else ""
                title = _safe(f"{doc.title}{recipient}")
                put(f"{folder}/{i:03d}-{title}.{_ext(doc)}", doc)
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(["文件", "标题", "SHA-256", "字节数"])
        writer.writerows(manifest)
        z.writestr("清单.csv", text.getvalue().encode("utf-8-sig"))
    return f"移送材料-{referral.number or referral.pk}.zip", buffer.getvalue()
