"""Referral actions and what becomes of the civil cases (jiefen.referrals.actions.referral).

Each outcome of the judge's decision on hand-built cases of a private lender's series: the
case states and their events, the `ReferralCase` outcomes, the documents issued (kind, signed,
one per case), the audit records; the police's answer (不立案 resumes every case where it
stopped; 立案 keeps them suspended until the judge dismisses); and the refusals with their
messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases.models import Case, CaseEvent, Series
from jiefen.cases.states import State
from jiefen.documents.models import StoredDocument
from jiefen.referrals.actions.referral import (
    ReferralRefused,
    answer,
    decide,
    dismiss_after_filing,
    open_referral,
)
from jiefen.referrals.models import (
    Answer,
    CaseOutcome,
    Ground,
    Outcome,
    Referral,
    ReferralCase,
    ReferralState,
    Source,
)
from jiefen.referrals.rules import OUTCOME_BASIS, stage_of

DECIDED_ON = date(2026, 11, 2)
ANSWERED_ON = date(2026, 11, 20)
GROUNDS = [Ground.WITHHELD_INTEREST, Ground.SERIAL_LOANS]
STATEMENT = "出借人在放款时预先扣除利息，并以新借款偿还旧借款，涉嫌套路贷诈骗。"


def _open(cases: list[Case], by: User, agency: Organisation, **extra: object) -> Referral:
    return open_referral(
        [c.pk for c in cases],
        by=by,
        grounds=[str(g) for g in GROUNDS],
        statement=STATEMENT,
        agency=agency,
        **extra,  # type: ignore[arg-type]
    )


def _states(cases: list[Case]) -> list[str]:
    return [Case.objects.get(pk=c.pk).state for c in cases]


def _outcomes(referral: Referral) -> dict[int, str]:
    return dict(ReferralCase.objects.filter(referral=referral).values_list("case_id", "outcome"))


def _events(case: Case) -> list[tuple[str, str, str]]:
    return list(
        CaseEvent.objects.filter(case=case)
        .order_by("pk")
        .values_list("transition", "from_state", "to_state")
    )


def _documents(kind: str, cases: list[Case]) -> list[StoredDocument]:
    return list(StoredDocument.objects.filter(kind=kind, case__in=cases).order_by("pk"))


def _actions() -> list[str]:
    return list(
        AuditRecord.objects.filter(object_type="referral")
        .order_by("seq")
        .values_list("action", flat=True)
    )


@pytest.fixture
def three_filed(filed_case: Callable[..., Case]) -> list[Case]:
    """Three filed cases of the lender's series at the stages a suit goes through."""
    return [
        filed_case(state=State.FILED),
        filed_case(state=State.SERVED),
        filed_case(state=State.HEARING_SCHEDULED),
    ]


# --- opening ------------------------------------------------------------------------------


def test_open_writes_the_referral_and_its_cases_but_moves_nothing(
    three_filed: list[Case], judge: User, police: Organisation, court: Organisation
) -> None:
    referral = _open(three_filed, judge, police)

    assert referral.state == ReferralState.OPEN
    assert referral.source == Source.JUDGE
    assert referral.judge == judge and referral.court == court and referral.agency == police
    assert referral.grounds == ["withheld_interest", "serial_loans"]
    assert {link.case_id: link.state_at_referral for link in referral.referral_cases.all()} == {
        c.pk: c.state for c in three_filed
    }
    assert set(_outcomes(referral).values()) == {CaseOutcome.PENDING}
    assert _states(three_filed) == ["filed", "served", "hearing_scheduled"]
    assert not CaseEvent.objects.filter(case__in=three_filed).exists()
    record = AuditRecord.objects.get(action="referrals.open")
    assert record.object_id == str(referral.pk) and record.actor_id == judge.pk
    assert record.payload["cases"] == 3


def test_a_whole_series_is_referred_without_its_ended_cases(
    filed_case: Callable[..., Case],
    judge: User,
    police: Organisation,
    lender_series: Series,
) -> None:
    live = [filed_case(), filed_case(state=State.HEARD)]
    filed_case(state=State.WITHDRAWN)

    referral = open_referral(
        [],
        by=judge,
        grounds=["professional_lender"],
        statement=STATEMENT,
        agency=police,
        series=lender_series,
    )

    assert set(_outcomes(referral)) == {c.pk for c in live}
    assert referral.series == lender_series


# --- the judge's decision -------------------------------------------------------------------


