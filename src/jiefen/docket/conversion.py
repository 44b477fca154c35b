"""Converting a filed case to ordinary procedure (程序转换), with the fee difference.

Service by public notice is not allowed in summary procedure (民诉解释 Art. 140) nor in small
claims (Art. 275: a defendant who cannot be found); when it is the only way left, the case goes
on in ordinary procedure (Art. 258: the parties are told in writing). The halving of summary
procedure (诉讼费用交纳办法 Art. 16) falls away: the claimant pays the other half within 7 days
(民诉解释 Art. 199), asked for by a fee notice (交纳诉讼费用通知书, 补交). The time limit now runs as
ordinary procedure's, from the filing date (民诉解释 Art. 258).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import User
from jiefen.cases.actions import transition
from jiefen.cases.elements import cn_date
from jiefen.cases.models import Case, Procedure
from jiefen.docket import rules
from jiefen.docket.models import ProcedureConversion
from jiefen.docket.paperwork import fee_account_data
from jiefen.documents.actions import issue_document
from jiefen.documents.context import claimant_recipient, figures, words
from jiefen.lawdata.selectors import court_fee_policy, current_parameters

CONVERTIBLE = (Procedure.SUMMARY, Procedure.SMALL_CLAIMS)


def convert_to_ordinary(
    case: Case, *, by: User | None, reason: str, on: date | None = None
) -> ProcedureConversion | None:
    """Move `case` to ordinary procedure and ask the claimant for the fee difference.

    Returns None if the case already is in ordinary procedure (nothing to convert). The move,
    the conversion row, the fee notice and the audit record are one transaction.
    """
    if case.procedure not in CONVERTIBLE:
        return None
    on = on or timezone.localdate()
    params = current_parameters()
    fee_before = case.acceptance_fee or Decimal("0.00")
    full = rules.filing_fee(
        case.claim_total,
        Procedure.ORDINARY,
        court_fee_policy(case.court),
        case.filed_on or on,
        params,
    )
    difference = max(full.payable - fee_before, Decimal("0.00"))
    with transaction.atomic():
        from_procedure = case.procedure
        moved = transition(
            case,
            "convert_to_ordinary",
            by=by,
            note=reason,
            procedure=Procedure.ORDINARY,
            acceptance_fee=full.payable,
        )
        conversion = ProcedureConversion.objects.create(
            case=moved,
            from_procedure=from_procedure,
            to_procedure=Procedure.ORDINARY,
            reason=reason[:300],
            converted_on=on,
            fee_before=fee_before,
            fee_after=full.payable,
            fee_difference=difference,
            by=by,
        )
        if difference > 0:
            context = _fee_notice_context(moved, conversion)
            notice = issue_document(
                moved,
                "supplementary_fee_notice",
                recipient=context["recipient"],
                context=context,
                by=by,
                issued_on=on,
                issued_for=f"conversion:{conversion.pk}",
            )
            ProcedureConversion.objects.filter(pk=conversion.pk).update(fee_notice=notice)
            conversion.fee_notice = notice
    return conversion


def _fee_notice_context(case: Case, conversion: ProcedureConversion) -> dict[str, Any]:
    from jiefen.documents.context import case_context

    data = case_context(case, issued_on=conversion.converted_on)
    return {
        "recipient": claimant_recipient(data),
        "from_procedure": Procedure(conversion.from_procedure).label,
        "to_procedure": Procedure(conversion.to_procedure).label,
        "reason": conversion.reason,
        "converted_on": cn_date(conversion.converted_on),
        "fee_before": figures(conversion.fee_before),
        "fee_after": figures(conversion.fee_after),
        "fee_after_words": words(conversion.fee_after),
        "fee_difference": figures(conversion.fee_difference),
        "fee_difference_words": words(conversion.fee_difference),
        "fee_account": fee_account_data(case.court),
    }
