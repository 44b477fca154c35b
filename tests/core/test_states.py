"""Rule 3: the transition table is the only way a case moves; each move leaves a CaseEvent."""

import pytest

from jiefen.accounts.models import Role
from jiefen.cases.actions import TransitionRefused, transition, transition_many
from jiefen.cases.models import CaseEvent
from jiefen.cases.states import TRANSITIONS, State, allowed_transitions

pytestmark = pytest.mark.django_db


def test_every_transition_has_a_label_and_meaning():
    assert len({t.name for t in TRANSITIONS}) == len(TRANSITIONS)
    for t in TRANSITIONS:
        assert t.label and t.meaning and t.sources


def test_every_state_is_reachable_from_received():
    reached, frontier = {State.RECEIVED}, [State.RECEIVED]
    while frontier:
        state = frontier.pop()
        for t in TRANSITIONS:
            if state in t.sources and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(State)


def test_move_writes_state_and_event(make_case, make_user, bank):
    agent = make_user(Role.BANK_AGENT, bank)
    case = transition(make_case(), "screen", by=agent, note="导入")
    assert case.state == State.SCREENING
    event = CaseEvent.objects.get(case=case)
    assert (event.from_state, event.to_state, event.actor) == ("received", "screening", agent)


def test_move_from_wrong_state_is_refused_in_chinese(make_case, make_user):
    judge = make_user(Role.JUDGE)
    case = make_case(judge=judge)
    with pytest.raises(TransitionRefused, match="不能「宣判」"):
        transition(case, "pronounce_judgment", by=judge)
    case.refresh_from_db()
    assert case.state == State.RECEIVED


def test_guard_refuses_mediation_without_mediator(make_case, make_user):
    case = transition(make_case(), "screen", by=None)
    with pytest.raises(TransitionRefused, match="尚未指派调解员"):
        transition(case, "open_mediation", by=None)
    mediator = make_user(Role.MEDIATOR)
    case = transition(case, "open_mediation", by=None, mediator=mediator)
    assert case.state == State.IN_MEDIATION and case.mediator == mediator


def test_filing_needs_a_case_number_which_the_move_itself_gives(make_case, make_user):
    admin = make_user(Role.PLATFORM_ADMIN)
    case = transition(make_case(), "screen", by=None)
    assert "file" in {t.name for t in allowed_transitions(case)}  # offered: filing numbers it
    with pytest.raises(TransitionRefused, match="尚未编立案号"):
        transition(case, "file", by=admin)
    case = transition(case, "file", by=admin, case_number="（2025）渝0105民初1号")
    assert case.state == State.FILED


def test_bulk_move_is_idempotent_and_skips_other_states(make_case):
    cases = [make_case() for _ in range(5)]
    transition(cases[0], "screen", by=None)
    moved = transition_many([c.pk for c in cases], "screen", by=None)
    assert sorted(moved.moved) == sorted(c.pk for c in cases[1:])
    assert list(moved.refused) == [cases[0].pk]
    again = transition_many([c.pk for c in cases], "screen", by=None)
    assert again.moved == [] and len(again.refused) == 5
    assert CaseEvent.objects.filter(transition="screen").count() == 5