def test_dismiss_dismisses_every_filed_case_with_a_ruling_and_sends_the_letter(
    three_filed: list[Case], judge: User, police: Organisation
) -> None:
    referral = _open(three_filed, judge, police)

    decided = decide(
        referral, Outcome.DISMISS, by=judge, reason="借贷行为本身涉嫌犯罪", on=DECIDED_ON
    )

    assert _states(three_filed) == [State.DISMISSED] * 3
    assert [e[0] for c in three_filed for e in _events(c)] == ["dismiss_suit"] * 3
    assert [e[1] for c in three_filed for e in _events(c)] == [
        "filed",
        "served",
        "hearing_scheduled",
    ]
    assert set(_outcomes(decided).values()) == {CaseOutcome.DISMISSED}
    assert decided.state == ReferralState.SENT
    assert decided.outcome == Outcome.DISMISS and decided.decided_on == DECIDED_ON
    assert decided.sent_on == DECIDED_ON and decided.number
    assert decided.letter is not None and decided.letter.kind == "referral_letter"
    assert decided.letter.signed
    rulings = _documents("crime_dismissal_ruling", three_filed)
    assert {d.case_id for d in rulings} == {c.pk for c in three_filed}
    assert all(d.signed for d in rulings)
    assert not _documents("crime_suspension_ruling", three_filed)
    decision = AuditRecord.objects.get(action="referrals.decide")
    assert decision.actor_id == judge.pk
    assert decision.payload["outcome"] == "dismiss" and decision.payload["filed_moved"] == 3
    assert decided.letter.sha256 in decision.payload["documents"]


def test_suspend_suspends_the_suits_and_declined_brings_each_back_where_it_was(
    three_filed: list[Case], judge: User, police: Organisation, liaison: User
) -> None:
    referral = _open(three_filed, judge, police)
    decided = decide(
        referral, Outcome.SUSPEND, by=judge, reason="须以刑事案件结果为依据", on=DECIDED_ON
    )

    assert _states(three_filed) == [State.SUSPENDED] * 3
    assert [Case.objects.get(pk=c.pk).suspended_from for c in three_filed] == [
        "filed",
        "served",
        "hearing_scheduled",
    ]
    assert set(_outcomes(decided).values()) == {CaseOutcome.SUSPENDED}
    rulings = _documents("crime_suspension_ruling", three_filed)
    assert {d.case_id for d in rulings} == {c.pk for c in three_filed}
    assert all(d.signed for d in rulings)
    assert decided.state == ReferralState.SENT and decided.letter is not None

    answered = answer(
        decided,
        Answer.DECLINED,
        by=liaison,
        number="江公（经）不立字〔2026〕41号",
        note="经审查，没有犯罪事实",
        on=ANSWERED_ON,
    )

    assert answered.state == ReferralState.DECLINED
    assert answered.answer == Answer.DECLINED and answered.answered_by == liaison
    assert answered.answer_number == "江公（经）不立字〔2026〕41号"
    assert answered.answered_on == ANSWERED_ON
    assert _states(three_filed) == ["filed", "served", "hearing_scheduled"]
    assert [Case.objects.get(pk=c.pk).suspended_from for c in three_filed] == ["", "", ""]
    assert _events(three_filed[1]) == [
        ("suspend_litigation", "served", "suspended"),
        ("resume", "suspended", "served"),
    ]
    assert CaseEvent.objects.get(case=three_filed[1], transition="resume").actor is None
    assert set(_outcomes(answered).values()) == {CaseOutcome.RESUMED}
    assert _actions() == ["referrals.open", "referrals.decide", "referrals.answer"]
    assert AuditRecord.objects.get(action="referrals.answer").payload["resumed"] == 3


def test_refer_lead_moves_nothing_and_sends_the_letter(
    three_filed: list[Case], judge: User, police: Organisation
) -> None:
    referral = _open(three_filed, judge, police)

    decided = decide(
        referral, Outcome.REFER_LEAD, by=judge, reason="线索与本案不是同一事实", on=DECIDED_ON
    )

    assert _states(three_filed) == ["filed", "served", "hearing_scheduled"]
    assert not CaseEvent.objects.filter(case__in=three_filed).exists()
    assert set(_outcomes(decided).values()) == {CaseOutcome.CONTINUED}
    assert decided.state == ReferralState.SENT and decided.number
    assert decided.letter is not None and decided.letter.kind == "referral_letter"
    assert not StoredDocument.objects.filter(case__in=three_filed).exists()


