"""The risk desk in Chromium: the administrator opens the professional-lender warning from the
list, reads why (summary, signals, the 10 cases behind it, each linking to its case page),
assigns it to the court president and closes it; the timeline shows both steps with who did
them. Screenshots in /tmp/risk-*.png."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jiefen.accounts.models import Organisation, Role, User
from jiefen.cases.models import Case
from jiefen.risk.models import WarningState

from .test_pages import LENDER, seed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=f"/tmp/risk-{name}.png", full_page=True)


def test_admin_opens_assigns_and_closes_a_warning(
    login_page: Any,
    live_server: Any,
    make_user: Callable[..., User],
    court: Organisation,
    make_org: Callable[..., Organisation],
    claim: Callable[..., Case],
) -> None:
    seeded = seed(make_org, claim)
    warning = seeded["lender"]
    admin = make_user(Role.PLATFORM_ADMIN, full_name="平台管理员甲")
    make_user(Role.COURT_PRESIDENT, court, full_name="李院长")

    page = login_page(admin.username)
    page.goto(f"{live_server.url}/risk/")
    rows = page.locator("#warnings tbody tr")
    assert rows.count() == 2
    assert rows.nth(0).get_attribute("data-kind") == "quasi_financial"  # 20 points first
    _shot(page, "desk")

    page.click(f"#warnings tr[data-warning='{warning.pk}'] a")
    page.wait_for_load_state("networkidle")
    assert page.locator("h1").inner_text() == f"职业放贷人：{LENDER}"
    assert "10名不同借款人" in page.locator("#summary").inner_text()
    assert page.locator("#cases tbody tr").count() == 10
    first_case = seeded["cases"][0]
    link = page.locator(f"#cases tr[data-case='{first_case.pk}'] a")
    assert link.get_attribute("href") == f"/cases/{first_case.pk}/"

    page.select_option("#id_assignee", label="李院长（院庭长 · 重庆市江北区人民法院）")
    page.click("#assign")
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "已分派"
    assert page.locator("#assignee").inner_text() == "李院长"
    _shot(page, "assigned")

    page.click("#close")
    page.wait_for_load_state("networkidle")
    assert page.locator("#state").inner_text() == "已关闭"
    assert page.locator("#close-form").count() == 0
    steps = page.locator("#timeline tbody tr")
    assert [steps.nth(i).get_attribute("data-step") for i in range(steps.count())] == [
        "open",
        "risk.assign",
        "risk.close",
    ]
    assert "李院长" in steps.nth(1).inner_text()
    _shot(page, "closed")
    warning.refresh_from_db()
    assert warning.state == WarningState.CLOSED
    assert warning.assignee is not None and warning.assignee.full_name == "李院长"

    page.goto(f"{live_server.url}/risk/grid/")
    assert page.locator("#grid a.cell[data-division='500112']").count() == 1
    _shot(page, "grid")
