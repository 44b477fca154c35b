"""contact_index: one blind index for the spellings of one contact; every contact-writing path
fills Contact.value_index (the ORM, the intake bulk writer)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, User
from jiefen.cases.models import Contact, ContactKind, ContactSource, Party
from jiefen.intake.actions import create_batch, process_batch
from jiefen.intake.generator import generate_rows, render
from jiefen.privacy import blind_index, contact_index


@pytest.mark.parametrize(
    ("kind", "spellings"),
    [
        ("mobile", ["13800001234", "+86 138 0000 1234", "0086-138-0000-1234", "138 0000 1234"]),
        ("email", ["Zhang.San@Example.COM", " zhang.san@example.com "]),
        (
            "address",
            [
                "重庆市江北区建新北路12号3-5",
                "重庆市江北区 建新北路１２号３－５",
                "重庆市江北区建新北路12号3—5。",
                "重庆市,江北区,建新北路12号(3-5)",
            ],
        ),
    ],
)
def test_spellings_of_one_contact_share_an_index(kind: str, spellings: list[str]) -> None:
    indexes = {contact_index(kind, s) for s in spellings}
    assert len(indexes) == 1
    assert len(indexes.pop()) == 64  # an HMAC-SHA256, hex


def test_different_values_and_kinds_differ() -> None:
    assert contact_index("mobile", "13800001234") != contact_index("mobile", "13800001235")
    assert contact_index("address", "江北区12号") != contact_index("address", "江北区13号")
    # a number written as an address is not that phone: the kind is part of the hashed text
    assert contact_index("address", "13800001234") != contact_index("mobile", "13800001234")
    # 86 is a prefix only before an 11-digit number
    assert contact_index("mobile", "8613800001234") == contact_index("mobile", "13800001234")
    assert contact_index("mobile", "861380000123") != contact_index("mobile", "1380000123")
    # keyed like the ID index: not a plain hash of the text
    assert contact_index("mobile", "13800001234") != blind_index("13800001234")
    assert contact_index("mobile", "") == "" == contact_index("address", " 。 ")


def test_saving_a_contact_fills_its_index(make_party: Callable[..., Party]) -> None:
    party = make_party(address=None)
    contact = Contact.objects.create(
        party=party, kind=ContactKind.MOBILE, value="+8613900001111", source=ContactSource.PARTY
    )
    assert contact.value_index == contact_index("mobile", "13900001111")
    contact.value = "13900002222"
    contact.save()
    assert Contact.objects.get(pk=contact.pk).value_index == contact_index("mobile", "13900002222")


def test_the_intake_bulk_writer_fills_the_index(
    court: Organisation, bank: Organisation, agent: User, tmp_path: Any, settings: Any
) -> None:
    settings.JIEFEN_VAR_DIR = tmp_path
    rows = generate_rows("financial_loan", 6, seed=7)[0]
    batch, _ = create_batch(bank, court, render(rows, "financial_loan"), "b.csv", by=agent)
    process_batch(batch.pk)
    contacts = list(Contact.objects.all())
    assert len(contacts) >= 12  # each borrower's mobile and address at least
    for c in contacts:
        assert c.value_index == contact_index(c.kind, c.value), (c.kind, c.value)
    mobiles = {r["borrower_mobile"] for r in rows}
    stored = set(
        Contact.objects.filter(
            kind="mobile", value_index__in=[contact_index("mobile", m) for m in mobiles]
        ).values_list("value_index", flat=True)
    )
    assert len(stored) == len(mobiles)
