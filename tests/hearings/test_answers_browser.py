"""A defendant answers on a phone (375×812): objects to the interest with a reason and a file,
submits, and sees the confirmation with the PDF — in one column, nothing wider than the screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jiefen.accounts.models import Role, User
from jiefen.cases.models import Case
from jiefen.cases.states import State
from jiefen.hearings.models import Answer, AnswerPosition

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")
PHONE = {"width": 375, "height": 812}


def test_defendant_objects_to_the_interest_on_a_phone(
    login_page: Any,
    live_server: Any,
    make_case: Callable[..., Case],
    make_user: Callable[..., User],
    tmp_path: Path,
) -> None:
    case = make_case(state=State.SERVED, case_number="（2025）渝0105民初8801号")
    party = case.defendants[0].party
    user = make_user(Role.DEFENDANT, party=party)
    receipt = tmp_path / "还款凭证.png"
    receipt.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 128)

    page = login_page(user.username, viewport=PHONE)
    page.goto(f"{live_server.url}/service/inbox/")
    page.click("text=要素式答辩")
    page.click(f"text={case.case_number}")
    interest = page.locator("#el-interest")
    interest.locator(".choices label:has-text('有异议')").click()
    box = interest.locator(".choices label:has-text('有异议')").bounding_box()
    assert box is not None and box["height"] >= 44  # a tap target, not a tiny radio
    interest.locator("textarea").fill("罚息按月利率计算有误，已还款部分未扣除")
    interest.locator("input[type=file]").set_input_files(str(receipt))
    page.locator("#el-principal .choices label:has-text('无异议')").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    interest.screenshot(path=str(SHOTS / "answers_phone_form.png"))

    page.click("#answer-submit")
    page.wait_for_load_state("networkidle")
    assert "答辩状已提交" in page.content()
    assert page.locator("#answer-submitted").is_visible()
    assert page.locator("#answer-pdf").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(SHOTS / "answers_phone.png"), full_page=False)

    answer = Answer.objects.get(case=case, party=party)
    assert answer.submitted_at is not None and answer.document is not None
    item = answer.items.get(key="interest")
    assert item.position == AnswerPosition.OBJECTION and "已还款部分未扣除" in item.reason
    assert len(item.evidence) == 1
