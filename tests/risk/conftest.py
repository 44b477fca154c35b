"""Fixtures for the risk stage's tests: claimants, borrowers with contacts, cases received on a
chosen day (the rules count a case on the local date of `Case.created_at`).

Sections are owned by different helpers; RISK's are below, others add theirs at the end."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiefen.accounts.models import InstitutionKind, Organisation, OrganisationKind
from jiefen.cases.models import (
    Case,
    CaseParty,
    CaseType,
    Contact,
    ContactKind,
    ContactSource,
    IdType,
    Party,
    PartyKind,
    PartyRole,
)
from jiefen.law.identifiers import make_uscc
from jiefen.privacy import blind_index

# The day the tests judge (a fixed date: no test depends on today).
AS_OF = date(2026, 11, 30)

_seq = itertools.count(1)


def at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


@pytest.fixture
def make_org(db: Any) -> Callable[..., Organisation]:
    """An institution; `kind` is its InstitutionKind (\"other\" = not licensed)."""

    def make(name: str, kind: str = InstitutionKind.BANK, uscc: str | None = None) -> Organisation:
        n = next(_seq)
        return Organisation.objects.create(
            code=f"RISK{n:04d}",
            name=name,
            kind=OrganisationKind.INSTITUTION,
            institution_kind=kind,
            uscc=uscc if uscc is not None else make_uscc("500105", f"{70000000 + n:08d}"),
        )

    return make


@pytest.fixture
def person(db: Any) -> Callable[..., Party]:
    """A natural person with their own address unless told otherwise (and optional contacts)."""

    def make(
        name: str = "赵六",
        *,
        mobile: str | None = None,
        address: str | None = None,
        employer: str = "",
        division: str = "500105",
    ) -> Party:
        n = next(_seq)
        number = f"500105198501{n:06d}"
        home = (
            address if address is not None else f"重庆市江北区观音桥{n}号{n % 30 + 1}-{n % 7 + 1}"
        )
        party = Party.objects.create(
            kind=PartyKind.NATURAL_PERSON,
            name=name,
            id_type=IdType.RESIDENT_ID,
            id_number=number,
            id_index=blind_index(number),
            employer=employer,
            domicile=home,
            domicile_division=division,
        )
        Contact.objects.create(
            party=party, kind=ContactKind.ADDRESS, value=home, source=ContactSource.CONTRACT
        )
        if mobile:
            Contact.objects.create(
                party=party, kind=ContactKind.MOBILE, value=mobile, source=ContactSource.CONTRACT
            )
        return party

    return make


@pytest.fixture
def claim(court: Organisation, person: Callable[..., Party]) -> Callable[..., Case]:
    """A case of `institution` received on `on` against `defendant` (a new person if None)."""

    def make(
        institution: Organisation,
        on: date,
        *,
        defendant: Party | None = None,
        guarantors: Iterable[Party] = (),
        over_cap: bool = False,
    ) -> Case:
        n = next(_seq)
        case = Case.objects.create(
            case_type=CaseType.FINANCIAL_LOAN,
            institution=institution,
            court=court,
            contract_number=f"RK-{n:07d}",
            product="个人消费贷款",
            cut_off_date=on,
            principal=Decimal("10000.00"),
            claim_total=Decimal("10000.00"),
            over_cap=over_cap,
        )
        Case.objects.filter(pk=case.pk).update(created_at=at(on))
        CaseParty.objects.create(case=case, party=defendant or person(), role=PartyRole.DEFENDANT)
        for i, g in enumerate(guarantors, start=2):
            CaseParty.objects.create(case=case, party=g, role=PartyRole.GUARANTOR, position=i)
        return case

    return make


# --------------------------------------------------------------------------------------------
# (other helpers' fixtures go below this line)
# --------------------------------------------------------------------------------------------
