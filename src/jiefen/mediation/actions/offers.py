"""Offers, borrower answers, standing settlement rules and counter-offers.

A borrower's plan inside the institution's standing settlement rule (预设和解规则) is accepted at
once, with no bank agent involved; outside it, it waits for the institution, which accepts or
counters. Accepted terms become a mediation agreement (人民调解法 Art. 28).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from jiefen.accounts.models import Role, User
from jiefen.cases.actions import require
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.law.money import to_fen
from jiefen.mediation import plans
from jiefen.mediation.actions.common import ActionRefused, audit, today
from jiefen.mediation.actions.notices import queue_case_notices
from jiefen.mediation.models import (
    BulkOffer,
    MediationCase,
    Offer,
    OfferFrom,
    OfferStatus,
    Outcome,
    Response,
    SettlementRule,
)

AMOUNT_FIELDS = tuple(plans.COMPONENTS)


def claim_of(case: Case) -> dict[str, Decimal]:
    return {k: getattr(case, k) for k in AMOUNT_FIELDS}


def rule_for(case: Case) -> SettlementRule | None:
    """The most specific active rule: the case's batch, then its series, then institution-wide."""
    rules = SettlementRule.objects.filter(institution_id=case.institution_id, active=True)
    for scope in (
        Q(batch_id=case.batch_id) if case.batch_id else None,
        Q(series_id=case.series_id, batch=None) if case.series_id else None,
        Q(series=None, batch=None),
    ):
        if scope is not None:
            found = rules.filter(scope).order_by("-id").first()
            if found:
                return found
    return None


def limits_of(rule: SettlementRule) -> plans.RuleLimits:
    return plans.RuleLimits(
        rule.max_instalments,
        rule.min_first_payment_percent,
        frozenset(rule.waivable),
        rule.max_first_due_days,
    )


def set_rule(
    *,
    by: User,
    series: Series | None = None,
    max_instalments: int = 24,
    min_first_payment_percent: Decimal = Decimal("10"),
    waivable: Iterable[str] = (),
    grace_days: int = 10,
    max_first_due_days: int = 30,
) -> SettlementRule:
    """An institution's agent sets the standing rule for a series (or for all its cases)."""
    require(by, "mediation.set_rule")
    if by.organisation_id is None:
        raise ActionRefused("只有金融机构经办人可以设置预设和解规则")
    if series is not None and series.institution_id != by.organisation_id:
        raise ActionRefused("只能为本机构的系列案设置规则")
    waivable = sorted(set(waivable))
    bad = set(waivable) - set(plans.WAIVABLE)
    if bad:
        raise ActionRefused("本金不能减免" if "principal" in bad else "减免项目有误")
    with transaction.atomic():
        SettlementRule.objects.filter(
            institution_id=by.organisation_id, series=series, batch=None, active=True
        ).update(active=False)
        rule = SettlementRule.objects.create(
            institution_id=by.organisation_id,
            series=series,
            max_instalments=max_instalments,
            min_first_payment_percent=min_first_payment_percent,
            waivable=waivable,
            grace_days=grace_days,
            max_first_due_days=max_first_due_days,
            created_by=by,
        )
        audit(
            by,
            "rule.set",
            rule.pk,
            series=series.pk if series else None,
            max_instalments=max_instalments,
            min_first=min_first_payment_percent,
            waivable=waivable,
        )
    return rule


def _offer(
    mediation: MediationCase,
    case: Case,
    made_by: str,
    *,
    instalments: int,
    first_payment: Decimal | None,
    waived: Iterable[str],
    first_due: date,
    schedule: str = "equal",
    custom: Sequence[Decimal] = (),
) -> Offer:
    """Build (not save) an offer, validating the schedule with the plan arithmetic."""
    waived_set = sorted(set(waived))
    try:
        total, waived_amount = plans.settlement_total(claim_of(case), waived_set)
        rows = plans.build_schedule(
            total,
            instalments,
            first_due,
            first_payment=first_payment,
            schedule=schedule,  # type: ignore[arg-type]
            custom_amounts=custom,
        )
    except plans.PlanError as exc:
        raise ActionRefused(str(exc)) from exc
    return Offer(
        mediation=mediation,
        made_by=made_by,
        total=total,
        waived_amount=waived_amount,
        waived=waived_set,
        instalments=instalments,
        first_payment=rows[0].amount,
        first_due=first_due,
        schedule=schedule,
        custom_amounts=[str(a) for a in custom] if schedule == "custom" else [],
    )


