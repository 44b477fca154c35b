"""In-court mediation (法庭调解): the judge records the agreed terms and issues a 民事调解书.

民诉法 Arts. 96-100: the court mediates on the parties' free will; the agreement is written in
a 民事调解书 naming the claims, the facts and the result; it takes effect once EVERY party has
signed for it (Art. 100) and is not appealable. The claimant signs at the hearing (its
service date is the mediation day); each defendant and guarantor signs by being served
(purpose "mediation"), and `effect.take_effect_due` moves the case `take_effect` on the last
signature. The fee is halved once (诉讼费用交纳办法 Art. 15; 民诉解释 Art. 206: a summary
procedure case mediated is still one half) and borne as the parties agreed (办法 Art. 31).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.audit.chain import append as audit
from jiefen.cases.actions import TransitionRefused, require, transition
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case
from jiefen.cases.states import BY_NAME, offer_refusal
from jiefen.documents.actions import issue_document
from jiefen.documents.context import date_in_words, figures
from jiefen.documents.models import StoredDocument
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.judgments.selectors import CLAIM_COLUMNS, decision_parties
from jiefen.law.fees import FeeResult, acceptance_fee
from jiefen.law.money import to_fen
from jiefen.lawdata.selectors import court_fee_policy, current_parameters
from jiefen.privacy import mask_id_number

FEE_BEARERS = {"defendants": "被告", "claimant": "原告", "shared": "原告、被告各半"}


@dataclass(frozen=True)
class MediationTerms:
    """What the parties agreed: an amount paid once (`due_on`) or by `instalments` (date,
    amount), who bears the halved fee (defendants | claimant | shared), further terms."""

    amount: Decimal
    due_on: date | None = None
    instalments: Sequence[tuple[date, Decimal]] = ()
    fee_bearer: str = "defendants"
    text: str = ""


def label(case: Case) -> str:
    return case.case_number or str(case.pk)


def halved_fee(case: Case) -> FeeResult:
    """The acceptance fee halved once (办法 Art. 15; 民诉解释 Art. 206) under the court's rounding."""
    return acceptance_fee(
        case.claim_total,
        halve=True,
        policy=court_fee_policy(case.court),
        as_of=case.filed_on,
        params=current_parameters(),
    )


def _number(value: Decimal | None) -> float | None:
    return None if value is None else float(str(to_fen(value)))


def outcome_object(
    case: Case,
    *,
    awarded_total: Decimal,
    fee: Decimal,
    fee_plaintiff: Decimal,
    performance_days: int,
) -> dict[str, Any]:
    """The stored computation of a 调解书 / 撤诉裁定, in the shape `judgment_show` prints."""
    claimed = {c: getattr(case, c) for c in CLAIM_COLUMNS}
    return {
        "claimed": {c: _number(v) for c, v in claimed.items()},
        "awarded": {},
        "claimed_total": _number(sum(claimed.values(), Decimal("0"))),
        "awarded_total": _number(awarded_total),
        "cap": {"annual_percent": None, "reduced": False, "reason": ""},
        "acceptance_fee": _number(fee),
        "fee_plaintiff": _number(fee_plaintiff),
        "fee_defendants": _number(fee - fee_plaintiff),
        "performance_days": performance_days,
        "guarantors": [],
    }


