"""The sweep (detect_warnings) and the handling of a warning (assign, handle, close); who sees
which warning (404 for the others)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.http import Http404

from jiefen.accounts.models import InstitutionKind, Organisation, OrganisationKind, Role, User
from jiefen.audit.models import AuditRecord
from jiefen.cases import access
from jiefen.risk import actions, selectors
from jiefen.risk.models import Warning, WarningKind, WarningState
from jiefen.risk.tasks import detect_warnings_task

from .conftest import AS_OF

Maker = Callable[..., Any]


@pytest.fixture
def lender(make_org: Maker, claim: Maker) -> Organisation:
    """An unlicensed lender that sued 10 borrowers, 10 of the cases over the cap (100 %)."""
    org = make_org("重庆快借商贸有限公司", InstitutionKind.OTHER)
    for i in range(10):
        claim(org, AS_OF - timedelta(days=i), over_cap=True)
    return org


@pytest.fixture
def admin(make_user: Callable[..., User]) -> User:
    return make_user(Role.PLATFORM_ADMIN)


def test_the_sweep_is_idempotent(lender: Organisation, admin: User) -> None:
    first = actions.detect_warnings(by=admin, as_of=AS_OF)
    assert (first.created, first.updated) == (2, 0)
    kinds = set(Warning.objects.values_list("kind", flat=True))
    assert kinds == {WarningKind.CAP_EXCEEDANCE, WarningKind.PROFESSIONAL_LENDER}
    before = list(Warning.objects.order_by("pk").values())
    second = actions.detect_warnings(by=admin, as_of=AS_OF)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert list(Warning.objects.order_by("pk").values()) == before
    cap = Warning.objects.get(kind=WarningKind.CAP_EXCEEDANCE)
    assert cap.state == WarningState.OPEN and cap.opened_on == AS_OF
    assert cap.score == Decimal("100.00")
    assert cap.institution == lender and cap.cases.count() == 10
    # The second run changed nothing, so it recorded nothing (the hourly catch-up is silent).
    assert AuditRecord.objects.filter(action="risk.detect_warnings").count() == 1


def test_a_new_case_updates_the_warning_instead_of_raising_another(
    lender: Organisation, claim: Maker
) -> None:
    actions.detect_warnings(by=None, as_of=AS_OF)
    claim(lender, AS_OF)  # an 11th borrower
    result = actions.detect_warnings(by=None, as_of=AS_OF + timedelta(days=1))
    assert (result.created, result.updated) == (0, 2)
    professional = Warning.objects.get(kind=WarningKind.PROFESSIONAL_LENDER)
    assert professional.score == Decimal("11.00")
    assert professional.opened_on == AS_OF and professional.updated_on == AS_OF + timedelta(days=1)
    assert Warning.objects.count() == 2


def test_a_closed_warning_reopens_only_above_its_closing_score(
    lender: Organisation, claim: Maker, admin: User
) -> None:
    actions.detect_warnings(by=None, as_of=AS_OF)
    warning = Warning.objects.get(kind=WarningKind.PROFESSIONAL_LENDER)
    actions.close(warning, by=admin, on=AS_OF)
    assert actions.detect_warnings(by=None, as_of=AS_OF).unchanged == 2
    warning.refresh_from_db()
    assert (warning.state, warning.closed_score) == (WarningState.CLOSED, Decimal("10.00"))
    claim(lender, AS_OF)  # 11 borrowers: above the 10 it was closed with
    day = AS_OF + timedelta(days=1)
    actions.detect_warnings(by=None, as_of=day)
    warning.refresh_from_db()
    assert (warning.state, warning.score, warning.opened_on) == (
        WarningState.OPEN,
        Decimal(11),
        day,
    )
    assert warning.closed_on is None


def test_assign_handle_close(
    lender: Organisation, admin: User, make_user: Maker, court: Any
) -> None:
    actions.detect_warnings(by=None, as_of=AS_OF)
    warning = Warning.objects.get(kind=WarningKind.CAP_EXCEEDANCE)
    president = make_user(Role.COURT_PRESIDENT, court)
    judge = make_user(Role.JUDGE, court)
    with pytest.raises(actions.ActionRefused, match="不是院庭长或平台管理员"):
        actions.assign(warning, judge, by=admin)
    with pytest.raises(actions.ActionRefused, match="处置风险预警"):
        actions.assign(warning, president, by=judge)
    assert actions.assign(warning, president, by=admin).state == WarningState.ASSIGNED
    with pytest.raises(actions.ActionRefused, match="请填写处置情况"):
        actions.handle(warning, "  ", by=president)
    handled = actions.handle(warning, "已约谈该公司，责令整改利息计算", by=president)
    assert (handled.state, handled.assignee) == (WarningState.HANDLED, president)
    closed = actions.close(warning, by=president, on=date(2026, 12, 1))
    assert (closed.state, closed.closed_on) == (WarningState.CLOSED, date(2026, 12, 1))
    with pytest.raises(actions.ActionRefused, match="预警已关闭"):
        actions.handle(warning, "再次处置", by=admin)
    steps = selectors.timeline(closed)
    assert [s.label for s in steps] == ["预警生成", "分派", "处置", "关闭"]
    assert steps[2].detail == "已约谈该公司，责令整改利息计算"
    assert steps[1].actor == admin.full_name


def test_who_sees_which_warning(
    lender: Organisation, make_user: Maker, court: Organisation, bank: Organisation
) -> None:
    actions.detect_warnings(by=None, as_of=AS_OF)
    warning = Warning.objects.get(kind=WarningKind.CAP_EXCEEDANCE)
    elsewhere = Organisation.objects.create(
        code="渝0112",
        name="重庆市渝北区人民法院",
        kind=OrganisationKind.COURT,
        division_code="500112",
    )
    seeing = [make_user(Role.PLATFORM_ADMIN), make_user(Role.COURT_PRESIDENT, court)]
    blind = [
        make_user(Role.COURT_PRESIDENT, elsewhere),  # no case of the lender at this court
        make_user(Role.BANK_AGENT, bank),
        make_user(Role.JUDGE, court),
        make_user(Role.MEDIATOR),
    ]
    for user in seeing:
        assert access.warning_for(user, warning.pk) == warning
    for user in blind:
        assert not access.visible_warnings(user).exists()
        with pytest.raises(Http404):
            access.warning_for(user, warning.pk)
    with pytest.raises(Http404):
        access.warning_for(seeing[0], "not-a-number")
    with pytest.raises(actions.ActionRefused, match="预警不存在或无权处置"):
        actions.close(warning, by=blind[0])


def test_the_task_and_the_stats_section(lender: Organisation) -> None:
    slot = int(datetime(2026, 11, 29, 18, 0, tzinfo=UTC).timestamp())  # 02:00 in Chongqing
    assert detect_warnings_task.call(slot) == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "interventions": 0,
    }
    assert Warning.objects.get(kind=WarningKind.CAP_EXCEEDANCE).opened_on == AS_OF
    assert selectors.stats_section() == {
        "warnings": 2,
        "open": 2,
        "by_kind": {
            "cap_exceedance": 1,
            "surge": 0,
            "professional_lender": 1,
            "contact_cluster": 0,
            "quasi_financial": 0,
            "withheld_interest": 0,
            "effective_rate": 0,
            "serial_loans": 0,
            "identity_misuse": 0,
            "fraud_contact": 0,
        },
    }