def test_no_referral_sends_nothing_and_the_cases_may_be_referred_again(
    three_filed: list[Case], judge: User, police: Organisation
) -> None:
    referral = _open(three_filed, judge, police)

    decided = decide(referral, Outcome.NO_REFERRAL, by=judge, reason="经审查不属于涉嫌犯罪")

    assert decided.state == ReferralState.NOT_REFERRED and decided.outcome == Outcome.NO_REFERRAL
    assert decided.letter is None and decided.number == "" and decided.sent_on is None
    assert set(_outcomes(decided).values()) == {CaseOutcome.CONTINUED}
    assert _states(three_filed) == ["filed", "served", "hearing_scheduled"]
    assert not StoredDocument.objects.filter(kind="referral_letter").exists()
    again = _open(three_filed[:1], judge, police)
    assert again.state == ReferralState.OPEN


def test_accepted_keeps_the_suits_suspended_until_the_judge_dismisses_them(
    three_filed: list[Case], judge: User, police: Organisation, liaison: User
) -> None:
    referral = _open(three_filed, judge, police)
    decide(referral, Outcome.SUSPEND, by=judge, reason="须以刑事案件结果为依据", on=DECIDED_ON)

    accepted = answer(referral, Answer.ACCEPTED, by=liaison, number="江公（经）立字〔2026〕118号")

    assert accepted.state == ReferralState.ACCEPTED
    assert _states(three_filed) == [State.SUSPENDED] * 3
    assert set(_outcomes(accepted).values()) == {CaseOutcome.SUSPENDED}

    dismissed = dismiss_after_filing(
        accepted, by=judge, reason="公安机关已立案侦查", on=ANSWERED_ON
    )

    assert _states(three_filed) == [State.DISMISSED] * 3
    assert _events(three_filed[2]) == [
        ("suspend_litigation", "hearing_scheduled", "suspended"),
        ("dismiss_suit", "suspended", "dismissed"),
    ]
    assert set(_outcomes(dismissed).values()) == {CaseOutcome.DISMISSED}
    rulings = _documents("crime_dismissal_ruling", three_filed)
    assert {d.case_id for d in rulings} == {c.pk for c in three_filed}
    assert all(d.signed for d in rulings)
    assert _actions() == [
        "referrals.open",
        "referrals.decide",
        "referrals.answer",
        "referrals.dismiss",
    ]
    with pytest.raises(ReferralRefused, match="没有中止诉讼的案件"):
        dismiss_after_filing(dismissed, by=judge)


def test_a_dismissed_case_stays_dismissed_when_the_police_decline(
    three_filed: list[Case], judge: User, police: Organisation, liaison: User
) -> None:
    referral = _open(three_filed, judge, police)
    decide(referral, Outcome.DISMISS, by=judge, reason="借贷行为本身涉嫌犯罪")

    answer(referral, Answer.DECLINED, by=liaison, number="江公（经）不立字〔2026〕42号")

    assert _states(three_filed) == [State.DISMISSED] * 3
    assert set(_outcomes(referral).values()) == {CaseOutcome.DISMISSED}


def test_mediator_referral_suspends_mediation_and_declined_resumes_it(
    make_case: Callable[..., Case],
    mediator: User,
    judge: User,
    police: Organisation,
    liaison: User,
    lender: Organisation,
    lender_series: Series,
) -> None:
    case = make_case(
        state=State.IN_MEDIATION, mediator=mediator, institution=lender, series=lender_series
    )

    with pytest.raises(ReferralRefused, match="请指定审查法官"):
        _open([case], mediator, police)
    referral = _open([case], mediator, police, judge=judge)
    assert referral.source == Source.MEDIATOR and referral.judge == judge

    decide(referral, Outcome.SUSPEND, by=judge, reason="涉嫌冒名贷款", on=DECIDED_ON)

    case.refresh_from_db()
    assert case.state == State.SUSPENDED and case.suspended_from == State.IN_MEDIATION
    event = CaseEvent.objects.get(case=case)
    assert (event.transition, event.actor) == ("suspend_mediation", None)
    assert _outcomes(referral) == {case.pk: CaseOutcome.SUSPENDED}
    # Mediation is not a court proceeding: no ruling, but the letter goes to the police.
    assert not StoredDocument.objects.filter(case=case).exists()
    referral.refresh_from_db()
    assert referral.letter is not None

    answer(referral, Answer.DECLINED, by=liaison, number="江公（经）不立字〔2026〕43号")

    case.refresh_from_db()
    assert case.state == State.IN_MEDIATION and case.suspended_from == ""
    assert _outcomes(referral) == {case.pk: CaseOutcome.RESUMED}


