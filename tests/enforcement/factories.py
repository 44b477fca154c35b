"""Starting points of the enforcement tests: an effective judgment ready to enforce, officers,
and an enforcement filed through the real action.

`enforceable_case(court, bank, ...)` builds one case as it stands when its judgment has taken
effect and the performance period has passed unpaid: case EFFECTIVE, a `Judgment` (kind
judgment, state effective, enforceable) whose `computation["awarded"]` and `fee_defendants` are
what the title orders. The state is built directly (it is the fixture's starting point, not
what is under test); `open_enforcement(case, agent)` files it through
`jiefen.enforcement.actions.apply_for_title`, so later steps start from a real filing.

Amounts are round so expected figures can be worked by hand. Defaults: principal 50,000.00,
interest 2,000.00, acceptance fee borne by the defendant 525.00 → debt 52,525.00; the
performance period ends 2026-01-15 (a Thursday), filing on 2026-03-02 (a Monday).

Use as plain functions or through the fixtures (import them into the test module):
`from enforcement.factories import enf_officers, make_enforceable, make_open_enforcement`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import (
    Case,
    CaseParty,
    CaseType,
    IdType,
    Party,
    PartyKind,
    PartyRole,
    Procedure,
    Series,
)
from jiefen.cases.states import State
from jiefen.judgments.models import DecisionKind, DecisionState, Judgment
from jiefen.privacy import blind_index

if TYPE_CHECKING:
    from jiefen.enforcement.models import Enforcement

PERFORMANCE_ENDS = date(2026, 1, 15)
FILED_ON = date(2026, 3, 2)
SIGNED_AT = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)  # 10:00 Beijing time, 2025-12-01
ZERO = Decimal("0.00")

_officers = itertools.count(1)
_cases = itertools.count(1)
_ids = itertools.count(1)


def officers(court: Organisation, n: int = 2, *, names: Sequence[str] = ()) -> list[User]:
    """`n` new active enforcement officers (执行员) of `court`."""
    made = []
    for i in range(n):
        k = next(_officers)
        made.append(
            User.objects.create_user(
                username=f"enf_officer{k}",
                password="test-pass-123",
                role=Role.ENFORCEMENT_OFFICER,
                organisation=court,
                full_name=names[i] if i < len(names) else f"执行员{k}号",
            )
        )
    return made


def debtor(
    *,
    name: str = "张三",
    kind: str = PartyKind.NATURAL_PERSON,
    id_number: str | None = None,
    birth_date: date | None = date(1990, 1, 1),
    is_minor: bool = False,
    legal_representative: str = "",
    domicile: str = "重庆市江北区建新北路一支路12号3单元5-2",
) -> Party:
    """A debtor party. A natural person gets a unique 18-digit resident ID by default; an
    organisation (kind=PartyKind.ORGANISATION) a USCC-like number and no birth date."""
    organisation = kind == PartyKind.ORGANISATION
    if id_number is None:
        n = next(_ids)
        id_number = f"91500105MA{n:07d}X" if organisation else f"50010519900101{n:04d}"
    party = Party.objects.create(
        kind=kind,
        name=name,
        id_type=IdType.USCC if organisation else IdType.RESIDENT_ID,
        id_number=id_number,
        id_index=blind_index(id_number),
        birth_date=None if organisation else birth_date,
        is_minor=is_minor,
        legal_representative=legal_representative,
        domicile=domicile,
        sex="" if organisation else "男",
    )
    return party


def _series(court: Organisation, bank: Organisation) -> Series:
    series, _ = Series.objects.get_or_create(
        institution=bank, court=court, case_type=CaseType.FINANCIAL_LOAN, product="个人消费贷款"
    )
    return series


def _num(value: Decimal) -> float:
    # The stored computation holds 2-decimal numbers (law.judgment.JudgmentResult.as_json).
    return float(value)


def enforceable_case(
    court: Organisation,
    bank: Organisation,
    *,
    officer_count: int = 2,
    principal: Decimal | str = "50000.00",
    interest: Decimal | str = "2000.00",
    penalty_interest: Decimal | str = "0.00",
    compound_interest: Decimal | str = "0.00",
    fees: Decimal | str = "0.00",
    liquidated_damages: Decimal | str = "0.00",
    lawyer_fees: Decimal | str = "0.00",
    fee_defendants: Decimal | str = "525.00",
    performance_ends: date = PERFORMANCE_ENDS,
    debtor_kwargs: Mapping[str, Any] | None = None,
    guarantors: Sequence[tuple[str, str]] = (),
    kind: str = DecisionKind.JUDGMENT,
    series: Series | None = None,
    elements: Mapping[str, Any] | None = None,
    signed_at: datetime = SIGNED_AT,
) -> Case:
    """A case whose judgment took effect and whose performance period passed unpaid.

    `guarantors` are (name, liability) pairs, liability "joint" or "general" (民法典 Art. 687):
    each becomes a guarantor party and an entry of `computation["guarantors"]`. The court gets
    officers until it has at least `officer_count` active ones.
    """
    have = User.objects.filter(
        organisation=court, role=Role.ENFORCEMENT_OFFICER, is_active=True
    ).count()
    if have < officer_count:
        officers(court, officer_count - have)
    awarded = {
        "principal": Decimal(str(principal)),
        "interest": Decimal(str(interest)),
        "penalty_interest": Decimal(str(penalty_interest)),
        "compound_interest": Decimal(str(compound_interest)),
        "fees": Decimal(str(fees)),
        "liquidated_damages": Decimal(str(liquidated_damages)),
        "lawyer_fees": Decimal(str(lawyer_fees)),
    }
    total = sum(awarded.values(), ZERO)
    n = next(_cases)
    case = Case.objects.create(
        case_type=CaseType.FINANCIAL_LOAN,
        state=State.EFFECTIVE,
        institution=bank,
        court=court,
        series=series or _series(court, bank),
        contract_number=f"ENF-{n:06d}",
        product="个人消费贷款",
        cut_off_date=date(2025, 6, 30),
        claim_total=total,
        elements=dict(elements or {"until_paid": False}),
        case_number=f"（2025）渝0105民初{n + 5000}号",
        procedure=Procedure.SUMMARY,
        filed_on=date(2025, 7, 10),
        acceptance_fee=Decimal(str(fee_defendants)),
        **awarded,
    )
    person = debtor(**dict(debtor_kwargs or {}))
    CaseParty.objects.create(case=case, party=person, role=PartyRole.DEFENDANT)
    for i, (name, _liability) in enumerate(guarantors, start=2):
        CaseParty.objects.create(
            case=case, party=debtor(name=name), role=PartyRole.GUARANTOR, position=i
        )
    Judgment.objects.create(
        case=case,
        kind=kind,
        state=DecisionState.EFFECTIVE,
        computation={
            "claimed": {k: _num(v) for k, v in awarded.items()},
            "awarded": {k: _num(v) for k, v in awarded.items()},
            "claimed_total": _num(total),
            "awarded_total": _num(total),
            "acceptance_fee": _num(Decimal(str(fee_defendants))),
            "fee_plaintiff": 0.0,
            "fee_defendants": _num(Decimal(str(fee_defendants))),
            "performance_days": 10,
            "guarantors": [
                {"name": name, "liability": liability, "limit": None}
                for name, liability in guarantors
            ],
        },
        awarded_total=total,
        signed_at=signed_at,
        pronounced_on=signed_at.date(),
        effective_on=signed_at.date(),
        performance_ends=performance_ends,
        enforceable=True,
    )
    return case


def open_enforcement(case: Case, agent: User, *, on: date = FILED_ON) -> Enforcement:
    """File `case` for enforcement as its bank's agent would (apply_for_title), on `on`."""
    from jiefen.enforcement.actions import apply_for_title
    from jiefen.enforcement.models import Enforcement

    result = apply_for_title([case.pk], by=agent, on=on)
    assert result.filed, result.refused
    return Enforcement.objects.get(pk=result.filed[0])


# --- pytest fixtures (import them into the test module) ---


@pytest.fixture
def enf_officers(court: Organisation) -> list[User]:
    """Two enforcement officers of the court (created in pk order: 执行员 A then B)."""
    return officers(court, 2)


@pytest.fixture
def make_enforceable(
    court: Organisation, bank: Organisation, enf_officers: list[User]
) -> Callable[..., Case]:
    """`make_enforceable(**kwargs)`: `enforceable_case(court, bank, **kwargs)`."""

    def make(**kwargs: Any) -> Case:
        return enforceable_case(court, bank, **kwargs)

    return make


@pytest.fixture
def make_open_enforcement(
    make_enforceable: Callable[..., Case], agent: User
) -> Callable[..., Enforcement]:
    """`make_open_enforcement(on=FILED_ON, **case_kwargs)`: an enforceable case filed by the
    bank's agent through `apply_for_title`."""

    def make(*, on: date = FILED_ON, **kwargs: Any) -> Enforcement:
        return open_enforcement(make_enforceable(**kwargs), agent, on=on)

    return make
