"""Test data builders for the statistics tests (metrics, dashboards, white paper).

Every builder writes the rows a stage leaves behind, directly (the state is the test's starting
point, not what is under test), with the dates given — so the expected figures of a test can be
worked out by hand from the test itself. Nothing here goes through the actions, and no builder
reads the clock: every date is an argument.

Times: a `when` argument is a `date` (then 10:00 Beijing time that day) or an aware `datetime`
(use `local(day, hour, minute)` for a Beijing wall-clock time, e.g. `local("2026-11-30", 23, 30)`
is still November although it is 15:30 UTC). Dates may be given as ISO strings.

Organisations and people (get-or-create by code or username, so tests may call them freely):
    court_org(code="渝0105", name="重庆市江北区人民法院")
    institution_org(code="BANK01", name="长江银行股份有限公司重庆分行")
    mediation_org_for(court, code="MED01")
    person(role, organisation, full_name)            -> User (username derived from the name)

A case and what happened to it:
    case(court, institution, created=, filed_on=None, judge=None, mediator=None,
         case_type=CaseType.FINANCIAL_LOAN, claim_total="10000.00", state=None) -> Case
    events(case, ("open_mediation", "2026-01-05"), ("fail_mediation", local(...)), ...)
        CaseEvent rows (from/to states taken from the transition table); the case's `state`
        becomes the last event's target (pass set_state=False to keep it).
    mediation(case, organisation, opened_on=, outcome=Outcome.PENDING, agreed_on=None,
              closed_on=None) -> MediationCase
    plan(mediation, due_dates=[...], total="3000.00", status=PlanStatus.ACTIVE) -> InstalmentPlan
        (equal instalments; `payment(plan, "1000.00", paid_on=)` records a repayment)
    attempt(case, Channel.SMS, sent=when | None, effective=False, served_on=None,
            published_on=None, state=None) -> ServiceAttempt   (one filing-packet Service per case)
    judgment(case, pronounced_on=, kind=DecisionKind.JUDGMENT, state=DecisionState.EFFECTIVE,
             default=False, awarded_total="9000.00", effective_on=None,
             performance_ends=None) -> Judgment
    application(case, performance_ends=, submitted_on=None) -> Application (submitted if a date)
    enforcement(case, officer, filed_on=, receipts=[("2026-03-01", "500.00"), ...]) -> Enforcement

Whole paths, for dashboards and the white paper that need a realistic mix quickly:
    litigated_case(court, institution, judge, created=, filed_on=, served=, heard=, pronounced=,
                   effective=None, default=False, claim_total=, awarded_total=) -> Case
        (events create→file→serve→schedule_hearing→hold_hearing→pronounce_judgment
        [→take_effect], a judgment pronounced that day, effective and with a performance period
        ending 15 days after `effective` when given)
    mediated_case(court, institution, mediator, created=, opened=, agreed=None, failed=None)
        (screen→open_mediation→sign_agreement or fail_mediation, with its MediationCase)
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from jiefen.accounts.models import (
    InstitutionKind,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from jiefen.cases.models import (
    Case,
    CaseEvent,
    CaseParty,
    CaseType,
    IdType,
    Party,
    PartyKind,
    PartyRole,
)
from jiefen.cases.states import BY_NAME, State
from jiefen.documents.models import StoredDocument
from jiefen.enforcement.models import (
    Application,
    ApplicationState,
    Enforcement,
    Receipt,
    ReceiptSource,
    TitleKind,
)
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.mediation.models import (
    Instalment,
    InstalmentPlan,
    MediationCase,
    Offer,
    OfferFrom,
    OfferStatus,
    Outcome,
    Payment,
    PlanStatus,
)
from jiefen.privacy import blind_index
from jiefen.service.models import AttemptState, Service, ServiceAttempt

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = Decimal

DateLike = date | str
When = date | datetime | str

_seq = itertools.count(1)


def day(value: DateLike) -> date:
    """A date from a date or an ISO string."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def local(value: DateLike, hour: int = 10, minute: int = 0) -> datetime:
    """An aware datetime at a Beijing wall-clock time on that day."""
    return datetime.combine(day(value), time(hour, minute), tzinfo=SHANGHAI)