def test_a_procuratorate_referral_is_answered_by_its_prosecutor(
    three_filed: list[Case], judge: User, procuratorate: Organisation, prosecutor: User
) -> None:
    referral = _open(three_filed, judge, procuratorate)
    decide(referral, Outcome.REFER_LEAD, by=judge, reason="线索移送检察机关")

    answered = answer(referral, Answer.ACCEPTED, by=prosecutor, number="江检刑立〔2026〕7号")

    assert answered.state == ReferralState.ACCEPTED and answered.answered_by == prosecutor


def test_each_outcome_has_its_legal_basis() -> None:
    assert set(OUTCOME_BASIS) == set(Outcome.values)
    assert "第五条第一款" in OUTCOME_BASIS[Outcome.DISMISS].text
    assert "第一百五十三条第一款第五项" in OUTCOME_BASIS[Outcome.SUSPEND].text
    assert "第十条" in OUTCOME_BASIS[Outcome.REFER_LEAD].text
    assert [stage_of(s) for s in ("in_mediation", "heard", "terminated_for_now", "judged")] == [
        "pre_filing",
        "litigating",
        "enforcement",
        "other",
    ]


# --- refusals -----------------------------------------------------------------------------


def test_only_the_referral_judge_decides(
    three_filed: list[Case], judge: User, other_judge: User, police: Organisation
) -> None:
    referral = _open(three_filed, judge, police)

    with pytest.raises(ReferralRefused, match="只有承办法官刘法官可以审查决定本移送"):
        decide(referral, Outcome.DISMISS, by=other_judge, reason="驳回")

    referral.refresh_from_db()
    assert referral.state == ReferralState.OPEN
    assert _states(three_filed) == ["filed", "served", "hearing_scheduled"]


def test_a_mediator_cannot_decide_and_the_judge_decides_once(
    three_filed: list[Case], judge: User, mediator: User, police: Organisation
) -> None:
    referral = _open(three_filed, judge, police)
    with pytest.raises(ReferralRefused, match="调解员不能「决定移送及民事案件处理」"):
        decide(referral, Outcome.DISMISS, by=mediator, reason="驳回")
    with pytest.raises(ReferralRefused, match="请填写审查意见"):
        decide(referral, Outcome.DISMISS, by=judge, reason="  ")

    decide(referral, Outcome.REFER_LEAD, by=judge, reason="移送线索")

    with pytest.raises(ReferralRefused, match="当前状态为「已移送」，不能再次决定"):
        decide(referral, Outcome.DISMISS, by=judge, reason="驳回")


def test_another_agencys_liaison_cannot_answer(
    three_filed: list[Case],
    judge: User,
    police: Organisation,
    liaison: User,
    other_liaison: User,
) -> None:
    referral = _open(three_filed, judge, police)
    with pytest.raises(ReferralRefused, match="当前状态为「待法官审查」，不能答复"):
        answer(referral, Answer.ACCEPTED, by=liaison, number="江公（经）立字〔2026〕118号")
    decide(referral, Outcome.SUSPEND, by=judge, reason="中止")

    with pytest.raises(ReferralRefused, match="不是移送给您所在机关的，不能答复"):
        answer(referral, Answer.DECLINED, by=other_liaison, number="渝中公（经）不立字〔2026〕1号")
    with pytest.raises(ReferralRefused, match="请填写答复文书文号"):
        answer(referral, Answer.DECLINED, by=liaison, number=" ")
    with pytest.raises(ReferralRefused, match="法官不能「答复移送"):
        answer(referral, Answer.DECLINED, by=judge, number="江公（经）不立字〔2026〕2号")

    referral.refresh_from_db()
    assert referral.state == ReferralState.SENT
    assert _states(three_filed) == [State.SUSPENDED] * 3


def test_a_case_cannot_be_in_two_active_referrals(
    three_filed: list[Case], judge: User, police: Organisation, procuratorate: Organisation
) -> None:
    first = _open(three_filed[:2], judge, police)
    number = three_filed[1].case_number

    with pytest.raises(ReferralRefused, match=f"「案件{number}」已在移送审查中"):
        _open(three_filed[1:], judge, procuratorate)

    decide(first, Outcome.SUSPEND, by=judge, reason="中止")
    with pytest.raises(ReferralRefused, match="已在移送审查中"):
        _open(three_filed[1:], judge, procuratorate)
    assert Referral.objects.count() == 1


