"""Coercive measures: freeze capped at what is owed, deduction into receipts, seizure periods,
consumption restriction after the notice, the dishonest list, execution settlement."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from enforcement.factories import enf_officers, make_enforceable, make_open_enforcement
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import CaseEvent, PartyKind
from jiefen.cases.states import State
from jiefen.enforcement.actions import (
    collect_answers,
    deduct,
    freeze,
    list_dishonest,
    make_settlement,
    restrict_consumption,
    seize,
    settlement_sweep,
    start_inquiries,
)
from jiefen.enforcement.models import (
    Asset,
    Enforcement,
    EnforcementState,
    Measure,
    MeasureKind,
    Receipt,
    SettlementState,
)

__all__ = ["enf_officers", "make_enforceable", "make_open_enforcement"]

ON = date(2026, 3, 3)  # the day after filing (2026-03-02)
# Owed on ON: debt 52,525.00; doubled part on costs + principal 50,525.00 for the 47 days
# 2026-01-16 … 03-03 (16 + 28 + 3): 50,525 × 0.0175% × 47 = 415.568125 → 415.57;
# execution fee 687.88. Total 52,525.00 + 415.57 + 687.88 = 53,628.45.
OWED_ON = Decimal("53628.45")


def _assets(
    registry: Any, e: Enforcement, assets: list[dict[str, Any]], *, on: date = ON
) -> list[Asset]:
    party = e.case.case_parties.get().party
    registry.add_holders([{"id_number": party.id_number, "name": party.name, "assets": assets}])
    start_inquiries([e.pk], by=e.officer, on=on)
    collect_answers()
    return list(Asset.objects.filter(enforcement=e).order_by("pk"))


def _deposit(identifier: str, value: str) -> dict[str, Any]:
    return {"kind": "deposit", "registry": "长江银行", "identifier": identifier, "value": value}


def test_freeze_is_capped_at_what_is_owed(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()
    small, large, third = _assets(
        registry,
        e,
        [
            _deposit("6222000000000001", "30000.00"),
            _deposit("6222000000000002", "100000.00"),
            _deposit("6222000000000003", "5000.00"),
        ],
    )
    result = freeze([small.pk, large.pk, third.pk], by=e.officer, on=ON)
    assert result.done == [small.pk, large.pk]
    assert result.refused == {third.pk: f"{e.number}：已冻结的存款足以清偿债务，不得超标的冻结"}
    freezes = {m.asset_id: m for m in Measure.objects.filter(kind=MeasureKind.FREEZE)}
    # 53,628.45 owed: 30,000.00 on the first account, the remaining 23,628.45 on the second.
    assert freezes[small.pk].amount == Decimal("30000.00")
    assert freezes[large.pk].amount == Decimal("23628.45")
    assert sum(m.amount for m in freezes.values()) == OWED_ON
    # Deposits: at most 1 year, the period ends the day before the anniversary.
    assert freezes[small.pk].ends_on == date(2027, 3, 2)
    assert freezes[small.pk].registry_reference
    assert Asset.objects.get(pk=large.pk).frozen == Decimal("23628.45")
    assert CaseEvent.objects.filter(case=e.case, transition="freeze").count() == 1
    # Freezing again refuses: nothing more may be frozen.
    again = freeze([large.pk], by=e.officer, on=ON)
    assert again.done == [] and "不得超标的冻结" in again.refused[large.pk]


def test_deduction_becomes_a_receipt_and_full_payment_closes(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()
    (account,) = _assets(registry, e, [_deposit("6222000000000009", "100000.00")])
    unfrozen = deduct([account.pk], by=e.officer, on=ON)
    assert unfrozen.refused == {account.pk: f"{e.number}：该账户尚未冻结，不能扣划"}
    freeze([account.pk], by=e.officer, on=ON)
    result = deduct([account.pk], by=e.officer, on=ON)
    assert result.done == [account.pk] and result.refused == {}
    measure = Measure.objects.get(kind=MeasureKind.DEDUCT)
    assert measure.amount == OWED_ON
    receipt = Receipt.objects.get(enforcement=e)
    assert (receipt.amount, receipt.source, receipt.received_on) == (OWED_ON, "deduction", ON)
    assert receipt.reference == measure.registry_reference
    # Distribution: fee first, then the debt, then the doubled-part interest.
    assert receipt.to_execution_fee == Decimal("687.88")
    assert receipt.to_delay_interest == Decimal("415.57")
    assert receipt.surplus == Decimal("0.00")
    account.refresh_from_db()
    assert (account.frozen, account.deducted) == (Decimal("0.00"), OWED_ON)
    e.refresh_from_db()
    assert e.state == EnforcementState.PERFORMED and e.closed_on == ON
    e.case.refresh_from_db()
    assert e.case.state == State.CLOSED


def test_seizure_periods_by_kind(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()
    car, flat, deposit = _assets(
        registry,
        e,
        [
            {"kind": "vehicle", "registry": "车管所", "identifier": "渝A12345", "value": "30000"},
            {
                "kind": "real_estate",
                "registry": "不动产登记中心",
                "identifier": "渝(2020)江北区不动产权第1号",
                "value": "800000",
            },
            _deposit("6222000000000010", "100.00"),
        ],
    )
    result = seize([car.pk, flat.pk, deposit.pk], by=e.officer, on=ON)
    assert result.done == [car.pk, flat.pk]
    assert result.refused == {
        deposit.pk: f"{e.number}：仅机动车、不动产可以查封、扣押；银行存款请冻结"
    }
    ends = dict(Measure.objects.filter(kind=MeasureKind.SEIZE).values_list("asset_id", "ends_on"))
    # Movables 2 years, real estate 3 years, each ending the day before the anniversary.
    assert ends == {car.pk: date(2028, 3, 2), flat.pk: date(2029, 3, 2)}
    again = seize([car.pk], by=e.officer, on=ON)
    assert again.refused == {car.pk: f"{e.number}：该财产已查封，期限至2028年3月2日"}
    # What is seized (830,000) covers the debt: another vehicle would be over-seizure.
    party = e.case.case_parties.get().party
    registry.add_holders(
        [
            {
                "id_number": party.id_number,
                "name": party.name,
                "assets": [
                    {
                        "kind": "vehicle",
                        "registry": "车管所",
                        "identifier": "渝B54321",
                        "value": "20000",
                    }
                ],
            }
        ]
    )
    start_inquiries([e.pk], by=e.officer, on=date(2026, 3, 4))
    collect_answers()
    (van,) = [a for a in Asset.objects.filter(enforcement=e) if a.identifier == "渝B54321"]
    (car_again,) = [
        a
        for a in Asset.objects.filter(enforcement=e, kind="vehicle")
        if a.pk != car.pk and a.identifier == "渝A12345"
    ]
    assert seize([car_again.pk], by=e.officer, on=date(2026, 3, 4)).refused == {
        car_again.pk: f"{e.number}：该财产已查封，期限至2028年3月2日"
    }
    refused = seize([van.pk], by=e.officer, on=date(2026, 3, 4))
    assert refused.refused == {
        van.pk: f"{e.number}：已冻结、查封的财产足以清偿债务，不得超标的查封"
    }


def test_restriction_waits_for_the_notice_period(
    make_open_enforcement: Callable[..., Enforcement],
) -> None:
    e = make_open_enforcement(
        debtor_kwargs={
            "name": "重庆某某商贸有限公司",
            "kind": PartyKind.ORGANISATION,
            "legal_representative": "刘某",
        }
    )
    early = restrict_consumption([e.pk], by=e.officer, on=e.filed_on)
    assert early.refused == {e.pk: f"{e.number}：执行通知书指定的期间尚未届满，不能限制消费"}
    result = restrict_consumption([e.pk], by=e.officer, on=ON)
    assert result.done == [e.pk]
    m = Measure.objects.get(kind=MeasureKind.CONSUMPTION_RESTRICTION)
    assert m.party is not None and m.party.name == "重庆某某商贸有限公司"
    assert m.party.legal_representative == "刘某" and m.starts_on == ON and m.ends_on is None
    again = restrict_consumption([e.pk], by=e.officer, on=ON)
    assert again.refused == {e.pk: f"{e.number}：已对被执行人限制消费"}


def test_a_minor_is_never_listed(make_open_enforcement: Callable[..., Enforcement]) -> None:
    # Born 2010-05-01: 15 years old on 2026-03-03.
    e = make_open_enforcement(debtor_kwargs={"name": "小明", "birth_date": date(2010, 5, 1)})
    result = list_dishonest([e.pk], ground="able_but_refuses", by=e.officer, on=ON)
    assert result.done == []
    assert result.refused[e.pk].startswith(f"{e.number} 被执行人小明：被执行人为未成年人")
    assert not Measure.objects.filter(kind=MeasureKind.DISHONEST_LISTING).exists()


def test_inability_alone_is_no_ground(make_open_enforcement: Callable[..., Enforcement]) -> None:
    e = make_open_enforcement()
    result = list_dishonest([e.pk], ground="unable_to_pay", by=e.officer, on=ON)
    assert result.done == [] and "仅因无履行能力不得纳入失信名单" in result.refused[e.pk]


def test_listing_terms_and_an_organisation(
    make_open_enforcement: Callable[..., Enforcement],
) -> None:
    org = make_open_enforcement(
        debtor_kwargs={
            "name": "重庆某某商贸有限公司",
            "kind": PartyKind.ORGANISATION,
            "legal_representative": "刘某",
        }
    )
    person = make_open_enforcement()
    assert list_dishonest([org.pk], ground="breaks_reporting", by=org.officer, on=ON).done == [
        org.pk
    ]
    listing = Measure.objects.get(enforcement=org, kind=MeasureKind.DISHONEST_LISTING)
    # Ground (四): 2 years from 2026-03-03, the last day 2028-03-02.
    assert (listing.ground, listing.ends_on) == ("breaks_reporting", date(2028, 3, 2))
    assert listing.party is not None and listing.party.kind == PartyKind.ORGANISATION
    # Ground (一) lasts until performance.
    list_dishonest([person.pk], ground="able_but_refuses", by=person.officer, on=ON)
    assert (
        Measure.objects.get(enforcement=person, kind=MeasureKind.DISHONEST_LISTING).ends_on is None
    )
    # Extended by 3 years: 5 in all (2031-03-02); by 4 refused.
    other = make_open_enforcement()
    list_dishonest([other.pk], ground="obstructs", by=other.officer, on=ON, years=3)
    assert Measure.objects.get(
        enforcement=other, kind=MeasureKind.DISHONEST_LISTING
    ).ends_on == date(2031, 3, 2)
    with pytest.raises(TransitionRefused, match="一至3年"):
        list_dishonest([other.pk], ground="obstructs", by=other.officer, on=ON, years=4)
    assert CaseEvent.objects.filter(case=org.case, transition="list_dishonest").count() == 1


def test_secured_debt_bars_ground_one_only(
    make_open_enforcement: Callable[..., Enforcement], registry: Any
) -> None:
    e = make_open_enforcement()
    (account,) = _assets(registry, e, [_deposit("6222000000000011", "100000.00")])
    freeze([account.pk], by=e.officer, on=ON)
    refused = list_dishonest([e.pk], ground="able_but_refuses", by=e.officer, on=ON)
    assert "已查封、扣押、冻结的财产足以清偿债务" in refused.refused[e.pk]
    evades = list_dishonest([e.pk], ground="evades", by=e.officer, on=ON)
    assert evades.done == [e.pk]


def test_settlement_broken_by_a_missed_instalment(
    make_open_enforcement: Callable[..., Enforcement],
) -> None:
    e = make_open_enforcement()
    s = make_settlement(
        e.pk,
        instalments=[
            (date(2026, 4, 10), Decimal("20000.00")),
            (date(2026, 5, 10), Decimal("32525.00")),
        ],
        by=e.officer,
        on=ON,
    )
    assert s.total == Decimal("52525.00") and s.state == SettlementState.ACTIVE
    assert Measure.objects.get(kind=MeasureKind.SETTLEMENT).ends_on == date(2026, 5, 10)
    with pytest.raises(TransitionRefused, match="已达成执行和解"):
        make_settlement(e.pk, instalments=[(date(2026, 6, 1), Decimal("1"))], by=e.officer, on=ON)
    assert settlement_sweep(today=date(2026, 4, 10)) == {"performed": 0, "broken": 0}
    assert settlement_sweep(today=date(2026, 4, 11)) == {"performed": 0, "broken": 1}
    s.refresh_from_db()
    assert s.state == SettlementState.BROKEN
    assert settlement_sweep(today=date(2026, 4, 12)) == {"performed": 0, "broken": 0}


def test_a_settlement_paid_in_full_closes_the_case(
    make_open_enforcement: Callable[..., Enforcement],
) -> None:
    from jiefen.enforcement.actions.money import ReceiptRow, record_receipts

    e = make_open_enforcement()
    # The creditor accepts 40,000.00 in one instalment instead of the 52,525.00 debt.
    make_settlement(
        e.pk, instalments=[(date(2026, 4, 10), Decimal("40000.00"))], by=e.officer, on=ON
    )
    record_receipts(
        [ReceiptRow(e.pk, "SETTLE-1", date(2026, 4, 8), Decimal("40000.00"), "settlement")],
        by=e.officer,
    )
    assert Enforcement.objects.get(pk=e.pk).state == EnforcementState.OPEN
    assert settlement_sweep(today=date(2026, 4, 9)) == {"performed": 1, "broken": 0}
    e.refresh_from_db()
    assert e.state == EnforcementState.PERFORMED and e.closed_on == date(2026, 4, 9)
    assert e.settlement.state == SettlementState.PERFORMED


def test_only_the_officer_acts(
    make_open_enforcement: Callable[..., Enforcement], agent: Any, registry: Any
) -> None:
    e = make_open_enforcement()
    (account,) = _assets(registry, e, [_deposit("6222000000000300", "100.00")])
    with pytest.raises(TransitionRefused, match="无权执行此操作"):
        freeze([account.pk], by=agent, on=ON)
    other = make_open_enforcement()
    assert other.officer != e.officer
    assert freeze([account.pk], by=other.officer, on=ON).refused == {
        account.pk: "财产不存在或无权操作"
    }
    assert restrict_consumption([e.pk], by=other.officer, on=ON).refused == {
        e.pk: "执行案件不存在或无权操作"
    }
