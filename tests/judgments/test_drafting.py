"""Drafting a heard series: who is ready, what the draft holds, what is refused and why."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from jiefen.accounts.models import User
from jiefen.cases.actions import TransitionRefused
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.documents.storage import read_verified
from jiefen.judgments.actions.drafting import draft, draft_series
from jiefen.judgments.models import DecisionState, Judgment


def test_series_drafts_every_ready_case_and_lists_the_others(
    heard_series: list[Case], make_heard_case: Callable[..., Case], judge: User
) -> None:
    open_case = make_heard_case(
        name="赵六", disputed={"principal": {"reason": "本金已部分偿还"}}, confirmed=False
    )
    result = draft_series(heard_series[0].series_id or 0, by=judge)

    assert len(result.drafted) == 3
    assert result.not_ready == {open_case.pk: f"案号{open_case.case_number}：尚有1项要素未认定"}
    default = Judgment.objects.get(case=heard_series[0])
    assert default.state == DecisionState.DRAFT
    assert default.default is True
    assert default.computation["case_number"] == heard_series[0].case_number
    assert default.computation["state"] == State.HEARD
    assert default.awarded_total == Decimal("46234.56")
    assert default.draft_document is not None and not default.draft_document.signed
    assert read_verified(default.draft_document.path, default.draft_document.sha256)[:5] == b"%PDF-"

    again = draft_series(heard_series[0].series_id or 0, by=judge)
    assert again.drafted == []
    assert again.not_ready[heard_series[0].pk].endswith("已生成裁判文书")


def test_a_case_not_heard_is_not_drafted(heard_series: list[Case], judge: User) -> None:
    case = heard_series[2]
    Case.objects.filter(pk=case.pk).update(state=State.HEARING_SCHEDULED)
    result = draft([case.pk], by=judge)
    assert result.drafted == []
    assert "尚未开庭审理" in result.not_ready[case.pk]


def test_only_a_judge_drafts_and_only_their_own_cases(
    heard_series: list[Case], clerk: User, other_judge: User
) -> None:
    with pytest.raises(TransitionRefused, match="生成裁判文书"):
        draft([heard_series[0].pk], by=clerk)
    result = draft([c.pk for c in heard_series], by=other_judge)
    assert result.drafted == []
    assert all("不在您的办理范围内" in r for r in result.not_ready.values())
    assert not Judgment.objects.exists()


def test_amounts_follow_the_disputed_finding(heard_series: list[Case], judge: User) -> None:
    draft([heard_series[1].pk], by=judge)
    judgment: Any = Judgment.objects.get(case=heard_series[1])
    assert judgment.computation["awarded"]["interest"] == 1500.0
    assert judgment.computation["claimed"]["interest"] == 2000.0
    assert judgment.awarded_total == Decimal("47000.00")