def _open_for_answers(mediation: MediationCase) -> None:
    if mediation.case.state != State.IN_MEDIATION or mediation.outcome != Outcome.PENDING:
        raise ActionRefused("本案调解已结束或已达成方案，不能再答复")
    if hasattr(mediation, "agreement"):
        raise ActionRefused("本案已生成调解协议")


def send_bulk_offer(
    series: Series,
    *,
    by: User,
    instalments: int,
    first_payment_percent: Decimal,
    waived: Iterable[str] = (),
    first_due: date | None = None,
    message: str = "",
) -> BulkOffer:
    """Send the same terms to every borrower of the series still in mediation (set-based)."""
    require(by, "mediation.send_offer")
    due = first_due or today() + timedelta(days=15)
    cases = Case.objects.filter(
        series=series,
        state=State.IN_MEDIATION,
        mediation__outcome=Outcome.PENDING,
        mediation__agreement=None,
    )
    if by.role == Role.MEDIATOR:
        cases = cases.filter(mediator=by)
    rows = list(cases.values("pk", "mediation__pk", *AMOUNT_FIELDS))
    if not rows:
        raise ActionRefused("没有可发送方案的调解案件")
    waived_set = sorted(set(waived))
    pct = Decimal(first_payment_percent)
    with transaction.atomic():
        bulk = BulkOffer.objects.create(
            series=series,
            sent_by=by,
            instalments=instalments,
            first_payment_percent=pct,
            waived=waived_set,
            message=message,
            count=len(rows),
        )
        offers: list[Offer] = []
        extra: dict[int, dict[str, object]] = {}
        for r in rows:
            try:
                total, waived_amount = plans.settlement_total(r, waived_set)
                first = to_fen(total * pct / 100) if instalments > 1 and pct > 0 else None
                sched = plans.build_schedule(total, instalments, due, first_payment=first)
            except plans.PlanError as exc:
                raise ActionRefused(str(exc)) from exc
            offers.append(
                Offer(
                    mediation_id=r["mediation__pk"],
                    bulk=bulk,
                    made_by=OfferFrom.MEDIATOR,
                    total=total,
                    waived_amount=waived_amount,
                    waived=waived_set,
                    instalments=instalments,
                    first_payment=sched[0].amount,
                    first_due=due,
                )
            )
            extra[r["pk"]] = {"total": f"{total:,.2f}", "instalments": instalments}
        Offer.objects.filter(
            mediation_id__in=[r["mediation__pk"] for r in rows], status=OfferStatus.OPEN
        ).update(status=OfferStatus.SUPERSEDED, decided_at=timezone.now())
        Offer.objects.bulk_create(offers, batch_size=500)
        queue_case_notices([r["pk"] for r in rows], "offer", extra)
        audit(
            by,
            "offer.bulk",
            bulk.pk,
            series=series.pk,
            count=len(rows),
            instalments=instalments,
            first_payment_percent=pct,
            waived=waived_set,
        )
    return bulk


def current_offer(mediation: MediationCase) -> Offer | None:
    """The open offer put to the borrower (mediator's or institution's), newest first."""
    return (
        mediation.offers.filter(status=OfferStatus.OPEN)
        .exclude(made_by=OfferFrom.BORROWER)
        .order_by("-id")
        .first()
    )


def _respond(mediation: MediationCase, response: str) -> None:
    MediationCase.objects.filter(pk=mediation.pk).update(
        response=response, responded_at=timezone.now()
    )
    mediation.response = response


def borrower_accept(mediation: MediationCase) -> Offer:
    """The borrower accepts the open offer, or — with none open — the claim as stated, paid at once."""
    _open_for_answers(mediation)
    with transaction.atomic():
        offer = current_offer(mediation)
        if offer is None:
            offer = _offer(
                mediation,
                mediation.case,
                OfferFrom.BORROWER,
                instalments=1,
                first_payment=None,
                waived=(),
                first_due=today() + timedelta(days=15),
            )
            offer.save()
        _respond(mediation, Response.ACCEPTED)
        accept(offer, by=None, note="借款人接受")
    return offer


