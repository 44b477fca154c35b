"""Filed cases with their signed packets, ready to be served, and the wires service uses."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, Party
from jiefen.cases.states import State
from jiefen.docket.actions import file_cases
from jiefen.docket.paperwork import document_cases


@pytest.fixture
def clerk(court: Organisation, make_user: Callable[..., User]) -> User:
    make_user(Role.JUDGE, court, full_name="王法官")
    return make_user(Role.CLERK, court, full_name="李书记员")


def add_contact(
    party: Party,
    kind: str,
    value: str,
    *,
    confirmed: bool = False,
    consent: bool = False,
    source: str = ContactSource.CONTRACT,
) -> Contact:
    return Contact.objects.create(
        party=party,
        kind=kind,
        value=value,
        source=source,
        confirmed=confirmed,
        e_service_consent=consent,
    )


@pytest.fixture
def filed(
    make_case: Callable[..., Case], make_party: Callable[..., Party], clerk: User, series: Any
) -> Callable[..., Case]:
    """A filed case with its packets; the borrower's contacts as asked.

    `mobile`/`email`: the value or None; `confirmed`/`consent`: the bank's flags on them;
    `address`: the postal address (None: none); extra fields go to the case.
    """

    def make(
        *,
        name: str = "张三",
        id_number: str | None = None,
        mobile: str | None = "13800138000",
        email: str | None = None,
        confirmed: bool = True,
        consent: bool = True,
        address: str | None = "重庆市江北区建新北路一支路12号3单元5-2",
        **fields: Any,
    ) -> Case:
        party = make_party(name=name, id_number=id_number, address=address)
        if mobile:
            add_contact(party, ContactKind.MOBILE, mobile, confirmed=confirmed, consent=consent)
        if email:
            add_contact(party, ContactKind.EMAIL, email, confirmed=confirmed, consent=consent)
        fields.setdefault("state", State.AWAITING_FILING)
        case = make_case(defendant=party, series=series, **fields)
        file_cases([case.pk], by=clerk, filed_on=timezone.localdate())
        document_cases([case.pk], by=clerk)
        case.refresh_from_db()
        assert case.state == State.FILED
        return case

    return make


@pytest.fixture
def postal(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The postal (EMS) simulator; receipts are fed to jiefen by the test (no callback URL)."""
    from jiefen.notifications.post import start_in_thread

    server = start_in_thread(0, delay=0, return_rate=0)
    monkeypatch.setenv("JIEFEN_POSTAL_URL", server.url)
    monkeypatch.delenv("JIEFEN_POSTAL_RECEIPT_URL", raising=False)
    yield server
    server.shutdown()
