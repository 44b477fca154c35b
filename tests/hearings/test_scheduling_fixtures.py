"""The shared fixtures do what they say: served cases, each with its hearing booked at filing."""

from __future__ import annotations

from typing import Any

from jiefen.cases.models import PartyRole
from jiefen.cases.states import State
from jiefen.hearings.selectors import live_hearing, summons_served


def test_served_series_serves_every_party_and_books_a_hearing(served_series: Any) -> None:
    cases = served_series(2, guarantor=True)
    for case in cases:
        assert case.state == State.SERVED
        hearing = live_hearing(case)
        assert hearing is not None
        served = summons_served(hearing)
        parties = set(case.case_parties.values_list("party_id", flat=True))
        assert set(served) == parties
        assert all(day is not None for day in served.values())
        assert case.case_parties.filter(role=PartyRole.GUARANTOR).count() == 1
