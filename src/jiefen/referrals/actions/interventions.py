"""Fraud warnings become intervention tasks (反诈干预任务), and their outcome is recorded.

A warning about a borrower (a loan taken in their name, a contact shared with reported fraud)
is useful only if someone calls the borrower before money is lost: the institution of the loan
knows the borrower and has their contacts; the police's anti-fraud centre may be given the
task by hand (反电信网络诈骗法 Arts. 8, 31, 32: early warning and dissuasion). Each task holds
the facts of the warning, a call script (`jiefen.referrals.scripts`) and, once done, the outcome:
劝阻成功 / 未联系上 (with what was tried) / 已报案 (with the police report's number).

- `open_interventions(by=, as_of=)`: the daily sweep; one task per open fraud warning for the
  warning's institution. Idempotent (one task per warning and organisation).
- `open_intervention(warning, org, by=)`: the centre or the court's leadership adds a task.
- `record_outcome(intervention, outcome, note, by=)`: the assignee's staff record the call.
"""

from __future__ import annotations

import re
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from jiefen.accounts.models import Organisation, OrganisationKind, User
from jiefen.audit.chain import append
from jiefen.cases.access import visible_warnings
from jiefen.cases.actions import TransitionRefused, require
from jiefen.cases.models import Party
from jiefen.referrals.models import Intervention, InterventionOutcome
from jiefen.referrals.scripts import call_script
from jiefen.referrals.selectors import fraud_kinds
from jiefen.risk.models import Warning, WarningState

InterventionRefused = TransitionRefused

_SUBJECT = re.compile(r"^party:(\d+):institution:(\d+)$")
# What a note must say for the outcomes that are not an end in themselves.
NOTE_REQUIRED = {
    InterventionOutcome.UNREACHABLE: "「处置情况」：未联系上的，请填写联系的时间、次数和方式",
    InterventionOutcome.REPORTED: "「处置情况」：已报案的，请填写报案回执编号",
}


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


def subject_party_id(warning: Warning) -> int | None:
    """The borrower of a fraud warning, from its subject key `party:{id}:institution:{id}`."""
    match = _SUBJECT.match(warning.subject_key)
    return int(match.group(1)) if match else None


def facts_of(warning: Warning, party: Party) -> str:
    """The facts the caller needs: what the warning says, what was measured, which cases."""
    lines = [
        f"预警：{warning.get_kind_display()}（{warning.opened_on:%Y年%m月%d日}）",
        f"借款人：{party.name}",
        warning.summary,
    ]
    for s in warning.signals:
        value, threshold = s.get("value", ""), s.get("threshold", "")
        bound = f"（阈值 {threshold}）" if threshold not in ("", None) else ""
        lines.append(f"· {s.get('label') or s.get('signal', '')}：{value}{bound}")
    # Case or mediation numbers only: a contract number may be a card number (PIPL Art. 51).
    numbers = [c.case_number or c.mediation_number for c in warning.cases.order_by("pk")]
    if any(numbers):
        lines.append("相关案件：" + "、".join(n for n in numbers if n))
    return "\n".join(line for line in lines if line)


def _new(warning: Warning, party: Party, org: Organisation) -> Intervention:
    return Intervention(
        warning=warning,
        party=party,
        assignee_org=org,
        facts=facts_of(warning, party),
        script=call_script(warning, party, org),
    )


