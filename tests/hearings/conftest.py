"""Generic hearing fixtures (shared by the scheduling, answer and record tests).

The root `court` fixture has two courtrooms (`tests/conftest.py` COURTROOMS); here: the court's
one judge and one clerk (so filing assigns every case to them), an online courtroom, the SMS
gateway simulator, and `served_series(n)`: n cases of the bank's series filed, documented and
served on every defendant (and guarantor) through the real service stage, each with the hearing
booked at filing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import (
    Case,
    CaseParty,
    Contact,
    ContactKind,
    ContactSource,
    Party,
    PartyRole,
    Series,
)
from jiefen.cases.states import State
from jiefen.hearings.models import Courtroom

_mobiles = itertools.count(1)


@pytest.fixture
def judge(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.JUDGE, court, full_name="王法官")


@pytest.fixture
def clerk(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.CLERK, court, full_name="李书记员")


@pytest.fixture
def online_courtroom(court: Organisation) -> Courtroom:
    """The court's internet courtroom (在线庭审); sessions there carry a join link."""
    return Courtroom.objects.create(court=court, name="互联网法庭", online=True)


def _with_mobile(party: Party) -> Party:
    Contact.objects.create(
        party=party,
        kind=ContactKind.MOBILE,
        value=f"139{next(_mobiles):08d}",
        source=ContactSource.CONTRACT,
        confirmed=True,
        e_service_consent=True,
    )
    return party


@pytest.fixture
def file_series(
    make_case: Callable[..., Case],
    make_party: Callable[..., Party],
    series: Series,
    judge: User,
    clerk: User,
) -> Callable[..., list[Case]]:
    """`file_series(n, guarantor=False, filed_on=None, **case_fields)`: n cases filed (today by
    default) and documented, each with the hearing booked at filing.

    Every defendant (and guarantor) has a confirmed mobile number with e-service consent.
    """
    from jiefen.docket.actions import file_cases
    from jiefen.docket.paperwork import document_cases

    def make(
        n: int = 3, *, guarantor: bool = False, filed_on: date | None = None, **fields: Any
    ) -> list[Case]:
        cases = []
        chosen = fields.pop("series", series)
        for i in range(n):
            defendant = _with_mobile(make_party(name=f"借款人{i + 1}"))
            case = make_case(
                defendant=defendant,
                series=chosen,
                state=State.AWAITING_FILING,
                **fields,
            )
            if guarantor:
                surety = _with_mobile(make_party(name=f"保证人{i + 1}"))
                CaseParty.objects.create(case=case, party=surety, role=PartyRole.GUARANTOR)
            cases.append(case)
        ids = [c.pk for c in cases]
        file_cases(ids, by=clerk, filed_on=filed_on or timezone.localdate())
        document_cases(ids, by=clerk)
        for c in cases:
            c.refresh_from_db()
            assert c.state == State.FILED, c.state
        return cases

    return make


def serve_by_sms(
    case_ids: list[int], clerk: User, *, at: datetime | None = None, purpose: str = "filing"
) -> None:
    """Open the filing service of these cases (purpose filing) and deliver every SMS at `at`.

    For a later purpose the services must exist already (`serve_documents`); their queued
    SMS attempts are dispatched and delivered.
    """
    from jiefen.service.actions import dispatch, open_services, record_receipts
    from jiefen.service.models import Channel, ServiceAttempt

    at = at or timezone.now()
    if purpose == "filing":
        open_services(case_ids, by=clerk, now=at)
    attempts = ServiceAttempt.objects.filter(
        service__case_id__in=case_ids, service__purpose=purpose, channel=Channel.SMS
    )
    dispatch(at, attempt_ids=list(attempts.values_list("pk", flat=True)))
    record_receipts(
        "sms_gateway",
        [
            {
                "receipt_id": f"r-{a.pk}",
                "message_id": a.provider_id,
                "reference": str(a.pk),
                "status": "delivered",
                "at": at.isoformat(),
            }
            for a in attempts.exclude(provider_id="")
        ],
    )


@pytest.fixture
def served_series(
    file_series: Callable[..., list[Case]], clerk: User, gateway: Any
) -> Callable[..., list[Case]]:
    """`served_series(n, guarantor=False, served_at=None, **case_fields)`: n SERVED cases.

    Filed today (the hearing booked at filing), the filing packet served on every party by SMS
    delivered at `served_at` (default now).
    """

    def make(
        n: int = 3, *, guarantor: bool = False, served_at: datetime | None = None, **fields: Any
    ) -> list[Case]:
        cases = file_series(n, guarantor=guarantor, **fields)
        serve_by_sms([c.pk for c in cases], clerk, at=served_at)
        for c in cases:
            c.refresh_from_db()
            assert c.state == State.SERVED, (c.case_number, c.state)
        return cases

    return make


@pytest.fixture
def deliver_sms(gateway: Any, clerk: User) -> Callable[..., None]:
    """`deliver_sms(case_ids, at=None, purpose="filing")`: serve by SMS as `serve_by_sms` does."""

    def deliver(
        case_ids: list[int], *, at: datetime | None = None, purpose: str = "filing"
    ) -> None:
        serve_by_sms(case_ids, clerk, at=at, purpose=purpose)

    return deliver
