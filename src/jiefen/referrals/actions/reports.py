"""Reports that feed the fraud early warning (反诈预警): a borrower's statement that a loan was
taken in their name (冒名贷款), and the contacts the police's anti-fraud centre reported as used
for fraud.

- `report_identity_misuse`: the borrower on the mediation portal (the system acts for the
  borrower the portal identified) or in their answer, or their lawyer. Only a defendant or a
  guarantor of the case can say the loan was not theirs; one report per party and case (a second
  one returns the first unchanged). A loan taken with someone else's identity is no loan of the
  named borrower (民法典 Art. 143: no intention of theirs), and the use of another's identity to
  obtain it may be fraud (刑法 Arts. 193, 266, 280-1): the risk rule `identity_misuse` turns the
  report into a warning and an intervention task.
- `report_contact`: a mobile number or address from the police's notices (反电信网络诈骗法
  Art. 31 on the sharing of fraud-related data). Stored as its blind index and masked form only
  (PIPL Art. 51; `jiefen.privacy`): the contact graph matches it against the borrowers' contacts
  without anyone reading it back.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction

from jiefen.accounts.models import User
from jiefen.audit.chain import append
from jiefen.cases.actions import TransitionRefused, require
from jiefen.cases.models import Case, CaseParty, ContactKind, Party, PartyRole
from jiefen.law.identifiers import InvalidIdentifier, normalise_mobile
from jiefen.privacy import contact_index, mask_phone
from jiefen.referrals.models import IdentityReport, ReportedContact, ReportSource

ReportRefused = TransitionRefused

# The mainland mobile form intake accepts (jiefen.intake.validate): 11 digits, 13x-19x.
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAX_STATEMENT = 2000
REPORTABLE_KINDS = (ContactKind.MOBILE, ContactKind.ADDRESS)


def _audit(
    by: User | None, action: str, object_type: str, object_id: object, **payload: object
) -> None:
    append(
        actor_id=by.pk if by else None,
        action=f"referrals.{action}",
        object_type=object_type,
        object_id=object_id,
        payload=payload,
    )


def report_identity_misuse(
    case: Case, party: Party, *, source: str, statement: str, by: User | None
) -> IdentityReport:
    """Record that `party` says the loan of `case` was taken in their name (冒名贷款).

    `by=None` is the portal acting for the borrower it identified (ability
    referrals.report_identity lists the system). Idempotent per (case, party).
    """
    require(by, "referrals.report_identity", case)
    if source not in ReportSource.values:
        raise ReportRefused("「来源」：只能是调解平台或答辩状")
    is_party = CaseParty.objects.filter(
        case=case, party=party, role__in=[PartyRole.DEFENDANT, PartyRole.GUARANTOR]
    ).exists()
    if not is_party:
        raise ReportRefused(f"「{party.name}」不是本案被告或保证人，不能报告冒名贷款")
    text = (statement or "").strip()
    if not text:
        raise ReportRefused("「情况说明」：请填写借款不是您本人办理的情况")
    if len(text) > MAX_STATEMENT:
        raise ReportRefused(f"「情况说明」：内容过长（超过{MAX_STATEMENT}字）")
    with transaction.atomic():
        report, created = IdentityReport.objects.get_or_create(
            case=case,
            party=party,
            defaults={"source": source, "statement": text, "reported_by": by},
        )
        if created:
            _audit(
                by,
                "report_identity",
                "identity_report",
                report.pk,
                case=case.pk,
                party=party.pk,
                source=source,
            )
    return report


def _normalised(kind: str, value: str) -> tuple[str, str]:
    """(the value as it is indexed, its masked form) or refuse with the field's message."""
    text = (value or "").strip()
    if kind == ContactKind.MOBILE:
        try:
            mobile = normalise_mobile(text)
        except InvalidIdentifier:
            mobile = ""
        if not _MOBILE.match(mobile):
            raise ReportRefused("「手机号码」：手机号码应为11位大陆手机号码")
        return mobile, mask_phone(mobile)
    if kind == ContactKind.ADDRESS:
        if not text:
            raise ReportRefused("「地址」：请填写地址")
        if len(text) > 300:
            raise ReportRefused("「地址」：内容过长（超过300字）")
        return text, text[:6] + "****"
    raise ReportRefused("「类型」：只能登记手机号码或地址")


def report_contact(
    kind: str, value: str, *, note: str, on: date, by: User | None
) -> ReportedContact:
    """Register a contact the police reported as used for fraud; idempotent per contact.

    Two spellings of one number (+86 138…, 138 0013 8000) are one contact: the blind index is
    taken of the normalised value. The clear value is never stored nor audited.
    """
    require(by, "referrals.report_contact")
    normalised, shown = _normalised(kind, value)
    index = contact_index(kind, normalised)
    if not index:
        raise ReportRefused("「联系方式」：请填写手机号码或地址")
    note_text = (note or "").strip()
    if len(note_text) > 200:
        raise ReportRefused("「来源说明」：内容过长（超过200字）")
    with transaction.atomic():
        contact, created = ReportedContact.objects.get_or_create(
            kind=kind,
            value_index=index,
            defaults={"shown": shown, "note": note_text, "reported_by": by, "reported_on": on},
        )
        if created:
            _audit(
                by,
                "report_contact",
                "reported_contact",
                contact.pk,
                kind=kind,
                shown=shown,
                note=note_text,
                on=on.isoformat(),
            )
    return contact
