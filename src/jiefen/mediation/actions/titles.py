"""The documents of a mediation outcome, issued by the action that records the outcome.

- 民事裁定书 on judicial confirmation (民诉法 Arts. 205-206): the court's seal;
- 支付令 (民诉法 Arts. 225-227): 15 days from receipt to pay or object in writing; court seal;
- 公证书 and, once an instalment is missed, 执行证书 (民诉法 Art. 249): the notary office's
  documents, so no court seal (`sign=False`) and the office named as issuer;
- 强制执行申请书 (民诉法 Arts. 247, 249, 250, 264): the creditor's own application, unsigned.

Personal identifiers are masked (architecture rule 8; rulings confirming agreements are not
published, 法释〔2016〕19号 Art. 4, but they are served and kept).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from jiefen.accounts.models import User
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case, CaseParty
from jiefen.documents.actions import issue_document
from jiefen.documents.context import date_in_words, figures, words
from jiefen.documents.models import StoredDocument
from jiefen.mediation.models import (
    Confirmation,
    EnforcementDraft,
    InstalmentPlan,
    MediationCase,
    Notarization,
    PaymentOrder,
)
from jiefen.privacy import mask_id_number


def _borrower(case: Case) -> CaseParty | None:
    return case.defendants[0] if case.defendants else None


def _parties(case: Case, first: str, second: str) -> list[dict[str, str]]:
    inst = case.institution
    cp = _borrower(case)
    rows = [
        {
            "role": first,
            "name": inst.name,
            "detail": "，".join(
                x
                for x in (
                    f"住所地{inst.address}" if inst.address else "",
                    f"{inst.representative_title or '负责人'}{inst.legal_representative}"
                    if inst.legal_representative
                    else "",
                )
                if x
            ),
        }
    ]
    if cp is not None:
        p = cp.party
        rows.append(
            {
                "role": second,
                "name": p.name,
                "detail": f"{p.get_id_type_display()}{mask_id_number(p.id_number)}"
                + (f"，住{p.domicile}" if p.domicile else ""),
            }
        )
    return rows


def _names(case: Case) -> tuple[str, str]:
    cp = _borrower(case)
    return case.institution.name, (cp.party.name if cp else "")


def _agreement_total(m: MediationCase) -> Decimal:
    return m.agreement.offer.total if hasattr(m, "agreement") else m.case.claim_total


def _agreed_on(m: MediationCase) -> date:
    agreement = getattr(m, "agreement", None)
    return m.agreed_on or (agreement.effective_on if agreement else None) or m.opened_on


def confirmation_ruling(conf: Confirmation, *, by: User, on: date) -> StoredDocument:
    """民事裁定书: confirm the agreement valid (enforceable, Art. 206) or reject the application."""
    m = conf.mediation
    case = Case.objects.get(pk=m.case_id)
    applicant, respondent = _names(case)
    agreed = cn_date(_agreed_on(m))
    total = _agreement_total(m)
    facts = [
        f"申请人{applicant}与被申请人{respondent}申请司法确认调解协议一案，本院于"
        f"{cn_date(conf.applied_on)}立案后依法进行了审查。现已审查终结。",
        f"申请人与被申请人于{agreed}经{m.organisation.name}主持调解达成调解协议（调解案号"
        f"{case.mediation_number}），约定被申请人向申请人支付人民币{figures(total)}元"
        f"（{words(total)}）并按约定分期履行。申请人于{cn_date(conf.applied_on)}在调解协议生效之日起"
        "三十日内向本院申请司法确认。",
    ]
    if conf.ruling == "confirmed":
        facts.append(
            "本院经审查认为，申请人与被申请人达成的调解协议系双方真实意思表示，不违反法律、行政法规"
            "的强制性规定，不损害国家利益、社会公共利益和他人合法权益，符合司法确认的条件。依照"
            "《中华人民共和国民事诉讼法》第二百零五条、第二百零六条规定，裁定如下："
        )
        ruling = [
            f"申请人{applicant}与被申请人{respondent}于{agreed}达成的调解协议有效。",
            "当事人应当按照调解协议的约定自觉履行义务。一方当事人拒绝履行或者未全部履行的，"
            "对方当事人可以向人民法院申请强制执行。",
        ]
    else:
        facts.append(
            f"本院经审查认为，{conf.reason}，不符合司法确认的条件。依照《中华人民共和国民事诉讼法》"
            "第二百零五条、第二百零六条规定，裁定如下："
        )
        ruling = [
            f"驳回申请人{applicant}、被申请人{respondent}的司法确认申请。",
            "当事人可以通过调解方式变更原调解协议或者达成新的调解协议，也可以向人民法院提起诉讼。",
        ]
    context: dict[str, Any] = {
        "case_number": conf.case_number,
        "parties": _parties(case, "申请人", "被申请人"),
        "paragraphs": facts,
        "ruling": ruling,
        "judge": conf.judge.display_name,
        "clerk": case.clerk.display_name if case.clerk else "",
        "issued_on_words": date_in_words(on),
    }
    return issue_document(
        case,
        "confirmation_ruling",
        recipient="双方当事人",
        context=context,
        by=by,
        issued_on=on,
        issued_for=f"confirmation:{conf.pk}",
    )


def payment_order(order: PaymentOrder, *, by: User, on: date) -> StoredDocument:
    """支付令: pay the undisputed amount or object in writing within 15 days of receipt."""
    m = order.mediation
    case = Case.objects.get(pk=m.case_id)
    applicant, respondent = _names(case)
    amount = f"人民币{figures(order.amount)}元（{words(order.amount)}）"
    paragraphs = [
        f"债权人{applicant}于{cn_date(order.applied_on)}向本院申请支付令。债权人称：债务人{respondent}"
        f"向债权人借款（合同编号{case.contract_number}），经{m.organisation.name}调解，双方于"
        f"{cn_date(_agreed_on(m))}达成调解协议（调解案号{case.mediation_number}），债务人确认应向债权人"
        f"支付{amount}，债务人至今未履行。",
        "本院经审查认为，债权人的申请符合《中华人民共和国民事诉讼法》第二百二十五条规定的条件。"
        "依照《中华人民共和国民事诉讼法》第二百二十六条、第二百二十七条规定，特发出如下支付令：",
        f"债务人{respondent}应当自收到本支付令之日起十五日内，向债权人{applicant}给付{amount}。",
        f"申请费人民币{figures(order.fee)}元（{words(order.fee)}），由债务人{respondent}负担。",
    ]
    context: dict[str, Any] = {
        "case_number": order.case_number,
        "parties": _parties(case, "债权人", "债务人"),
        "paragraphs": paragraphs,
        "lead": "债务人如对本支付令有异议，应当自收到本支付令之日起十五日内向本院书面提出。"
        "逾期不提出异议又不履行支付令的，债权人可以向人民法院申请强制执行。",
        "judge": case.judge.display_name if case.judge else "",
        "clerk": case.clerk.display_name if case.clerk else "",
        "issued_on_words": date_in_words(on),
    }
    cp = _borrower(case)
    return issue_document(
        case,
        "payment_order",
        recipient=cp.party if cp else respondent,
        context=context,
        by=by,
        issued_on=on,
        issued_for=f"payment_order:{order.pk}",
    )


def _office(n: Notarization) -> dict[str, str]:
    return {"name": n.office.name, "address": n.office.address or "", "phone": n.office.phone}


def notarial_certificate(n: Notarization, *, by: User, on: date) -> StoredDocument:
    """公证书: the agreement notarized as a debt instrument with enforcement effect (Art. 249)."""
    m = n.mediation
    case = Case.objects.get(pk=m.case_id)
    applicant, respondent = _names(case)
    total = _agreement_total(m)
    paragraphs = [
        f"兹证明申请人{applicant}与{respondent}于{cn_date(_agreed_on(m))}经{m.organisation.name}"
        f"调解达成调解协议（调解案号{case.mediation_number}），约定{respondent}向{applicant}支付"
        f"人民币{figures(total)}元（{words(total)}）并按约定分期履行。",
        "经查，双方当事人具有完全民事行为能力，签署上述协议的意思表示真实，协议内容明确、具体，"
        "符合《中华人民共和国民法典》的规定；债务人在协议中承诺不履行或者不完全履行义务时，"
        "愿意接受依法强制执行。",
        "依照《中华人民共和国公证法》第三十七条和《中华人民共和国民事诉讼法》第二百四十九条规定，"
        "本公证书所证明的债权文书具有强制执行效力。债务人不履行或者不完全履行的，债权人可以"
        "向本处申请出具执行证书，并持本公证书及执行证书向有管辖权的人民法院申请强制执行。",
    ]
    context: dict[str, Any] = {
        "court": _office(n),
        "case_number": n.certificate_number,
        "parties": _parties(case, "申请人", "申请人"),
        "matter": "赋予债权文书强制执行效力",
        "paragraphs": paragraphs,
        "notary": by.display_name,
        "issued_on_words": date_in_words(on),
    }
    return issue_document(
        case,
        "notarial_certificate",
        recipient="双方当事人",
        context=context,
        by=by,
        court=n.office,
        sign=False,
        issued_for=f"notarization:{n.pk}",
        issued_on=on,
    )


def execution_certificate(
    n: Notarization, plan: InstalmentPlan, draft: EnforcementDraft, *, on: date
) -> StoredDocument:
    """执行证书: the debtor has not performed; the amount still owed is certified (Art. 249)."""
    m = n.mediation
    case = Case.objects.get(pk=m.case_id)
    applicant, respondent = _names(case)
    rows = [
        ("申请执行人", applicant),
        ("被申请执行人", respondent),
        ("执行依据", f"{n.certificate_number}公证书"),
        ("协议应付总额", f"人民币{figures(plan.total)}元"),
        ("已履行", f"人民币{figures(plan.paid)}元"),
        (
            "未履行（执行标的）",
            f"人民币{figures(draft.unpaid)}元（{words(draft.unpaid)}）",
        ),
        ("违约情况", f"第{draft.missed_instalment}期（{cn_date(draft.due_date)}到期）逾期未付"),
    ]
    paragraphs = [
        f"债权人{applicant}向本处申请出具执行证书。经本处核实，债务人{respondent}未按照{n.certificate_number}"
        f"公证书所证明的调解协议履行第{draft.missed_instalment}期还款义务，依协议约定剩余全部款项"
        f"视为到期。截至{cn_date(on)}，债务人尚欠债权人人民币{figures(draft.unpaid)}元"
        f"（{words(draft.unpaid)}）。",
        "债权人可以持本执行证书及上述公证书，向被执行人住所地或者被执行的财产所在地人民法院"
        "申请强制执行（《中华人民共和国民事诉讼法》第二百四十九条）。",
    ]
    context: dict[str, Any] = {
        "court": _office(n),
        "heading": "执　行　证　书",
        "case_number": n.execution_certificate_number,
        "parties": [],
        "rows": [list(r) for r in rows],
        "paragraphs": paragraphs,
        "notary": n.notary.display_name if n.notary else "",
        "issued_on_words": date_in_words(on),
    }
    return issue_document(
        case,
        "execution_certificate",
        recipient=applicant,
        context=context,
        by=None,
        court=n.office,
        sign=False,
        issued_for=f"enforcement_draft:{draft.pk}",
        issued_on=on,
    )


def enforcement_application(
    draft: EnforcementDraft, plan: InstalmentPlan, *, on: date
) -> StoredDocument:
    """强制执行申请书 built from the draft: ready for the creditor to seal and submit."""
    m = draft.mediation
    case = Case.objects.get(pk=m.case_id)
    applicant, respondent = _names(case)
    confirmed = hasattr(m, "confirmation") and m.confirmation.ruling == "confirmed"
    if confirmed:
        attachments = [f"{m.confirmation.case_number}民事裁定书", "调解协议书"]
        basis = f"{case.court.name}{m.confirmation.case_number}民事裁定书确认申请人与被申请人达成的调解协议有效"
    else:
        n = m.notarization
        attachments = [
            f"{n.certificate_number}公证书",
            f"{n.execution_certificate_number}执行证书",
            "调解协议书",
        ]
        basis = f"{n.office.name}{n.certificate_number}公证书赋予双方调解协议强制执行效力"
    grace_end = plan.grace_days
    requests = [
        f"一、请求依法强制执行被申请人{respondent}向申请人{applicant}支付人民币"
        f"{figures(draft.unpaid)}元（{words(draft.unpaid)}）；",
        f"二、请求被申请人加倍支付迟延履行期间的债务利息（自{cn_date(draft.due_date)}次日起计算至"
        "实际履行之日止，《中华人民共和国民事诉讼法》第二百六十四条）；",
        f"三、申请执行费（预计人民币{figures(draft.execution_fee)}元）由被申请人负担。",
    ]
    reasons = [
        f"{basis}。依该协议，被申请人应向申请人支付人民币{figures(plan.total)}元并分期履行；"
        f"被申请人任何一期逾期超过{grace_end}日的，剩余全部款项视为到期。",
        f"被申请人已履行人民币{figures(plan.paid)}元，第{draft.missed_instalment}期于"
        f"{cn_date(draft.due_date)}到期后逾期超过{grace_end}日仍未足额支付，尚欠人民币"
        f"{figures(draft.unpaid)}元。依照《中华人民共和国民事诉讼法》第二百四十七条"
        + ("" if confirmed else "、第二百四十九条")
        + "规定，申请人在法定期间内申请强制执行。",
    ]
    rows = [
        ["协议应付总额", f"{figures(plan.total)}元"],
        ["已履行", f"{figures(plan.paid)}元"],
        ["未履行（申请执行标的）", f"{figures(draft.unpaid)}元"],
        ["申请执行费（预计）", f"{figures(draft.execution_fee)}元"],
    ]
    context: dict[str, Any] = {
        "case_number": "",
        "parties": _parties(case, "申请人", "被申请人"),
        "title": draft.title,
        "requests": requests,
        "reasons": reasons,
        "rows": rows,
        "applicant_name": applicant,
        "attachments": attachments,
        "issued_on_words": cn_date(on),
    }
    return issue_document(
        case,
        "enforcement_application",
        recipient=case.court.name,
        context=context,
        by=None,
        sign=False,
        issued_on=on,
        issued_for=f"enforcement_draft:{draft.pk}",
    )
