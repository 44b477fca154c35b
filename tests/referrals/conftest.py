"""Shared fixtures of the referral tests: the partner agencies and their staff, a private
lender, the court's judge and mediator, and filed cases of a private lender's series."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import InstitutionKind, Organisation, OrganisationKind, Role, User
from jiefen.cases.models import Case, Series

_numbers = itertools.count(1)


@pytest.fixture
def police(court: Organisation) -> Organisation:
    return Organisation.objects.create(
        code="GA0105",
        name="重庆市公安局江北区分局",
        kind=OrganisationKind.POLICE,
        address="重庆市江北区建新东路3号",
    )


@pytest.fixture
def other_police(db: Any) -> Organisation:
    return Organisation.objects.create(
        code="GA0103", name="重庆市公安局渝中区分局", kind=OrganisationKind.POLICE
    )


@pytest.fixture
def procuratorate(court: Organisation) -> Organisation:
    return Organisation.objects.create(
        code="JC0105", name="重庆市江北区人民检察院", kind=OrganisationKind.PROCURATORATE
    )


@pytest.fixture
def liaison(make_user: Callable[..., User], police: Organisation) -> User:
    """The economic-crime police liaison (经侦联络员) at the centre."""
    return make_user(Role.POLICE_LIAISON, police, full_name="陈警官")


@pytest.fixture
def other_liaison(make_user: Callable[..., User], other_police: Organisation) -> User:
    return make_user(Role.POLICE_LIAISON, other_police, full_name="李警官")


@pytest.fixture
def prosecutor(make_user: Callable[..., User], procuratorate: Organisation) -> User:
    return make_user(Role.PROSECUTOR, procuratorate, full_name="王检察官")


@pytest.fixture
def judge(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.JUDGE, court, full_name="刘法官")


@pytest.fixture
def other_judge(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.JUDGE, court, full_name="赵法官")


@pytest.fixture
def mediator(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.MEDIATOR, None, full_name="孙调解员")


@pytest.fixture
def lender(db: Any) -> Organisation:
    """A private lender: a trading company without a lending licence."""
    return Organisation.objects.create(
        code="LEND01",
        name="重庆速融商贸有限公司",
        kind=OrganisationKind.INSTITUTION,
        institution_kind=InstitutionKind.OTHER,
        uscc="91500105314159260X",
        address="重庆市江北区五里店街道塔坪路12号",
        legal_representative="周立新",
    )


@pytest.fixture
def lender_series(court: Organisation, lender: Organisation) -> Series:
    return Series.objects.create(
        institution=lender, court=court, case_type="financial_loan", product="个人借款"
    )


def loan_facts(
    agreed: str = "50000.00",
    disbursed: str = "50000.00",
    rate: str = "12.0",
    start: date = date(2025, 1, 10),
    end: date = date(2025, 7, 9),
) -> dict[str, Any]:
    """`Case.elements` of a loan: agreed and disbursed amounts, term and stated rate."""
    return {
        "contract": {"name": "借款合同", "number": "", "signed_on": start.isoformat()},
        "loan_amount": {"agreed": agreed, "disbursed": disbursed},
        "term": {"start": start.isoformat(), "end": end.isoformat()},
        "disbursed_on": start.isoformat(),
        "rates": {"annual_rate_percent": rate, "penalty_multiplier": "1.5", "basis": 360},
        "repayment_method": "bullet",
    }


@pytest.fixture
def filed_case(
    make_case: Callable[..., Case], judge: User, lender: Organisation, lender_series: Series
) -> Callable[..., Case]:
    """A filed case of the lender's series with the judge (state `filed` unless given)."""

    def make(**fields: Any) -> Case:
        n = next(_numbers)
        values: dict[str, Any] = {
            "institution": lender,
            "series": lender_series,
            "state": "filed",
            "judge": judge,
            "case_number": f"（2026）渝0105民初{7000 + n}号",
            "procedure": "summary",
            "filed_on": date(2026, 10, 12),
            "acceptance_fee": Decimal("525.00"),
            "elements": loan_facts(),
        }
        values.update(fields)
        return make_case(**values)

    return make
