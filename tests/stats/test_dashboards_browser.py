"""The dashboards in Chromium: the court president's charts render (ECharts has series and paints
the canvas), the 立案 KPI opens a case list with that many rows, a point of the trend chart opens
that month's list, and the white-paper button downloads a PDF; a bank's page at phone width.

Data: tests/stats/test_dashboards.py `build_world` (the hand-counted table is there): the
president of 江北 has 3 cases filed, 2 of them in January 2026 (cases 1 and 3).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from stats.test_dashboards import build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp")

CHART_STATE = """id => {
  const box = document.getElementById(id);
  const chart = echarts.getInstanceByDom(box);
  const canvas = box.querySelector("canvas");
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
  return {series: chart.getOption().series.length, painted: painted};
}"""

# Where (page coordinates) point `index` of series `series` of the trend chart is drawn.
POINT = """([series, index]) => {
  const box = document.getElementById("chart-trend");
  const chart = echarts.getInstanceByDom(box);
  const value = chart.getOption().series[series].data[index].value;
  const [x, y] = chart.convertToPixel({seriesIndex: series}, [index, value]);
  const rect = box.getBoundingClientRect();
  return {x: rect.left + x, y: rect.top + y};
}"""


def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"dash-{name}.png"), full_page=True)


def _rows(page: Any) -> int:
    return int(page.locator("#metric-cases tbody tr[data-case]").count())


def test_president_reads_the_dashboard(login_page: Any, live_server: Any) -> None:
    world = build_world()
    page = login_page(world.president.username)
    page.goto(f"{live_server.url}/stats/")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-trend'))"
    )
    assert page.locator("#dash-title").inner_text() == "重庆市江北区人民法院 金融审判运行态势"
    for chart in (
        "chart-trend",
        "chart-mediation",
        "chart-service",
        "chart-days",
        "chart-breakdown",
    ):
        state = page.evaluate(CHART_STATE, chart)
        assert state["series"] >= 2, chart
        assert state["painted"] > 1000, chart
    _shot(page, "president")

    filed = page.locator("#kpi-filed .kpi-value")
    assert filed.inner_text() == "3"
    filed.click()
    page.wait_for_load_state("networkidle")
    assert "立案数" in page.locator("#metric-heading").inner_text()
    assert _rows(page) == 3
    _shot(page, "filed-cases")

    page.go_back()
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-trend'))"
    )
    # Series 1 of the trend is 立案; point 0 is January 2026 (2 cases filed).
    point = page.evaluate(POINT, [1, 0])
    page.mouse.click(point["x"], point["y"])
    page.wait_for_url("**/stats/cases/**")
    assert "key=2026-01" in page.url and "metric=filed" in page.url
    assert "月份：2026年1月" in page.locator(".metric-rule").inner_text()
    assert _rows(page) == 2
    _shot(page, "month-cases")


def test_white_paper_button_downloads_a_pdf(login_page: Any, live_server: Any) -> None:
    world = build_world()
    page = login_page(world.president.username)
    page.goto(f"{live_server.url}/stats/")
    assert page.locator("#white-paper-period").input_value() == "2026"
    with page.expect_download(timeout=120_000) as info:
        page.click("#white-paper-button")
    download = info.value
    assert download.suggested_filename == "白皮书-2026.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_bank_dashboard_at_phone_width(login_page: Any, live_server: Any) -> None:
    world = build_world()
    page = login_page(world.agent_b.username, viewport={"width": 375, "height": 800})
    page.goto(f"{live_server.url}/stats/")
    page.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-breakdown'))"
    )
    assert page.locator("#dash-title").inner_text() == "巴渝银行股份有限公司信用卡中心 案件服务看板"
    assert page.locator("#kpi-received .kpi-value").inner_text() == "3"
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    assert page.evaluate(CHART_STATE, "chart-breakdown")["painted"] > 500
    _shot(page, "bank-375")
    admin = login_page(world.admin.username)
    admin.goto(f"{live_server.url}/stats/")
    admin.wait_for_function(
        "() => window.echarts && echarts.getInstanceByDom(document.getElementById('chart-trend'))"
    )
    _shot(admin, "admin")
