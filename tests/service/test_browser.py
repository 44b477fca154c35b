"""A clerk serves a filed series with one click in Chromium; the progress bar reaches 100%."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from jiefen.service.models import Service, ServiceJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CASES = 6


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """The service job runs inside the request (no separate worker)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def test_clerk_serves_a_series_with_one_click_and_the_bar_reaches_100(
    login_page: Any,
    immediate_tasks: None,
    filed: Any,
    clerk: Any,
    series: Any,
    gateway: Any,
    smtp: Any,
) -> None:
    cases = [
        filed(name=f"借款人{i}", mobile=f"1380013{i:04d}", email=f"b{i}@example.cn")
        for i in range(CASES)
    ]
    page = login_page(clerk.username)
    page.click("nav >> text=批量送达")
    button = page.locator(f"button[data-series='{series.pk}']")
    assert button.inner_text() == f"一键送达（{CASES}件）"
    button.click()
    page.wait_for_url("**/service/jobs/*/")
    page.wait_for_function(
        "document.getElementById('job-progress').value === 100"
        " && document.getElementById('job-status').textContent === '已发出'",
        timeout=60_000,
    )
    assert f"已发出 {CASES} / {CASES} 件" in page.locator("#job-counts").inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "service_job.png"), full_page=True)
    job = ServiceJob.objects.get()
    assert job.status == ServiceJob.Status.DONE and job.dispatched == CASES
    assert len(gateway.inbox.query(None, 100)) == CASES and len(smtp.received) == CASES

    # an e-mail accepted by the borrower's server to a confirmed address counts as served
    # (民诉解释第一百三十五条): every case is served, the dashboard and case page say so
    page.goto(page.url.split("/service/")[0] + "/service/")
    assert page.locator("#board-served").inner_text() == str(CASES)
    page.screenshot(path=str(SHOTS / "service_desk.png"), full_page=True)
    page.goto(page.url.split("/service/")[0] + f"/cases/{cases[0].pk}/")
    page.wait_for_selector("#case-service")
    assert Service.objects.get(case=cases[0]).state == Service.State.SERVED
    page.screenshot(path=str(SHOTS / "service_case.png"), full_page=True)

    # the secret link of the second borrower, on a phone
    text = gateway.inbox.query("13800130001", 1)[0]["text"]
    token = re.search(r"/s/([^/\s]+)/", text).group(1)  # type: ignore[union-attr]
    base = page.url.split("/cases/")[0]
    phone = page.context.browser.new_context(viewport={"width": 390, "height": 844})
    link = phone.new_page()
    link.goto(f"{base}/s/{token}/")
    assert cases[1].case_number in link.content()
    link.screenshot(path=str(SHOTS / "service_link.png"), full_page=True)
    phone.close()
