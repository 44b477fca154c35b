"""Reads of the referrals stage: the "referrals" numbers of `jiefen stats --json` and the
timelines of a referral and of an intervention task, read from the audit chain (the record of
who did what, when: every step of a referral is an audited action).

Role scoping is `jiefen.cases.access` (visible_referrals, visible_interventions); these
functions take the objects it returned, or count figures that name no person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from jiefen.accounts.models import Organisation
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseEvent
from jiefen.referrals import rules
from jiefen.referrals.models import (
    Answer,
    Ground,
    Intervention,
    InterventionOutcome,
    Outcome,
    Referral,
    ReferralCase,
    ReferralState,
)
from jiefen.risk.crime import CRIME_KINDS
from jiefen.risk.fraud import FRAUD_KINDS
from jiefen.risk.models import Warning

SENT_STATES = (ReferralState.SENT, ReferralState.ACCEPTED, ReferralState.DECLINED)
# A case may be in one referral at a time while the police have it or may still get it.
ACTIVE_STATES = (ReferralState.OPEN, ReferralState.SENT, ReferralState.ACCEPTED)
SUSPENSIONS = ("suspend_mediation", "suspend_litigation", "suspend_enforcement")


def referable(cases: QuerySet[Case]) -> QuerySet[Case]:
    """Those of `cases` that may be referred: not ended (结案、撤诉、驳回起诉) and not already in
    an active referral. `cases` comes scoped from access."""
    busy = ReferralCase.objects.filter(referral__state__in=ACTIVE_STATES)
    return cases.exclude(state__in=rules.ENDED_STATES).exclude(pk__in=busy.values("case_id"))


def courts_of(cases: QuerySet[Case]) -> QuerySet[Organisation]:
    """The courts of `cases`, by name (a warning's cases may sit at several)."""
    return Organisation.objects.filter(pk__in=cases.values("court_id")).order_by("name")


def crime_kinds() -> tuple[str, ...]:
    """Warning kinds that signal a suspected crime in the loans (grounds of a referral)."""
    return tuple(str(k) for k in CRIME_KINDS)


def fraud_kinds() -> tuple[str, ...]:
    """Warning kinds about a borrower at risk of fraud (they become intervention tasks)."""
    return tuple(str(k) for k in FRAUD_KINDS)


def _cases_with(transitions: tuple[str, ...]) -> int:
    return (
        CaseEvent.objects.filter(transition__in=transitions)
        .order_by()
        .values("case_id")
        .distinct()
        .count()
    )


def stats_section() -> dict[str, int]:
    """The "referrals" section of `jiefen stats --json`.

    warnings: warnings of the crime and fraud kinds; referred: distinct cases of referrals sent
    to an agency (sent, accepted or declined); dismissed / suspended / resumed: distinct cases
    with a dismiss_suit / any suspend_* / a resume event; interventions: all tasks.
    """
    return {
        "warnings": Warning.objects.filter(kind__in=crime_kinds() + fraud_kinds()).count(),
        "referred": ReferralCase.objects.filter(referral__state__in=SENT_STATES)
        .order_by()
        .values("case_id")
        .distinct()
        .count(),
        "dismissed": _cases_with(("dismiss_suit",)),
        "suspended": _cases_with(SUSPENSIONS),
        "resumed": _cases_with(("resume",)),
        "interventions": Intervention.objects.count(),
    }


@dataclass
class Step:
    at: Any
    action: str
    label: str
    actor: str
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "at": self.at,
            "action": self.action,
            "label": self.label,
            "actor": self.actor,
            "detail": self.detail,
        }


_REFERRAL_LABELS = {
    "referrals.open": "提起移送",
    "referrals.decide": "法官审查决定",
    "referrals.send": "发出移送函",
    "referrals.letter": "发出移送函",
    "referrals.answer": "接收机关答复",
    "referrals.dismiss": "立案后裁定驳回起诉",
    "referrals.dismiss_after_filing": "立案后裁定驳回起诉",
}
_INTERVENTION_LABELS = {
    "referrals.open_intervention": "分派干预任务",
    "referrals.record_intervention": "登记处置结果",
}


def _label(choices: Any, value: object) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _detail(payload: dict[str, Any]) -> str:
    """What a step decided, in the words the pages use (only the keys the actions write)."""
    parts: list[str] = []
    if payload.get("outcome") in Outcome.values:
        parts.append(_label(Outcome, payload["outcome"]))
    elif payload.get("outcome") in InterventionOutcome.values:
        parts.append(_label(InterventionOutcome, payload["outcome"]))
    if payload.get("answer"):
        parts.append(_label(Answer, payload["answer"]))
    for key, prefix in (("number", "文号"), ("reason", "理由"), ("note", "说明")):
        if payload.get(key):
            parts.append(f"{prefix}：{payload[key]}")
    grounds = payload.get("grounds")
    if isinstance(grounds, list) and grounds:
        parts.append("移送理由：" + "、".join(_label(Ground, g) for g in grounds))
    cases = payload.get("cases")
    if isinstance(cases, list):
        cases = len(cases)
    for key, template in (
        ("cases", "案件{}件"),
        ("dismissed", "驳回起诉{}件"),
        ("resumed", "恢复{}件"),
    ):
        value = cases if key == "cases" else payload.get(key)
        if isinstance(value, int) and value:
            parts.append(template.format(value))
    return "；".join(parts)


def _steps(records: Any, labels: dict[str, str]) -> list[Step]:
    steps = []
    for r in records.select_related("actor").order_by("seq"):
        label = labels.get(r.action, r.action.removeprefix("referrals."))
        actor = str(r.actor) if r.actor else "系统"
        steps.append(Step(r.at, r.action, label, actor, _detail(r.payload)))
    return steps


def timeline(referral: Referral) -> list[dict[str, Any]]:
    """Every audited step of the referral (`referrals.*` on object "referral"), oldest first."""
    records = AuditRecord.objects.filter(
        object_type="referral", object_id=str(referral.pk), action__startswith="referrals."
    )
    return [s.as_dict() for s in _steps(records, _REFERRAL_LABELS)]


def intervention_timeline(intervention: Intervention) -> list[dict[str, Any]]:
    """The task's creation, then its audited steps (assignment by hand, outcome), oldest first.

    A task the daily sweep opened has no record of its own (the sweep writes one per run)."""
    records = AuditRecord.objects.filter(
        object_type="intervention",
        object_id=str(intervention.pk),
        action__startswith="referrals.",
    )
    steps = _steps(records, _INTERVENTION_LABELS)
    if not any(s.action == "referrals.open_intervention" for s in steps):
        steps.insert(
            0,
            Step(
                intervention.created_at,
                "referrals.open_interventions",
                "预警生成干预任务",
                "系统",
                str(intervention.assignee_org),
            ),
        )
    return [s.as_dict() for s in steps]
