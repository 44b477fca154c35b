"""The element table of a series: opened from the answers, undisputed elements confirmed in
one step, disputed ones found by the judge, the hearing held (in default only if served)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from hearings.record_setup import answer, bench, scheduled_case, serve_filing_packet
from jiefen.audit.models import AuditRecord
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.elements import FINANCIAL_LOAN_2025
from jiefen.cases.states import State
from jiefen.hearings.actions.record import (
    CONFIRMED_TEXT,
    all_confirmed,
    confirm_undisputed,
    found_amounts,
    hold_hearing,
    lawyer_fees_allowed,
    open_record,
    record_finding,
)
from jiefen.hearings.models import Finding, HearingState, SessionState, Statement

ELEMENTS = len(FINANCIAL_LOAN_2025)


@pytest.fixture
def setup(court: Any, make_user: Any, make_case: Any, series: Any) -> dict[str, Any]:
    b = bench(court, make_user, series)
    cases = [scheduled_case(make_case, b, series) for _ in range(3)]
    answer(
        cases[0][0], {"interest": ("objection", "罚息计算过高"), "principal": ("no_objection", "")}
    )
    return {"bench": b, "cases": cases, "series": series}


def test_open_record_one_finding_per_element_with_the_answers(setup: dict[str, Any]) -> None:
    b, cases = setup["bench"], setup["cases"]
    ids = [c.pk for c, _ in cases]
    assert open_record(ids, by=b.clerk) == 3 * ELEMENTS
    assert open_record(ids, by=b.clerk) == 0  # idempotent
    first = cases[0][0]
    interest = Finding.objects.get(case=first, key="interest")
    assert interest.disputed
    assert (
        interest.answer_text == f"被告{first.defendants[0].party.name}：有异议。理由：罚息计算过高"
    )
    principal = Finding.objects.get(case=first, key="principal")
    assert not principal.disputed and principal.answer_text.endswith("：无异议")
    assert principal.claim_text.startswith("截至2025年6月30日止，尚欠本金45,000.00元")
    other = Finding.objects.get(case=cases[1][0], key="interest")
    assert other.answer_text == "被告未提交答辩状" and not other.disputed
    assert Finding.objects.filter(disputed=True).count() == 1


def test_exemption_objection_disputes_the_claim_total(setup: dict[str, Any]) -> None:
    b, cases = setup["bench"], setup["cases"]
    case = cases[1][0]
    answer(case, {"exemption": ("objection", "已超过诉讼时效")})
    open_record([case.pk], by=b.clerk)
    total = Finding.objects.get(case=case, key="claim_total")
    assert total.disputed and "已超过诉讼时效" in total.answer_text


def test_confirm_undisputed_for_the_whole_series_in_one_step(setup: dict[str, Any]) -> None:
    b, cases, series = setup["bench"], setup["cases"], setup["series"]
    open_record([c.pk for c, _ in cases], by=b.clerk)
    before = AuditRecord.objects.count()
    assert confirm_undisputed(series.pk, by=b.judge) == 3 * ELEMENTS - 1
    assert AuditRecord.objects.count() == before + 1
    assert confirm_undisputed(series.pk, by=b.judge) == 0
    first = cases[0][0]
    principal = Finding.objects.get(case=first, key="principal")
    assert principal.confirmed and principal.text == CONFIRMED_TEXT
    assert principal.found_by == b.judge and principal.found_at is not None
    assert principal.amounts == {"principal": "45000.00"}
    costs = Finding.objects.get(case=cases[1][0], key="enforcement_costs")
    assert costs.amounts == {"lawyer_fees": "2000.00", "lawyer_fees_allowed": "true"}
    interest = Finding.objects.get(case=first, key="interest")
    assert not interest.confirmed and interest.text == ""  # the disputed one stays open
    assert not all_confirmed(first) and all_confirmed(cases[1][0])
    assert found_amounts(cases[1][0]) == {
        "principal": Decimal("45000.00"),
        "interest": Decimal("1234.56"),
        "penalty_interest": Decimal("300.00"),
        "compound_interest": Decimal("20.00"),
        "fees": Decimal("0.00"),
        "liquidated_damages": Decimal("0.00"),
        "lawyer_fees": Decimal("2000.00"),
    }
    assert lawyer_fees_allowed(cases[1][0])
    said = Statement.objects.filter(hearing=cases[0][1], kind="element").get()
    assert said.text.startswith("对无争议要素（本金、") and f"共{ELEMENTS - 1}项" in said.text


def test_only_the_judge_finds_facts(setup: dict[str, Any]) -> None:
    b, cases, series = setup["bench"], setup["cases"], setup["series"]
    open_record([c.pk for c, _ in cases], by=b.clerk)
    with pytest.raises(TransitionRefused, match="认定要素事实"):
        confirm_undisputed(series.pk, by=b.clerk)
    with pytest.raises(TransitionRefused):
        record_finding(Finding.objects.get(case=cases[0][0], key="interest"), text="x", by=b.clerk)


def test_record_finding_validates_amounts_and_names_the_element(setup: dict[str, Any]) -> None:
    b, cases = setup["bench"], setup["cases"]
    case = cases[0][0]
    open_record([case.pk], by=b.clerk)
    interest = Finding.objects.get(case=case, key="interest")
    with pytest.raises(
        TransitionRefused,
        match=r"「利息（期内利息、复利、罚息）」：认定罚息400.00元超过原告主张的300.00元",
    ):
        record_finding(
            interest, text="罚息按约定计算", amounts={"penalty_interest": "400"}, by=b.judge
        )
    with pytest.raises(TransitionRefused, match="罚息金额「abc」不是有效数字"):
        record_finding(interest, text="认定", amounts={"penalty_interest": "abc"}, by=b.judge)
    with pytest.raises(TransitionRefused, match="不小于零"):
        record_finding(interest, text="认定", amounts={"interest": "-1"}, by=b.judge)
    with pytest.raises(TransitionRefused, match="请填写本院认定"):
        record_finding(interest, text=" ", by=b.judge)
    with pytest.raises(TransitionRefused, match="该要素不认定金额"):
        record_finding(interest, text="认定", amounts={"principal": "1"}, by=b.judge)
    row = record_finding(
        interest,
        text="罚息按年利率18%计算为250.00元",
        reasoning="原告按合同约定利率上浮50%计收罚息，超出部分不予支持",
        amounts={"penalty_interest": "250.00", "interest": ""},
        by=b.judge,
    )
    assert row.confirmed and row.amounts == {"penalty_interest": "250.00"}
    assert found_amounts(case) == {"penalty_interest": Decimal("250.00")}
    costs = Finding.objects.get(case=case, key="enforcement_costs")
    record_finding(
        costs,
        text="律师费无实际支付凭证",
        amounts={"lawyer_fees": "0", "lawyer_fees_allowed": "false"},
        by=b.judge,
    )
    assert not lawyer_fees_allowed(case)
    assert found_amounts(case)["lawyer_fees"] == Decimal("0.00")


def test_claimant_absent_is_not_heard(setup: dict[str, Any]) -> None:
    b, cases = setup["bench"], setup["cases"]
    case, hearing = cases[0]
    result = hold_hearing([hearing.pk], claimant_present=False, by=b.judge)
    assert result.held == [] and "民诉法第一百四十六条" in result.refused[hearing.pk]
    assert "（2025）渝0105民初" in result.refused[hearing.pk]
    case.refresh_from_db()
    assert case.state == State.HEARING_SCHEDULED


def test_default_hearing_only_with_summons_served(setup: dict[str, Any]) -> None:
    b, cases = setup["bench"], setup["cases"]
    (c1, h1), (c2, h2), (_c3, h3) = cases
    serve_filing_packet(h1, date(2025, 8, 20))
    serve_filing_packet(h2, None)
    serve_filing_packet(h3, date(2025, 8, 21))
    absent = {h1.pk: [c1.defendants[0].party_id], h2.pk: [c2.defendants[0].party_id]}
    result = hold_hearing([h1.pk, h2.pk, h3.pk], absent_party_ids=absent, by=b.judge)
    name = c2.defendants[0].party.name
    assert result.refused == {
        h2.pk: f"{c2.case_number}被告{name}的传票尚未送达，不得缺席审理（民诉法第一百四十七条）"
    }
    assert sorted(result.held) == sorted([h1.pk, h3.pk])
    h1.refresh_from_db()
    h3.refresh_from_db()
    assert h1.state == HearingState.HELD and h1.default and h1.held_at is not None
    assert h3.state == HearingState.HELD and not h3.default
    c1.refresh_from_db()
    assert c1.state == State.HEARD
    texts = list(
        Statement.objects.filter(hearing=h1, kind="attendance").values_list("text", flat=True)
    )
    assert f"被告{c1.defendants[0].party.name}经本院传票传唤，无正当理由未到庭。" in texts
    b.session.refresh_from_db()
    assert b.session.state == SessionState.PLANNED  # h2 still to be heard
    assert hold_hearing([h2.pk], by=b.judge).held == [h2.pk]
    b.session.refresh_from_db()
    assert b.session.state == SessionState.HELD
