"""Withdrawal (撤诉): the claimant applies, the judge rules (民诉法 Art. 148).

Before judgment the claimant may apply to withdraw; whether to allow it is the court's ruling.
The 民事裁定书 allowing it ends the case: the case moves `withdraw`, the ruling is effective
on its date (a ruling allowing withdrawal is not among the appealable rulings, 民诉法 Art.
157), and it is served on the defendants for information (purpose "ruling"). The acceptance
fee is halved once (诉讼费用交纳办法 Art. 15; 民诉解释 Art. 206: a summary-procedure case
withdrawn pays one half, never one quarter) and borne by the claimant (办法 Art. 34).

The pending application is kept on the case's decision row (`Judgment`, kind withdrawal,
draft) in `text["application"]`; a draft judgment already made is reused and becomes the
ruling when the judge allows the withdrawal.
"""

from __future__ import annotations

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
from jiefen.documents.context import date_in_words, figures
from jiefen.judgments.actions.mediation import (
    halved_fee,
    issue_copies,
    label,
    outcome_object,
    party_lines,
)
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.judgments.selectors import decision_parties


def pending_application(case: Case) -> dict[str, Any] | None:
    """The claimant's withdrawal application awaiting the ruling, or None."""
    judgment = Judgment.objects.filter(case=case, state=DecisionState.DRAFT).first()
    application = (judgment.text or {}).get("application") if judgment else None
    return application if isinstance(application, dict) else None


def _open(case: Case) -> None:
    reason = offer_refusal(case, BY_NAME["withdraw"])
    if reason:
        raise TransitionRefused(f"案号{label(case)}：{reason}，不能撤诉")


def apply(case: Case, *, reason: str, by: User, on: date | None = None) -> Judgment:
    """The claimant's application to withdraw (ability `judgments.apply_withdrawal`)."""
    require(by, "judgments.apply_withdrawal", case)
    _open(case)
    reason = reason.strip()
    if not reason:
        raise TransitionRefused(f"案号{label(case)}：请填写撤诉理由")
    on = on or timezone.localdate()
    with transaction.atomic():
        judgment = Judgment.objects.select_for_update().filter(case=case).first()
        if judgment is not None and judgment.state != DecisionState.DRAFT:
            raise TransitionRefused(
                f"案号{label(case)}：本案已有{judgment.get_kind_display()}，不能再申请撤诉"
            )
        if judgment is not None and (judgment.text or {}).get("application"):
            raise TransitionRefused(f"案号{label(case)}：撤诉申请已提交，待法院裁定")
        if judgment is None:
            judgment = Judgment(case=case, kind=DecisionKind.WITHDRAWAL)
        judgment.text = {
            **(judgment.text or {}),
            "application": {"reason": reason, "applied_on": on.isoformat(), "by": by.pk},
        }
        judgment.save()
        audit(
            actor_id=by.pk,
            action="judgments.apply_withdrawal",
            object_type="case",
            object_id=case.pk,
            payload={"reason": reason, "applied_on": on.isoformat()},
        )
    return judgment


def _context(case: Case, application: dict[str, Any], on: date) -> dict[str, Any]:
    fee = halved_fee(case)
    claimant = case.institution.name
    debtors = "、".join(p.name for p, _ in decision_parties(case))
    applied_on = date.fromisoformat(application["applied_on"])
    return {
        "parties": party_lines(case),
        "paragraphs": [
            f"原告{claimant}与被告{debtors}{case.get_case_type_display()}一案，本院于"
            f"{cn_date(case.filed_on or on)}立案。原告{claimant}于{cn_date(applied_on)}向本院提出"
            f"撤诉申请，理由：{application['reason']}。",
            "本院认为，原告在本案宣判前申请撤诉，系对其诉讼权利的处分，不违反法律规定。依照"
            "《中华人民共和国民事诉讼法》第一百四十八条第一款规定，裁定如下：",
        ],
        "ruling": [
            f"准许原告{claimant}撤诉。",
            f"案件受理费{figures(fee.full)}元，减半收取{figures(fee.payable)}元，由原告{claimant}负担。",
        ],
        "judge": case.judge.display_name if case.judge else "",
        "clerk": case.clerk.display_name if case.clerk else "",
        "issued_on_words": date_in_words(on),
    }


def allow(case: Case, *, by: User, on: date | None = None) -> Judgment:
    """The judge's ruling allowing the withdrawal: 民事裁定书, case `withdraw`, effective now."""
    require(by, "withdraw", case)
    _open(case)
    application = pending_application(case)
    if application is None:
        raise TransitionRefused(f"案号{label(case)}：原告未申请撤诉，不能裁定准许撤诉")
    on = on or timezone.localdate()
    fee = halved_fee(case)
    context = _context(case, application, on)
    with transaction.atomic():
        own, copies = issue_copies(
            case, "withdrawal_ruling", context, by=by, on=on, occasion=f"withdrawal:{case.pk}"
        )
        transition(
            case, "withdraw", by=by, note=f"裁定准许撤诉，减半收取受理费{figures(fee.payable)}元"
        )
        judgment = Judgment.objects.select_for_update().get(case=case)
        judgment.kind = DecisionKind.WITHDRAWAL
        judgment.state = DecisionState.EFFECTIVE
        judgment.computation = outcome_object(
            case,
            awarded_total=Decimal("0"),
            fee=fee.payable,
            fee_plaintiff=fee.payable,
            performance_days=0,
        )
        judgment.awarded_total = None
        judgment.document = own
        judgment.signed_by = by
        judgment.signed_at = timezone.now()
        judgment.pronounced_on = on
        judgment.claimant_served_on = on
        judgment.effective_on = on
        judgment.save()
        from jiefen.service.actions import serve_documents

        serve_documents(copies, purpose="ruling", by=None)
        audit(
            actor_id=by.pk,
            action="judgments.allow_withdrawal",
            object_type="judgment",
            object_id=judgment.pk,
            payload={"case": case.pk, "fee": str(fee.payable), "document": own.sha256},
        )
    return judgment
