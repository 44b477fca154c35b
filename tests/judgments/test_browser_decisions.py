"""A judge decides a heard series in Chromium: generates the judgments, previews and edits one,
selects all, signs them in one batch and pronounces them; the judgments go out by SMS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiefen.accounts.models import User
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.judgments.models import DecisionState, Judgment
from jiefen.service.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """The judgments' first service attempts go out inside the request (no separate worker)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def _states(page: Any) -> list[str]:
    return page.locator("#decisions tbody td[data-label='状态']").all_inner_texts()


def test_judge_drafts_signs_and_pronounces_a_series(
    login_page: Any,
    live_server: Any,
    heard_series: list[Case],
    judge: User,
    gateway: Any,
    immediate_tasks: None,
) -> None:
    series_id = heard_series[0].series_id
    page = login_page(judge.username)
    page.goto(f"{live_server.url}/judgments/")
    page.click(f"a[href='/judgments/series/{series_id}/']")
    assert "生成判决书（3件待生成）" in page.locator("#draft-series").inner_text()

    page.click("#draft-series")
    page.wait_for_load_state("networkidle")
    assert "已生成判决书草稿3份" in page.content()
    assert _states(page) == [DecisionState.DRAFT.label] * 3
    assert page.locator("#draft-series").is_disabled()
    assert page.locator("#pronounce-selected").is_disabled()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "decisions_drafts.png"), full_page=True)
    disputed = page.locator(f"tr[data-case='{heard_series[1].case_number}']")
    assert "47,000.00" in disputed.locator("td[data-label='判决支持金额']").inner_text()
    assert disputed.locator("td[data-label='缺席判决']").inner_text() == "否"
    default = page.locator(f"tr[data-case='{heard_series[0].case_number}']")
    assert default.locator("td[data-label='缺席判决']").inner_text() == "是"

    preview = default.locator("a.preview")
    response = page.context.request.get(live_server.url + preview.get_attribute("href"))
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"
    with page.context.expect_page() as opened:
        preview.click()
    opened.value.close()

    default.locator("text=审核修改").click()
    page.wait_for_load_state("networkidle")
    assert "借款本金" in page.locator("#amounts").inner_text()
    page.screenshot(path=str(SHOTS / "decisions_edit.png"), full_page=True)
    page.fill("#s-orders_note", "本判决书经合议庭评议。")
    page.click("text=保存并重新生成草稿")
    page.wait_for_load_state("networkidle")
    assert "修改已保存，草稿已重新生成" in page.content()
    edited = Judgment.objects.get(case=heard_series[0])
    assert edited.text["orders_note"] == "本判决书经合议庭评议。"
    assert "reasoning" not in edited.text  # sections left as generated are not edits

    page.check("#select-all")
    assert page.locator("input[name=judgment]:checked").count() == 3
    page.click("#sign-selected")
    page.wait_for_load_state("networkidle")
    assert "已签发判决书3份（已加盖本院电子印章）" in page.content()
    assert _states(page) == [DecisionState.SIGNED.label] * 3
    assert page.locator("a:has-text('签章文书')").count() == 3
    assert Judgment.objects.filter(state=DecisionState.SIGNED, signed_by=judge).count() == 3

    page.check("#select-all")
    page.click("#pronounce-selected")
    page.wait_for_load_state("networkidle")
    assert "已宣判3件，判决书已向3名被告送达（送达中）" in page.content()
    assert _states(page) == [DecisionState.PRONOUNCED.label] * 3
    page.screenshot(path=str(SHOTS / "decisions.png"), full_page=True)

    assert {c.state for c in Case.objects.filter(pk__in=[c.pk for c in heard_series])} == {
        State.JUDGED
    }
    assert Judgment.objects.filter(state=DecisionState.PRONOUNCED).count() == 3
    assert Service.objects.filter(purpose="judgment").count() == 3
    sms = gateway.inbox.query("13800138000", 10)
    assert len(sms) == 3
    assert {c.case_number for c in heard_series} == {
        next(c.case_number for c in heard_series if c.case_number in m["text"]) for m in sms
    }
