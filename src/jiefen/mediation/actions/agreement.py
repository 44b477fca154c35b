"""The mediation agreement (调解协议): drawn up from the accepted offer, signed by both parties
and the mediator (人民调解法 Art. 29), each signature kept as evidence (time, IP, method and the
SHA-256 of the PDF signed). Once all three have signed the case is `mediated` and the instalment
plan starts.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.actions import ids_digest, require, transition_many
from jiefen.cases.elements import cn_date
from jiefen.cases.states import State
from jiefen.documents.actions import issue_document
from jiefen.documents.storage import read, sha256
from jiefen.law.money import amount_in_words
from jiefen.lawdata.selectors import court_timing_policy
from jiefen.mediation import plans
from jiefen.mediation.actions.common import ActionRefused, audit, today
from jiefen.mediation.actions.notices import verify_code
from jiefen.mediation.models import (
    Agreement,
    Instalment,
    InstalmentPlan,
    MediationCase,
    Offer,
    Outcome,
    Signature,
    SignerRole,
)

REQUIRED = {SignerRole.CLAIMANT, SignerRole.BORROWER, SignerRole.MEDIATOR}


def schedule_of(offer: Offer) -> list[plans.Instalment]:
    return plans.build_schedule(
        offer.total,
        offer.instalments,
        offer.first_due,
        first_payment=offer.first_payment,
        schedule=offer.schedule,  # type: ignore[arg-type]
        custom_amounts=[Decimal(a) for a in offer.custom_amounts],
    )


def grace_days_for(mediation: MediationCase) -> int:
    from jiefen.mediation.actions.offers import rule_for

    rule = rule_for(mediation.case)
    if rule:
        return rule.grace_days
    # No settlement rule: the court's default grace period (a policy, docs/law.md).
    return court_timing_policy(mediation.case.court).instalment_grace_days


def agreement_data(offer: Offer, on: date) -> dict[str, object]:
    """What the typst template `mediation_agreement.typ` prints."""
    m = offer.mediation
    case = m.case
    inst = case.institution
    borrower = case.defendants[0].party if case.defendants else None
    rows = schedule_of(offer)
    waived = "、".join(plans.COMPONENTS[k] for k in offer.waived)
    paragraphs = [
        f"一、被申请人确认：截至{cn_date(case.cut_off_date)}，被申请人尚欠申请人本金{case.principal:,.2f}元、"
        f"利息{case.interest:,.2f}元、罚息{case.penalty_interest:,.2f}元、复利{case.compound_interest:,.2f}元"
        + (f"、手续费{case.fees:,.2f}元" if case.fees else "")
        + (f"、违约金{case.liquidated_damages:,.2f}元" if case.liquidated_damages else "")
        + (f"、律师费{case.lawyer_fees:,.2f}元" if case.lawyer_fees else "")
        + f"，合计{case.claim_total:,.2f}元（合同编号{case.contract_number}）。",
        (
            f"二、申请人同意减免{waived}共计{offer.waived_amount:,.2f}元。"
            if offer.waived
            else "二、申请人不减免任何款项。"
        )
        + f"被申请人应向申请人支付{offer.total:,.2f}元（大写：人民币{amount_in_words(offer.total)}）。",
        f"三、还款安排：共{offer.instalments}期。"
        + "；".join(f"第{r.number}期于{cn_date(r.due_date)}前支付{r.amount:,.2f}元" for r in rows)
        + "。",
        f"四、被申请人任何一期未按期足额还款且逾期超过{grace_days_for(m)}日的，剩余全部款项视为到期，"
        "申请人有权就全部未付款项申请强制执行。",
        "五、被申请人承诺：不履行或者不完全履行本协议约定的还款义务时，自愿接受依法强制执行。",
        "六、双方同意自本协议生效之日起三十日内共同向人民法院申请司法确认，或共同向公证机构申请办理"
        "具有强制执行效力的债权文书公证。",
        "七、本协议经双方当事人及调解员签署后生效。各方确认以平台一次性验证码或登录签署的电子签名与手写签名具有同等效力。",
    ]
    return {
        "court": {"name": m.organisation.name},
        "seal_label": "调解专用章",
        "case_number": case.mediation_number or "",
        "parties": [
            {
                "role": "申请人",
                "name": inst.name,
                "detail": f"住所地{inst.address or '—'}，法定代表人/负责人{inst.legal_representative or '—'}",
            },
            {
                "role": "被申请人",
                "name": borrower.name if borrower else "",
                "detail": f"{borrower.get_id_type_display()}{borrower.id_number}"
                if borrower
                else "",
            },
        ],
        "paragraphs": paragraphs,
        "mediator": case.mediator.display_name if case.mediator else "",
        "issued_on_words": cn_date(on),
    }


def create_agreement(offer: Offer) -> Agreement:
    """Render and store the agreement PDF; its SHA-256 is what everyone signs.

    It is the parties' agreement, not a court document: no court seal. The parties and the
    mediator sign it in the platform (one-time code, time, IP and this hash kept as evidence).
    """
    mediation = offer.mediation
    if Agreement.objects.filter(mediation=mediation).exists():
        raise ActionRefused("本案已生成调解协议")
    with transaction.atomic():
        document = issue_document(
            mediation.case,
            "mediation_agreement",
            recipient="双方当事人",
            context=agreement_data(offer, today()),
            by=None,
            sign=False,
            issued_for=f"offer:{offer.pk}",
        )
        agreement = Agreement.objects.create(mediation=mediation, offer=offer, document=document)
        audit(
            None, "agreement.created", mediation.pk, agreement=agreement.pk, sha256=document.sha256
        )
    return agreement


def _check_document(agreement: Agreement) -> None:
    """Refuse to sign a PDF whose bytes no longer match the stored hash (evidence is immutable)."""
    if sha256(read(agreement.document.path)) != agreement.sha256:
        raise ActionRefused("协议文件与存证哈希不一致，不能签署")


def sign_as_borrower(agreement: Agreement, *, code: str, ip: str | None) -> Signature:
    """The borrower signs on the portal with a one-time code sent to their phone."""
    m = agreement.mediation
    if agreement.signatures.filter(role=SignerRole.BORROWER).exists():
        raise ActionRefused("您已签署本协议")
    _check_document(agreement)
    if not verify_code(m, "sign", code):
        raise ActionRefused("验证码错误或已过期")
    borrower = m.case.defendants[0].party
    with transaction.atomic():
        sig = Signature.objects.create(
            agreement=agreement,
            role=SignerRole.BORROWER,
            signer_name=borrower.name,
            method="otp",
            signed_at=timezone.now(),
            ip=ip,
            document_sha256=agreement.sha256,
        )
        audit(None, "agreement.signed", m.pk, role="borrower", ip=ip, sha256=agreement.sha256)
        complete_signed([agreement.pk])
    return sig


def staff_role(agreement: Agreement, by: User) -> SignerRole:
    case = agreement.mediation.case
    if by.role == Role.BANK_AGENT and by.organisation_id == case.institution_id:
        return SignerRole.CLAIMANT
    if by.role == Role.MEDIATOR and case.mediator_id == by.pk:
        return SignerRole.MEDIATOR
    raise ActionRefused("您不是本协议的签署方")


def sign_many(agreement_ids: Iterable[int], *, by: User, ip: str | None) -> int:
    """An institution's agent or the mediator signs many agreements at once (logged-in signature)."""
    require(by, "mediation.sign")
    ids = list(agreement_ids)
    role = SignerRole.CLAIMANT if by.role == Role.BANK_AGENT else SignerRole.MEDIATOR
    qs = Agreement.objects.filter(pk__in=ids, mediation__case__state=State.IN_MEDIATION).exclude(
        signatures__role=role
    )
    qs = (
        qs.filter(mediation__case__institution_id=by.organisation_id)
        if role == SignerRole.CLAIMANT
        else qs.filter(mediation__case__mediator=by)
    )
    rows = list(qs.values_list("pk", "document__sha256"))
    now = timezone.now()
    with transaction.atomic():
        Signature.objects.bulk_create(
            [
                Signature(
                    agreement_id=pk,
                    role=role,
                    signer_name=by.display_name,
                    user=by,
                    method="login",
                    signed_at=now,
                    ip=ip,
                    document_sha256=sha,
                )
                for pk, sha in rows
            ],
            batch_size=500,
        )
        if rows:
            audit(
                by,
                "agreement.signed.bulk",
                len(rows),
                role=str(role),
                ip=ip,
                **ids_digest([pk for pk, _ in rows]),
            )
        complete_signed([pk for pk, _ in rows])
    return len(rows)


