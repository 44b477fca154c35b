"""Fixtures of the legal-service tests: a lawyer pool (律师调解工作室) and its duty lawyers.

Weekdays in the duty strings: Monday=0 … Sunday=6 (`MediatorProfile.duty_weekdays`). Dates used
below (2026): 11-28 is a Saturday, 11-30 a Monday, 12-02 a Wednesday; 09-25 is Mid-Autumn
Festival and 10-01…10-07 National Day, with 10-10 (Saturday) a make-up working day.
"""

from collections.abc import Callable
from typing import Any

import pytest

from jiefen.accounts.models import MediationOrgKind, Organisation, OrganisationKind, Role, User
from jiefen.mediation.models import MediatorProfile


@pytest.fixture
def pool(court: Organisation) -> Organisation:
    return Organisation.objects.create(
        code="MED02",
        name="江北区法院律师调解工作室",
        kind=OrganisationKind.MEDIATION_ORG,
        mediation_kind=MediationOrgKind.LAWYER_POOL,
        court=court,
    )


@pytest.fixture
def make_lawyer(make_user: Callable[..., User], pool: Organisation) -> Callable[..., User]:
    """A pool lawyer with a duty roster entry."""

    def make(
        name: str, duty: str = "01234", position: int = 0, *, available: bool = True, **kw: Any
    ) -> User:
        user = make_user(Role.MEDIATOR, kw.pop("organisation", pool), full_name=name, **kw)
        MediatorProfile.objects.create(
            user=user, duty_weekdays=duty, roster_position=position, available=available
        )
        return user

    return make


@pytest.fixture
def other_agent(make_user: Callable[..., User], other_bank: Organisation) -> User:
    return make_user(Role.BANK_AGENT, other_bank)
