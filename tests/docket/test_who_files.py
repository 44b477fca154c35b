"""Filing is the court registry's act: who may file, and what happens to cases they may not."""

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, OrganisationKind, Role
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases, start_filing
from jiefen.docket.models import Filing

pytestmark = pytest.mark.django_db

FILED_ON = date(2025, 7, 1)


def test_a_bank_agent_or_mediator_cannot_file(make_case: Any, make_user: Any, bank: Any) -> None:
    case = make_case(state=State.AWAITING_FILING)
    for user in (make_user(Role.BANK_AGENT, bank), make_user(Role.MEDIATOR)):
        with pytest.raises(TransitionRefused, match="无权执行此操作"):
            start_filing(by=user, case_ids=[case.pk])
        with pytest.raises(TransitionRefused, match="无权执行此操作"):
            file_cases([case.pk], by=user, filed_on=FILED_ON)
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_FILING
    assert not Filing.objects.exists()


def test_a_clerk_of_another_court_files_nothing(make_case: Any, make_user: Any, staff: Any) -> None:
    other = Organisation.objects.create(
        code="渝0106",
        name="重庆市沙坪坝区人民法院",
        kind=OrganisationKind.COURT,
        court_code="渝0106",
    )
    case = make_case(state=State.AWAITING_FILING, claim_total=Decimal("46234.56"))
    result = file_cases([case.pk], by=make_user(Role.CLERK, other), filed_on=FILED_ON)
    assert result.filed == [] and result.skipped == [case.pk]
    assert Case.objects.get(pk=case.pk).state == State.AWAITING_FILING
    assert not Filing.objects.exists()
