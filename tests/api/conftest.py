"""A bank's system and what it reads through the API: tokens, a filed and served case with its
signed documents, a mediation instalment plan and an open enforcement case.

Filing, documents, service and mediation go through the real actions (`docket.actions`,
`docket.paperwork`, `service.actions`, `mediation.actions`); the enforcement case is built
directly, as in tests/enforcement (its filing is not what these tests are about).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, Party, Series
from jiefen.cases.states import State


@pytest.fixture
def issue_token(db: Any) -> Callable[[Organisation], str]:
    """The raw API token of a new token of `institution` (what `jiefen api_token create` prints)."""
    from jiefen.accounts.tokens import issue

    def make(institution: Organisation) -> str:
        return issue(institution, "信贷核心系统", by=None)[1]

    return make


@pytest.fixture
def token(issue_token: Callable[[Organisation], str], bank: Organisation) -> str:
    return issue_token(bank)


@pytest.fixture
def other_token(issue_token: Callable[[Organisation], str], other_bank: Organisation) -> str:
    return issue_token(other_bank)


@pytest.fixture
def clerk(court: Organisation, make_user: Callable[..., User]) -> User:
    make_user(Role.JUDGE, court, full_name="王法官")
    return make_user(Role.CLERK, court, full_name="李书记员")


@pytest.fixture
def filed_case(
    make_case: Callable[..., Case], make_party: Callable[..., Party], clerk: User, series: Series
) -> Case:
    """A case filed by the clerk (number, fee, judge) with its signed filing documents; the
    borrower gave a mobile number and agreed to electronic service."""
    from jiefen.docket.actions import file_cases
    from jiefen.docket.paperwork import document_cases

    party = make_party(name="张三")
    Contact.objects.create(
        party=party,
        kind=ContactKind.MOBILE,
        value="13800138000",
        source=ContactSource.CONTRACT,
        confirmed=True,
        e_service_consent=True,
    )
    case = make_case(defendant=party, series=series, state=State.AWAITING_FILING)
    file_cases([case.pk], by=clerk, filed_on=timezone.localdate())
    document_cases([case.pk], by=clerk)
    case.refresh_from_db()
    assert case.state == State.FILED and case.case_number
    return case


@pytest.fixture
def served_case(filed_case: Case, clerk: User, series: Series, gateway: Any) -> Case:
    """The filed case served by SMS: the gateway (a real local server) reported delivery."""
    from jiefen.service.actions import record_receipts, run_service_job, start_service
    from jiefen.service.models import Channel, ServiceAttempt

    run_service_job(start_service(by=clerk, series=series, run_now=True).pk)
    sms = ServiceAttempt.objects.get(service__case=filed_case, channel=Channel.SMS)
    record_receipts(
        "sms_gateway", [{"receipt_id": "r-api", "reference": str(sms.pk), "status": "delivered"}]
    )
    filed_case.refresh_from_db()
    return filed_case


@pytest.fixture
def instalment_case(
    make_case: Callable[..., Case],
    series: Series,
    mediation_org: Organisation,
    make_user: Callable[..., User],
    agent: User,
    gateway: Any,
) -> Case:
    """A mediated case whose borrower accepted the claim: an instalment plan to pay into."""
    from jiefen.mediation import actions
    from jiefen.mediation.models import MediationCase

    make_user(Role.MEDIATOR, mediation_org, full_name="调解员甲")
    case = make_case(series=series, state=State.SCREENING, claim_total=Decimal("46234.56"))
    Contact.objects.create(
        party=case.defendants[0].party,
        kind=ContactKind.MOBILE,
        value="13900139000",
        source=ContactSource.INSTITUTION,
    )
    actions.open_mediation([case.pk], mediation_org, by=None)
    med = MediationCase.objects.select_related("case").get(case=case)
    actions.borrower_accept(med)
    med.refresh_from_db()
    code = actions.issue_code(med, "sign")
    actions.sign_as_borrower(med.agreement, code=code, ip=None)
    actions.sign_many([med.agreement.pk], by=agent, ip=None)
    actions.sign_many([med.agreement.pk], by=med.case.mediator, ip=None)  # type: ignore[arg-type]
    case.refresh_from_db()
    return case


@pytest.fixture
def open_enforcement(make_case: Callable[..., Case], court: Organisation, make_user: Any) -> Any:
    """An open enforcement case (执) of the bank's effective judgment (debt 11,600.00)."""
    from jiefen.enforcement.models import Enforcement, TitleKind

    officer = make_user(Role.ENFORCEMENT_OFFICER, court, full_name="王执行")
    case = make_case(
        state=State.IN_ENFORCEMENT,
        enforcement_officer=officer,
        case_number="（2025）渝0105民初7001号",
    )
    D = Decimal
    return Enforcement.objects.create(
        case=case,
        number="（2026）渝0105执1号",
        title_kind=TitleKind.JUDGMENT,
        title_reference="（2025）渝0105民初7001号民事判决书",
        filed_on=date(2026, 1, 15),
        officer=officer,
        costs=D("500.00"),
        interest=D("1000.00"),
        principal=D("10000.00"),
        other=D("100.00"),
        delay_from=date(2026, 1, 10),
        applied_total=D("11600.00"),
        execution_fee=D("74.00"),
        debt_outstanding=D("11600.00"),
    )
