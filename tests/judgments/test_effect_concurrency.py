"""The effect sweep run by several workers at once moves each judgment once.

Threads with their own connections run `take_effect_due` together: on PostgreSQL the judgment
rows are locked with SKIP LOCKED (a worker skips what another holds), on SQLite the IMMEDIATE
transactions serialise them; either way one `take_effect` event per case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jiefen.accounts.models import User
from jiefen.cases.models import Case, CaseEvent
from jiefen.judgments.actions.effect import take_effect_due
from jiefen.judgments.models import DecisionState, Judgment
from judgments.decision_setup import pronounced
from parallel import in_parallel


@pytest.mark.django_db(transaction=True)
def test_four_sweeps_at_once_make_each_judgment_effective_once(
    make_heard_case: Callable[..., Case], judge: User
) -> None:
    cases = [make_heard_case(name=f"被告{i}") for i in range(5)]
    for case in cases:
        name = case.case_parties.get().party.name
        pronounced(case, by=judge, served={name: date(2025, 9, 1)}, claimant_on=date(2025, 9, 1))
    results, errors = in_parallel(lambda: take_effect_due(date(2025, 9, 20)))
    assert errors == []
    assert sum(r["judgments"] for r in results) == 5
    assert CaseEvent.objects.filter(transition="take_effect").count() == 5
    assert set(Judgment.objects.values_list("state", "effective_on")) == {
        (DecisionState.EFFECTIVE, date(2025, 9, 17))
    }
