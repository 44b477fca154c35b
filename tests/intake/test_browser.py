"""A bank agent uploads a batch in Chromium and watches the real task worker import it."""

import csv
import io
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jiefen.accounts.models import User
from jiefen.intake.generator import generate_rows, render
from jiefen.intake.models import Batch, BatchStatus

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
ROWS = 40


@pytest.fixture
def task_worker(database_url: str, intake_dir: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`jiefen db_worker` on the live server's database, slowed down so progress shows."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIEFEN_VAR_DIR": str(intake_dir),
        "JIEFEN_INTAKE_CHUNK": "5",
        "JIEFEN_INTAKE_THROTTLE_MS": "500",
    }
    # Output goes to a file: an unread pipe fills up and blocks the worker mid-task.
    log_path = intake_dir / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jiefen.manage",
                "db_worker",
                "--no-startup-delay",
                "--no-reload",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker.log_path = log_path  # type: ignore[attr-defined]
        yield worker
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def test_agent_uploads_watches_progress_and_downloads_errors(
    login_page: Callable[..., Any],
    agent: User,
    court: Any,
    task_worker: subprocess.Popen[bytes],
) -> None:
    rows, info = generate_rows("financial_loan", ROWS, bad_fraction=0.15, seed=31)
    bad = info.bad_rows
    page = login_page(agent.username)
    page.goto(page.url.split("/login")[0] + "/intake/")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "银行批次.csv",
                "mimeType": "text/csv",
                "buffer": render(rows, "financial_loan", encoding="gbk"),
            }
        ],
    )
    page.click("text=上传并导入")
    page.wait_for_url("**/intake/batches/*/")
    assert page.locator("text=正在导入").first.is_visible()

    # The progress bar the page polls moves from below 100 % to done.
    seen: list[int] = []
    for _ in range(240):
        value = int(page.locator("progress").get_attribute("value") or 0)
        if not seen or seen[-1] != value:
            seen.append(value)
            if 0 < value < 100 and not any(0 < v < 100 for v in seen[:-1]):
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / "intake_batch_progress.png"))
        if page.locator(".tag.ok", has_text="已完成").count():
            break
        page.wait_for_timeout(250)
    else:
        log = task_worker.log_path.read_text(errors="replace")[-2000:]  # type: ignore[attr-defined]
        raise AssertionError(f"batch never finished: {seen}, worker: {task_worker.poll()}\n{log}")
    page.wait_for_load_state("networkidle")
    assert seen[0] < 100 and any(0 < v < 100 for v in seen) and seen[-1] == 100, seen

    batch = Batch.objects.get()
    assert batch.status == BatchStatus.DONE
    stats = {
        label: page.locator(".stat", has_text=label).locator("b").inner_text()
        for label in ("总行数", "已受理", "已退回", "重复", "系列案")
    }
    assert stats == {
        "总行数": str(ROWS),
        "已受理": str(ROWS - len(bad)),
        "已退回": str(len(bad)),
        "重复": "0",
        "系列案": str(batch.series_count),
    }

    # Each rejected row with its row number, column and reason in Chinese.
    table = page.locator("table", has=page.locator("th", has_text="原因"))
    shown = {
        (r.locator("td").nth(0).inner_text(), r.locator("td").nth(1).inner_text())
        for r in table.locator("tbody tr").all()
    }
    assert {row for row, _ in shown} == {str(r) for r in bad}
    check_digit_row = next(r for r, kind in bad.items() if kind == "bad_check_digit")
    error_row = table.locator("tbody tr", has_text="身份证号码校验码错误").first
    assert error_row.locator("td").nth(0).inner_text() == str(check_digit_row)
    assert error_row.locator("td").nth(1).inner_text() == "借款人身份证号码"
    wrong_id = rows[check_digit_row - 2]["borrower_id"]
    assert error_row.locator("td").nth(3).inner_text() == wrong_id[:6] + "********" + wrong_id[-4:]
    assert wrong_id not in page.content()  # personal data stays masked on the page

    # The series (系列案) of the accepted cases, by product.
    series = page.locator("table", has=page.locator("th", has_text="产品"))
    products = {rows[r - 2]["product"] for r in range(2, ROWS + 2) if r not in bad}
    assert {t.strip() for t in series.locator("tbody tr td:first-child").all_inner_texts()} == (
        products
    )

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "intake_batch.png"), full_page=True)

    # The error report downloads, with the same rows and reasons.
    with page.expect_download() as download:
        page.click("text=下载错误报告（CSV）")
    report = download.value.path().read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(report)))
    assert {line[0] for line in lines[1:]} == {str(r) for r in bad}
    assert any("身份证号码校验码错误" in cell for line in lines for cell in line)
    with page.expect_download() as download:
        page.click("text=下载错误报告（XLSX）")
    assert download.value.path().read_bytes()[:2] == b"PK"
