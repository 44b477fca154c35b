"""The decision panel: dates per party, the appeal button, mediation and withdrawal forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case, Party
from jiefen.cases.states import State
from jiefen.judgments.models import DecisionState, Judgment
from judgments.decision_setup import pronounced

PASSWORD = "test-pass-123"  # tests/conftest.py


def _client(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_a_defendant_sees_its_deadline_and_appeals_from_the_panel(
    make_heard_case: Callable[..., Case], judge: User, make_user: Callable[..., User]
) -> None:
    case = make_heard_case(name="张三")
    served = timezone.localdate() - timedelta(days=2)
    pronounced(case, by=judge, served={"张三": served}, claimant_on=served)
    party = make_user(Role.DEFENDANT, None, party=Party.objects.get(name="张三"))
    client = _client(party)
    url = f"/judgments/case/{case.pk}/decision/"
    page = client.get(url).content.decode()
    assert "张三" in page and "上诉期届满日" in page and 'id="appeal-button"' in page
    response = client.post(f"{url}appeal/", follow=True)
    assert "已登记张三的上诉" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.APPEALED
    assert Judgment.objects.get(case=case).state == DecisionState.APPEALED


def test_the_panel_of_another_banks_case_does_not_exist(
    make_heard_case: Callable[..., Case],
    make_user: Callable[..., User],
    other_bank: Organisation,
) -> None:
    case = make_heard_case(name="张三")
    stranger = make_user(Role.BANK_AGENT, other_bank)
    assert _client(stranger).get(f"/judgments/case/{case.pk}/decision/").status_code == 404


def test_the_bank_applies_and_the_judge_allows_withdrawal_on_the_panel(
    make_heard_case: Callable[..., Case], judge: User, agent: User
) -> None:
    case = make_heard_case(name="张三")
    url = f"/judgments/case/{case.pk}/decision/"
    bank = _client(agent)
    assert 'id="withdrawal-form"' in bank.get(url).content.decode()
    bank.post(f"{url}withdrawal/apply/", {"reason": "被告已清偿"})
    court = _client(judge)
    page = court.get(url).content.decode()
    assert "被告已清偿" in page and "裁定准许撤诉" in page and 'id="mediation-form"' in page
    done = court.post(f"{url}withdrawal/allow/", follow=True).content.decode()
    assert "已裁定准许撤诉" in done and "民事裁定书（准予撤诉）" in done
    assert Case.objects.get(pk=case.pk).state == State.WITHDRAWN


def test_the_judge_mediates_from_the_panel_and_a_bad_amount_is_explained(
    make_heard_case: Callable[..., Case], judge: User, agent: Any
) -> None:
    case = make_heard_case(name="张三")
    url = f"/judgments/case/{case.pk}/decision/"
    court = _client(judge)
    bad = court.post(f"{url}mediate/", {"amount": "四万", "due_on": "2099-01-01"}, follow=True)
    assert "调解金额「四万」不是有效金额" in bad.content.decode()
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    ok = court.post(
        f"{url}mediate/",
        {"amount": "40000", "due_on": due, "fee_bearer": "defendants"},
        follow=True,
    )
    assert "民事调解书已制作" in ok.content.decode()
    assert Judgment.objects.get(case=case).kind == "mediation"
    assert date.fromisoformat(due) == Judgment.objects.get(case=case).performance_ends
