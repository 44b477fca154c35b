"""Enforcement statistics and the series views (jiefen.enforcement.selectors).

Three cases of one series, the title of `test_money` each (debt 11,600.00, fee 74.00,
performance period ending 2026-01-10), all filed 2026-01-15:
- A performed: 11,705.54 deducted on 2026-01-27 (12 days after filing) = fee 74.00 + debt
  11,600.00 + doubled part 10,600 × 0.0175 % × 17 days = 31.535 → 31.54;
- B terminated for now (终本), nothing received;
- C terminated and resumed (执恢 filed 2026-06-01): 3,000.00 on 2026-06-10 (146 days after the
  first filing) = fee 74.00 + 2,926.00 to the debt.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest

from enforcement.test_money import make_enforcement, officer  # noqa: F401  (fixtures)
from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import CaseParty, Series
from jiefen.enforcement.actions.money import ReceiptRow, record_receipts
from jiefen.enforcement.models import (
    Asset,
    AssetKind,
    Enforcement,
    EnforcementState,
    Inquiry,
    InquiryState,
    Measure,
    MeasureKind,
    ReceiptSource,
)
from jiefen.enforcement.selectors import officer_series, recoveries, series_rows, stats_section
from jiefen.privacy import mask_id_number

D = Decimal


@pytest.fixture
def three(
    make_enforcement: Callable[..., Enforcement],  # noqa: F811
    officer: User,  # noqa: F811
) -> dict[str, Enforcement]:
    try:
        from jiefen.enforcement.actions import closing  # noqa: F401
    except ImportError:
        pytest.skip("jiefen.enforcement.actions.closing (ACTIONS-1) is not written yet")
    a = make_enforcement()
    b = make_enforcement(state=EnforcementState.TERMINATED_FOR_NOW)
    c1 = make_enforcement(state=EnforcementState.RESUMED)
    c2 = make_enforcement(case=c1.case, resumed_from=c1, filed_on=date(2026, 6, 1))
    report = record_receipts(
        [
            ReceiptRow(a.pk, "KH-A1", date(2026, 1, 27), D("11705.54"), ReceiptSource.DEDUCTION),
            ReceiptRow(c2.pk, "KH-C1", date(2026, 6, 10), D("3000.00"), ReceiptSource.DEDUCTION),
        ],
        by=officer,
    )
    assert report.performed == [a.pk], report
    Measure.objects.create(
        enforcement=a,
        kind=MeasureKind.DISHONEST_LISTING,
        ground="able_but_refuses",
        starts_on=date(2026, 1, 20),
        lifted_on=date(2026, 1, 28),
    )
    Measure.objects.create(
        enforcement=b,
        kind=MeasureKind.DISHONEST_LISTING,
        ground="able_but_refuses",
        starts_on=date(2026, 2, 20),
    )
    Measure.objects.create(
        enforcement=b,
        kind=MeasureKind.CONSUMPTION_RESTRICTION,
        starts_on=date(2026, 2, 20),
    )
    party = CaseParty.objects.get(case=c2.case).party
    inquiry = Inquiry.objects.create(
        enforcement=c2,
        party=party,
        requested_on=date(2026, 6, 2),
        request_reference="REQ-1",
        state=InquiryState.ANSWERED,
    )
    for i, matched in enumerate((True, False)):
        asset = Asset.objects.create(
            inquiry=inquiry,
            enforcement=c2,
            party=party,
            kind=AssetKind.DEPOSIT,
            registry="长江银行",
            identifier=f"6222{i}",
            value=D("3000.00"),
            holder_name=party.name,
            matched=matched,
            registry_reference=f"HIT-{i}",
        )
        if matched:
            for lifted in (None, date(2026, 6, 9)):
                Measure.objects.create(
                    enforcement=c2,
                    kind=MeasureKind.FREEZE,
                    asset=asset,
                    starts_on=date(2026, 6, 3),
                    ends_on=date(2027, 6, 2),
                    lifted_on=lifted,
                )
    return {"a": a, "b": b, "c1": c1, "c2": c2}


@pytest.mark.django_db
def test_stats_section(three: dict[str, Enforcement]) -> None:
    assert stats_section() == {
        "cases": 3,
        # 11,600.00 + 31.54 (A) + 2,926.00 (C); the fees and nothing else excluded.
        "recovered": "14557.54",
        # 14,557.54 / (3 × 11,600.00 applied, C's 执恢 case not counted again) = 0.41832…
        "recovery_rate": 0.4183,
        "dishonest_listed": 2,
        "delisted": 1,
        "closed_performed": 1,
        "closed_terminated": 1,
        "resumed": 1,
        "average_days_to_first_payment": 79.0,  # (12 + 146) / 2
    }


@pytest.mark.django_db
def test_stats_section_without_payments() -> None:
    stats = stats_section()
    assert stats["cases"] == 0 and stats["recovered"] == "0.00"
    assert stats["recovery_rate"] == 0.0
    assert stats["average_days_to_first_payment"] is None


@pytest.mark.django_db
def test_recoveries_are_the_banks_own(
    three: dict[str, Enforcement],
    agent: User,
    series: Series,
    make_user: Callable[..., User],
    other_bank: Organisation,
) -> None:
    assert recoveries(agent) == [
        {
            "series": series,
            "cases": 3,
            "applied_total": D("34800.00"),
            "recovered": D("14557.54"),
            "recovery_rate": 0.4183,
            "listed": 2,
            "terminated": 1,
            "performed": 1,
        }
    ]
    assert recoveries(make_user(Role.BANK_AGENT, other_bank)) == []


@pytest.mark.django_db
def test_officer_series_and_rows(
    three: dict[str, Enforcement],
    officer: User,  # noqa: F811
    series: Series,
    make_user: Callable[..., User],
    court: Organisation,
) -> None:
    assert officer_series(officer) == [
        {
            "series": series,
            "open": 1,
            "terminated": 1,
            "performed": 1,
            "recovered": D("14557.54"),
        }
    ]
    rows = series_rows(officer, series.pk, as_of=date(2026, 6, 10))
    a, b, c2 = rows
    assert [r["number"] for r in rows] == [three[k].number for k in ("a", "b", "c2")]
    assert (a["owed"], a["state"]) == (D("0.00"), EnforcementState.PERFORMED)
    # B on 2026-06-10: 11,600 + 10,600 × 0.0175 % × 151 days (280.105 → 280.11) + fee 74.
    assert (b["owed"], b["owed_delay_interest"], b["owed_execution_fee"]) == (
        D("11954.11"),
        D("280.11"),
        D("74.00"),
    )
    assert b["measures_in_force"] == {"纳入失信被执行人名单": 1, "限制消费令": 1}
    assert b["inquiry"] == "未查询"
    # C: 8,674 left of the debt + the same 280.11 (the first 151 days ran on 10,600).
    assert c2["owed"] == D("8954.11")
    assert c2["received"] == D("3000.00")
    assert c2["resumed_from"] == three["c1"].number
    assert (c2["matched_assets"], c2["unmatched_assets"]) == (1, 1)
    assert c2["measures_in_force"] == {"冻结": 1}
    assert c2["inquiry"] == "已反馈"
    assert c2["state_label"] == "执行中"
    party = CaseParty.objects.get(case=three["c2"].case).party
    assert c2["debtors"] == [{"name": party.name, "id_number": mask_id_number(party.id_number)}]
    assert "*" in c2["debtors"][0]["id_number"]
    # Another officer sees none of them.
    assert series_rows(make_user(Role.ENFORCEMENT_OFFICER, court), series.pk) == []