def party_lines(case: Case) -> list[dict[str, str]]:
    """原告 and each defendant / guarantor as the head of a decision lists them (IDs masked)."""
    inst = case.institution
    rows = [
        {
            "role": "原告",
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
    for party, role in decision_parties(case):
        detail = f"{party.get_id_type_display()}{mask_id_number(party.id_number)}"
        rows.append(
            {
                "role": f"被告（{role}）" if role != "被告" else "被告",
                "name": party.name,
                "detail": detail + (f"，住{party.domicile}" if party.domicile else ""),
            }
        )
    return rows


def _check(case: Case, terms: MediationTerms, on: date) -> list[tuple[date, Decimal]]:
    n = label(case)
    if terms.amount is None or terms.amount <= 0:
        raise TransitionRefused(f"案号{n}：调解金额须大于零")
    if terms.fee_bearer not in FEE_BEARERS:
        raise TransitionRefused(f"案号{n}：诉讼费负担方式「{terms.fee_bearer}」无效")
    if bool(terms.due_on) == bool(terms.instalments):
        raise TransitionRefused(f"案号{n}：须填写一次性付款日期或分期付款计划（二者择一）")
    plan: list[tuple[date, Decimal]] = (
        [(terms.due_on, terms.amount)] if terms.due_on else sorted(terms.instalments)
    )
    for day, amount in plan:
        if day < on:
            raise TransitionRefused(
                f"案号{n}：付款日期{day.isoformat()}早于调解日期{on.isoformat()}"
            )
        if amount <= 0:
            raise TransitionRefused(f"案号{n}：{day.isoformat()}的分期金额须大于零")
    total = sum((a for _, a in plan), Decimal("0"))
    if total != terms.amount:
        raise TransitionRefused(
            f"案号{n}：分期金额合计{figures(total)}元与调解金额{figures(terms.amount)}元不一致"
        )
    return plan


def _fee_split(fee: Decimal, bearer: str) -> Decimal:
    """The claimant's part of the halved fee."""
    if bearer == "claimant":
        return fee
    if bearer == "shared":
        return to_fen(fee / 2)
    return Decimal("0")


def _terms_lines(case: Case, terms: MediationTerms, plan: list[tuple[date, Decimal]]) -> list[str]:
    debtors = "、".join(p.name for p, _ in decision_parties(case))
    claimant = case.institution.name
    if terms.due_on:
        pay = f"被告{debtors}于{cn_date(terms.due_on)}前向原告{claimant}支付人民币{figures(terms.amount)}元"
    else:
        parts = "；".join(f"于{cn_date(d)}前支付{figures(a)}元" for d, a in plan)
        pay = (
            f"被告{debtors}向原告{claimant}支付人民币{figures(terms.amount)}元，分{len(plan)}期支付："
            f"{parts}；任何一期未按时足额支付的，原告有权就全部未付款项申请强制执行"
        )
    lines = [pay + "。", *(t.strip() for t in terms.text.splitlines() if t.strip())]
    return lines


def _fee_line(fee: FeeResult, bearer: str, claimant_part: Decimal) -> str:
    head = f"案件受理费{figures(fee.full)}元，减半收取{figures(fee.payable)}元，"
    if bearer == "shared":
        return (
            head
            + f"由原告负担{figures(claimant_part)}元，被告负担{figures(fee.payable - claimant_part)}元。"
        )
    return head + f"由{FEE_BEARERS[bearer]}负担。"


def _context(
    case: Case, terms: MediationTerms, plan: list[tuple[date, Decimal]], fee: FeeResult, on: date
) -> dict[str, Any]:
    debtors = "、".join(p.name for p, _ in decision_parties(case))
    claimant = case.institution.name
    claim = "、".join(
        f"{case._meta.get_field(c).verbose_name}{figures(getattr(case, c))}元"  # type: ignore[union-attr]
        for c in CLAIM_COLUMNS
        if getattr(case, c)
    )
    claimant_part = _fee_split(fee.payable, terms.fee_bearer)
    return {
        "parties": party_lines(case),
        "paragraphs": [
            f"原告{claimant}与被告{debtors}{case.get_case_type_display()}一案，本院于"
            f"{cn_date(case.filed_on or on)}立案后，依法适用{case.get_procedure_display() or '简易程序'}"
            f"进行审理。",
            f"原告{claimant}向本院提出诉讼请求：判令被告偿还{claim}，共计人民币"
            f"{figures(case.claim_total)}元（计算至{cn_date(case.cut_off_date)}）。",
            "本案审理过程中，经本院主持调解，双方当事人自愿达成如下协议：",
        ],
        "terms": [
            *_terms_lines(case, terms, plan),
            _fee_line(fee, terms.fee_bearer, claimant_part),
        ],
        "closing": [
            "上述协议不违反法律规定，本院予以确认。",
            "本调解书经双方当事人签收后，即具有法律效力。",
        ],
        "judge": case.judge.display_name if case.judge else "",
        "clerk": case.clerk.display_name if case.clerk else "",
        "issued_on_words": date_in_words(on),
    }


def issue_copies(
    case: Case, kind: str, context: dict[str, Any], *, by: User, on: date, occasion: str
) -> tuple[StoredDocument, list[StoredDocument]]:
    """The claimant's copy and one sealed copy per defendant / guarantor (each is served)."""
    own = issue_document(
        case,
        kind,
        recipient=case.institution.name,
        context=context,
        by=by,
        issued_on=on,
        issued_for=occasion,
    )
    copies = [
        issue_document(
            case, kind, recipient=party, context=context, by=by, issued_on=on, issued_for=occasion
        )
        for party, _ in decision_parties(case)
    ]
    return own, copies


def _existing(case: Case) -> Judgment | None:
    judgment = Judgment.objects.filter(case=case).first()
    if judgment is not None and judgment.state != DecisionState.DRAFT:
        raise TransitionRefused(
            f"案号{label(case)}：已有{judgment.get_kind_display()}（{judgment.get_state_display()}），"
            "不能再制作调解书"
        )
    return judgment


def mediate(case: Case, *, terms: MediationTerms, by: User, on: date | None = None) -> Judgment:
    """Record the agreement reached in court and issue the sealed 民事调解书 (see module doc).

    The case moves `mediate_in_court` (from 已排期 or 已开庭); a draft judgment of the case is
    replaced by the mediation document. Each defendant's and guarantor's copy is served
    (purpose "mediation"); the document takes effect once all of them are served.
    """
    require(by, "mediate_in_court", case)
    reason = offer_refusal(case, BY_NAME["mediate_in_court"])
    if reason:
        raise TransitionRefused(f"案号{label(case)}：{reason}")
    on = on or timezone.localdate()
    plan = _check(case, terms, on)
    existing = _existing(case)
    fee = halved_fee(case)
    claimant_part = _fee_split(fee.payable, terms.fee_bearer)
    context = _context(case, terms, plan, fee, on)
    last_due = max(d for d, _ in plan)
    with transaction.atomic():
        own, copies = issue_copies(
            case, "mediation_document", context, by=by, on=on, occasion=f"mediation:{case.pk}"
        )
        transition(
            case, "mediate_in_court", by=by, note=f"调解结案，调解金额{figures(terms.amount)}元"
        )
        judgment = existing or Judgment(case=case)
        judgment.kind = DecisionKind.MEDIATION
        judgment.state = DecisionState.PRONOUNCED
        judgment.computation = outcome_object(
            case,
            awarded_total=terms.amount,
            fee=fee.payable,
            fee_plaintiff=claimant_part,
            performance_days=(last_due - on).days,
        )
        judgment.text = {
            "terms": context["terms"],
            "fee_bearer": terms.fee_bearer,
            "instalments": [[d.isoformat(), str(a)] for d, a in plan],
        }
        judgment.awarded_total = terms.amount
        judgment.document = own
        judgment.signed_by = by
        judgment.signed_at = timezone.now()
        judgment.pronounced_on = on
        judgment.claimant_served_on = on  # the claimant signs at the hearing
        judgment.performance_ends = last_due
        judgment.save()
        from jiefen.service.actions import serve_documents

        serve_documents(copies, purpose="mediation", by=None)
        audit(
            actor_id=by.pk,
            action="judgments.mediate",
            object_type="judgment",
            object_id=judgment.pk,
            payload={
                "case": case.pk,
                "amount": str(terms.amount),
                "fee": str(fee.payable),
                "fee_bearer": terms.fee_bearer,
                "document": own.sha256,
            },
        )
    return judgment
