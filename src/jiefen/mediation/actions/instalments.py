"""Instalments tracked: payments from the institution matched to plans, misses acted upon.

Payments arrive by API or CSV (contract number, reference, amount, date); the reference makes a
re-upload harmless. Each payment pays the oldest instalments first (民法典 Art. 560). An
instalment still unpaid after the plan's grace period opens, for a confirmed or notarized
agreement (an enforceable title, 民诉法 Arts. 206, 249), a ready-to-submit enforcement application
for the whole balance (acceleration clause of the agreement); an unconfirmed agreement is not a
title, so the case goes to filing (`instalments_missed`).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import F

from jiefen.accounts.models import Organisation, User
from jiefen.cases.actions import require, transition_many
from jiefen.cases.states import State
from jiefen.law.money import ZERO, to_fen
from jiefen.mediation import lawlinks, plans
from jiefen.mediation.actions import titles
from jiefen.mediation.actions.common import ActionRefused, audit, today
from jiefen.mediation.models import (
    EnforcementDraft,
    Instalment,
    InstalmentPlan,
    MediationCase,
    Notarization,
    Outcome,
    Payment,
    PlanStatus,
)


@dataclass(frozen=True)
class PaymentRow:
    contract_number: str
    reference: str
    amount: Decimal
    paid_on: date


@dataclass
class PaymentReport:
    recorded: int = 0
    duplicates: int = 0
    unmatched: list[str] = field(default_factory=list)
    completed_plans: int = 0


def parse_csv(text: str) -> list[PaymentRow]:
    """Columns 合同编号, 流水号, 金额, 还款日期 (or contract_number, reference, amount, paid_on)."""
    names = {
        "合同编号": "contract_number",
        "流水号": "reference",
        "金额": "amount",
        "还款日期": "paid_on",
    }
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    rows: list[PaymentRow] = []
    for line, raw in enumerate(reader, start=2):
        r = {
            names.get((k or "").strip(), (k or "").strip()): (v or "").strip()
            for k, v in raw.items()
        }
        try:
            rows.append(
                PaymentRow(
                    r["contract_number"],
                    r["reference"],
                    Decimal(r["amount"]),
                    date.fromisoformat(r["paid_on"]),
                )
            )
        except (KeyError, InvalidOperation, ValueError) as exc:
            raise ActionRefused(f"第{line}行格式有误：{exc}") from exc
        if rows[-1].amount <= ZERO:
            raise ActionRefused(f"第{line}行金额必须大于零")
    return rows


def record_payments(
    institution: Organisation, rows: list[PaymentRow], *, by: User | None, source: str = "api"
) -> PaymentReport:
    """Match payments to plans by contract number and allocate them (set-based).

    Only the institution's own agent reports its payments (`mediation.record_payments`).
    """
    require(by, "mediation.record_payments")
    if by is None or by.organisation_id != institution.pk:
        raise ActionRefused("只能登记本机构案件的还款")
    report = PaymentReport()
    with transaction.atomic():
        known = set(
            Payment.objects.filter(
                institution=institution, reference__in=[r.reference for r in rows]
            ).values_list("reference", flat=True)
        )
        plan_rows = (
            InstalmentPlan.objects.filter(
                mediation__case__institution=institution,
                mediation__case__contract_number__in={r.contract_number for r in rows},
            )
            .exclude(status=PlanStatus.COMPLETED)
            .values_list("pk", "mediation__case__contract_number")
        )
        plan_by_contract = {c: pk for pk, c in plan_rows}
        insts: dict[int, list[Instalment]] = defaultdict(list)
        for i in Instalment.objects.filter(plan_id__in=plan_by_contract.values()).order_by(
            "number"
        ):
            insts[i.plan_id].append(i)
        payments: list[Payment] = []
        paid_by_plan: dict[int, Decimal] = defaultdict(lambda: ZERO)
        for r in sorted(rows, key=lambda r: r.paid_on):
            if r.reference in known:
                report.duplicates += 1
                continue
            plan_id = plan_by_contract.get(r.contract_number)
            if plan_id is None:
                report.unmatched.append(r.contract_number)
                continue
            known.add(r.reference)
            states = [
                plans.InstalmentState(i.number, i.due_date, i.amount, i.paid)
                for i in insts[plan_id]
            ]
            left = plans.allocate(states, r.amount)
            for i, s in zip(insts[plan_id], states, strict=True):
                if s.paid != i.paid:
                    i.paid, i.paid_on = s.paid, r.paid_on
            paid_by_plan[plan_id] += to_fen(r.amount) - left
            payments.append(
                Payment(
                    plan_id=plan_id,
                    institution=institution,
                    reference=r.reference,
                    amount=to_fen(r.amount),
                    paid_on=r.paid_on,
                    source=source,
                    unallocated=left,
                )
            )
        Payment.objects.bulk_create(payments, batch_size=1000)
        Instalment.objects.bulk_update(
            [i for lst in insts.values() for i in lst], ["paid", "paid_on"], batch_size=1000
        )
        for plan_id, amount in paid_by_plan.items():
            InstalmentPlan.objects.filter(pk=plan_id).update(paid=F("paid") + amount)
        report.recorded = len(payments)
        finished = list(
            InstalmentPlan.objects.filter(pk__in=paid_by_plan, paid__gte=F("total")).values_list(
                "pk", "mediation__case_id"
            )
        )
        InstalmentPlan.objects.filter(pk__in=[p for p, _ in finished]).update(
            status=PlanStatus.COMPLETED
        )
        transition_many([c for _, c in finished], "close", by=by, note="调解协议已履行完毕")
        report.completed_plans = len(finished)
        audit(
            by,
            "payments.recorded",
            institution.code,
            recorded=report.recorded,
            duplicates=report.duplicates,
            unmatched=report.unmatched[:100],
            source=source,
        )
    return report


def _issue_title_documents(title_plans: list[InstalmentPlan], on: date) -> None:
    """The 执行证书 (notarized titles) and the ready-to-submit 强制执行申请书 of each new draft.

    One PDF per draft is inherent; the rows are linked with one bulk UPDATE per table.
    """
    by_mediation = {p.mediation_id: p for p in title_plans}
    fresh = list(
        EnforcementDraft.objects.filter(mediation_id__in=by_mediation, document=None).order_by("pk")
    )
    certified = []
    for d in fresh:
        plan = by_mediation[d.mediation_id]
        d.mediation = plan.mediation
        if plan.mediation.case.state == State.NOTARIZED:
            n = plan.mediation.notarization
            n.execution_document = titles.execution_certificate(n, plan, d, on=on)
            certified.append(n)
        d.document = titles.enforcement_application(d, plan, on=on)
    EnforcementDraft.objects.bulk_update(fresh, ["document"], batch_size=500)
    Notarization.objects.bulk_update(certified, ["execution_document"], batch_size=500)


def sweep_missed(*, as_of: date | None = None, by: User | None = None) -> dict[str, int]:
    """Find instalments unpaid after the grace period and act on each plan once (idempotent)."""
    on = as_of or today()
    due = (
        Instalment.objects.filter(
            plan__status=PlanStatus.ACTIVE, due_date__lt=on, paid__lt=F("amount")
        )
        .values_list("plan_id", "number", "due_date", "plan__grace_days")
        .order_by("plan_id", "number")
    )
    missed: dict[int, tuple[int, date]] = {}
    for plan_id, number, due_date, grace in due:
        if plan_id not in missed and plans.first_missed(
            [plans.InstalmentState(number, due_date, Decimal(1))], as_of=on, grace_days=grace
        ):
            missed[plan_id] = (number, due_date)
    if not missed:
        return {"enforcement_drafts": 0, "to_filing": 0}
    plans_qs = list(
        InstalmentPlan.objects.filter(pk__in=missed).select_related(
            "mediation__case__court", "mediation__confirmation", "mediation__notarization"
        )
    )
    titles = [p for p in plans_qs if p.mediation.case.state in (State.CONFIRMED, State.NOTARIZED)]
    unconfirmed = [p for p in plans_qs if p.mediation.case.state == State.MEDIATED]
    with transaction.atomic():
        # Several workers: a plan another sweep holds is skipped (PostgreSQL), one it has acted
        # on is no longer active, so each plan gets one draft set or one move to filing.
        mine = set(
            InstalmentPlan.objects.select_for_update(skip_locked=True)
            .filter(pk__in=missed, status=PlanStatus.ACTIVE)
            .values_list("pk", flat=True)
        )
        if not mine:
            return {"enforcement_drafts": 0, "to_filing": 0}
        titles = [p for p in titles if p.pk in mine]
        unconfirmed = [p for p in unconfirmed if p.pk in mine]
        drafts = []
        for p in titles:
            number, due_date = missed[p.pk]
            unpaid = p.total - p.paid
            case = p.mediation.case
            if case.state == State.CONFIRMED:
                title = f"{p.mediation.confirmation.case_number}民事裁定书（确认调解协议有效）"
            else:
                n = p.mediation.notarization
                title = f"{n.certificate_number}公证书及执行证书"
                cert = f"（{on.year}）{n.office.code}执证字第{p.mediation.pk}号"
                type(n).objects.filter(pk=n.pk).update(execution_certificate_number=cert)
                n.execution_certificate_number = cert
            drafts.append(
                EnforcementDraft(
                    mediation=p.mediation,
                    title=title,
                    unpaid=unpaid,
                    execution_fee=lawlinks.execution_fee(case.court, unpaid, on),
                    missed_instalment=number,
                    due_date=due_date,
                    created_on=on,
                )
            )
        EnforcementDraft.objects.bulk_create(drafts, ignore_conflicts=True)
        _issue_title_documents(titles, on)
        moved = transition_many(
            [p.mediation.case_id for p in unconfirmed],
            "instalments_missed",
            by=by,
            note="未经司法确认的调解协议未按期履行，转立案",
        ).moved
        MediationCase.objects.filter(case_id__in=moved).update(
            outcome=Outcome.TO_FILING, failure_reason="未按期履行分期还款", closed_on=on
        )
        InstalmentPlan.objects.filter(
            pk__in=[p.pk for p in titles]
            + [p.pk for p in unconfirmed if p.mediation.case_id in moved]
        ).update(status=PlanStatus.MISSED, missed_on=on)
        audit(by, "instalments.missed", len(missed), drafts=len(drafts), to_filing=len(moved))
    return {"enforcement_drafts": len(drafts), "to_filing": len(moved)}
