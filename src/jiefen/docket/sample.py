"""Generated cases for the benchmark and for the demo when no earlier stage supplied any.

Set-based: parties, contacts, cases and case-party links are each one bulk INSERT. Figures are
drawn so that the series mixes small claims, summary and (a few unreachable defendants) ordinary
procedure.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from faker import Faker

from jiefen.accounts.models import Organisation
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
    Series,
)
from jiefen.cases.states import State
from jiefen.law.identifiers import make_resident_id
from jiefen.privacy import blind_index


def make_series(
    court: Organisation,
    institution: Organisation,
    n: int,
    *,
    product: str = "个人消费贷款",
    state: str = State.AWAITING_FILING,
    seed: int = 6,
    unreachable_every: int = 25,
) -> Series:
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    series, _ = Series.objects.get_or_create(
        institution=institution, court=court, case_type=CaseType.FINANCIAL_LOAN, product=product
    )
    start = Case.objects.filter(institution=institution).count()
    with transaction.atomic():
        parties = []
        for i in range(n):
            birth = date(1965, 1, 1) + timedelta(days=rnd.randrange(0, 12000))
            number = make_resident_id("500105", birth, (start + i) % 999 + 1)
            # Keep the blind index unique even if the generator repeats a number.
            index = blind_index(f"{number}#{seed}#{start + i}")
            parties.append(
                Party(
                    kind=PartyKind.NATURAL_PERSON,
                    name=fake.name(),
                    id_type=IdType.RESIDENT_ID,
                    id_number=number,
                    id_index=index,
                    sex=rnd.choice(["男", "女"]),
                    birth_date=birth,
                    ethnicity="汉族",
                    domicile=fake.address()[:-7],
                )
            )
        parties = Party.objects.bulk_create(parties, batch_size=500)
        contacts = [
            Contact(
                party=p,
                kind=ContactKind.MOBILE,
                value=fake.phone_number(),
                source=ContactSource.CONTRACT,
                confirmed=bool(i % unreachable_every),
                e_service_consent=True,
            )
            for i, p in enumerate(parties)
        ]
        Contact.objects.bulk_create(contacts, batch_size=500)
        cases = []
        for i, _p in enumerate(parties):
            principal = Decimal(rnd.choice([6000, 18000, 32000, 45000, 60000, 90000, 150000]))
            interest = (principal * Decimal(rnd.randrange(2, 15)) / 100).quantize(Decimal("0.01"))
            penalty = (interest / 5).quantize(Decimal("0.01"))
            signed = date(2022, 1, 1) + timedelta(days=rnd.randrange(0, 700))
            cases.append(
                Case(
                    case_type=CaseType.FINANCIAL_LOAN,
                    state=state,
                    institution=institution,
                    court=court,
                    series=series,
                    contract_number=f"JF{seed:02d}-{start + i:07d}",
                    product=product,
                    cut_off_date=date(2025, 6, 30),
                    principal=principal,
                    interest=interest,
                    penalty_interest=penalty,
                    claim_total=principal + interest + penalty,
                    unreachable=not bool(i % unreachable_every),
                    elements={
                        "contract": {
                            "name": "个人消费借款合同",
                            "number": f"JF{seed:02d}-{start + i:07d}",
                            "signed_on": signed.isoformat(),
                            "place": "重庆市江北区",
                        },
                        "loan_amount": {"agreed": str(principal), "disbursed": str(principal)},
                        "term": {
                            "start": signed.isoformat(),
                            "end": (signed + timedelta(days=730)).isoformat(),
                        },
                        "rates": {
                            "annual_rate_percent": "12.6",
                            "penalty_multiplier": "1.5",
                            "compound": True,
                        },
                        "disbursed_on": signed.isoformat(),
                        "repayment_method": "equal_instalments",
                        "overdue_since": (signed + timedelta(days=400)).isoformat(),
                        "acceleration": "accelerate",
                        "claims_costs": True,
                        "until_paid": True,
                        "evidence": ["借款合同", "放款凭证", "还款明细"],
                    },
                )
            )
        cases = Case.objects.bulk_create(cases, batch_size=500)
        CaseParty.objects.bulk_create(
            [
                CaseParty(case=c, party=p, role=PartyRole.DEFENDANT)
                for c, p in zip(cases, parties, strict=True)
            ],
            batch_size=500,
        )
    return series
