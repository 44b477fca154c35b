"""Withdrawal: the bank applies, the judge rules; the fee is halved once and borne by the bank."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from jiefen.accounts.models import User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case, Procedure
from jiefen.cases.states import State
from jiefen.documents.storage import read
from jiefen.judgments.actions import withdrawal
from jiefen.judgments.models import DecisionKind, DecisionState
from jiefen.service.models import Service

ON = date(2025, 8, 25)


def _text(path: str) -> str:
    reader = PdfReader(BytesIO(read(path)))
    return "".join(p.extract_text() for p in reader.pages).replace("\n", "").replace(" ", "")


def test_a_summary_case_withdrawn_pays_half_not_a_quarter_and_the_claimant_bears_it(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    case = make_heard_case(name="张三", procedure=Procedure.SUMMARY)
    withdrawal.apply(case, reason="被告已全部清偿", by=agent, on=date(2025, 8, 22))
    j = withdrawal.allow(case, by=judge, on=ON)
    assert (j.kind, j.state, j.effective_on) == (
        DecisionKind.WITHDRAWAL,
        DecisionState.EFFECTIVE,
        ON,
    )
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN
    # Fee base 46,234.56: full 956, halved once 478 (a quarter would be 239).
    assert j.computation["acceptance_fee"] == 478.0
    assert (j.computation["fee_plaintiff"], j.computation["fee_defendants"]) == (478.0, 0.0)
    text = _text(j.document.path)
    assert "准许原告长江银行股份有限公司重庆分行撤诉。" in text
    assert "案件受理费956.00元，减半收取478.00元，由原告长江银行股份有限公司重庆分行负担。" in text
    assert [s.party.name for s in Service.objects.filter(case=case, purpose="ruling")] == ["张三"]


def test_only_the_bank_applies_and_only_the_judge_allows(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    case = make_heard_case(name="张三")
    with pytest.raises(TransitionRefused, match="未申请撤诉"):
        withdrawal.allow(case, by=judge, on=ON)
    with pytest.raises(TransitionRefused):
        withdrawal.apply(case, reason="和解", by=judge)
    withdrawal.apply(case, reason="和解", by=agent)
    with pytest.raises(TransitionRefused, match="已提交"):
        withdrawal.apply(case, reason="和解", by=agent)
    with pytest.raises(TransitionRefused):
        withdrawal.allow(case, by=agent, on=ON)
    assert Case.objects.get(pk=case.pk).state == State.HEARD
