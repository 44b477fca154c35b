"""`jiefen stats --json` "judgments", `jiefen judgment_show` and the bank API's judgment object."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case
from jiefen.judgments.actions import withdrawal
from jiefen.judgments.actions.effect import take_effect_due
from jiefen.judgments.actions.mediation import MediationTerms, mediate
from jiefen.judgments.models import Judgment
from judgments.decision_setup import pronounced

PASSWORD = "test-pass-123"  # tests/conftest.py
ON = date(2025, 8, 25)


def _stats() -> dict[str, Any]:
    out = StringIO()
    call_command("stats", "--json", stdout=out)
    return json.loads(out.getvalue())["judgments"]


def _withdrawn(make_heard_case: Callable[..., Case], judge: User, agent: User) -> Case:
    case = make_heard_case(name="王五")
    withdrawal.apply(case, reason="被告已清偿", by=agent, on=ON)
    withdrawal.allow(case, by=judge, on=ON)
    return case


def test_stats_count_hearings_and_decisions_by_kind_and_state(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    assert _stats()["hearings"] == 0
    first = make_heard_case(name="张三", default=True)
    second = make_heard_case(name="李四")
    pronounced(first, by=judge, served={"张三": date(2025, 9, 1)}, claimant_on=date(2025, 9, 1))
    Judgment.objects.filter(case=first).update(
        default=True, reduced_for_cap=True, awarded_total=Decimal("41000.50")
    )
    pronounced(second, by=judge, served={"李四": date(2025, 9, 1)}, claimant_on=date(2025, 9, 1))
    Judgment.objects.filter(case=second).update(awarded_total=Decimal("46234.56"))
    mediate(
        make_heard_case(name="赵六"),
        terms=MediationTerms(amount=Decimal("30000"), due_on=date(2025, 9, 30)),
        by=judge,
        on=ON,
    )
    _withdrawn(make_heard_case, judge, agent)
    take_effect_due(date(2025, 9, 17))
    assert _stats() == {
        "hearings": 4,
        "judgments": 2,
        "default_judgments": 1,
        "mediated_in_court": 1,
        "withdrawn": 1,
        "effective": 3,  # both judgments and the withdrawal ruling; the 调解书 awaits signatures
        "appealed": 0,
        "reduced_for_cap": 1,
        "awarded_total": "87235.06",
    }


def test_judgment_show_prints_one_json_object_and_refuses_an_unknown_number(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    case = _withdrawn(make_heard_case, judge, agent)
    out = StringIO()
    call_command("judgment_show", case.case_number, "--json", stdout=out)
    obj = json.loads(out.getvalue())
    # PostgreSQL's JSONB keeps its own key order: the keys, not their order, are the contract.
    assert set(obj) == {
        "case_number",
        "claimed",
        "awarded",
        "claimed_total",
        "awarded_total",
        "cap",
        "acceptance_fee",
        "fee_plaintiff",
        "fee_defendants",
        "performance_days",
        "guarantors",
        "state",
    }
    assert obj["case_number"] == case.case_number and obj["state"] == "withdrawn"
    assert obj["claimed"]["principal"] == 45000.0 and obj["claimed_total"] == 46234.56
    assert (obj["acceptance_fee"], obj["fee_plaintiff"]) == (478.0, 478.0)
    table = StringIO()
    call_command("judgment_show", case.case_number, stdout=table)
    assert "案件受理费：478.00元" in table.getvalue()
    with pytest.raises(CommandError, match="案号（2025）渝0105民初9号不存在") as refused:
        call_command("judgment_show", "（2025）渝0105民初9号", "--json")
    assert refused.value.returncode == 1


def _basic(user: User) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def test_the_bank_api_serves_its_own_cases_only(
    client: Client,
    make_heard_case: Callable[..., Case],
    judge: User,
    agent: User,
    other_bank: Organisation,
    make_user: Callable[..., User],
) -> None:
    case = _withdrawn(make_heard_case, judge, agent)
    url = f"/api/v1/judgments/{case.case_number}"
    own = client.get(url, **_basic(agent))
    assert own.status_code == 200
    assert own.json()["acceptance_fee"] == 478.0 and own.json()["state"] == "withdrawn"
    stranger = make_user(Role.BANK_AGENT, other_bank)
    assert client.get(url, **_basic(stranger)).status_code == 404
    assert client.get(url).status_code == 401
