"""A judge runs a series hearing in Chromium: confirms every undisputed element in one click,
finds one disputed element, holds the session (one case in default, summons served)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hearings.record_setup import answer, bench, scheduled_case, serve_filing_packet
from jiefen.cases.states import State
from jiefen.hearings.actions.record import open_record
from jiefen.hearings.models import Finding, HearingState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")


def test_judge_confirms_finds_and_holds_the_session(
    login_page: Any, live_server: Any, court: Any, make_user: Any, make_case: Any, series: Any
) -> None:
    b = bench(court, make_user, series)
    (c1, _), (c2, h2), (c3, _) = (scheduled_case(make_case, b, series) for _ in range(3))
    answer(c1, {"interest": ("objection", "罚息计算过高")})
    serve_filing_packet(h2, date(2025, 8, 20))
    open_record([c1.pk, c2.pk, c3.pk], by=b.clerk)

    page = login_page(b.judge.username)
    page.goto(f"{live_server.url}/hearings/record/")
    page.click(f"a[href='/hearings/record/series/{series.pk}/']")
    assert page.locator("#undisputed-open").inner_text() != "0"
    page.click("#confirm-all")
    page.wait_for_load_state("networkidle")
    assert "已确认全部无争议要素" in page.content()
    assert page.locator("#undisputed-open").inner_text() == "0"
    assert page.locator("#confirm-all").count() == 0
    assert Finding.objects.filter(confirmed=False).count() == 1

    page.click(f"text={c1.case_number}")
    row = page.locator("tr[data-key='interest']")
    row.locator("textarea[name=text]").fill("罚息按合同约定计算，本院认定为250.00元")
    row.locator("textarea[name=reasoning]").fill("原告主张的罚息计算基数有误")
    row.locator("input[name=penalty_interest]").fill("250.00")
    row.locator("button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "record_case.png"), full_page=False)
    assert "已认定「利息（期内利息、复利、罚息）」" in page.content()
    interest = Finding.objects.get(case=c1, key="interest")
    assert interest.confirmed and interest.amounts["penalty_interest"] == "250.00"

    page.click("text=返回系列案庭审")
    party = c2.defendants[0].party_id
    page.check(f"input[name=absent][value='{h2.pk}:{party}']")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "record.png"), full_page=True)
    page.click("button.hold")
    page.wait_for_load_state("networkidle")
    assert "已开庭审理3件（其中缺席审理1件）" in page.content()
    page.screenshot(path=str(SHOTS / "record_held.png"), full_page=True)
    page.click("text=庭审笔录 >> nth=0")
    page.click("#generate")
    page.wait_for_load_state("networkidle")
    assert "要素核对：" in page.locator("#transcript-text").inner_text()
    assert page.locator("#request-signatures").count() == 0  # the clerk keeps the transcript
    clerk = login_page(b.clerk.username)
    clerk.goto(page.url)
    clerk.click("#request-signatures")
    clerk.wait_for_load_state("networkidle")
    clerk.screenshot(path=str(SHOTS / "transcript.png"), full_page=True)
    assert clerk.locator("b.code").count() == 1  # the clerk's own code, not the judge's
    code = clerk.locator("b.code").inner_text()
    clerk.locator("tr[data-role='书记员'] input[name=code]").fill(code)
    clerk.locator("tr[data-role='书记员'] button:has-text('签名确认')").click()
    clerk.wait_for_load_state("networkidle")
    assert "已签名" in clerk.locator("tr[data-role='书记员']").inner_text()
    h2.refresh_from_db()
    c1.refresh_from_db()
    assert h2.state == HearingState.HELD and h2.default and c1.state == State.HEARD
