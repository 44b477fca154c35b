"""What a signed agreement becomes — or what happens when mediation fails.

(a) judicial confirmation, 民特, free (民诉法 Arts. 205-206; 办法 Art. 8);
(b) notarized enforcement (赋强公证, 民诉法 Art. 249) with the notary's 公证书;
(c) payment order, 民督, fee one third (办法 Art. 14(三)), 15-day objection (民诉法 Arts. 225-228);
failed or expired mediation → `awaiting_filing`, the case keeping all it gathered.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.cases.actions import ids_digest, require, transition, transition_many
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.mediation import lawlinks
from jiefen.mediation.actions import titles
from jiefen.mediation.actions.common import (
    CONFIRMATION_TYPE,
    PAYMENT_ORDER_TYPE,
    ActionRefused,
    audit,
    next_numbers,
    today,
)
from jiefen.mediation.models import (
    Confirmation,
    MediationCase,
    Notarization,
    Outcome,
    PaymentOrder,
)


def _least_loaded_judge(court: Organisation) -> User:
    judge = (
        User.objects.filter(role=Role.JUDGE, organisation=court, is_active=True)
        .annotate(n=Count("judged_cases", filter=Q(judged_cases__state=State.CONFIRMATION_PENDING)))
        .order_by("n", "id")
        .first()
    )
    if judge is None:
        raise ActionRefused(f"{court.name}没有可分配的法官")
    return judge


def apply_confirmation(
    mediation: MediationCase, *, by: User, on: date | None = None
) -> Confirmation:
    """Apply to the court for judicial confirmation within the 30-day window; no fee."""
    require(by, "apply_confirmation", mediation.case)
    on = on or today()
    agreement = mediation.agreement
    assert agreement.effective_on is not None
    window = lawlinks.confirmation_window_ends(agreement.effective_on)
    if on > window:
        raise ActionRefused(f"司法确认应在协议生效之日起三十日内申请（已于{window}届满）")
    case = mediation.case
    with transaction.atomic():
        judge = _least_loaded_judge(case.court)
        number = next_numbers(case.court, on.year, CONFIRMATION_TYPE, 1)[0]
        mediation.case = transition(
            case, "apply_confirmation", by=by, note=f"{number}，免交诉讼费", judge=judge
        )
        conf = Confirmation.objects.create(
            mediation=mediation, case_number=number, applied_on=on, window_ends=window, judge=judge
        )
        audit(by, "confirmation.applied", mediation.pk, number=number, window_ends=window)
    return conf


def rule_on_confirmation(
    confirmation: Confirmation, *, by: User, confirm: bool, reason: str = "", on: date | None = None
) -> None:
    """The judge rules: the agreement is valid (enforceable) or the application is rejected."""
    require(
        by, "confirm_agreement" if confirm else "reject_confirmation", confirmation.mediation.case
    )
    if by.pk != confirmation.judge_id:
        raise ActionRefused("只有承办法官可以作出裁定")
    if confirmation.ruling:
        raise ActionRefused("本案已作出裁定")
    if not confirm and not reason.strip():
        raise ActionRefused("驳回申请应当说明理由")
    on = on or today()
    m = confirmation.mediation
    with transaction.atomic():
        if confirm:
            transition(
                m.case,
                "confirm_agreement",
                by=by,
                note=f"{confirmation.case_number}裁定确认调解协议有效",
            )
        else:
            transition(
                m.case,
                "reject_confirmation",
                by=by,
                note=f"{confirmation.case_number}裁定驳回：{reason}",
            )
        Confirmation.objects.filter(pk=confirmation.pk).update(
            ruling="confirmed" if confirm else "rejected", ruling_on=on, reason=reason.strip()
        )
        confirmation.ruling = "confirmed" if confirm else "rejected"
        confirmation.ruling_on, confirmation.reason = on, reason.strip()
        doc = titles.confirmation_ruling(confirmation, by=by, on=on)
        Confirmation.objects.filter(pk=confirmation.pk).update(document=doc)
        confirmation.document = doc
        MediationCase.objects.filter(pk=m.pk).update(
            outcome=Outcome.CONFIRMED if confirm else Outcome.TO_FILING,
            closed_on=on,
            failure_reason="" if confirm else "司法确认申请被驳回",
        )
        audit(by, "confirmation.ruled", m.pk, confirm=confirm, reason=reason)


def apply_notarization(
    mediation: MediationCase, *, office: Organisation, by: User, on: date | None = None
) -> Notarization:
    """Send the signed agreement to a notary office for a notarized instrument with enforcement effect."""
    require(by, "apply_notarization", mediation.case)
    if office.kind != OrganisationKind.NOTARY_OFFICE:
        raise ActionRefused("请选择公证机构")
    on = on or today()
    with transaction.atomic():
        mediation.case = transition(
            mediation.case,
            "apply_notarization",
            by=by,
            note=f"送{office.name}",
            notary_office=office,
        )
        n = Notarization.objects.create(mediation=mediation, office=office, applied_on=on)
        audit(by, "notarization.applied", mediation.pk, office=office.code)
    return n


def notarize(notarization: Notarization, *, by: User, on: date | None = None) -> None:
    """The notary notarizes the agreement and issues the notarial certificate (公证书)."""
    require(by, "notarize", notarization.mediation.case)
    if by.organisation_id != notarization.office_id:
        raise ActionRefused("只有受理的公证机构可以出具公证书")
    on = on or today()
    m = notarization.mediation
    with transaction.atomic():
        count = (
            Notarization.objects.filter(
                office_id=notarization.office_id, notarized_on__year=on.year
            )
            .exclude(certificate_number="")
            .count()
        )
        number = f"（{on.year}）{notarization.office.code}证经字第{count + 1}号"
        transition(m.case, "notarize", by=by, note=f"{number}赋予强制执行效力")
        notarization.certificate_number, notarization.notarized_on = number, on
        notarization.notary = by
        doc = titles.notarial_certificate(notarization, by=by, on=on)
        Notarization.objects.filter(pk=notarization.pk).update(
            certificate_number=number, notarized_on=on, notary=by, document=doc
        )
        notarization.document = doc
        MediationCase.objects.filter(pk=m.pk).update(outcome=Outcome.NOTARIZED, closed_on=on)
        audit(by, "notarized", m.pk, number=number)


def apply_payment_order(
    mediation: MediationCase, *, by: User, on: date | None = None
) -> PaymentOrder:
    """The institution applies for a payment order on the agreed (undisputed) amount; fee = 1/3."""
    require(by, "apply_payment_order", mediation.case)
    on = on or today()
    case = mediation.case
    amount = (
        mediation.agreement.offer.total if hasattr(mediation, "agreement") else case.claim_total
    )
    fee = lawlinks.payment_order_fee(case.court, amount, on)
    with transaction.atomic():
        judge = _least_loaded_judge(case.court)
        number = next_numbers(case.court, on.year, PAYMENT_ORDER_TYPE, 1)[0]
        mediation.case = transition(
            case, "apply_payment_order", by=by, note=f"{number}，申请费{fee}元", judge=judge
        )
        po = PaymentOrder.objects.create(
            mediation=mediation, case_number=number, amount=amount, fee=fee, applied_on=on
        )
        audit(by, "payment_order.applied", mediation.pk, number=number, amount=amount, fee=fee)
    return po


def issue_payment_order(
    order: PaymentOrder, *, by: User, served_on: date | None = None, on: date | None = None
) -> None:
    """The judge issues the order (within 15 days of acceptance); the objection window runs from receipt."""
    case = Case.objects.get(pk=order.mediation.case_id)
    require(by, "issue_payment_order", case)
    on = on or today()
    served = served_on or on
    ends = lawlinks.objection_window_ends(served)
    with transaction.atomic():
        transition(
            case, "issue_payment_order", by=by, note=f"{order.case_number}已送达，异议期至{ends}"
        )
        doc = titles.payment_order(order, by=by, on=on)
        PaymentOrder.objects.filter(pk=order.pk).update(
            issued_on=on, served_on=served, objection_ends=ends, document=doc
        )
        order.issued_on, order.served_on, order.objection_ends = on, served, ends
        order.document = doc
        MediationCase.objects.filter(pk=order.mediation_id).update(
            outcome=Outcome.PAYMENT_ORDER, closed_on=on
        )
        audit(by, "payment_order.issued", order.mediation_id, served_on=served, objection_ends=ends)


def object_to_payment_order(
    order: PaymentOrder, *, text: str, by: User | None = None, on: date | None = None
) -> None:
    """A written objection within the window ends the procedure: the case goes to filing (Art. 228)."""
    require(by, "payment_order_objected", order.mediation.case)
    on = on or today()
    if order.objection_ends is None or on > order.objection_ends:
        raise ActionRefused("已超过异议期限")
    if not text.strip():
        raise ActionRefused("异议应当以书面形式提出并说明理由")
    with transaction.atomic():
        transition(
            order.mediation.case, "payment_order_objected", by=by, note=f"债务人异议：{text[:200]}"
        )
        PaymentOrder.objects.filter(pk=order.pk).update(objected_on=on, objection=text.strip())
        MediationCase.objects.filter(pk=order.mediation_id).update(
            outcome=Outcome.TO_FILING, failure_reason="债务人对支付令提出异议"
        )
        audit(by, "payment_order.objected", order.mediation_id)


def payment_orders_take_effect(*, as_of: date, by: User | None = None) -> list[int]:
    """Orders whose objection window passed with no objection become enforceable (set-based).

    An order takes effect the day after the last day of its objection period (民诉法 Art. 227),
    whenever the sweep runs. Safe with several workers: a case another sweep holds is skipped,
    one it has moved is no longer issued, so each order takes effect once.
    """
    with transaction.atomic():
        case_ids = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                state=State.PAYMENT_ORDER_ISSUED,
                mediation__payment_order__objection_ends__lt=as_of,
                mediation__payment_order__objected_on=None,
                mediation__payment_order__effective_on=None,
            )
            .values_list("pk", flat=True)
        )
        moved = transition_many(
            case_ids, "payment_order_takes_effect", by=by, note="异议期满未提出异议"
        ).moved
        orders = PaymentOrder.objects.filter(mediation__case_id__in=moved)
        for ends in set(orders.values_list("objection_ends", flat=True)):
            assert ends is not None  # the filter above took only orders with a period
            orders.filter(objection_ends=ends).update(effective_on=ends + timedelta(days=1))
    return moved


def fail_mediation(
    case_ids: Iterable[int], *, by: User | None, reason: str, on: date | None = None
) -> list[int]:
    """Mediation failed, was declined or expired: to filing, with everything known carried over.

    Only the mediator, the claimant (who may decline), the centre or the expiry sweep may end
    it; a role that may not is refused before anything is read. Cases refused one by one (wrong
    state, out of scope) are left alone; the ids moved are returned.
    """
    require(by, "fail_mediation")
    on = on or today()
    ids = list(case_ids)
    with transaction.atomic():
        moved = transition_many(ids, "fail_mediation", by=by, note=f"调解不成：{reason}").moved
        MediationCase.objects.filter(case_id__in=moved).update(
            outcome=Outcome.TO_FILING, closed_on=on, failure_reason=reason[:200]
        )
        if moved:
            audit(by, "failed", len(moved), reason=reason, **ids_digest(moved))
    return moved


def expire_mediations(*, as_of: date, by: User | None = None) -> list[int]:
    """Cases past their mediation deadline without a signed agreement go to filing.

    Safe with several workers: cases another sweep holds are skipped (PostgreSQL), and the
    state filter leaves out those it has moved, so each case expires once.
    """
    with transaction.atomic():
        ids = list(
            Case.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(state=State.IN_MEDIATION, mediation__deadline__lt=as_of)
            .values_list("pk", flat=True)
        )
        return fail_mediation(ids, by=by, reason="调解期限届满未达成协议", on=as_of)
