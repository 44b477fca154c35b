"""The "referrals" numbers of `jiefen stats --json`, computed from hand-built rows, and the
timeline of a referral read from its audit records."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from jiefen.accounts.models import Organisation, User
from jiefen.audit.chain import append
from jiefen.cases.models import Case, CaseEvent
from jiefen.referrals import selectors
from jiefen.referrals.models import (
    Intervention,
    Referral,
    ReferralCase,
    ReferralState,
    Source,
)
from jiefen.risk.models import Warning, WarningKind

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 30)
EMPTY = {
    "warnings": 0,
    "referred": 0,
    "dismissed": 0,
    "suspended": 0,
    "resumed": 0,
    "interventions": 0,
}


def _warning(kind: str, key: str) -> Warning:
    return Warning.objects.create(
        kind=kind,
        fingerprint=f"{kind}:{key}",
        subject_key=key,
        subject_name=key,
        score=Decimal("10"),
        summary="测试",
        opened_on=DAY,
        updated_on=DAY,
    )


def _referral(
    state: str, cases: list[Case], court: Organisation, police: Organisation, judge: User
) -> Referral:
    referral = Referral.objects.create(
        court=court,
        agency=police,
        judge=judge,
        source=Source.JUDGE,
        grounds=["withheld_interest"],
        statement="出借人预扣利息",
        state=state,
    )
    for case in cases:
        ReferralCase.objects.create(referral=referral, case=case, state_at_referral=case.state)
    return referral


def _event(case: Case, transition: str, from_state: str, to_state: str) -> None:
    CaseEvent.objects.create(
        case=case, transition=transition, from_state=from_state, to_state=to_state
    )


def _stats() -> dict[str, int]:
    out = io.StringIO()
    call_command("stats", "--json", stdout=out)
    section: dict[str, int] = json.loads(out.getvalue())["referrals"]
    return section


def test_the_section_is_all_zero_before_anything() -> None:
    assert selectors.stats_section() == EMPTY
    assert _stats() == EMPTY


def test_the_numbers_count_distinct_cases_and_the_right_kinds(
    filed_case: Callable[..., Case],
    court: Organisation,
    police: Organisation,
    judge: User,
    bank: Organisation,
) -> None:
    for kind in (
        WarningKind.WITHHELD_INTEREST,
        WarningKind.EFFECTIVE_RATE,
        WarningKind.SERIAL_LOANS,
        WarningKind.PROFESSIONAL_LENDER,
        WarningKind.IDENTITY_MISUSE,
        WarningKind.FRAUD_CONTACT,
    ):
        _warning(kind, "subject-1")
    _warning(WarningKind.CAP_EXCEEDANCE, "subject-1")  # not a referral signal
    _warning(WarningKind.SURGE, "subject-1")
    a, b, c, d, e = (filed_case() for _ in range(5))
    # Sent (a, b), accepted (b again, c), declined (d): four distinct cases; e is only open.
    _referral(ReferralState.SENT, [a, b], court, police, judge)
    _referral(ReferralState.ACCEPTED, [b, c], court, police, judge)
    _referral(ReferralState.DECLINED, [d], court, police, judge)
    _referral(ReferralState.OPEN, [e], court, police, judge)
    _referral(ReferralState.NOT_REFERRED, [e], court, police, judge)
    # a dismissed (after a suspension); b suspended twice and resumed twice; c suspended in
    # mediation, d suspended in enforcement and resumed; e only filed.
    _event(a, "suspend_litigation", "filed", "suspended")
    _event(a, "dismiss_suit", "suspended", "dismissed")
    for _ in range(2):
        _event(b, "suspend_litigation", "filed", "suspended")
        _event(b, "resume", "suspended", "filed")
    _event(c, "suspend_mediation", "in_mediation", "suspended")
    _event(d, "suspend_enforcement", "in_enforcement", "suspended")
    _event(d, "resume", "suspended", "in_enforcement")
    _event(e, "serve", "filed", "served")
    party = a.defendants[0].party
    misuse = Warning.objects.get(kind=WarningKind.IDENTITY_MISUSE)
    for org in (bank, police):
        Intervention.objects.create(
            warning=misuse, party=party, assignee_org=org, facts="事实", script="话术"
        )
    expected = {
        "warnings": 6,
        "referred": 4,
        "dismissed": 1,
        "suspended": 4,
        "resumed": 2,
        "interventions": 2,
    }
    assert selectors.stats_section() == expected
    assert _stats() == expected


def test_the_timeline_of_a_referral_is_its_audit_records_oldest_first(
    filed_case: Callable[..., Case],
    court: Organisation,
    police: Organisation,
    judge: User,
    liaison: User,
) -> None:
    referral = _referral(ReferralState.SENT, [filed_case()], court, police, judge)
    other = _referral(ReferralState.SENT, [filed_case()], court, police, judge)
    with transaction.atomic():
        append(
            actor_id=judge.pk,
            action="referrals.open",
            object_type="referral",
            object_id=referral.pk,
            payload={"cases": 2, "grounds": ["withheld_interest", "serial_loans"]},
        )
        append(
            actor_id=judge.pk,
            action="referrals.decide",
            object_type="referral",
            object_id=referral.pk,
            payload={"outcome": "suspend", "reason": "借款合同涉嫌套路贷"},
        )
        append(
            actor_id=judge.pk,
            action="referrals.open",
            object_type="referral",
            object_id=other.pk,
            payload={},
        )
        append(
            actor_id=liaison.pk,
            action="referrals.answer",
            object_type="referral",
            object_id=referral.pk,
            payload={"answer": "accepted", "number": "渝公经立字〔2026〕15号"},
        )
        append(
            actor_id=None,
            action="risk.detect_warnings",
            object_type="referral",
            object_id=referral.pk,
            payload={},
        )
    steps = selectors.timeline(referral)
    assert [s["action"] for s in steps] == [
        "referrals.open",
        "referrals.decide",
        "referrals.answer",
    ]
    assert [s["label"] for s in steps] == ["提起移送", "法官审查决定", "接收机关答复"]
    assert steps[0]["actor"] == str(judge) and steps[2]["actor"] == str(liaison)
    assert steps[0]["detail"] == "移送理由：预扣利息（砍头息）、转单平账；案件2件"
    assert steps[1]["detail"] == "中止诉讼并移送；理由：借款合同涉嫌套路贷"
    assert steps[2]["detail"] == "立案；文号：渝公经立字〔2026〕15号"
