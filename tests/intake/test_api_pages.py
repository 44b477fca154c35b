"""The bank's API and pages: submit with Idempotency-Key, poll, errors, downloads, access."""

import base64
import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiefen.accounts.models import Organisation
from jiefen.cases.models import Case
from jiefen.intake.generator import render
from jiefen.intake.models import Batch

PASSWORD = "test-pass-123"  # tests/conftest.py

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def _basic(user: Any) -> dict[str, str]:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def _upload(
    client: Client, data: bytes, court: Organisation, headers: dict[str, str], name: str = "b.csv"
) -> Any:
    file = io.BytesIO(data)
    file.name = name
    return client.post("/api/v1/batches", {"court": court.code, "file": file}, **headers)


def test_api_submit_poll_and_errors(
    client: Client,
    court: Organisation,
    agent: Any,
    other_agent: Any,
    rows: Callable[..., Any],
    intake_dir: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    data = rows(n=6, seed=201)
    data[4]["signed_on"] = '=HYPERLINK("http://x")'
    body = render(data, "financial_loan")
    headers = {**_basic(agent), "HTTP_IDEMPOTENCY_KEY": "bank-run-1"}
    with django_capture_on_commit_callbacks(execute=True):
        first = _upload(client, body, court, headers)
    assert first.status_code == 201, first.content
    batch_id = first.json()["batch"]
    again = _upload(client, body, court, headers)
    assert again.status_code == 200 and again.json()["batch"] == batch_id
    status = client.get(f"/api/v1/batches/{batch_id}", **_basic(agent)).json()
    assert (status["status"], status["accepted"], status["rejected"], status["percent"]) == (
        "done",
        5,
        1,
        100,
    )
    errors = client.get(f"/api/v1/batches/{batch_id}/errors", **_basic(agent)).json()
    assert errors == [
        {
            "row": 6,
            "column": "合同签订日期",
            "reason": "日期无法识别，应为 YYYY-MM-DD 格式的有效日期",
            "value": '=HYPERLINK("http://x")',
            "kind": "invalid",
        }
    ]
    # Another bank sees nothing (same 404 as a missing batch).
    assert client.get(f"/api/v1/batches/{batch_id}", **_basic(other_agent)).status_code == 404
    assert client.get("/api/v1/batches/999999", **_basic(agent)).status_code == 404
    conflict = _upload(client, render(rows(n=2, seed=202), "financial_loan"), court, headers)
    assert conflict.status_code == 409


def test_api_json_rows_and_refusals(
    client: Client,
    court: Organisation,
    agent: Any,
    rows: Callable[..., Any],
    intake_dir: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    payload = {
        "court": court.code,
        "case_type": "credit_card",
        "rows": rows("credit_card", n=3, seed=203),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/api/v1/batches/rows", payload, content_type="application/json", **_basic(agent)
        )
    assert response.status_code == 201, response.content
    assert Case.objects.filter(case_type="credit_card").count() == 3
    garbage = _upload(client, b"\x00\x01\x02", court, _basic(agent))
    assert garbage.status_code == 422 and "二进制" in garbage.json()["detail"]


def test_only_bank_agents_submit(
    client: Client,
    court: Organisation,
    make_user: Callable[..., Any],
    rows: Callable[..., Any],
    intake_dir: Any,
) -> None:
    from jiefen.accounts.models import Role

    judge = make_user(Role.JUDGE, court)
    response = _upload(client, render(rows(n=1), "financial_loan"), court, _basic(judge))
    assert response.status_code == 403
    assert Batch.objects.count() == 0


def test_upload_page_detail_and_error_downloads(
    client: Client,
    court: Organisation,
    agent: Any,
    other_agent: Any,
    rows: Callable[..., Any],
    intake_dir: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TASKS = IMMEDIATE
    client.login(username=agent.username, password=PASSWORD)
    data = rows(n=8, seed=204)
    data[2]["borrower_name"] = ""
    data[3]["principal"] = "-5"
    data[5]["contract_number"] = "=cmd|' /C calc'!A0"
    data[5]["borrower_division"] = "@SUM(1)"
    clear_id = data[6]["borrower_id"]
    data[6]["borrower_id"] = clear_id[:17] + ("1" if clear_id[17] == "0" else "0")
    file = io.BytesIO(render(data, "financial_loan"))
    file.name = "上传.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("intake:batches"),
            {"file": file, "court": court.pk, "policy": "reject_failed_rows"},
        )
    batch = Batch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "intake:batch", args=[batch.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert (
        "已完成" in page and "系列案" in page and "必填项为空" in page and "金额不能为负数" in page
    )
    for product in {r["product"] for i, r in enumerate(data) if i not in (2, 3, 5, 6)}:
        assert product in page
    csv_text = client.get(reverse("intake:errors", args=[batch.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert "'@SUM(1)" in csv_text and "'-5" in csv_text
    assert "\n4,借款人姓名,必填项为空" in csv_text.replace("\r\n", "\n")
    # The wrong ID number is reported masked (personal data), the row says which one.
    assert f"\n8,借款人身份证号码,身份证号码校验码错误,{clear_id[:6]}********" in csv_text.replace(
        "\r\n", "\n"
    )
    assert clear_id[:17] not in csv_text
    xlsx = client.get(reverse("intake:errors", args=[batch.pk, "xlsx"]))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'@SUM(1)" in values and not any(
        isinstance(v, str) and v.startswith("=") for v in values
    )
    progress = client.get(reverse("intake:progress", args=[batch.pk]))
    assert progress["X-Batch-Finished"] == "1"
    client.logout()
    client.login(username=other_agent.username, password=PASSWORD)
    assert client.get(reverse("intake:batch", args=[batch.pk])).status_code == 404
    assert client.get(reverse("intake:errors", args=[batch.pk, "csv"])).status_code == 404


def test_template_download(client: Client, agent: Any) -> None:
    client.login(username=agent.username, password=PASSWORD)
    response = client.get(reverse("intake:template", args=["credit_card"]))
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["批次", "填写说明"]
    headers = [c.value for c in book["批次"][1]]
    assert "信用卡卡号" in headers and "标的总额" in headers and "实际发放金额" not in headers