def test_grounds_statement_and_agency_are_checked(
    three_filed: list[Case], judge: User, police: Organisation, court: Organisation
) -> None:
    ids = [c.pk for c in three_filed]
    with pytest.raises(ReferralRefused, match="请至少选择一项移送理由"):
        open_referral(ids, by=judge, grounds=[], statement=STATEMENT, agency=police)
    with pytest.raises(ReferralRefused, match="移送理由「usury」无效"):
        open_referral(
            ids,
            by=judge,
            grounds=["withheld_interest", "usury"],
            statement=STATEMENT,
            agency=police,
        )
    with pytest.raises(ReferralRefused, match="请填写涉嫌犯罪的事实"):
        open_referral(ids, by=judge, grounds=["other"], statement="   ", agency=police)
    with pytest.raises(
        ReferralRefused, match="须为公安机关或人民检察院，「重庆市江北区人民法院」不是"
    ):
        open_referral(ids, by=judge, grounds=["other"], statement=STATEMENT, agency=court)
    assert not Referral.objects.exists()


def test_cases_of_two_courts_are_refused(
    filed_case: Callable[..., Case],
    make_user: Callable[..., User],
    police: Organisation,
    make_case: Callable[..., Case],
    lender: Organisation,
) -> None:
    other_court = Organisation.objects.create(
        code="渝0103", name="重庆市渝中区人民法院", kind="court", court_code="渝0103"
    )
    admin = make_user(Role.PLATFORM_ADMIN)
    here = filed_case()
    there = make_case(
        court=other_court,
        institution=lender,
        state=State.FILED,
        case_number="（2026）渝0103民初1号",
    )
    with pytest.raises(ReferralRefused, match="须依据风险预警提起"):
        _open([here, there], admin, police)

    judge_here = here.judge
    assert judge_here is not None
    Case.objects.filter(pk=there.pk).update(judge=judge_here)
    with pytest.raises(ReferralRefused, match="所选案件分属不同法院"):
        _open([here, there], judge_here, police)


def test_ended_unscoped_and_ambiguous_cases_are_refused(
    filed_case: Callable[..., Case],
    judge: User,
    other_judge: User,
    police: Organisation,
    mediator: User,
) -> None:
    withdrawn = filed_case(state=State.WITHDRAWN)
    with pytest.raises(ReferralRefused, match=f"「案件{withdrawn.case_number}」已撤诉，不能移送"):
        _open([withdrawn], judge, police)
    theirs = filed_case(judge=other_judge)
    with pytest.raises(ReferralRefused, match=f"案件#{theirs.pk}不存在或不在您的办理范围内"):
        _open([theirs], judge, police)
    mine = filed_case()
    with pytest.raises(ReferralRefused, match="的承办法官不是赵法官"):
        _open([mine], judge, police, judge=other_judge)
    with pytest.raises(ReferralRefused, match="不是本院在职法官"):
        _open([mine], judge, police, judge=mediator)
    with pytest.raises(ReferralRefused, match="须由经办人员操作"):
        open_referral([mine.pk], by=None, grounds=["other"], statement=STATEMENT, agency=police)
    assert not Referral.objects.exists()


def test_the_judge_of_several_filed_cases_must_be_one(
    filed_case: Callable[..., Case],
    judge: User,
    other_judge: User,
    police: Organisation,
    make_user: Callable[..., User],
    court: Organisation,
) -> None:
    president = make_user(Role.COURT_PRESIDENT, court)
    cases = [filed_case(), filed_case(judge=other_judge)]
    from jiefen.risk.models import Warning as RiskWarning

    warning = RiskWarning.objects.create(
        kind="withheld_interest",
        fingerprint="withheld_interest:lender",
        subject_key="institution:lender",
        subject_name="重庆速融商贸有限公司",
        score="80.00",
        summary="放款金额低于合同金额",
        opened_on=DECIDED_ON,
        updated_on=DECIDED_ON,
    )
    warning.cases.set(cases)

    with pytest.raises(ReferralRefused, match="由多名法官承办（刘法官、赵法官）"):
        open_referral(
            [],
            by=president,
            grounds=["withheld_interest"],
            statement=STATEMENT,
            agency=police,
            warning=warning,
        )

    referral = open_referral(
        [cases[0].pk],
        by=None,
        grounds=["withheld_interest"],
        statement=STATEMENT,
        agency=police,
        warning=warning,
    )
    assert referral.source == Source.WARNING and referral.opened_by is None
    assert referral.judge == judge and referral.warning == warning
