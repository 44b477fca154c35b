"""Hearing-record test data: scheduled cases of one series in one session (H3's tests).

Rows are made directly (the scheduler is another helper's work): a courtroom, a half-day
session of the judge, one hearing per case, the case in HEARING_SCHEDULED, and, where asked,
the filing packet served on the defendant on a given day (what `summons_served` reads for a
hearing booked at filing).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Contact, ContactKind, ContactSource, Series
from jiefen.cases.states import State
from jiefen.documents.models import DocumentFormat, StoredDocument
from jiefen.hearings.models import (
    Answer,
    AnswerItem,
    Courtroom,
    Hearing,
    HearingSession,
)
from jiefen.service.models import Purpose, Service

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEARING_DAY = date(2025, 9, 16)
_numbers = itertools.count(100)


@dataclass
class Bench:
    judge: User
    clerk: User
    session: HearingSession


def bench(court: Organisation, make_user: Callable[..., User], series: Series | None) -> Bench:
    judge = make_user(Role.JUDGE, court, full_name="王审判")
    clerk = make_user(Role.CLERK, court, full_name="李书记")
    room = Courtroom.objects.create(court=court, name="第一法庭")
    starts = datetime(2025, 9, 16, 9, 0, tzinfo=SHANGHAI)
    session = HearingSession.objects.create(
        court=court,
        courtroom=room,
        judge=judge,
        clerk=clerk,
        series=series,
        day=HEARING_DAY,
        period="am",
        starts_at=starts,
        minutes_per_case=6,
        capacity=30,
    )
    return Bench(judge, clerk, session)


def scheduled_case(
    make_case: Callable[..., Case], b: Bench, series: Series | None, **fields: Any
) -> tuple[Case, Hearing]:
    n = next(_numbers)
    values: dict[str, Any] = {
        "state": State.HEARING_SCHEDULED,
        "case_number": f"（2025）渝0105民初{n}号",
        "judge": b.judge,
        "clerk": b.clerk,
        "series": series,
        "procedure": "summary",
        "penalty_interest": Decimal("300.00"),
        "compound_interest": Decimal("20.00"),
        "lawyer_fees": Decimal("2000.00"),
        "claim_total": Decimal("48554.56"),
    }
    values.update(fields)
    case = make_case(**values)
    position = b.session.hearings.count() + 1
    hearing = Hearing.objects.create(
        case=case,
        session=b.session,
        position=position,
        starts_at=b.session.starts_at + timedelta(minutes=6 * (position - 1)),
    )
    return case, hearing


def answer(case: Case, positions: dict[str, tuple[str, str]]) -> Answer:
    """The first defendant's submitted answer: key → (position, reason)."""
    party = case.defendants[0].party
    a = Answer.objects.create(case=case, party=party, submitted_at=datetime.now(SHANGHAI))
    for key, (position, reason) in positions.items():
        AnswerItem.objects.create(answer=a, key=key, position=position, reason=reason)
    return a


def serve_filing_packet(hearing: Hearing, served_on: date | None) -> Service:
    """The filing packet (with the summons for the hearing booked at filing) on the defendant."""
    case = hearing.case
    party = case.defendants[0].party
    n = next(_numbers)
    cover = StoredDocument.objects.create(
        case=case,
        kind="notice_to_respond",
        title="应诉通知书",
        format=DocumentFormat.PDF,
        recipient=party.name,
        recipient_role="defendant",
        party=party,
        path=f"test/{case.pk}/cover-{n}.pdf",
        sha256="0" * 64,
        size=1,
        signed=True,
    )
    occasion = f"hearing:{hearing.pk}"
    StoredDocument.objects.create(
        case=case,
        kind="summons",
        title="传票",
        format=DocumentFormat.PDF,
        recipient=party.name,
        recipient_role="defendant",
        party=party,
        path=f"test/{case.pk}/summons-{n}.pdf",
        sha256="0" * 64,
        size=1,
        signed=True,
        issued_for=occasion,
        packet=cover,
    )
    Hearing.objects.filter(pk=hearing.pk).update(summons_for=occasion)
    hearing.summons_for = occasion
    return Service.objects.create(
        case=case,
        party=party,
        packet=cover,
        purpose=Purpose.FILING,
        state=Service.State.SERVED if served_on else Service.State.IN_PROGRESS,
        served_on=served_on,
    )


def confirmed_mobile(case: Case, number: str = "13800138000") -> Contact:
    return Contact.objects.create(
        party=case.defendants[0].party,
        kind=ContactKind.MOBILE,
        value=number,
        source=ContactSource.PARTY,
        confirmed=True,
        e_service_consent=True,
    )
