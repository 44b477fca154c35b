"""The referral step of the demo on its own (issue 15): the lender's series filed, flagged,
referred twice and answered; a borrower's identity-misuse report turned into the bank's task.

Faster than the whole demo (tests/demo/test_demo.py reads what the whole run left): intake's
batches, the risk step and this step, once, then once more to show it changes nothing.
"""

from __future__ import annotations

import io
import itertools
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import State
from jiefen.demo.holidays import seed_demo_holidays
from jiefen.demo.intake import run_intake_demo
from jiefen.demo.referrals import run_referral_demo
from jiefen.demo.risk import STATED_RATE, _lender_rows, run_risk_demo
from jiefen.demo.staff import seed_staff
from jiefen.referrals.models import (
    Answer,
    Intervention,
    InterventionOutcome,
    Outcome,
    Referral,
    ReferralState,
)
from jiefen.referrals.selectors import stats_section
from jiefen.risk.models import Warning, WarningKind


def test_the_lenders_rows_withhold_interest_and_roll_one_borrower_over() -> None:
    """The data behind the warnings, computed from the rows as docs/risk.md states the rules."""
    rows = _lender_rows()
    assert len(rows) == 14 and len({r["borrower_id"] for r in rows}) == 12
    for row in rows[:11]:
        agreed, paid = Decimal(row["loan_agreed"]), Decimal(row["loan_disbursed"])
        assert Decimal("0.80") * agreed <= paid <= Decimal("0.90") * agreed
        days = (date.fromisoformat(row["term_end"]) - date.fromisoformat(row["term_start"])).days
        assert 90 <= days <= 180
        # The effective annual rate on what was paid out, against the stated 15 %.
        interest = agreed * STATED_RATE / 100 * days / 360
        effective = (interest + agreed - paid) / paid * 360 / days * 100
        assert effective >= Decimal("1.5") * STATED_RATE
        assert Decimal(row["principal"]) == agreed  # the lender sues for the agreed amount
    serial = rows[11:]
    assert len({r["borrower_id"] for r in serial}) == 1
    for before, after in itertools.pairwise(serial):
        gap = (
            date.fromisoformat(after["disbursed_on"]) - date.fromisoformat(before["term_end"])
        ).days
        assert -7 <= gap <= 7
        assert Decimal(after["loan_agreed"]) >= Decimal(before["loan_agreed"])


@pytest.mark.slow
@pytest.mark.django_db
def test_referral_step(settings: Any, tmp_path: Any) -> None:
    settings.JIEFEN_VAR_DIR = tmp_path
    seed_staff()
    out = io.StringIO()
    seed_demo_holidays(out)
    run_intake_demo(out, 60)
    run_risk_demo(out)
    run_referral_demo(out)
    text = out.getvalue()

    lender = Organisation.objects.get(code="LEND01")
    cases = Case.objects.filter(institution=lender)
    assert cases.count() == 14
    assert cases.exclude(judge=None).values("judge").distinct().count() == 1
    dismissed = Referral.objects.get(outcome=Outcome.DISMISS)
    suspended = Referral.objects.get(outcome=Outcome.SUSPEND)
    assert dismissed.state == ReferralState.ACCEPTED and dismissed.answer == Answer.ACCEPTED
    assert suspended.state == ReferralState.DECLINED and suspended.answer == Answer.DECLINED
    first = set(dismissed.referral_cases.values_list("case_id", flat=True))
    second = set(suspended.referral_cases.values_list("case_id", flat=True))
    assert len(first) == 11 and len(second) == 3 and not first & second
    assert set(cases.filter(pk__in=first).values_list("state", flat=True)) == {State.DISMISSED}
    assert set(cases.filter(pk__in=second).values_list("state", flat=True)) == {State.FILED}
    assert CaseEvent.objects.filter(case_id__in=second, transition="resume").count() == 3
    serial = Warning.objects.get(kind=WarningKind.SERIAL_LOANS)
    assert set(serial.cases.values_list("pk", flat=True)) == second

    task = Intervention.objects.get(warning__kind=WarningKind.IDENTITY_MISUSE)
    assert task.assignee_org.code == "BANK01"
    assert task.outcome == InterventionOutcome.DISSUADED
    assert Intervention.objects.get(warning__kind=WarningKind.FRAUD_CONTACT).outcome == ""

    numbers = stats_section()
    assert numbers["referred"] == 14 and numbers["dismissed"] == 11
    assert numbers["suspended"] == 3 and numbers["resumed"] == 3
    assert numbers["interventions"] == 2
    for line in (
        "涉嫌犯罪移送：重庆速融商贸有限公司",
        "裁定驳回起诉并移送",
        "中止诉讼并移送",
        "劝阻成功",
        "移送统计：",
    ):
        assert line in text, (line, text)

    again = io.StringIO()
    run_referral_demo(again)
    assert again.getvalue() == ""
    assert Referral.objects.count() == 2 and Intervention.objects.count() == 2