def moment(when: When) -> datetime:
    """A `When` as an aware datetime (a bare date means 10:00 Beijing time)."""
    if isinstance(when, datetime):
        if when.tzinfo is None:
            raise ValueError("pass an aware datetime (use local())")
        return when
    return local(when)


# --- organisations and people ----------------------------------------------------------------


def court_org(code: str = "渝0105", name: str = "重庆市江北区人民法院") -> Organisation:
    court, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": OrganisationKind.COURT,
            "court_code": code,
            "province": "重庆",
        },
    )
    return court


def institution_org(
    code: str = "BANK01", name: str = "长江银行股份有限公司重庆分行"
) -> Organisation:
    bank, _ = Organisation.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "kind": OrganisationKind.INSTITUTION,
            "institution_kind": InstitutionKind.BANK,
        },
    )
    return bank


def mediation_org_for(
    court: Organisation, code: str = "MED01", name: str = "江北区金融纠纷人民调解委员会"
) -> Organisation:
    org, _ = Organisation.objects.get_or_create(
        code=code, defaults={"name": name, "kind": OrganisationKind.MEDIATION_ORG, "court": court}
    )
    return org


def person(role: Role, organisation: Organisation | None, full_name: str) -> User:
    """A staff user; the same role and name give the same user."""
    username = f"{role}_{hashlib.sha256(full_name.encode()).hexdigest()[:8]}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(
            username=username,
            password="test-pass-123",
            role=role,
            organisation=organisation,
            full_name=full_name,
        )
    return user


# --- a case and its events ---------------------------------------------------------------------


def _defendant(n: int) -> Party:
    number = f"5001051990{n:08d}"
    return Party.objects.create(
        kind=PartyKind.NATURAL_PERSON,
        name=f"借款人{n}",
        id_type=IdType.RESIDENT_ID,
        id_number=number,
        id_index=blind_index(number),
    )


def case(
    court: Organisation,
    institution: Organisation,
    *,
    created: When,
    filed_on: DateLike | None = None,
    judge: User | None = None,
    mediator: User | None = None,
    case_type: str = CaseType.FINANCIAL_LOAN,
    claim_total: str | Decimal = "10000.00",
    state: str | None = None,
) -> Case:
    """A case received at `created` (Case.created_at), with one defendant; a case number when filed."""
    n = next(_seq)
    filed = day(filed_on) if filed_on is not None else None
    made = Case.objects.create(
        case_type=case_type,
        state=state or (State.FILED if filed else State.RECEIVED),
        institution=institution,
        court=court,
        contract_number=f"ST-{n:06d}",
        product="个人消费贷款",
        cut_off_date=date(2025, 6, 30),
        principal=D(claim_total),
        claim_total=D(claim_total),
        filed_on=filed,
        case_number=f"（{filed.year}）渝0105民初{n}号" if filed else None,
        judge=judge,
        mediator=mediator,
    )
    Case.objects.filter(pk=made.pk).update(created_at=moment(created))
    made.refresh_from_db()
    CaseParty.objects.create(case=made, party=_defendant(n), role=PartyRole.DEFENDANT)
    return made


def events(target: Case, *moves: tuple[str, When], set_state: bool = True) -> list[CaseEvent]:
    """CaseEvent rows for the named transitions at the given times (in the order given); the
    case's state becomes the last move's target unless `set_state=False`."""
    made = []
    for name, when in moves:
        move = BY_NAME[name]
        event = CaseEvent.objects.create(
            case=target,
            transition=name,
            from_state=move.sources[0],
            to_state=move.target,
        )
        CaseEvent.objects.filter(pk=event.pk).update(at=moment(when))
        made.append(event)
    if made and set_state:
        last = BY_NAME[moves[-1][0]].target
        Case.objects.filter(pk=target.pk).update(state=last)
        target.state = last
    return made


# --- mediation ---------------------------------------------------------------------------------


