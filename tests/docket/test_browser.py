"""A clerk files a series with one click in Chromium, then reads a case's signed documents."""

import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from jiefen.accounts.models import Role
from jiefen.cases.models import Case, Series
from jiefen.cases.states import State
from jiefen.docket.models import FilingJob
from jiefen.documents.models import StoredDocument
from jiefen.documents.signing import validate
from jiefen.documents.storage import sha256

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CASES = 36


@pytest.fixture
def immediate_tasks(settings: Any) -> None:
    """The filing task and its document chunks run inside the request (no separate worker)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default"],
        }
    }


def pdf_text(data: bytes) -> str:
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    return text.replace(" ", "").replace("\n", "")


def test_clerk_files_a_series_with_one_click_and_reads_signed_documents(
    login_page: Any, immediate_tasks: None, court: Any, bank: Any, make_user: Any, make_case: Any
) -> None:
    for i in range(2):
        make_user(Role.JUDGE, court, full_name=f"法官{i + 1}")
    clerk = make_user(Role.CLERK, court, full_name="书记员甲")  # the only clerk: every case is hers
    series = Series.objects.create(
        institution=bank, court=court, case_type="financial_loan", product="个人消费贷款"
    )
    for i in range(CASES):
        make_case(
            series=series,
            state=State.AWAITING_FILING,
            claim_total=Decimal("46234.56") + i,
        )

    page = login_page(clerk.username)
    page.click("nav >> text=批量立案")
    button = page.locator(f"button[data-series='{series.pk}']")
    assert button.inner_text() == f"一键立案（{CASES}件）"
    button.click()
    page.wait_for_url("**/docket/jobs/*/")
    page.wait_for_function(
        "document.getElementById('job-progress').value === 100"
        " && document.getElementById('job-status').textContent === '已完成'",
        timeout=60_000,
    )
    assert f"已立案 {CASES} / {CASES} 件" in page.locator("#job-counts").inner_text()
    assert f"共 {CASES * 7} 份文书" in page.locator("#job-counts").inner_text()
    assert page.locator("#job-cases tbody tr").count() == CASES
    assert page.locator("#zip-link").is_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "docket_filing_job.png"), full_page=True)
    job = FilingJob.objects.get()
    assert job.status == FilingJob.Status.DONE and job.filed == CASES

    page.locator("#job-cases tbody tr a").first.click()
    page.wait_for_selector("#case-documents")
    case = Case.objects.get(pk=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert case.state == State.FILED and case.clerk_id == clerk.pk
    assert case.case_number in page.content()
    rows = page.locator("#case-documents tbody tr")
    assert rows.count() == 7
    titles = rows.locator("td:first-child").all_inner_texts()
    assert sorted(titles) == sorted(
        [
            "受理案件通知书",
            "交纳诉讼费用通知书",
            "应诉通知书",
            "举证通知书",
            "传票",
            "民事起诉状（副本）",
            "送达地址确认书",
        ]
    )
    for i in range(7):
        assert rows.nth(i).locator("a", has_text="预览").count() == 1
        assert rows.nth(i).locator("a", has_text="下载").count() == 1
    page.screenshot(path=str(SHOTS / "docket_case_documents.png"), full_page=True)

    # The defendant's 应诉通知书 is the signed cover of the defendant's packet.
    def row(title: str) -> Any:
        return rows.filter(has=page.locator("td:first-child", has_text=re.compile(f"^{title}$")))

    cover_row = row("应诉通知书")
    with page.expect_download() as download:
        cover_row.locator("a", has_text="下载").click()
    cover = Path(download.value.path()).read_bytes()
    result = validate(cover)
    assert result.ok, result
    assert result.signatures[0].signer == "重庆市江北区人民法院电子印章"
    stored = StoredDocument.objects.get(case=case, kind="notice_to_respond")
    assert sha256(cover) == stored.sha256
    cover_text = pdf_text(cover)
    assert case.case_number in cover_text

    # The summons is covered by that signature: its hash is on the signed cover.
    summons_row = row("传票")
    assert "随《应诉通知书》签章" in summons_row.inner_text()
    with page.expect_download() as download:
        summons_row.locator("a", has_text="下载").click()
    summons = Path(download.value.path()).read_bytes()
    assert sha256(summons) in cover_text
    assert "开庭审理" in pdf_text(summons)
