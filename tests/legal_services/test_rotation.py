"""Who takes a request: the pool lawyer on duty that day with the fewest open requests, ties by
roster position; conflicted, unavailable and non-pool mediators never; nobody on duty rolls to
the next day somebody is; the answer is due 3 working days after assignment (holiday-aware)."""

from collections.abc import Callable
from datetime import date

import pytest

from jiefen.accounts.models import MediationOrgKind, Organisation, OrganisationKind, User
from jiefen.lawdata.selectors import current_calendar
from jiefen.legal_services import actions
from jiefen.legal_services.models import LegalRequest, RequestState
from jiefen.legal_services.rules import add_working_days
from jiefen.mediation.models import Conflict

pytestmark = pytest.mark.django_db

MONDAY, TUESDAY, WEDNESDAY = date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 2)
SATURDAY = date(2026, 11, 28)


def post(agent: User, on: date, subject: str = "合规咨询") -> LegalRequest:
    return actions.post_request(
        by=agent, kind="compliance", subject=subject, body="请就催收话术提出意见。", on=on
    )


def test_the_lawyer_on_duty_that_weekday_takes_it(
    agent: User, make_lawyer: Callable[..., User]
) -> None:
    mon_wed_fri = make_lawyer("周律师", "024", 0)
    tue_thu = make_lawyer("吴律师", "13", 1)
    on_monday = post(agent, MONDAY)
    on_tuesday = post(agent, TUESDAY)
    on_wednesday = post(agent, WEDNESDAY)
    assert (on_monday.lawyer, on_monday.assigned_on) == (mon_wed_fri, MONDAY)
    assert (on_tuesday.lawyer, on_tuesday.assigned_on) == (tue_thu, TUESDAY)
    assert on_wednesday.lawyer == mon_wed_fri
    assert on_monday.state == RequestState.ASSIGNED
    # Monday + 3 working days: Tue, Wed, Thu.
    assert on_monday.answer_due == date(2026, 12, 3)


def test_fewest_open_requests_first_ties_by_roster_position(
    agent: User, make_lawyer: Callable[..., User]
) -> None:
    second = make_lawyer("吴律师", position=2)
    first = make_lawyer("周律师", position=1)
    r1, r2, r3 = (post(agent, MONDAY, f"需求{n}") for n in (1, 2, 3))
    # Both free: position 1 first; then the other has fewer; then a tie again: position 1.
    assert [r1.lawyer, r2.lawyer, r3.lawyer] == [first, second, first]
    # Answered requests no longer count as load: first answers both of its requests.
    actions.answer_request(r1, "意见如下。", by=first)
    actions.answer_request(r3, "意见如下。", by=first)
    # Loads now first 0, second 1 -> first; then 1 and 1, a tie -> first; then 2 and 1 -> second.
    assert post(agent, MONDAY, "需求4").lawyer == first
    assert post(agent, MONDAY, "需求5").lawyer == first
    assert post(agent, MONDAY, "需求6").lawyer == second


def test_conflicted_unavailable_and_non_pool_mediators_are_skipped(
    agent: User,
    bank: Organisation,
    court: Organisation,
    make_lawyer: Callable[..., User],
) -> None:
    conflicted = make_lawyer("周律师", position=0)
    Conflict.objects.create(mediator=conflicted, institution=bank, reason="所在律所为该行法律顾问")
    make_lawyer("郑律师", position=1, available=False)
    committee = Organisation.objects.create(
        code="MED01",
        name="江北区金融纠纷人民调解委员会",
        kind=OrganisationKind.MEDIATION_ORG,
        mediation_kind=MediationOrgKind.PEOPLES_COMMITTEE,
        court=court,
    )
    make_lawyer("王调解员", position=0, organisation=committee)
    free = make_lawyer("吴律师", position=5)
    for n in range(3):
        assert post(agent, MONDAY, f"需求{n}").lawyer == free


def test_the_other_bank_may_still_get_the_conflicted_lawyer(
    agent: User, other_agent: User, bank: Organisation, make_lawyer: Callable[..., User]
) -> None:
    conflicted = make_lawyer("周律师", position=0)
    make_lawyer("吴律师", position=1)
    Conflict.objects.create(mediator=conflicted, institution=bank, reason="所在律所为该行法律顾问")
    assert post(other_agent, MONDAY).lawyer == conflicted


def test_nobody_on_duty_rolls_to_the_next_day_someone_is(
    agent: User, make_lawyer: Callable[..., User]
) -> None:
    weekdays = make_lawyer("周律师", "01234")
    saturday = post(agent, SATURDAY)
    assert saturday.posted_on == SATURDAY
    assert (saturday.lawyer, saturday.assigned_on) == (weekdays, MONDAY)
    assert saturday.answer_due == date(2026, 12, 3)


def test_rolls_to_a_weekday_only_lawyer_later_in_the_week(
    agent: User, make_lawyer: Callable[..., User]
) -> None:
    thursday_only = make_lawyer("吴律师", "3")
    request = post(agent, MONDAY)
    assert (request.lawyer, request.assigned_on) == (thursday_only, date(2026, 12, 3))


def test_with_nobody_able_to_serve_the_request_waits_and_a_follow_up_routes_it(
    agent: User, bank: Organisation, make_lawyer: Callable[..., User]
) -> None:
    only = make_lawyer("周律师")
    conflict = Conflict.objects.create(mediator=only, institution=bank, reason="近亲属任该行高管")
    waiting = post(agent, MONDAY)
    assert waiting.state == RequestState.OPEN
    assert (waiting.lawyer, waiting.assigned_on, waiting.answer_due) == (None, None, None)
    conflict.delete()
    actions.follow_up(waiting, "请尽快安排律师。", by=agent)
    waiting.refresh_from_db()
    assert waiting.state == RequestState.ASSIGNED
    assert waiting.lawyer == only


def test_answer_due_skips_national_day_and_counts_the_make_up_saturday(
    agent: User, make_lawyer: Callable[..., User]
) -> None:
    make_lawyer("周律师", "2")  # Wednesdays
    request = post(agent, date(2026, 9, 30))
    # Oct 1-7 holiday; Thu Oct 8 (1), Fri Oct 9 (2), Sat Oct 10 make-up working day (3).
    assert request.assigned_on == date(2026, 9, 30)
    assert request.answer_due == date(2026, 10, 10)


def test_working_days_skip_mid_autumn_and_the_weekend(court: Organisation) -> None:
    calendar = current_calendar()
    # Thu Sep 24 2026: Fri 25 Mid-Autumn, Sat/Sun; Mon 28 (1), Tue 29 (2), Wed 30 (3).
    assert add_working_days(date(2026, 9, 24), 3, calendar) == date(2026, 9, 30)
    assert add_working_days(date(2026, 9, 24), 1, calendar) == date(2026, 9, 28)