def open_interventions(*, by: User | None, as_of: date) -> int:
    """One task per open fraud warning (opened by `as_of`) for the warning's institution.

    Running it again creates nothing; one audit record per run that created a task.
    """
    require(by, "referrals.open_intervention")
    already = Intervention.objects.filter(
        warning_id=OuterRef("pk"), assignee_org_id=OuterRef("institution_id")
    )
    pending = (
        Warning.objects.filter(
            kind__in=fraud_kinds(), institution__isnull=False, opened_on__lte=as_of
        )
        .exclude(state=WarningState.CLOSED)
        .exclude(Exists(already))
        .select_related("institution")
        .order_by("pk")
    )
    created: list[int] = []
    with transaction.atomic():
        warnings = list(pending)
        parties = Party.objects.in_bulk(
            [pk for pk in (subject_party_id(w) for w in warnings) if pk is not None]
        )
        for warning in warnings:
            party = parties.get(subject_party_id(warning) or 0)
            if party is None or warning.institution is None:
                continue
            task = _new(warning, party, warning.institution)
            intervention, made = Intervention.objects.get_or_create(
                warning=warning,
                assignee_org=warning.institution,
                defaults={
                    "party": party,
                    "facts": task.facts,
                    "script": task.script,
                },
            )
            if made:
                created.append(intervention.pk)
        if created:
            _audit(
                by,
                "open_interventions",
                "interventions",
                len(created),
                as_of=as_of.isoformat(),
                created=len(created),
                interventions=created,
            )
    return len(created)


def open_intervention(warning: Warning, org: Organisation, *, by: User | None) -> Intervention:
    """Give a fraud warning's task to a police agency or an institution by hand."""
    require(by, "referrals.open_intervention")
    if org.kind not in (OrganisationKind.POLICE, OrganisationKind.INSTITUTION):
        raise InterventionRefused("「处置机构」：只能分派给公安机关或金融机构")
    with transaction.atomic():
        rows = Warning.objects.select_for_update().filter(pk=warning.pk)
        if by is not None:
            rows = rows.filter(pk__in=visible_warnings(by).values("pk"))
        locked = rows.first()
        if locked is None:
            raise InterventionRefused("预警不存在或无权处置")
        if locked.kind not in fraud_kinds():
            raise InterventionRefused(
                f"「{locked.get_kind_display()}」预警不是反诈预警，不能生成干预任务"
            )
        if locked.state == WarningState.CLOSED:
            raise InterventionRefused("预警已关闭，不能再生成干预任务")
        party_id = subject_party_id(locked)
        party = Party.objects.filter(pk=party_id).first() if party_id else None
        if party is None:
            raise InterventionRefused("预警未指明借款人，不能生成干预任务")
        if Intervention.objects.filter(warning=locked, assignee_org=org).exists():
            raise InterventionRefused(f"该预警已向{org.name}分派干预任务，不能重复分派")
        intervention = _new(locked, party, org)
        intervention.save()
        _audit(
            by,
            "open_intervention",
            "intervention",
            intervention.pk,
            warning=locked.pk,
            assignee_org=org.pk,
            party=party.pk,
        )
    return intervention


def record_outcome(
    intervention: Intervention, outcome: str, note: str, *, by: User
) -> Intervention:
    """The assignee's staff record the call: 劝阻成功, 未联系上 or 已报案 (once)."""
    require(by, "referrals.record_intervention")
    text = (note or "").strip()
    with transaction.atomic():
        locked = (
            Intervention.objects.select_for_update()
            .filter(pk=intervention.pk, assignee_org_id=by.organisation_id or 0)
            .first()
        )
        if locked is None:
            raise InterventionRefused("干预任务不存在或无权处置")
        if locked.outcome:
            raise InterventionRefused(
                f"干预结果已登记为「{locked.get_outcome_display()}」，不能重复登记"
            )
        if outcome not in InterventionOutcome.values:
            raise InterventionRefused("「处置结果」：请选择劝阻成功、未联系上或已报案")
        if not text and outcome in NOTE_REQUIRED:
            raise InterventionRefused(NOTE_REQUIRED[InterventionOutcome(outcome)])
        if len(text) > 2000:
            raise InterventionRefused("「处置情况」：内容过长（超过2000字）")
        locked.outcome, locked.outcome_note = outcome, text
        locked.done_by, locked.done_at = by, timezone.now()
        locked.save(update_fields=["outcome", "outcome_note", "done_by", "done_at"])
        _audit(
            by,
            "record_intervention",
            "intervention",
            locked.pk,
            outcome=outcome,
            note=text,
            warning=locked.warning_id,
        )
    return locked