def complete_signed(agreement_ids: list[int]) -> list[int]:
    """Agreements signed by all three take effect: case → mediated, plan and instalments created."""
    if not agreement_ids:
        return []
    roles: dict[int, set[str]] = {}
    for pk, role in Signature.objects.filter(agreement_id__in=agreement_ids).values_list(
        "agreement_id", "role"
    ):
        roles.setdefault(pk, set()).add(role)
    ready = [pk for pk, r in roles.items() if r >= {str(x) for x in REQUIRED}]
    if not ready:
        return []
    on = today()
    agreements = list(
        Agreement.objects.filter(pk__in=ready, effective_on=None).select_related(
            "offer", "mediation__case"
        )
    )
    moved = set(
        transition_many(
            [a.mediation.case_id for a in agreements],
            "sign_agreement",
            by=None,
            note="调解协议经各方签署生效",
        ).moved
    )
    done = [a for a in agreements if a.mediation.case_id in moved]
    Agreement.objects.filter(pk__in=[a.pk for a in done]).update(effective_on=on)
    MediationCase.objects.filter(pk__in=[a.mediation_id for a in done]).update(
        outcome=Outcome.AGREED, agreed_on=on
    )
    created = InstalmentPlan.objects.bulk_create(
        [
            InstalmentPlan(
                mediation_id=a.mediation_id,
                offer=a.offer,
                total=a.offer.total,
                grace_days=grace_days_for(a.mediation),
            )
            for a in done
        ],
        batch_size=500,
    )
    Instalment.objects.bulk_create(
        [
            Instalment(plan=p, number=r.number, due_date=r.due_date, amount=r.amount)
            for p, a in zip(created, done, strict=True)
            for r in schedule_of(a.offer)
        ],
        batch_size=1000,
    )
    return [a.pk for a in done]
