"""A heard series with its element record: the starting point of every decision test.

`make_heard_case(...)` builds one case as it stands after an element-style hearing: filed
(case number, procedure, fee, judge and clerk), heard in the series' half-day session
(`Hearing` held; `default=True` when the defendants stayed away although summoned), with one
`Finding` per complaint element. Undisputed elements are confirmed as claimed; `disputed`
gives the judge's finding on the elements the defendant objected to (with a submitted answer
item saying so). The state is built directly (it is the fixture's starting point, not what is
under test); everything after it — computation, drafting, signing, pronouncement, effect —
goes through the public actions.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.elements import complaint_elements
from jiefen.cases.models import (
    Case,
    CaseParty,
    CaseType,
    Contact,
    ContactKind,
    ContactSource,
    Party,
    PartyRole,
    Procedure,
    Series,
)
from jiefen.cases.states import State
from jiefen.hearings.models import (
    Answer,
    AnswerItem,
    AnswerPosition,
    Courtroom,
    Finding,
    Hearing,
    HearingSession,
    HearingState,
    Period,
    SessionState,
)

CONFIRMED = "对原告主张的该项事实予以确认"
HEARD_ON = date(2025, 8, 20)
FILED_ON = date(2025, 7, 10)
AMOUNT_KEYS: dict[str, tuple[str, ...]] = {
    "principal": ("principal",),
    "interest": ("interest", "penalty_interest", "compound_interest", "fees", "liquidated_damages"),
    "enforcement_costs": ("lawyer_fees",),
}
_numbers = itertools.count(1001)


@pytest.fixture
def judge(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.JUDGE, court, full_name="王明")


@pytest.fixture
def clerk(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.CLERK, court, full_name="李静")


@pytest.fixture
def other_judge(court: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(Role.JUDGE, court, full_name="赵刚")


@pytest.fixture
def claimant(bank: Organisation) -> Organisation:
    """The bank with the details a judgment prints for the claimant."""
    bank.address = "重庆市渝中区民族路188号"
    bank.legal_representative = "陈建国"
    bank.representative_title = "负责人"
    bank.save()
    return bank


@pytest.fixture
def card_series(court: Organisation, bank: Organisation) -> Series:
    return Series.objects.create(
        institution=bank, court=court, case_type=CaseType.CREDIT_CARD, product="信用卡"
    )


def _session(court: Organisation, judge: User, clerk: User, series: Series) -> HearingSession:
    room, _ = Courtroom.objects.get_or_create(court=court, name="第三法庭")
    starts = timezone.make_aware(datetime(HEARD_ON.year, HEARD_ON.month, HEARD_ON.day, 9, 0))
    session, _ = HearingSession.objects.get_or_create(
        judge=judge,
        day=HEARD_ON,
        period=Period.MORNING,
        defaults={
            "court": court,
            "courtroom": room,
            "clerk": clerk,
            "series": series,
            "starts_at": starts,
            "minutes_per_case": 6,
            "capacity": 30,
            "state": SessionState.HELD,
        },
    )
    return session


def loan_elements(**overrides: Any) -> dict[str, Any]:
    """A consumer loan at 6% a year, penalty ×1.5, overdue since 2024-12-31."""
    e: dict[str, Any] = {
        "contract": {
            "name": "个人消费借款合同",
            "number": "GRXF-2023-0315",
            "signed_on": "2023-03-15",
        },
        "loan_amount": {"agreed": "50000.00", "disbursed": "50000.00"},
        "term": {"start": "2023-03-15", "end": "2026-03-15"},
        "rates": {
            "annual_rate_percent": "6",
            "penalty_multiplier": "1.5",
            "compound": True,
            "basis": "360",
        },
        "disbursed_on": "2023-03-15",
        "repayment_method": "equal_instalments",
        "repaid": {"principal": "5000.00", "interest": "2000.00", "interest_paid_to": ""},
        "overdue_since": "2024-12-31",
        "acceleration": "accelerate",
        "until_paid": True,
        "claims_costs": True,
        "guarantees": [],
        "evidence": ["借款合同", "借款借据", "还款明细"],
    }
    e.update(overrides)
    return e


def card_elements(**overrides: Any) -> dict[str, Any]:
    e: dict[str, Any] = {
        "contract": {
            "name": "信用卡领用合约",
            "number": "6225880212345678",
            "signed_on": "2022-05-10",
        },
        "card": {
            "number": "6225880212345678",
            "holder": "",
            "issued_on": "2022-05-10",
            "issuing_branch": "长江银行股份有限公司重庆分行",
            "credit_limit": "50000.00",
        },
        "rates": {"daily_rate_percent": "0.05", "basis": "360"},
        "terms_explained": {"done": True, "how": "领用合约以加粗字体提示"},
        "overdue_since": "2025-01-05",
        "collection": [{"on": "2025-03-01", "channel": "短信"}],
        "until_paid": False,
        "claims_costs": True,
        "evidence": ["信用卡申请表", "领用合约", "交易明细"],
    }
    e.update(overrides)
    return e


@pytest.fixture
def make_heard_case(
    court: Organisation,
    claimant: Organisation,
    series: Series,
    card_series: Series,
    judge: User,
    clerk: User,
    make_party: Callable[..., Party],
) -> Callable[..., Case]:
    """One heard case of the loan (or card) series; see the module docstring.

    `amounts` by claim component (defaults: principal 45,000, interest 1,234.56); `guarantors`
    [{"name", "kind", "limit"}] become guarantor parties and `elements["guarantees"]`;
    `disputed` maps an element key to {"text", "reasoning", "amounts", "reason"} (reason: the
    defendant's objection); `confirmed=False` leaves the disputed findings open.
    """

    def make(
        *,
        name: str = "张三",
        case_type: str = CaseType.FINANCIAL_LOAN,
        procedure: str = Procedure.SUMMARY,
        amounts: Mapping[str, Decimal | str] | None = None,
        elements: Mapping[str, Any] | None = None,
        guarantors: list[dict[str, Any]] | None = None,
        default: bool = False,
        disputed: Mapping[str, Mapping[str, Any]] | None = None,
        confirmed: bool = True,
        judge_user: User | None = None,
        **fields: Any,
    ) -> Case:
        claimed = {
            "principal": Decimal("45000.00"),
            "interest": Decimal("1234.56"),
            **{k: Decimal(str(v)) for k, v in (amounts or {}).items()},
        }
        total = sum(claimed.values(), Decimal("0"))
        loan = case_type == CaseType.FINANCIAL_LOAN
        facts = (loan_elements if loan else card_elements)(**dict(elements or {}))
        guarantor_rows = list(guarantors or [])
        facts["guarantees"] = [
            {
                "name": g["name"],
                "kind": g.get("kind", ""),
                "limit": str(g.get("limit") or ""),
                "signed_on": g.get("signed_on", "2023-03-15"),
            }
            for g in guarantor_rows
        ]
        number = next(_numbers)
        who = judge_user or judge
        case = Case.objects.create(
            case_type=case_type,
            state=State.HEARD,
            institution=claimant,
            court=court,
            series=series if loan else card_series,
            contract_number=f"JK-{number:06d}",
            product=series.product if loan else card_series.product,
            cut_off_date=date(2025, 6, 30),
            claim_total=total,
            elements=facts,
            case_number=f"（2025）渝0105民初{number}号",
            procedure=procedure,
            filed_on=FILED_ON,
            judge=who,
            clerk=clerk,
            **{k: v for k, v in claimed.items()},
            **fields,
        )
        borrower = make_party(name=name)
        borrower.sex, borrower.ethnicity = "男", "汉族"
        borrower.birth_date = date(1990, 1, 1)
        borrower.save()
        Contact.objects.create(
            party=borrower,
            kind=ContactKind.MOBILE,
            value="13800138000",
            source=ContactSource.CONTRACT,
            confirmed=True,
            e_service_consent=True,
        )
        CaseParty.objects.create(case=case, party=borrower, role=PartyRole.DEFENDANT)
        for i, g in enumerate(guarantor_rows, start=2):
            party = make_party(name=g["name"])
            CaseParty.objects.create(case=case, party=party, role=PartyRole.GUARANTOR, position=i)
        session = _session(court, who, clerk, series if loan else card_series)
        position = Hearing.objects.filter(session=session).count() + 1
        starts = session.starts_at + timedelta(minutes=6 * (position - 1))
        parties = list(case.case_parties.values_list("party_id", flat=True))
        Hearing.objects.create(
            case=case,
            session=session,
            position=position,
            starts_at=starts,
            state=HearingState.HELD,
            summons_for=f"filing:{case.pk}",
            claimant_present=True,
            absent_party_ids=parties if default else [],
            default=default,
            held_at=starts,
        )
        _record(case, borrower, disputed or {}, confirmed=confirmed, by=who)
        return case

    return make


def _record(
    case: Case,
    borrower: Party,
    disputed: Mapping[str, Mapping[str, Any]],
    *,
    confirmed: bool,
    by: User,
) -> None:
    """The element table as the judge leaves it: undisputed confirmed as claimed."""
    now = datetime(HEARD_ON.year, HEARD_ON.month, HEARD_ON.day, 2, 0, tzinfo=UTC)
    if disputed:
        answer = Answer.objects.create(
            case=case, party=borrower, submitted_by=None, submitted_at=now
        )
        AnswerItem.objects.bulk_create(
            AnswerItem(
                answer=answer,
                key=key,
                position=AnswerPosition.OBJECTION,
                reason=str(spec.get("reason", "对原告主张的金额有异议")),
            )
            for key, spec in disputed.items()
        )
    rows = []
    for row in complaint_elements(case):
        spec = disputed.get(row.key)
        claimed = {c: f"{getattr(case, c):.2f}" for c in AMOUNT_KEYS.get(row.key, ())}
        if row.key == "enforcement_costs":
            claimed["lawyer_fees_allowed"] = "true" if case.lawyer_fees > 0 else "false"
        if spec is None:
            rows.append(
                Finding(
                    case=case,
                    key=row.key,
                    label=row.label,
                    section=row.section,
                    claim_text=row.text,
                    answer_text="被告未提交答辩状" if not disputed else "被告：无异议",
                    text=CONFIRMED,
                    amounts=claimed,
                    confirmed=True,
                    found_by=by,
                    found_at=now,
                )
            )
            continue
        found = {**claimed, **{k: str(v) for k, v in dict(spec.get("amounts") or {}).items()}}
        rows.append(
            Finding(
                case=case,
                key=row.key,
                label=row.label,
                section=row.section,
                claim_text=row.text,
                answer_text=f"被告{borrower.name}：有异议。理由：{spec.get('reason', '对原告主张的金额有异议')}",
                disputed=True,
                text=str(spec.get("text", "")) if confirmed else "",
                reasoning=str(spec.get("reasoning", "")) if confirmed else "",
                amounts=found if confirmed else {},
                evidence=list(spec.get("evidence") or []),
                confirmed=confirmed,
                found_by=by if confirmed else None,
                found_at=now if confirmed else None,
            )
        )
    Finding.objects.bulk_create(rows)


@pytest.fixture
def heard_series(make_heard_case: Callable[..., Case], series: Series) -> list[Case]:
    """Three heard loan cases of one series: one by default, one with a disputed interest
    element the judge reduced, one plain."""
    return [
        make_heard_case(name="张三", default=True),
        make_heard_case(
            name="李四",
            amounts={"interest": "2000.00", "penalty_interest": "500.00"},
            disputed={
                "interest": {
                    "reason": "已偿还部分利息，原告未予扣除",
                    "text": "被告已于2025年5月10日偿还利息500元，原告未予扣除，本院认定欠付利息1,500.00元、罚息500.00元",
                    "reasoning": "被告提交的还款凭证真实，原告对此无异议，本院予以采信。",
                    "amounts": {"interest": "1500.00", "penalty_interest": "500.00"},
                }
            },
        ),
        make_heard_case(name="王五"),
    ]