def propose_plan(
    mediation: MediationCase,
    *,
    instalments: int,
    first_payment: Decimal | None,
    first_due: date,
    waived: Iterable[str] = (),
    schedule: str = "equal",
    custom: Sequence[Decimal] = (),
) -> Offer:
    """The borrower proposes a plan; inside the standing rule it is accepted at once."""
    _open_for_answers(mediation)
    case = mediation.case
    offer = _offer(
        mediation,
        case,
        OfferFrom.BORROWER,
        instalments=instalments,
        first_payment=first_payment,
        waived=waived,
        first_due=first_due,
        schedule=schedule,
        custom=custom,
    )
    rule = rule_for(case)
    if rule is None:
        reasons = ["申请人未设置预设和解规则，需人工审核"]
    else:
        reasons = plans.outside_rule(
            plans.Proposal(
                offer.total,
                offer.instalments,
                offer.first_payment,
                offer.first_due,
                frozenset(offer.waived),
            ),
            limits_of(rule),
            claim_of(case),
            as_of=today(),
        )
    offer.outside_reasons = reasons
    with transaction.atomic():
        mediation.offers.filter(status=OfferStatus.OPEN).update(
            status=OfferStatus.SUPERSEDED, decided_at=timezone.now()
        )
        offer.save()
        _respond(mediation, Response.PLAN_PROPOSED)
        audit(
            None,
            "offer.proposed",
            mediation.pk,
            offer=offer.pk,
            total=offer.total,
            instalments=offer.instalments,
            inside_rule=not reasons,
        )
        if not reasons:
            offer.decided_by_rule = True
            accept(offer, by=None, note="符合预设和解规则，自动接受")
    return offer


def accept(offer: Offer, *, by: User | None, note: str = "") -> None:
    """Mark the offer accepted and draw up the agreement (the caller checked who may accept)."""
    from jiefen.mediation.actions.agreement import create_agreement

    with transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(
            status=OfferStatus.ACCEPTED,
            decided_at=timezone.now(),
            decided_by_rule=offer.decided_by_rule,
        )
        offer.status = OfferStatus.ACCEPTED
        offer.mediation.offers.filter(status=OfferStatus.OPEN).exclude(pk=offer.pk).update(
            status=OfferStatus.SUPERSEDED, decided_at=timezone.now()
        )
        audit(by, "offer.accepted", offer.mediation_id, offer=offer.pk, note=note)
        create_agreement(offer)
        queue_case_notices([offer.mediation.case_id], "agreed")


def _institution_agent(offer: Offer, by: User) -> None:
    require(by, "mediation.decide_offer", offer.mediation.case)
    if offer.status != OfferStatus.OPEN or offer.made_by != OfferFrom.BORROWER:
        raise ActionRefused("该方案不是待审核的借款人方案")


def decide_offer(offer: Offer, *, by: User, approve: bool) -> None:
    """The institution accepts or rejects a borrower's plan that fell outside its rule."""
    _institution_agent(offer, by)
    if approve:
        require(by, "mediation.approve_offer", offer.mediation.case)
        accept(offer, by=by, note="金融机构同意")
        return
    with transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(
            status=OfferStatus.REJECTED, decided_at=timezone.now()
        )
        audit(by, "offer.rejected", offer.mediation_id, offer=offer.pk)


def counter_offer(
    offer: Offer,
    *,
    by: User,
    instalments: int,
    first_payment: Decimal | None,
    waived: Iterable[str] = (),
    first_due: date | None = None,
) -> Offer:
    """Answer a borrower's plan with other terms; the borrower sees them on the portal."""
    _institution_agent(offer, by)
    mediation = offer.mediation
    counter = _offer(
        mediation,
        mediation.case,
        OfferFrom.MEDIATOR if by.role == Role.MEDIATOR else OfferFrom.INSTITUTION,
        instalments=instalments,
        first_payment=first_payment,
        waived=waived,
        first_due=first_due or offer.first_due,
    )
    with transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(
            status=OfferStatus.COUNTERED, decided_at=timezone.now()
        )
        counter.save()
        queue_case_notices([mediation.case_id], "counter")
        audit(
            by,
            "offer.counter",
            mediation.pk,
            offer=offer.pk,
            counter=counter.pk,
            total=counter.total,
        )
    return counter


def dispute(mediation: MediationCase, *, elements: Sequence[str], reason: str) -> None:
    """The borrower disputes named elements; the mediator sees which and why."""
    _open_for_answers(mediation)
    if not elements:
        raise ActionRefused("请选择有异议的要素")
    if not reason.strip():
        raise ActionRefused("请填写异议理由")
    with transaction.atomic():
        MediationCase.objects.filter(pk=mediation.pk).update(
            response=Response.DISPUTED,
            responded_at=timezone.now(),
            disputed_elements=list(elements),
            dispute_reason=reason.strip()[:2000],
        )
        audit(None, "disputed", mediation.pk, elements=list(elements))


def request_session(mediation: MediationCase, *, preference: str) -> None:
    """The borrower asks for a (video) session with the mediator."""
    _open_for_answers(mediation)
    with transaction.atomic():
        MediationCase.objects.filter(pk=mediation.pk).update(
            response=Response.SESSION_REQUESTED,
            responded_at=timezone.now(),
            session_request=(preference.strip() or "视频调解")[:200],
        )
        audit(None, "session.requested", mediation.pk)
