"""Fixtures for mediation: an SMS gateway simulator on a free port, mediators, screened cases."""

from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, Series
from jiefen.cases.states import State
from jiefen.notifications.gateway import GatewayServer, start_in_thread


@pytest.fixture(scope="session")
def sms_gateway() -> Iterator[GatewayServer]:
    server = start_in_thread(0)
    yield server
    server.shutdown()


@pytest.fixture(autouse=True)
def _gateway_env(
    sms_gateway: GatewayServer, monkeypatch: pytest.MonkeyPatch, tmp_path: Any, settings: Any
) -> None:
    monkeypatch.setenv("JIEFEN_SMS_GATEWAY_URL", sms_gateway.url)
    settings.JIEFEN_VAR_DIR = tmp_path
    # Test users need no slow password hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    sms_gateway.inbox.clear()


@pytest.fixture
def last_sms(sms_gateway: GatewayServer) -> Callable[[str], str]:
    def latest(to: str) -> str:
        found = sms_gateway.inbox.query(to, 1)
        assert found, f"no SMS to {to}"
        return str(found[0]["text"])

    return latest


@pytest.fixture
def mediators(mediation_org: Organisation, make_user: Callable[..., User]) -> list[User]:
    return [make_user(Role.MEDIATOR, mediation_org, full_name=f"调解员{i}") for i in range(1, 4)]


_phones = iter(range(13800000000, 13899999999))


@pytest.fixture
def screened_case(make_case: Callable[..., Case], series: Series) -> Callable[..., Case]:
    """A case in `screening` whose borrower has a mobile number (returned as case.phone)."""

    def make(**fields: Any) -> Case:
        fields.setdefault("state", State.SCREENING)
        fields.setdefault("series", series)
        fields.setdefault("penalty_interest", Decimal("800.00"))
        fields.setdefault("compound_interest", Decimal("65.44"))
        fields.setdefault("claim_total", Decimal("47100.00"))
        case = make_case(**fields)
        phone = str(next(_phones))
        Contact.objects.create(
            party=case.defendants[0].party,
            kind=ContactKind.MOBILE,
            value=phone,
            source=ContactSource.INSTITUTION,
        )
        case.phone = phone  # type: ignore[attr-defined]
        return case

    return make