def mediation(
    target: Case,
    organisation: Organisation,
    *,
    opened_on: DateLike,
    outcome: str = Outcome.PENDING,
    agreed_on: DateLike | None = None,
    closed_on: DateLike | None = None,
) -> MediationCase:
    opened = day(opened_on)
    return MediationCase.objects.create(
        case=target,
        organisation=organisation,
        portal_code=f"P{next(_seq):09d}",
        opened_on=opened,
        deadline=opened + timedelta(days=30),
        outcome=outcome,
        agreed_on=day(agreed_on) if agreed_on else None,
        closed_on=day(closed_on) if closed_on else None,
    )


def plan(
    med: MediationCase,
    *,
    due_dates: Sequence[DateLike],
    total: str | Decimal = "3000.00",
    status: str = PlanStatus.ACTIVE,
) -> InstalmentPlan:
    """An instalment plan of equal instalments due on `due_dates` (the last one takes the rest)."""
    dues = [day(d) for d in due_dates]
    amount = D(total)
    each = (amount / len(dues)).quantize(D("0.01"))
    offer = Offer.objects.create(
        mediation=med,
        made_by=OfferFrom.MEDIATOR,
        total=amount,
        instalments=len(dues),
        first_payment=each,
        first_due=dues[0],
        status=OfferStatus.ACCEPTED,
    )
    made = InstalmentPlan.objects.create(mediation=med, offer=offer, total=amount, status=status)
    Instalment.objects.bulk_create(
        Instalment(
            plan=made,
            number=i + 1,
            due_date=due,
            amount=each if i < len(dues) - 1 else amount - each * (len(dues) - 1),
        )
        for i, due in enumerate(dues)
    )
    return made


def payment(p: InstalmentPlan, amount: str | Decimal, *, paid_on: DateLike) -> Payment:
    return Payment.objects.create(
        plan=p,
        institution_id=p.mediation.case.institution_id,
        reference=f"PAY-{next(_seq):08d}",
        amount=D(amount),
        paid_on=day(paid_on),
    )


# --- service -----------------------------------------------------------------------------------


def _filing_service(target: Case) -> Service:
    existing = Service.objects.filter(case=target).first()
    if existing:
        return existing
    n = next(_seq)
    packet = StoredDocument.objects.create(
        case=target,
        kind="filing_packet",
        title="起诉材料",
        format="pdf",
        path=f"test/stats/packet-{n}.pdf",
        sha256="0" * 64,
        size=1,
    )
    return Service.objects.create(case=target, party=target.defendants[0].party, packet=packet)


def attempt(
    target: Case,
    channel: str,
    *,
    sent: When | None,
    effective: bool = False,
    served_on: DateLike | None = None,
    published_on: DateLike | None = None,
    state: str | None = None,
) -> ServiceAttempt:
    """One service attempt on the case's filing packet (served on its defendant)."""
    if state is None:
        state = AttemptState.SENT if sent is not None or published_on else AttemptState.QUEUED
    return ServiceAttempt.objects.create(
        service=_filing_service(target),
        channel=channel,
        state=state,
        address="13800000000",
        address_masked="138****0000",
        address_source="合同约定",
        sent_at=moment(sent) if sent is not None else None,
        published_on=day(published_on) if published_on else None,
        effective=effective,
        served_on=day(served_on) if served_on else None,
    )


# --- judgments and enforcement -----------------------------------------------------------------


def judgment(
    target: Case,
    *,
    pronounced_on: DateLike | None,
    kind: str = DecisionKind.JUDGMENT,
    state: str = DecisionState.EFFECTIVE,
    default: bool = False,
    awarded_total: str | Decimal | None = "9000.00",
    effective_on: DateLike | None = None,
    performance_ends: DateLike | None = None,
) -> Judgment:
    return Judgment.objects.create(
        case=target,
        kind=kind,
        state=state,
        default=default,
        awarded_total=D(awarded_total) if awarded_total is not None else None,
        pronounced_on=day(pronounced_on) if pronounced_on else None,
        effective_on=day(effective_on) if effective_on else None,
        performance_ends=day(performance_ends) if performance_ends else None,
        enforceable=state == DecisionState.EFFECTIVE,
    )


