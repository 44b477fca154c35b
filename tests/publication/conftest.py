"""Fixtures of the publication tests: real 民事判决书 through the decision stage's own actions.

The heard-case builder and the court staff come from `tests/judgments/conftest.py`;
`make_effective(case)` then drafts, (optionally) edits, signs, pronounces and — once the
parties are served, the service stage's outcome set directly as in `judgments.decision_setup`
— lets the appeal periods pass through the daily effect sweep, so the judgment is effective
exactly as in production.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

import pytest

from jiefen.accounts.models import User
from jiefen.cases.models import Case
from jiefen.judgments.actions.drafting import draft
from jiefen.judgments.actions.effect import take_effect_due
from jiefen.judgments.actions.pronouncement import pronounce
from jiefen.judgments.actions.signing import edit, sign_all
from jiefen.judgments.models import DecisionState, Judgment
from jiefen.service.models import Service
from judgments.conftest import (  # noqa: F401  (fixtures)
    card_series,
    claimant,
    clerk,
    judge,
    make_heard_case,
    other_judge,
)

PRONOUNCED_ON = date(2025, 9, 1)
# Served on the day of pronouncement: the 15-day appeal period ends 2025-09-16.
EFFECTIVE_BY = date(2025, 9, 30)


@pytest.fixture
def make_effective(judge: User) -> Callable[..., Judgment]:  # noqa: F811  (the fixture)
    def make(case: Case, *, sections: Mapping[str, str] | None = None) -> Judgment:
        drafted = draft([case.pk], by=judge)
        assert drafted.not_ready == {}, drafted.not_ready
        judgment = Judgment.objects.get(case=case)
        if sections:
            edit(judgment, sections=sections, by=judge)
        assert sign_all([judgment.pk], by=judge).signed == [judgment.pk]
        assert pronounce([judgment.pk], by=judge, on=PRONOUNCED_ON).pronounced == [judgment.pk]
        Service.objects.filter(case=case, purpose="judgment").update(
            state=Service.State.SERVED, served_on=PRONOUNCED_ON
        )
        take_effect_due(EFFECTIVE_BY)
        judgment.refresh_from_db()
        assert judgment.state == DecisionState.EFFECTIVE
        return judgment

    return make
