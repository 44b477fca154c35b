"""Every move checks who makes it: the role must be an actor of the move and the case in scope.

Walks the whole transition table × every role (and the system), through the public
`transition` and `transition_many`, on a case every role has in its scope.
"""

import itertools
from typing import Any

import pytest

from jiefen.accounts.models import Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.access import allowed_events
from jiefen.cases.actions import TransitionRefused, transition, transition_many
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import SYSTEM, TRANSITIONS, State
from jiefen.hearings.models import Agent, AgentAuthority

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def people(make_user, make_party, bank, court, mediation_org, notary_office) -> dict[str, Any]:
    """One user of every role and a case that each of them has in scope."""
    party = make_party()
    users = {
        Role.BANK_AGENT: make_user(Role.BANK_AGENT, bank),
        Role.MEDIATOR: make_user(Role.MEDIATOR, mediation_org),
        Role.JUDGE: make_user(Role.JUDGE, court),
        Role.CLERK: make_user(Role.CLERK, court),
        Role.ENFORCEMENT_OFFICER: make_user(Role.ENFORCEMENT_OFFICER, court),
        Role.NOTARY: make_user(Role.NOTARY, notary_office),
        Role.DEFENDANT: make_user(Role.DEFENDANT, party=party),
        Role.LAWYER: make_user(Role.LAWYER),
        Role.PLATFORM_ADMIN: make_user(Role.PLATFORM_ADMIN),
    }
    return {"users": users, "party": party}


@pytest.fixture
def shared_case(make_case, people, notary_office) -> Any:
    """A case with every guard satisfied, in the scope of every role of `people`."""
    u = people["users"]

    def make(state: State) -> Case:
        case = make_case(
            defendant=people["party"],
            state=state,
            mediator=u[Role.MEDIATOR],
            judge=u[Role.JUDGE],
            clerk=u[Role.CLERK],
            enforcement_officer=u[Role.ENFORCEMENT_OFFICER],
            notary_office=notary_office,
            case_number=f"（2025）渝0105民初{next(_numbers)}号",
        )
        # The lawyer acts for the party in this case (委托诉讼代理人).
        Agent.objects.create(
            case=case,
            party=people["party"],
            lawyer=u[Role.LAWYER],
            law_firm="重庆某律师事务所",
            authority=AgentAuthority.SPECIAL,
        )
        return case

    return make


def test_every_move_names_who_may_make_it():
    for t in TRANSITIONS:
        assert t.actors, t.name
        assert t.actors <= {*Role.values, SYSTEM}, t.name


@pytest.mark.parametrize("move", TRANSITIONS, ids=lambda t: t.name)
def test_transition_refuses_exactly_the_roles_that_are_not_actors(move, people, shared_case):
    case = shared_case(move.sources[0])
    actors: dict[str, User | None] = {**people["users"], SYSTEM: None}
    for role, user in actors.items():
        if role in move.actors:
            moved = transition(case, move.name, by=user)
            assert moved.state == move.target, role
            Case.objects.filter(pk=case.pk).update(state=move.sources[0])
        else:
            with pytest.raises(TransitionRefused, match=r"无权执行此操作|须由经办人员操作"):
                transition(case, move.name, by=user)
            case.refresh_from_db()
            assert case.state == move.sources[0], role
    assert CaseEvent.objects.filter(case=case).count() == len(move.actors)


def test_a_role_that_may_act_is_still_refused_a_case_outside_its_scope(
    make_case, make_user, other_bank
):
    stranger = make_user(Role.BANK_AGENT, other_bank)
    case = make_case()
    with pytest.raises(TransitionRefused, match="不在您的办理范围内"):
        transition(case, "screen", by=stranger)
    case.refresh_from_db()
    assert case.state == State.RECEIVED


def test_bulk_move_checks_guard_actor_and_scope_per_case_and_reports_why(
    make_case, make_user, mediation_org, other_bank
):
    mediator = make_user(Role.MEDIATOR, mediation_org)
    ready = [make_case(state=State.SCREENING, mediator=mediator) for _ in range(3)]
    no_mediator = make_case(state=State.SCREENING)
    wrong_state = make_case(state=State.FILED, mediator=mediator)
    ids = [c.pk for c in [*ready, no_mediator, wrong_state]]

    refused_role = transition_many(ids, "open_mediation", by=mediator)
    assert refused_role.moved == [] and set(refused_role.refused) == set(ids)
    assert "不属于调解员的职权" in refused_role.refused[ids[0]]

    result = transition_many(ids, "open_mediation", by=None, job="test_job:1")
    assert sorted(result.moved) == sorted(c.pk for c in ready)
    assert result.refused == {
        no_mediator.pk: "尚未指派调解员",
        wrong_state.pk: "案件当前状态为「已立案」，不能「转入诉前调解」",
    }
    assert Case.objects.filter(pk=no_mediator.pk, state=State.SCREENING).exists()

    outsider = make_user(Role.BANK_AGENT, other_bank)
    back = transition_many([c.pk for c in ready], "fail_mediation", by=outsider)
    assert back.moved == [] and set(back.refused.values()) == {
        "无权执行此操作：案件不在您的办理范围内"
    }


def test_bulk_audit_names_the_job_and_a_digest_not_every_id(make_case):
    import hashlib

    cases = [make_case() for _ in range(4)]
    ids = [c.pk for c in cases]
    transition_many(reversed(ids), "screen", by=None, job="filing_job:7")
    record = AuditRecord.objects.get(action="case.screen.bulk")
    assert record.payload["job"] == "filing_job:7"
    assert record.payload["count"] == 4
    assert record.payload["first_id"] == min(ids) and record.payload["last_id"] == max(ids)
    expected = hashlib.sha256(",".join(str(i) for i in sorted(ids)).encode()).hexdigest()
    assert record.payload["ids_sha256"] == expected
    assert "case_ids" not in record.payload


def test_allowed_events_are_the_moves_this_user_may_make_now(people, shared_case):
    case = shared_case(State.IN_MEDIATION)
    u = people["users"]
    assert {t.name for t in allowed_events(case, u[Role.MEDIATOR])} == {"fail_mediation"}
    assert allowed_events(case, u[Role.NOTARY]) == []
    assert allowed_events(case, u[Role.DEFENDANT]) == []
    judged = shared_case(State.JUDGED)
    assert {t.name for t in allowed_events(judged, u[Role.DEFENDANT])} == {"appeal"}


def test_only_the_administrator_sets_a_courts_fee_account(make_user, court):
    from jiefen.docket.actions import set_fee_account
    from jiefen.docket.models import FeeAccount

    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        set_fee_account(
            court, payee="某人", bank="某行", account="1", by=make_user(Role.CLERK, court)
        )
    assert not FeeAccount.objects.exists()
    set_fee_account(
        court, payee="法院", bank="某行", account="2", by=make_user(Role.PLATFORM_ADMIN)
    )
    assert FeeAccount.objects.get().account == "2"