def application(
    target: Case, *, performance_ends: DateLike, submitted_on: DateLike | None = None
) -> Application:
    """An enforcement application: prepared, or submitted on `submitted_on`."""
    ends = day(performance_ends)
    return Application.objects.create(
        case=target,
        title_kind=TitleKind.JUDGMENT,
        title_reference=target.case_number or str(target),
        performance_ends=ends,
        application_deadline=ends + timedelta(days=730),
        amount=target.claim_total,
        state=ApplicationState.SUBMITTED if submitted_on else ApplicationState.PREPARED,
        prepared_on=ends + timedelta(days=1),
        submitted_on=day(submitted_on) if submitted_on else None,
    )


def enforcement(
    target: Case,
    officer: User,
    *,
    filed_on: DateLike,
    receipts: Iterable[tuple[DateLike, str | Decimal]] = (),
) -> Enforcement:
    """An enforcement case (执 number) with the receipts (到账日期, 金额) given."""
    filed = day(filed_on)
    made = Enforcement.objects.create(
        case=target,
        number=f"（{filed.year}）渝0105执{next(_seq)}号",
        title_kind=TitleKind.JUDGMENT,
        title_reference=target.case_number or str(target),
        filed_on=filed,
        officer=officer,
        delay_from=filed - timedelta(days=1),
    )
    for received_on, amount in receipts:
        Receipt.objects.create(
            enforcement=made,
            source=ReceiptSource.DEDUCTION,
            reference=f"R-{next(_seq):08d}",
            received_on=day(received_on),
            amount=D(amount),
        )
    return made


# --- whole paths -------------------------------------------------------------------------------


def litigated_case(
    court: Organisation,
    institution: Organisation,
    judge: User,
    *,
    created: When,
    filed_on: DateLike,
    served: When,
    heard: When,
    pronounced: When,
    effective: DateLike | None = None,
    default: bool = False,
    claim_total: str | Decimal = "10000.00",
    awarded_total: str | Decimal = "9000.00",
    **fields: Any,
) -> Case:
    """A case taken from receipt to a pronounced (and, with `effective`, effective) judgment."""
    c = case(
        court,
        institution,
        created=created,
        filed_on=filed_on,
        judge=judge,
        claim_total=claim_total,
        **fields,
    )
    moves: list[tuple[str, When]] = [
        ("file", filed_on),
        ("serve", served),
        ("schedule_hearing", served),
        ("hold_hearing", heard),
        ("pronounce_judgment", pronounced),
    ]
    if effective:
        moves.append(("take_effect", effective))
    events(c, *moves)
    pronounced_day = moment(pronounced).astimezone(SHANGHAI).date()
    judgment(
        c,
        pronounced_on=pronounced_day,
        state=DecisionState.EFFECTIVE if effective else DecisionState.PRONOUNCED,
        default=default,
        awarded_total=awarded_total,
        effective_on=effective,
        performance_ends=day(effective) + timedelta(days=15) if effective else None,
    )
    return c


def mediated_case(
    court: Organisation,
    institution: Organisation,
    mediator: User,
    *,
    created: When,
    opened: DateLike,
    agreed: DateLike | None = None,
    failed: DateLike | None = None,
    **fields: Any,
) -> Case:
    """A case sent to mediation on `opened` that agreed, failed or is still pending."""
    c = case(court, institution, created=created, mediator=mediator, **fields)
    moves: list[tuple[str, When]] = [("screen", created), ("open_mediation", opened)]
    if agreed:
        moves.append(("sign_agreement", agreed))
    elif failed:
        moves.append(("fail_mediation", failed))
    events(c, *moves)
    outcome = Outcome.AGREED if agreed else Outcome.TO_FILING if failed else Outcome.PENDING
    mediation(
        c,
        mediation_org_for(court),
        opened_on=opened,
        outcome=outcome,
        agreed_on=agreed,
        closed_on=failed,
    )
    return c
