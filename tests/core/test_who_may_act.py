"""Every move checks who makes it: the role must be an actor of the move and the case in scope.

Walks the whole transition table × every role (and the system), through the public
`transition` and `transition_many`, on a case every role has in its scope — the partner
agencies' staff too, through a referral sent to their agency: they read the case and make no
move of it.
"""

import itertools
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, OrganisationKind, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.access import allowed_events
from jiefen.cases.actions import TransitionRefused, transition, transition_many
from jiefen.cases.models import Case, CaseEvent
from jiefen.cases.states import SYSTEM, TRANSITIONS, State
from jiefen.hearings.models import Agent, AgentAuthority
from jiefen.referrals.models import Referral, ReferralCase, ReferralState, Source

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


@pytest.fixture
def people(make_user, make_party, bank, court, mediation_org, notary_office) -> dict[str, Any]:
    """One user of every role and a case that each of them has in scope."""
    party = make_party()
    police = Organisation.objects.create(
        code="GA0105", name="重庆市公安局江北区分局", kind=OrganisationKind.POLICE
    )
    procuratorate = Organisation.objects.create(
        code="JC0105", name="重庆市江北区人民检察院", kind=OrganisationKind.PROCURATORATE
    )
    users = {
        Role.BANK_AGENT: make_user(Role.BANK_AGENT, bank),
        Role.MEDIATOR: make_user(Role.MEDIATOR, mediation_org),
        Role.JUDGE: make_user(Role.JUDGE, court),
        Role.CLERK: make_user(Role.CLERK, court),
        Role.ENFORCEMENT_OFFICER: make_user(Role.ENFORCEMENT_OFFICER, court),
        Role.NOTARY: make_user(Role.NOTARY, notary_office),
        Role.DEFENDANT: make_user(Role.DEFENDANT, party=party),
        Role.LAWYER: make_user(Role.LAWYER),
        Role.COURT_PRESIDENT: make_user(Role.COURT_PRESIDENT, court),
        Role.POLICE_LIAISON: make_user(Role.POLICE_LIAISON, police),
        Role.PROSECUTOR: make_user(Role.PROSECUTOR, procuratorate),
        Role.PLATFORM_ADMIN: make_user(Role.PLATFORM_ADMIN),
    }
    assert set(users) == set(Role)
    return {"users": users, "party": party, "agencies": [police, procuratorate], "court": court}


@pytest.fixture
def shared_case(make_case, people, notary_office) -> Any:
    """A case with every guard satisfied, in the scope of every role of `people`."""
    u = people["users"]

    def make(state: State) -> Case:
        case = make_case(
            defendant=people["party"],
            state=state,
            # A suspended case remembers where it stopped (`resume` goes back there).
            suspended_from=State.FILED if state == State.SUSPENDED else "",
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
        # The case was referred to the police and the procuratorate (their only scope).
        for agency in people["agencies"]:
            referral = Referral.objects.create(
                court=people["court"],
                agency=agency,
                judge=u[Role.JUDGE],
                source=Source.JUDGE,
                grounds=["other"],
                statement="涉嫌犯罪",
                state=ReferralState.SENT,
            )
            ReferralCase.objects.create(referral=referral, case=case, state_at_referral=state)
        return case

    return make


def test_every_move_names_who_may_make_it():
    for t in TRANSITIONS:
        assert t.actors, t.name
        assert t.actors <= {*Role.values, SYSTEM}, t.name


def test_every_role_has_the_shared_case_in_scope(people, shared_case):
    from jiefen.cases.access import visible_cases

    case = shared_case(State.FILED)
    for role, user in people["users"].items():
        assert visible_cases(user).filter(pk=case.pk).exists(), role


@pytest.mark.parametrize("move", TRANSITIONS, ids=lambda t: t.name)
def test_transition_refuses_exactly_the_roles_that_are_not_actors(move, people, shared_case):
    case = shared_case(move.sources[0])
    before = Case.objects.values("state", "suspended_from").get(pk=case.pk)
    actors: dict[str, User | None] = {**people["users"], SYSTEM: None}
    for role, user in actors.items():
        if role in move.actors:
            moved = transition(case, move.name, by=user)
            # `resume` goes back to the state the case was suspended from.
            assert moved.state == (before["suspended_from"] if move.returns else move.target), role
            Case.objects.filter(pk=case.pk).update(**before)
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
    assert {t.name for t in allowed_events(case, u[Role.MEDIATOR])} == {
        "fail_mediation",
        "suspend_mediation",
    }
    assert allowed_events(case, u[Role.NOTARY]) == []
    assert allowed_events(case, u[Role.DEFENDANT]) == []
    # The partner agencies read a referred case; they make no move of it.
    assert allowed_events(case, u[Role.POLICE_LIAISON]) == []
    assert allowed_events(case, u[Role.PROSECUTOR]) == []
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
